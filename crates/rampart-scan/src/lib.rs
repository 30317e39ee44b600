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

pub mod allowlist;
pub mod blob;
pub mod context;
mod engine;
pub mod format;
pub mod formats;
pub mod limits;
mod naming;
pub mod policy;
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
    /// Pickle globals (`module.name`) the user allows: constructible and callable like
    /// allow-list entries. Dangerous names can never be allowed (the judgement ranks
    /// the deny-list first; [`formats::pickle::refuse_user_allow`] says why).
    pub allow: formats::pickle::UserAllow,
    /// Paths not scanned: each excluded file or folder is listed once as `skipped` with
    /// the pattern, and a folder's content is not walked.
    pub exclude: Vec<policy::Glob>,
}

/// The first exclude pattern matching `rel` (a path relative to the scanned root, or
/// the path as given).
fn excluded<'o>(options: &'o ScanOptions, rel: &Path) -> Option<&'o str> {
    let text = rel.to_string_lossy();
    options
        .exclude
        .iter()
        .find(|g| g.matches(&text))
        .map(policy::Glob::as_str)
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
/// used to resolve relative references such as ONNX external data). A name that
/// promises a model format the content is not is reported (`FMT001`).
pub fn scan_blob(
    data: &dyn blob::Blob,
    name: &str,
    base_dir: Option<PathBuf>,
    limits: &Limits,
) -> BlobScan {
    let mut ctx = context::Ctx::new(limits, base_dir);
    let format = engine::scan_blob(data, name, &mut ctx);
    naming::check(data, name, false, format, &mut ctx);
    let (findings, incomplete) = ctx.finish();
    BlobScan {
        format,
        findings,
        incomplete,
    }
}

/// True for formats whose content was not judged: the file report's verdict becomes
/// `unrecognized` unless something was found.
fn unjudged(format: Format) -> bool {
    matches!(format, Format::Unknown | Format::Empty | Format::Compressed)
}

/// Scans one file.
pub fn scan_file(path: &Path, display: String, options: &ScanOptions) -> FileReport {
    scan_file_named(path, Path::new(&display), display.clone(), options)
}

/// Scans the file at `read`, judging its name and folder from `named` (the path a
/// symbolic link was found at, or the file itself).
fn scan_file_named(
    read: &Path,
    named: &Path,
    display: String,
    options: &ScanOptions,
) -> FileReport {
    let file = match File::open(read).and_then(blob::FileBlob::new) {
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
    let name = named
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = named.parent().map(Path::to_path_buf);
    let model_folder = folder
        .as_ref()
        .is_some_and(|f| f.join("config.json").is_file());
    let mut ctx = context::Ctx::new(&options.limits, folder);
    ctx.allow = &options.allow;
    let format = engine::scan_blob(&file, &name, &mut ctx);
    naming::check(&file, &name, model_folder, format, &mut ctx);
    let (findings, incomplete) = ctx.finish();
    let report = FileReport::new(
        display,
        format.name().into(),
        Some(size),
        findings,
        incomplete,
        None,
    );
    if unjudged(format) {
        report.unrecognized()
    } else {
        report
    }
}

/// One entry found while walking the paths.
enum Target {
    /// A file to judge: `read` is what is read, `at` where it was found (they differ
    /// for a symbolic link that was resolved).
    File { at: PathBuf, read: PathBuf },
    /// An entry that is listed but not read, with the reason.
    Skipped(PathBuf, String),
    /// A path that could not be walked.
    Error(PathBuf, String),
}

/// Hugging Face hub cache repository folders: `models--org--name`, `datasets--…`,
/// `spaces--…`, each holding `blobs/`, `snapshots/REV/` and `refs/`.
fn is_hf_repo_folder(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        ["models--", "datasets--", "spaces--"]
            .iter()
            .any(|p| n.starts_with(p))
    })
}

/// True for `…/models--*/blobs/SHA`.
fn is_hf_blob_path(path: &Path) -> bool {
    path.parent().is_some_and(|blobs| {
        blobs.file_name().and_then(|n| n.to_str()) == Some("blobs")
            && blobs.parent().is_some_and(is_hf_repo_folder)
    })
}

