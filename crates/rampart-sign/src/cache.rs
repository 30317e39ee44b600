//! rampart's plain JSON manifest (an extension to OMS): every file's size,
//! modification time and digests. `rampart sign` writes it next to the signature
//! (`model.sig.manifest.json`) and `rampart hash` writes it alone. Other commands
//! reuse it so that a large model is never hashed twice: incremental re-signing
//! (`--reuse`) rehashes only files whose size or time stamps changed, and the
//! AI-BOM takes its file hashes from it.
//!
//! A digest is reused only when the file's size, modification time, status-change
//! time (`ctime`) and inode are all unchanged. The modification time alone is not
//! enough: anyone who can write the file can also set it back (`touch -d`), but
//! setting it changes the status-change time, which only the kernel sets. Where
//! there is no status-change time (not Unix) nothing is reused.
//!
//! A manifest next to a signature is trusted only when its digests equal the ones
//! in the verified signature, so a tampered cache cannot smuggle digests in.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::hashing::{hash_range, HashAlgorithm};
use crate::manifest::{self, HashingConfig, Manifest, Method, ModelFile, Resource};

/// Schema identifier of the JSON manifest.
pub const SCHEMA: &str = "rampart-manifest/v1";

/// One item digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedResource {
    /// Resource name as in the OMS manifest (`path` or `path:start:end`).
    pub name: String,
    /// Lower-case hex digest.
    pub digest: String,
}

/// One file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Model-relative POSIX path.
    pub path: String,
    /// Size in bytes when hashed.
    pub size: u64,
    /// Modification time when hashed, nanoseconds since the Unix epoch.
    pub mtime_ns: u128,
    /// Status-change time (`ctime`) when hashed, nanoseconds since the Unix epoch;
    /// 0 when unknown (older manifests), which never matches.
    #[serde(default)]
    pub ctime_ns: u128,
    /// Inode number when hashed (0 when unknown).
    #[serde(default)]
    pub inode: u64,
    /// The file's items (one, or one per shard).
    pub resources: Vec<CachedResource>,
}

/// The JSON manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashManifest {
    /// [`SCHEMA`].
    pub schema: String,
    /// Model name.
    pub model: String,
    /// Item algorithm name (`sha256`, `blake2b`, `blake3`).
    pub hash_type: String,
    /// `files` or `shards`.
    pub method: String,
    /// Shard size for `shards`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard_size: Option<u64>,
    /// Symlinks followed.
    pub allow_symlinks: bool,
    /// Ignored paths.
    pub ignore_paths: Vec<String>,
    /// OMS root digest (hex SHA-256).
    pub root_digest: String,
    /// Files, in path order.
    pub files: Vec<FileRecord>,
}

/// Statistics of a hashing run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashStats {
    /// Files hashed.
    pub hashed_files: usize,
    /// Files whose digests were reused.
    pub reused_files: usize,
    /// Bytes read and hashed.
    pub hashed_bytes: u64,
}

/// The time stamps a cached digest is tied to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stamp {
    mtime_ns: u128,
    ctime_ns: u128,
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> Stamp {
        let Ok(meta) = fs::metadata(path) else {
            return Stamp::default();
        };
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        #[cfg(unix)]
        let (ctime_ns, inode) = {
            use std::os::unix::fs::MetadataExt;
            let ns = u128::try_from(meta.ctime()).ok().and_then(|s| {
                let nsec = u128::try_from(meta.ctime_nsec()).ok()?;
                Some(s * 1_000_000_000 + nsec)
            });
            (ns.unwrap_or(0), meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime_ns, inode) = (0, 0);
        Stamp {
            mtime_ns,
            ctime_ns,
            inode,
        }
    }

    /// Whether `rec` was hashed from this very file state.
    fn matches(&self, rec: &FileRecord) -> bool {
        self.ctime_ns != 0
            && self.mtime_ns == rec.mtime_ns
            && self.ctime_ns == rec.ctime_ns
            && self.inode == rec.inode
    }
}

fn method_name(method: Method) -> (&'static str, Option<u64>) {
    match method {
        Method::Files => ("files", None),
        Method::Shards(s) => ("shards", Some(s)),
    }
}

impl HashManifest {
    /// Reads a manifest file.
    pub fn read(path: &Path) -> Result<HashManifest> {
        let text = rampart_core::bounded::read_to_string(path, crate::sign::MAX_SIGNATURE_BYTES)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e.into()))?;
        let m: HashManifest = serde_json::from_str(&text).map_err(|e| {
            Error::Format(format!("{} is not a rampart manifest: {e}", path.display()))
        })?;
        if m.schema != SCHEMA {
            return Err(Error::Format(format!(
                "{} has schema {:?}, expected {SCHEMA:?}",
                path.display(),
                m.schema
            )));
        }
        Ok(m)
    }

    /// Writes it atomically as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self).map_err(|e| Error::Format(e.to_string()))?;
        crate::write_atomically(path, json.as_bytes())
    }

    /// The OMS resources it records, in order.
    pub fn resources(&self) -> Option<Vec<Resource>> {
        let algorithm = match (self.method.as_str(), self.shard_size) {
            ("shards", Some(size)) => format!("{}-sharded-{size}", self.hash_type),
            _ => self.hash_type.clone(),
        };
        let mut out = Vec::new();
        for f in &self.files {
            for r in &f.resources {
                out.push(Resource {
                    name: r.name.clone(),
                    algorithm: algorithm.clone(),
                    digest: hex::decode(&r.digest).ok()?,
                });
            }
        }
        manifest::sort_resources(&mut out, self.method == "shards");
        Some(out)
    }

    /// True when it records exactly the resources of `signed`.
    pub fn matches(&self, signed: &Manifest) -> bool {
        self.resources().is_some_and(|r| r == signed.resources)
    }
}

