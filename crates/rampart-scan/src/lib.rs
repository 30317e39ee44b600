//! rampart's model-file scanner: finds code execution hidden in untrusted model files
//! (pickles, PyTorch, NumPy, joblib, Keras, TensorFlow, ONNX, GGUF, safetensors) by
//! parsing them statically — never by loading them.
//!
//! Formats are recognised by content, never by extension. Each parser runs once per
//! file and produces an intermediate representation that the rules in [`rules`]
//! judge. Archives and compressed streams are opened recursively within [`Limits`];
//! tensor data is never read.
//!
//! ```no_run
//! use rampart_scan::{scan_paths, ScanOptions};
//! let report = scan_paths(&["models/".into()], &ScanOptions::default(), &());
//! for file in &report.files {
//!     println!("{} {} {:?}", file.path, file.format, file.verdict);
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod blob;
pub mod context;
mod engine;
pub mod format;
pub mod formats;
pub mod limits;
pub mod rules;

use std::fs::File;
use std::path::{Path, PathBuf};

use rampart_core::{FileReport, Finding, Report};
use rayon::prelude::*;

pub use format::Format;
pub use limits::Limits;

/// Options for a scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Resource caps.
    pub limits: Limits,
    /// Follow symbolic links found while walking directories. Paths named on the
    /// command line are always followed.
    pub follow_symlinks: bool,
}

/// The outcome of scanning bytes: the format, the findings, and whether some part
/// could not be judged.
#[derive(Debug)]
pub struct BlobScan {
    /// Recognised format.
    pub format: Format,
    /// Findings.
    pub findings: Vec<Finding>,
    /// True when a parse failure or a limit left part of the data unjudged.
    pub incomplete: bool,
}

/// Scans in-memory bytes as if they were a file named `name`.
pub fn scan_bytes(data: &[u8], name: &str, limits: &Limits) -> BlobScan {
    scan_blob(&data, name, None, limits)
}

/// Scans any [`blob::Blob`] as if it were a file named `name` in `base_dir` (the folder
/// used to resolve relative references such as ONNX external data).
pub fn scan_blob(
    data: &dyn blob::Blob,
    name: &str,
    base_dir: Option<PathBuf>,
    limits: &Limits,
) -> BlobScan {
    let mut ctx = context::Ctx::new(limits, base_dir);
    let format = engine::scan_blob(data, name, &mut ctx);
    let (findings, incomplete) = ctx.finish();
    BlobScan {
        format,
        findings,
        incomplete,
    }
}

/// Scans one file.
pub fn scan_file(path: &Path, display: String, options: &ScanOptions) -> FileReport {
    let file = match File::open(path).and_then(blob::FileBlob::new) {
        Ok(f) => f,
        Err(e) => {
            return FileReport::new(
                display,
                Format::Unknown.name().into(),
                None,
                Vec::new(),
                true,
                Some(e.to_string()),
            );
        }
    };
    let size = blob::Blob::len(&file);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut ctx = context::Ctx::new(&options.limits, path.parent().map(Path::to_path_buf));
    let format = engine::scan_blob(&file, &name, &mut ctx);
    let (findings, incomplete) = ctx.finish();
    FileReport::new(
        display,
        format.name().into(),
        Some(size),
        findings,
        incomplete,
        None,
    )
}

/// One file to scan, or a path that could not be walked.
enum Target {
    File(PathBuf),
    Error(PathBuf, String),
}

fn collect(paths: &[PathBuf], options: &ScanOptions) -> Vec<Target> {
    let mut out = Vec::new();
    for root in paths {
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_file() => out.push(Target::File(root.clone())),
            Ok(meta) if meta.is_dir() => {
                let walker = walkdir::WalkDir::new(root)
                    .follow_links(options.follow_symlinks)
                    .sort_by_file_name();
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_file() => out.push(Target::File(e.into_path())),
                        Ok(_) => {}
                        Err(e) => {
                            let path = e.path().map_or_else(|| root.clone(), Path::to_path_buf);
                            out.push(Target::Error(path, e.to_string()));
                        }
                    }
                }
            }
            Ok(_) => out.push(Target::Error(
                root.clone(),
                "not a regular file or directory".into(),
            )),
            Err(e) => out.push(Target::Error(root.clone(), e.to_string())),
        }
    }
    out
}

