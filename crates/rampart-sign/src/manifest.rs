//! The model manifest: which files (or shards of files) a model consists of and
//! their digests, enumerated, ordered and hashed exactly as OpenSSF Model Signing
//! v1.0 (`model-signing` 1.x) does. See `docs/oms-format.md` for the byte-level
//! decisions this module follows.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::hashing::{hash_range, HashAlgorithm};

/// Paths ignored by default, as upstream's `ignore_git_paths`.
pub const GIT_PATHS: &[&str] = &[".git", ".gitattributes", ".github", ".gitignore"];

/// Upstream's default shard size (10^9 bytes).
pub const DEFAULT_SHARD_SIZE: u64 = 1_000_000_000;

/// How files are cut into manifest items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// One item per file.
    Files,
    /// Items are `[start, end)` ranges of this many bytes (`path:start:end`).
    Shards(u64),
}

/// What to hash and how.
#[derive(Debug, Clone)]
pub struct HashingConfig {
    /// Digest algorithm of items.
    pub algorithm: HashAlgorithm,
    /// Files or shards.
    pub method: Method,
    /// Follow symbolic links to files (links to directories are skipped, as upstream).
    pub allow_symlinks: bool,
    /// Model-relative paths to leave out (whole path components).
    pub ignore_paths: Vec<String>,
    /// Also ignore `.git`, `.gitattributes`, `.github`, `.gitignore` at the top level.
    pub ignore_git_paths: bool,
}

impl Default for HashingConfig {
    fn default() -> Self {
        HashingConfig {
            algorithm: HashAlgorithm::Sha256,
            method: Method::Files,
            allow_symlinks: false,
            ignore_paths: Vec::new(),
            ignore_git_paths: true,
        }
    }
}

/// One manifest item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Model-relative POSIX path (`.` for a single-file model), with `:start:end`
    /// for shards.
    pub name: String,
    /// Algorithm name as written in the manifest (`sha256`, `sha256-sharded-1048576`).
    pub algorithm: String,
    /// Raw digest.
    pub digest: Vec<u8>,
}

/// A model manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Informative model name (the directory or file name).
    pub model_name: String,
    /// Item digest algorithm.
    pub algorithm: HashAlgorithm,
    /// Files or shards.
    pub method: Method,
    /// Symlinks were followed.
    pub allow_symlinks: bool,
    /// Model-relative ignored paths, sorted.
    pub ignore_paths: Vec<String>,
    /// Items in OMS order.
    pub resources: Vec<Resource>,
}

impl Manifest {
    /// SHA-256 over the raw item digests in the order listed: the in-toto subject
    /// digest.
    pub fn root_digest(&self) -> Vec<u8> {
        root_digest(&self.resources)
    }
}

/// SHA-256 over raw digests in the given order.
pub fn root_digest(resources: &[Resource]) -> Vec<u8> {
    let mut h = HashAlgorithm::Sha256.hasher();
    for r in resources {
        h.update(&r.digest);
    }
    h.finalize()
}

/// The file a resource belongs to: the name itself, or `path` of `path:start:end` in
/// shard mode.
pub fn resource_file(name: &str, method: Method) -> String {
    match method {
        Method::Shards(_) => name.rsplitn(3, ':').nth(2).unwrap_or(name).to_string(),
        Method::Files => name.to_string(),
    }
}

/// Splits a resource name into path components and an optional shard range.
fn sort_key(name: &str, sharded: bool) -> (Vec<&str>, u64, u64) {
    if sharded {
        let mut parts = name.rsplitn(3, ':');
        let end = parts.next().and_then(|e| e.parse().ok()).unwrap_or(0);
        let start = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let path = parts.next().unwrap_or(name);
        (path.split('/').collect(), start, end)
    } else {
        (name.split('/').collect(), 0, 0)
    }
}

/// Orders resources as upstream: by path components (code-point order), then by the
/// numeric shard start and end.
pub fn sort_resources(resources: &mut [Resource], sharded: bool) {
    resources.sort_by(|a, b| {
        let (ka, kb) = (sort_key(&a.name, sharded), sort_key(&b.name, sharded));
        ka.cmp(&kb).then(Ordering::Equal)
    });
}

/// Normalises a user-given model-relative ignore path: POSIX separators, no `./`,
/// no trailing slash. Returns `None` for paths outside the model.
pub fn normalize_relative(path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for c in Path::new(&path.replace('\\', "/")).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// True when `rel` is `ignore` or lies under it (whole components).
pub fn is_ignored(rel: &str, ignores: &[String]) -> bool {
    ignores.iter().any(|i| {
        rel == i
            || (rel.len() > i.len()
                && rel.starts_with(i.as_str())
                && rel.as_bytes().get(i.len()) == Some(&b'/'))
    })
}

/// A file to hash.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// Model-relative POSIX path (`.` for a single-file model).
    pub rel: String,
    /// Path on disk (the link itself for followed symlinks).
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
}