/// True when `target` (canonical) is a blob of a Hugging Face cache that the link at
/// `link` may read: a blob of the same `models--*` folder when the link is inside one
/// (a cache snapshot), any cache blob when it is not (a snapshot downloaded to a local
/// folder whose files link into the cache).
fn is_hf_blob_for(link: &Path, target: &Path) -> bool {
    let Some(blobs) = target.parent() else {
        return false;
    };
    let Some(repo) = blobs.parent() else {
        return false;
    };
    if blobs.file_name().and_then(|n| n.to_str()) != Some("blobs") || !is_hf_repo_folder(repo) {
        return false;
    }
    let Some(link_dir) = link.parent().and_then(|d| std::fs::canonicalize(d).ok()) else {
        return false;
    };
    match link_dir.ancestors().find(|a| is_hf_repo_folder(a)) {
        Some(own_repo) => own_repo == repo,
        None => true,
    }
}

/// Decides what to do with a symbolic link met while walking `root` (canonical)
/// without `--follow-symlinks`: reading a regular file is safe, so a link to a file
/// inside the scanned tree or to a Hugging Face cache blob is judged; anything else is
/// listed as skipped with the reason.
fn resolve_link(link: &Path, root: Option<&Path>) -> Result<PathBuf, String> {
    let target = std::fs::canonicalize(link)
        .map_err(|e| format!("symbolic link that does not resolve ({e}); not followed"))?;
    let meta = std::fs::metadata(&target).map_err(|e| {
        format!(
            "symbolic link to {} that cannot be read ({e}); not followed",
            target.display()
        )
    })?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a directory"
        } else {
            "a special file"
        };
        return Err(format!(
            "symbolic link to {kind} ({}); not followed (use --follow-symlinks)",
            target.display()
        ));
    }
    if root.is_some_and(|r| target.starts_with(r)) || is_hf_blob_for(link, &target) {
        return Ok(target);
    }
    Err(format!(
        "symbolic link to {} outside the scanned tree; not followed (use --follow-symlinks)",
        target.display()
    ))
}

/// Why an entry that is neither a file, a directory nor a link is not read.
fn special_kind(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe); not read";
        }
        if file_type.is_socket() {
            return "a socket; not read";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device; not read";
        }
    }
    let _ = file_type;
    "not a regular file; not read"
}

fn collect(paths: &[PathBuf], options: &ScanOptions) -> Vec<Target> {
    let mut out = Vec::new();
    for root in paths {
        if let Some(pattern) = excluded(options, root) {
            out.push(Target::Skipped(
                root.clone(),
                format!("excluded by the pattern {pattern:?}; not read"),
            ));
            continue;
        }
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_file() => out.push(Target::File {
                at: root.clone(),
                read: root.clone(),
            }),
            Ok(meta) if meta.is_dir() => {
                let canonical_root = std::fs::canonicalize(root).ok();
                let walker = walkdir::WalkDir::new(root)
                    .follow_links(options.follow_symlinks)
                    .sort_by_file_name();
                let mut entries = walker.into_iter();
                while let Some(entry) = entries.next() {
                    if let Ok(e) = &entry {
                        let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                        let pattern = (e.depth() > 0).then(|| excluded(options, rel)).flatten();
                        if let Some(pattern) = pattern {
                            if e.file_type().is_dir() {
                                entries.skip_current_dir();
                            }
                            out.push(Target::Skipped(
                                e.path().to_path_buf(),
                                format!("excluded by the pattern {pattern:?}; not read"),
                            ));
                            continue;
                        }
                    }
                    match entry {
                        Ok(e) if e.file_type().is_file() => {
                            let path = e.into_path();
                            out.push(Target::File {
                                at: path.clone(),
                                read: path,
                            });
                        }
                        Ok(e) if e.file_type().is_dir() => {}
                        Ok(e) if e.path_is_symlink() && e.file_type().is_symlink() => {
                            let at = e.into_path();
                            match resolve_link(&at, canonical_root.as_deref()) {
                                Ok(read) => out.push(Target::File { at, read }),
                                Err(why) => out.push(Target::Skipped(at, why)),
                            }
                        }
                        Ok(e) => {
                            let why = special_kind(e.file_type()).to_string();
                            out.push(Target::Skipped(e.into_path(), why));
                        }
                        Err(e) => {
                            let path = e.path().map_or_else(|| root.clone(), Path::to_path_buf);
                            out.push(Target::Error(path, e.to_string()));
                        }
                    }
                }
            }
            Ok(meta) => out.push(Target::Error(
                root.clone(),
                format!(
                    "{}; not a regular file or directory",
                    special_kind(meta.file_type())
                ),
            )),
            Err(e) => out.push(Target::Error(root.clone(), e.to_string())),
        }
    }
    out
}