/// Builds the OMS manifest of `model`, reusing the digests of files in `cache` whose
/// path, size and time stamps are unchanged (and whose hashing settings
/// match). Returns the manifest, the JSON manifest to store, and statistics.
pub fn build_with_cache(
    model: &Path,
    config: &HashingConfig,
    extra_ignores: &[String],
    cache: Option<&HashManifest>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Manifest, HashManifest, HashStats)> {
    let (files, ignores) = manifest::enumerate(model, config, extra_ignores)?;
    let method = if config.algorithm == HashAlgorithm::Blake3 {
        Method::Files
    } else {
        config.method
    };
    let (method_str, shard_size) = method_name(method);
    let usable = cache.filter(|c| {
        c.hash_type == config.algorithm.name()
            && c.method == method_str
            && c.shard_size == shard_size
            && c.allow_symlinks == config.allow_symlinks
    });
    let cached: HashMap<&str, &FileRecord> = usable
        .map(|c| c.files.iter().map(|f| (f.path.as_str(), f)).collect())
        .unwrap_or_default();
    let stamps: Vec<Stamp> = files.par_iter().map(|f| Stamp::of(&f.path)).collect();
    let mut to_hash: Vec<ModelFile> = Vec::new();
    let mut records: Vec<FileRecord> = Vec::new();
    for (file, stamp) in files.iter().zip(&stamps) {
        match cached.get(file.rel.as_str()) {
            Some(rec) if rec.size == file.size && stamp.matches(rec) => {
                records.push((*rec).clone())
            }
            _ => to_hash.push(file.clone()),
        }
    }
    let stats = HashStats {
        reused_files: records.len(),
        hashed_files: to_hash.len(),
        hashed_bytes: to_hash.iter().map(|f| f.size).sum(),
    };
    let fresh = manifest::hash_files(&to_hash, config, progress)?;
    let file_of = |name: &str| manifest::resource_file(name, method);
    let mut by_file: HashMap<String, Vec<CachedResource>> = HashMap::new();
    for r in &fresh {
        by_file
            .entry(file_of(&r.name))
            .or_default()
            .push(CachedResource {
                name: r.name.clone(),
                digest: hex::encode(&r.digest),
            });
    }
    for (file, stamp) in files.iter().zip(&stamps) {
        if let Some(resources) = by_file.remove(&file.rel) {
            records.push(FileRecord {
                path: file.rel.clone(),
                size: file.size,
                mtime_ns: stamp.mtime_ns,
                ctime_ns: stamp.ctime_ns,
                inode: stamp.inode,
                resources,
            });
        } else if to_hash.iter().any(|f| f.rel == file.rel) {
            // An empty file in shard mode has no items.
            records.push(FileRecord {
                path: file.rel.clone(),
                size: file.size,
                mtime_ns: stamp.mtime_ns,
                ctime_ns: stamp.ctime_ns,
                inode: stamp.inode,
                resources: Vec::new(),
            });
        }
    }
    records.sort_by(|a, b| a.path.split('/').cmp(b.path.split('/')));
    let algorithm_name = match method {
        Method::Files => config.algorithm.name().to_string(),
        Method::Shards(size) => format!("{}-sharded-{size}", config.algorithm.name()),
    };
    let mut resources = Vec::new();
    for rec in &records {
        for r in &rec.resources {
            let digest = hex::decode(&r.digest)
                .ok()
                .ok_or_else(|| Error::Format(format!("cached digest of {} is not hex", r.name)))?;
            resources.push(Resource {
                name: r.name.clone(),
                algorithm: algorithm_name.clone(),
                digest,
            });
        }
    }
    manifest::sort_resources(&mut resources, matches!(method, Method::Shards(_)));
    let oms = Manifest {
        model_name: manifest::model_name(model),
        algorithm: config.algorithm,
        method,
        allow_symlinks: config.allow_symlinks,
        ignore_paths: ignores.clone(),
        resources,
    };
    let json = HashManifest {
        schema: SCHEMA.into(),
        model: oms.model_name.clone(),
        hash_type: config.algorithm.name().into(),
        method: method_str.into(),
        shard_size,
        allow_symlinks: config.allow_symlinks,
        ignore_paths: ignores,
        root_digest: hex::encode(oms.root_digest()),
        files: records,
    };
    Ok((oms, json, stats))
}

/// Hashes one file (whole) with `algorithm`; used when restoring from a backup.
pub fn file_digest(path: &Path, size: u64, algorithm: HashAlgorithm) -> Result<Vec<u8>> {
    hash_range(path, 0, size, algorithm, &|_| {})
        .map_err(|e| Error::io(format!("hashing {}", path.display()), e))
}