fn rel_posix(root: &Path, path: &Path) -> Result<String> {
    let rel = path
        .strip_prefix(root)
        .map_err(|_| Error::Key(format!("{} is outside the model", path.display())))?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// Enumerates a model's files as upstream does: every regular file under the model
/// path (hidden files included), symlinks refused unless allowed, ignored paths left
/// out. A single file is a model with one item named `.`.
pub fn enumerate(
    model: &Path,
    config: &HashingConfig,
    extra_ignores: &[String],
) -> Result<(Vec<ModelFile>, Vec<String>)> {
    let mut ignores: BTreeSet<String> = config
        .ignore_paths
        .iter()
        .chain(extra_ignores)
        .filter_map(|p| normalize_relative(p))
        .collect();
    if config.ignore_git_paths {
        ignores.extend(GIT_PATHS.iter().map(|s| s.to_string()));
    }
    let ignores: Vec<String> = ignores.into_iter().collect();
    let meta = fs::symlink_metadata(model)
        .map_err(|e| Error::io(format!("reading {}", model.display()), e))?;
    if meta.file_type().is_symlink() && !config.allow_symlinks {
        return Err(Error::Key(format!(
            "cannot use '{}' because it is a symlink (sign with --allow-symlinks to follow links)",
            model.display()
        )));
    }
    let mut files = Vec::new();
    let target_meta =
        fs::metadata(model).map_err(|e| Error::io(format!("reading {}", model.display()), e))?;
    if target_meta.is_file() {
        files.push(ModelFile {
            rel: ".".into(),
            path: model.to_path_buf(),
            size: target_meta.len(),
        });
        return Ok((files, ignores));
    }
    for entry in walkdir::WalkDir::new(model)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| Error::Key(format!("cannot walk the model: {e}")))?;
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_symlink() {
            if !config.allow_symlinks {
                return Err(Error::Key(format!(
                    "cannot use '{}' because it is a symlink (sign with --allow-symlinks to follow links)",
                    path.display()
                )));
            }
            // Links to files are hashed with their target's bytes; links to
            // directories are not descended into (upstream behaviour).
            match fs::metadata(path) {
                Ok(m) if m.is_file() => {
                    let rel = rel_posix(model, path)?;
                    if !is_ignored(&rel, &ignores) {
                        files.push(ModelFile {
                            rel,
                            path: path.to_path_buf(),
                            size: m.len(),
                        });
                    }
                }
                Ok(m) if m.is_dir() => {}
                _ => {
                    return Err(Error::Key(format!(
                        "cannot use '{}': broken symlink or not a regular file",
                        path.display()
                    )))
                }
            }
            continue;
        }
        if ft.is_dir() {
            continue;
        }
        if !ft.is_file() {
            return Err(Error::Key(format!(
                "cannot use '{}' as file or directory (special file)",
                path.display()
            )));
        }
        let rel = rel_posix(model, path)?;
        if is_ignored(&rel, &ignores) {
            continue;
        }
        let size = entry
            .metadata()
            .map_err(|e| Error::Key(format!("cannot stat {}: {e}", path.display())))?
            .len();
        files.push(ModelFile {
            rel,
            path: path.to_path_buf(),
            size,
        });
    }
    Ok((files, ignores))
}

/// The informative model name: the last path component, or the resolved directory's
/// name for `.`.
pub fn model_name(model: &Path) -> String {
    let name = model
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.is_empty() || name == ".." {
        return model
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| ".".into());
    }
    name
}

/// One unit of hashing work.
struct Item<'a> {
    file: &'a ModelFile,
    start: u64,
    end: u64,
}

/// Whether a signed manifest covers one file given as the model itself (every
/// resource is the file `.`), rather than the files of a directory.
#[must_use]
pub fn resource_file_is_whole_model(signed: &Manifest) -> bool {
    !signed.resources.is_empty()
        && signed
            .resources
            .iter()
            .all(|r| resource_file(&r.name, signed.method) == ".")
}

/// Most shards one signature may list. Each is a resource of about 250 bytes in the
/// signature and a work item in memory while hashing, so a tiny shard size on a large
/// model would otherwise allocate without bound (1 byte shards of 1 GiB: 2^30 items).
pub const MAX_SHARDS: u64 = 100_000;

