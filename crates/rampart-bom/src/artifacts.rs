//! File hashes of the system's artefacts. A model that was signed with `rampart sign`
//! has a JSON manifest next to its signature; when that manifest matches the
//! signature, its SHA-256 digests are reused and only files whose size or
//! modification time changed are read again — a signed 100 GB model is never
//! hashed twice.

use std::path::{Path, PathBuf};

use rampart_sign::cache::{build_with_cache, HashManifest};
use rampart_sign::keys::VerifyingKey;
use rampart_sign::manifest::HashingConfig;
use rampart_sign::{check_bundle, manifest_path_for, oms, Trust};

/// One file of an artefact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHash {
    /// Path relative to the artefact (`.` for a single file).
    pub rel: String,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

/// Hashes of one artefact (model, dataset or prompt).
#[derive(Debug, Clone, Default)]
pub struct Artifact {
    /// Files, in OMS order.
    pub files: Vec<FileHash>,
    /// The digests came from a signing manifest.
    pub from_manifest: bool,
    /// The signature verified with the configured key (when one was given).
    pub signature_verified: Option<bool>,
    /// Files whose content no longer matches the signed manifest.
    pub stale: Vec<String>,
    /// Files missing since signing.
    pub missing: Vec<String>,
    /// Bytes read to hash (0 when every digest was reused).
    pub hashed_bytes: u64,
}

/// Why an artefact could not be hashed.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ArtifactError {
    /// The artefact.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// Reads the signed manifest of `signature` when it is usable for SHA-256 file
/// hashes: the JSON manifest must exist, use SHA-256 per file, and equal the
/// signature's payload; with a key, the signature must also verify.
fn signed_cache(signature: &Path, key: Option<&Path>) -> (Option<HashManifest>, Option<bool>) {
    let Ok(cache) = HashManifest::read(&manifest_path_for(signature)) else {
        return (None, None);
    };
    if cache.hash_type != "sha256" || cache.method != "files" {
        return (None, None);
    }
    let signed = match key.map(VerifyingKey::from_file) {
        Some(Ok(k)) => match check_bundle(signature, &Trust::Key(k)) {
            Ok((m, _)) => Some((m, Some(true))),
            Err(_) => return (None, Some(false)),
        },
        Some(Err(_)) => return (None, Some(false)),
        None => rampart_sign::read_signature(signature)
            .ok()
            .and_then(|t| oms::parse_bundle(&t).ok())
            .and_then(|b| oms::parse_statement(&b.payload).ok())
            .map(|m| (m, None)),
    };
    match signed {
        Some((m, verified)) if cache.matches(&m) => (Some(cache), verified),
        Some((_, verified)) => (None, verified),
        None => (None, None),
    }
}

/// Hashes an artefact at `path` (file or directory), reusing a signing manifest
/// when `signature` is given.
pub fn hash_artifact(
    path: &Path,
    signature: Option<&Path>,
    key: Option<&Path>,
) -> Result<Artifact, ArtifactError> {
    let err = |message: String| ArtifactError {
        path: path.to_path_buf(),
        message,
    };
    let (cache, signature_verified) = match signature {
        Some(sig) => signed_cache(sig, key),
        None => (None, None),
    };
    let mut extra = Vec::new();
    if let Some(sig) = signature {
        for f in [sig.to_path_buf(), manifest_path_for(sig)] {
            if let (Ok(root), Some(parent), Some(name)) =
                (path.canonicalize(), f.parent(), f.file_name())
            {
                let parent = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                if let Ok(p) = parent.canonicalize() {
                    if let Ok(rel) = p.join(name).strip_prefix(&root) {
                        extra.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
        }
    }
    let config = match &cache {
        Some(c) => HashingConfig {
            allow_symlinks: c.allow_symlinks,
            ignore_paths: c.ignore_paths.clone(),
            ..HashingConfig::default()
        },
        None => HashingConfig::default(),
    };
    let (manifest, fresh, stats) = build_with_cache(path, &config, &extra, cache.as_ref(), &|_| {})
        .map_err(|e| err(e.to_string()))?;
    let mut artifact = Artifact {
        files: manifest
            .resources
            .iter()
            .map(|r| FileHash {
                rel: r.name.clone(),
                sha256: hex::encode(&r.digest),
            })
            .collect(),
        from_manifest: cache.is_some(),
        signature_verified,
        hashed_bytes: stats.hashed_bytes,
        ..Artifact::default()
    };
    if let Some(cache) = &cache {
        for old in &cache.files {
            match fresh.files.iter().find(|f| f.path == old.path) {
                Some(new) if new.resources != old.resources => {
                    artifact.stale.push(old.path.clone())
                }
                Some(_) => {}
                None => artifact.missing.push(old.path.clone()),
            }
        }
    }
    Ok(artifact)
}