/// Receives progress while [`scan_paths`] runs (a progress bar, for instance). Both
/// methods default to doing nothing; `()` implements the trait for silent scans.
pub trait Progress: Sync {
    /// Called once, with the number of files that will be judged.
    fn start(&self, _files: usize) {}
    /// Called after each file is judged (from worker threads).
    fn file_done(&self) {}
}

impl Progress for () {}

/// Scans files and directories (recursively) in parallel and returns the report.
pub fn scan_paths(paths: &[PathBuf], options: &ScanOptions, progress: &dyn Progress) -> Report {
    let targets = collect(paths, options);
    progress.start(targets.len());
    let files: Vec<FileReport> = targets
        .par_iter()
        .map(|t| {
            let report = match t {
                Target::File(p) => scan_file(p, p.display().to_string(), options),
                Target::Error(p, e) => FileReport::new(
                    p.display().to_string(),
                    Format::Unknown.name().into(),
                    None,
                    Vec::new(),
                    true,
                    Some(e.clone()),
                ),
            };
            progress.file_done();
            report
        })
        .collect();
    Report::new("scan", env!("CARGO_PKG_VERSION"), files)
}

#[doc(hidden)]
/// Entry points for `cargo fuzz`. Not a stable interface.
pub mod fuzzing {
    use crate::{formats, Limits};

    /// Every format through content detection.
    pub fn scan(data: &[u8]) {
        let _ = crate::scan_bytes(data, "fuzz", &Limits::default());
    }

    /// The pickle machine.
    pub fn pickle(data: &[u8]) {
        let _ = formats::pickle::scan_pickles(&data, 0, &Limits::default());
    }

    /// The zip reader and every member.
    pub fn zip(data: &[u8]) {
        if let Ok(archive) = formats::zip::read_archive(&data, &Limits::default()) {
            for entry in &archive.entries {
                let _ = formats::zip::open_member(&data, entry, 1 << 20);
            }
        }
    }

    /// The GGUF reader.
    pub fn gguf(data: &[u8]) {
        let mut ir = formats::gguf::GgufIr::default();
        let _ = formats::gguf::parse(&data, 1 << 20, 1 << 20, &mut ir);
    }

    /// The safetensors validator.
    pub fn safetensors(data: &[u8]) {
        let _ = formats::safetensors::validate(&data);
    }

    /// The Jinja template analyser.
    pub fn template(data: &[u8]) {
        let _ = formats::template::analyze(&String::from_utf8_lossy(data));
    }

    /// The `.npy` header parser.
    pub fn npy(data: &[u8]) {
        let _ = formats::npy::parse_header(&data);
    }

    /// The Keras config analyser.
    pub fn keras(data: &[u8]) {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
            let _ = formats::keras::analyze(&v);
        }
        let _ = formats::keras::marshal_names(data);
    }

    /// The HDF5 root-attribute reader.
    pub fn hdf5(data: &[u8]) {
        let _ = formats::hdf5::read_root_attributes(&data, &formats::hdf5::Hdf5Limits::default());
    }

    /// The protobuf walkers (ONNX, SavedModel, GraphDef).
    pub fn protobuf(data: &[u8]) {
        let limits = formats::protobuf::ProtoLimits::default();
        let _ = formats::onnx::parse_onnx(&data, &limits);
        let _ = formats::tensorflow::parse_saved_model(&data, &limits);
        let _ = formats::tensorflow::parse_graph_def(&data, &limits);
    }

    /// The tar reader.
    pub fn tar(data: &[u8]) {
        let limits = Limits::default();
        let mut ctx = crate::context::Ctx::new(&limits, None);
        let _ = formats::tar::read_entries(&data, &mut ctx);
    }

    /// A fuzz entry point.
    pub type Target = fn(&[u8]);

    /// Every entry point, for tests that replay inputs through all of them.
    pub const ALL: &[(&str, Target)] = &[
        ("scan", scan),
        ("pickle", pickle),
        ("zip", zip),
        ("gguf", gguf),
        ("safetensors", safetensors),
        ("template", template),
        ("npy", npy),
        ("keras", keras),
        ("hdf5", hdf5),
        ("protobuf", protobuf),
        ("tar", tar),
    ];
}