/// Hashes the given files (whole or in shards) in parallel and returns resources in
/// OMS order. `progress` receives byte counts as they are hashed.
///
/// # Errors
/// [`Error::Key`] when the shard size would make more than [`MAX_SHARDS`] shards.
pub fn hash_files(
    files: &[ModelFile],
    config: &HashingConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Resource>> {
    // BLAKE3 has no sharded form upstream: it silently hashes whole files.
    let method = if config.algorithm == HashAlgorithm::Blake3 {
        Method::Files
    } else {
        config.method
    };
    if let Method::Shards(size) = method {
        let size = size.max(1);
        let shards: u64 = files
            .iter()
            .map(|f| f.size.div_ceil(size))
            .fold(0, u64::saturating_add);
        if shards > MAX_SHARDS {
            let total: u64 = files.iter().map(|f| f.size).fold(0, u64::saturating_add);
            return Err(Error::Key(format!(
                "a shard size of {size} bytes makes {shards} shards (at most {MAX_SHARDS}, \
                 about {} MB of signature): use a shard size of at least {} bytes",
                MAX_SHARDS * 250 / 1_000_000,
                total.div_ceil(MAX_SHARDS).max(1)
            )));
        }
    }
    let mut items = Vec::new();
    for file in files {
        match method {
            Method::Files => items.push(Item {
                file,
                start: 0,
                end: file.size,
            }),
            Method::Shards(size) => {
                let size = size.max(1);
                let mut start = 0;
                while start < file.size {
                    let end = (start + size).min(file.size);
                    items.push(Item { file, start, end });
                    start = end;
                }
            }
        }
    }
    // Largest first, so that one huge file does not start last and serialise the tail.
    items.sort_by_key(|item| std::cmp::Reverse(item.end - item.start));
    let algorithm_name = match method {
        Method::Files => config.algorithm.name().to_string(),
        Method::Shards(size) => format!("{}-sharded-{size}", config.algorithm.name()),
    };
    // One task per item: with rayon's default splitting, the largest items (sorted
    // first) would all land in the first half, hashed by one thread while the other
    // finished the small files; single-item tasks let idle threads steal big ones.
    let run = || -> Result<Vec<Resource>> {
        items
            .par_iter()
            .with_max_len(1)
            .map(|item| {
                let digest = hash_range(
                    &item.file.path,
                    item.start,
                    item.end,
                    config.algorithm,
                    progress,
                )
                .map_err(|e| Error::io(format!("hashing {}", item.file.path.display()), e))?;
                let name = match method {
                    Method::Files => item.file.rel.clone(),
                    Method::Shards(_) => format!("{}:{}:{}", item.file.rel, item.start, item.end),
                };
                Ok(Resource {
                    name,
                    algorithm: algorithm_name.clone(),
                    digest,
                })
            })
            .collect()
    };
    // A file's SHA-256 cannot be split across cores, so a few large files would leave
    // a core idle at the end (5 files on 2 cores: 3 on one, 2 on the other). More
    // hashing threads than cores let the kernel share the cores among all large files
    // at once, which balances the load; BLAKE3 parallelises inside files instead.
    let big_files = items
        .iter()
        .filter(|i| i.end - i.start >= 64 * 1024 * 1024)
        .count();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut resources = if config.algorithm != HashAlgorithm::Blake3 && big_files > cores {
        let threads = big_files.min(cores * 4);
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(run)?,
            Err(_) => run()?,
        }
    } else {
        run()?
    };
    sort_resources(&mut resources, matches!(method, Method::Shards(_)));
    Ok(resources)
}

/// Builds the manifest of a model: enumerate, hash, order.
pub fn build(
    model: &Path,
    config: &HashingConfig,
    extra_ignores: &[String],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Manifest> {
    let (files, ignores) = enumerate(model, config, extra_ignores)?;
    let resources = hash_files(&files, config, progress)?;
    let method = if config.algorithm == HashAlgorithm::Blake3 {
        Method::Files
    } else {
        config.method
    };
    Ok(Manifest {
        model_name: model_name(model),
        algorithm: config.algorithm,
        method,
        allow_symlinks: config.allow_symlinks,
        ignore_paths: ignores,
        resources,
    })
}

/// Counts bytes for a progress display.
#[derive(Debug, Default)]
pub struct ByteCounter(pub AtomicU64);

impl ByteCounter {
    /// Adds bytes.
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, AtomicOrdering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(name: &str) -> Resource {
        Resource {
            name: name.into(),
            algorithm: "sha256".into(),
            digest: vec![],
        }
    }

    #[test]
    fn orders_by_path_components_then_numeric_shards() {
        let mut v: Vec<Resource> = [
            "a.txt",
            "a-b/x.txt",
            "a/b.txt",
            "a/b/c.txt",
            "B.txt",
            "donn\u{e9}es.txt",
            "f.bin",
        ]
        .iter()
        .map(|n| r(n))
        .collect();
        sort_resources(&mut v, false);
        let names: Vec<&str> = v.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "B.txt",
                "a/b/c.txt",
                "a/b.txt",
                "a-b/x.txt",
                "a.txt",
                "donn\u{e9}es.txt",
                "f.bin"
            ]
        );
        let mut s = vec![
            r("f.bin:1000:1050"),
            r("f.bin:900:1000"),
            r("f.bin:0:100"),
            r("a:5:6"),
        ];
        sort_resources(&mut s, true);
        let names: Vec<&str> = s.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["a:5:6", "f.bin:0:100", "f.bin:900:1000", "f.bin:1000:1050"]
        );
    }

    #[test]
    fn ignore_paths_match_whole_components() {
        let ig = vec!["tokenizer".to_string(), ".git".to_string()];
        assert!(is_ignored("tokenizer", &ig));
        assert!(is_ignored("tokenizer/vocab.txt", &ig));
        assert!(!is_ignored("tokenizer2/x", &ig));
        assert!(!is_ignored("sub/.git", &ig));
        assert_eq!(normalize_relative("./tok/"), Some("tok".into()));
        assert_eq!(normalize_relative("../x"), None);
        assert_eq!(normalize_relative("/etc"), None);
    }
}