/// The work of a scan: each distinct file judged once, under every path it was found at.
enum Job {
    /// Read `read` once; report it under each path (with the link target when the
    /// path is a symbolic link).
    Judge {
        read: PathBuf,
        paths: Vec<(PathBuf, bool)>,
    },
    Skipped(PathBuf, String),
    Error(PathBuf, String),
}

/// Groups the files by the file actually read (its canonical path), so that a blob
/// that several snapshot links point to is judged once. When a Hugging Face cache blob
/// is reached both directly and through links (a whole cache folder: `blobs/SHA` and
/// `snapshots/REV/name`), it is reported under the link paths only: those carry the
/// names a loader uses.
fn plan(targets: Vec<Target>) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut index: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    for target in targets {
        match target {
            Target::File { at, read } => {
                let linked = at != read;
                let key = std::fs::canonicalize(&read).unwrap_or_else(|_| read.clone());
                if let Some(&i) = index.get(&key) {
                    if let Some(Job::Judge { paths, .. }) = jobs.get_mut(i) {
                        paths.push((at, linked));
                    }
                } else {
                    index.insert(key, jobs.len());
                    jobs.push(Job::Judge {
                        read,
                        paths: vec![(at, linked)],
                    });
                }
            }
            Target::Skipped(p, why) => jobs.push(Job::Skipped(p, why)),
            Target::Error(p, why) => jobs.push(Job::Error(p, why)),
        }
    }
    for job in &mut jobs {
        if let Job::Judge { paths, .. } = job {
            if paths.iter().any(|(_, linked)| *linked) {
                paths.retain(|(p, linked)| *linked || !is_hf_blob_path(p));
            }
        }
    }
    jobs
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
///
/// Inside directories, symbolic links are judged when they resolve to a regular file
/// inside the scanned tree or to a blob of a Hugging Face cache (`models--*/blobs/`),
/// so caches and downloaded snapshots scan through their links; each file is read once
/// and reported under every path that reaches it. Other links (unless
/// `follow_symlinks`), FIFOs, sockets and devices are listed with the verdict
/// `skipped` and the reason.
pub fn scan_paths(paths: &[PathBuf], options: &ScanOptions, progress: &dyn Progress) -> Report {
    let jobs = plan(collect(paths, options));
    progress.start(jobs.len());
    let files: Vec<FileReport> = jobs
        .par_iter()
        .flat_map_iter(|job| {
            let reports = match job {
                Job::Judge { read, paths } => {
                    let (first, first_linked) = match paths.first() {
                        Some((p, linked)) => (p.clone(), *linked),
                        None => (read.clone(), false),
                    };
                    let named = if first_linked {
                        first.as_path()
                    } else {
                        read.as_path()
                    };
                    let judged = scan_file_named(read, named, first.display().to_string(), options);
                    paths
                        .iter()
                        .map(|(p, linked)| {
                            let mut r = judged.clone();
                            r.path = p.display().to_string();
                            if *linked {
                                r.target = Some(read.display().to_string());
                            }
                            r
                        })
                        .collect::<Vec<_>>()
                }
                Job::Skipped(p, why) => vec![FileReport::skipped(
                    p.display().to_string(),
                    Format::Unknown.name().into(),
                    why.clone(),
                )],
                Job::Error(p, e) => vec![FileReport::new(
                    p.display().to_string(),
                    Format::Unknown.name().into(),
                    None,
                    Vec::new(),
                    true,
                    Some(e.clone()),
                )],
            };
            progress.file_done();
            reports
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

    /// The compressed-stream decoders, each tried on the data under a 1 MiB cap, and
    /// the whole stream path (detection, decoding, the scan of the content).
    pub fn decompress(data: &[u8]) {
        for kind in crate::engine::Compression::ALL {
            let mut out = Vec::new();
            let _ = crate::engine::decompress(&data, kind, 1 << 20, &mut out);
        }
        let limits = Limits {
            member_bytes: 1 << 20,
            ..Limits::default()
        };
        let _ = crate::scan_bytes(data, "fuzz.joblib", &limits);
    }

    /// The baseline parser (TOML and JSON) and the glob matcher: the first line is a
    /// pattern, the rest a path.
    pub fn policy(data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        let _ = crate::policy::Baseline::parse(&text, "fuzz.toml", false);
        let _ = crate::policy::Baseline::parse(&text, "fuzz.json", true);
        let (pattern, path) = text.split_once('\n').unwrap_or((&text, "a/b/c"));
        if let Ok(glob) = crate::policy::Glob::new(pattern) {
            let _ = glob.matches(path);
        }
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
        ("decompress", decompress),
        ("policy", policy),
    ];
}
