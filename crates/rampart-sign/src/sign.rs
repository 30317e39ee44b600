//! Signing and verifying a model directory or file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::cache::{self, HashManifest, HashStats};
use crate::certs;
use crate::error::{Error, Result};
use crate::keys::{SigningKey, VerifyingKey};
use crate::manifest::{self, is_ignored, HashingConfig, Manifest, Method, ModelFile};
use crate::oms::{self, Material, PAYLOAD_TYPE};

/// Options for signing.
#[derive(Debug, Clone, Default)]
pub struct SignOptions {
    /// What to hash and how.
    pub hashing: HashingConfig,
    /// Certificate chain (DER, leaf first) to embed instead of a key hint.
    pub certificates: Option<Vec<Vec<u8>>>,
    /// A previous signature (by the same key) whose JSON manifest
    /// (`<signature>.manifest.json`) supplies digests of unchanged files.
    pub reuse: Option<PathBuf>,
}

/// The outcome of signing.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The signed manifest.
    pub manifest: Manifest,
    /// How much was hashed and reused.
    pub stats: HashStats,
    /// Where the JSON manifest was written.
    pub manifest_path: PathBuf,
    /// Why an offered `--reuse` manifest was not used, if it was not.
    pub reuse_refused: Option<String>,
}

/// Where the JSON manifest of a signature lives: `<signature>.manifest.json`.
pub fn manifest_path_for(signature: &Path) -> PathBuf {
    let mut name = signature
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".manifest.json");
    signature.with_file_name(name)
}

/// Loads the JSON manifest of a previous signature made by `key`, only if the
/// signature verifies with the key and the manifest matches it exactly.
fn trusted_cache(previous: &Path, key: &VerifyingKey) -> std::result::Result<HashManifest, String> {
    let text = read_signature(previous).map_err(|e| e.to_string())?;
    let bundle = oms::parse_bundle(&text).map_err(|e| e.to_string())?;
    key.verify(&oms::pae(&bundle.payload), &bundle.signature)
        .map_err(|_| format!("{} was not signed by this key", previous.display()))?;
    let signed = oms::parse_statement(&bundle.payload).map_err(|e| e.to_string())?;
    let cache_path = manifest_path_for(previous);
    let cache = HashManifest::read(&cache_path).map_err(|e| e.to_string())?;
    if !cache.matches(&signed) {
        return Err(format!(
            "{} does not match the signature it sits next to",
            cache_path.display()
        ));
    }
    Ok(cache)
}

/// How a signature is trusted.
#[derive(Debug, Clone)]
pub enum Trust {
    /// A public key.
    Key(VerifyingKey),
    /// Trusted root certificates (DER) for certificate-chain signatures.
    Roots(Vec<Vec<u8>>),
}

/// Options for verification.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Extra model-relative paths to leave out (on top of those in the signature).
    pub ignore_paths: Vec<String>,
    /// Also ignore `.git` and friends. Off by default: the signature's own
    /// `ignore_paths` (which lists them when the signer ignored them) is authoritative,
    /// so a model signed with `--no-ignore-git-paths` verifies as signed.
    pub ignore_git_paths: bool,
    /// Verify only these model-relative files (an extension to OMS).
    pub files: Option<Vec<String>>,
}

/// A successful verification.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The signed manifest.
    pub manifest: Manifest,
    /// Who signed: `key <hint>` or the leaf certificate's subject.
    pub signer: String,
    /// Items (files or shards) checked against the model.
    pub checked: usize,
}

/// The signature file's path relative to the model directory, when it lies inside it
/// (it must then be left out of the manifest).
fn signature_inside(model: &Path, signature: &Path) -> Option<String> {
    let model = model.canonicalize().ok()?;
    if !model.is_dir() {
        return None;
    }
    let parent = signature
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent = parent.canonicalize().ok()?;
    let full = parent.join(signature.file_name()?);
    let rel = full.strip_prefix(&model).ok()?;
    manifest::normalize_relative(&rel.to_string_lossy())
}

/// Signs `model` (a directory or a file) and writes the OMS bundle to `signature`.
/// Returns the manifest that was signed.
pub fn sign_model(
    model: &Path,
    signature: &Path,
    key: &SigningKey,
    options: &SignOptions,
) -> Result<Signed> {
    sign_model_with_progress(model, signature, key, options, &|_| {})
}

/// [`sign_model`] with a progress callback receiving hashed byte counts.
pub fn sign_model_with_progress(
    model: &Path,
    signature: &Path,
    key: &SigningKey,
    options: &SignOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Signed> {
    if let Some(certs) = &options.certificates {
        let leaf = certs
            .first()
            .ok_or_else(|| Error::Key("no certificate given".into()))?;
        if certs::public_key(leaf)? != key.verifying_key() {
            return Err(Error::Key(
                "the certificate's public key does not match the private key".into(),
            ));
        }
    }
    let manifest_path = manifest_path_for(signature);
    let mut extra: Vec<String> = signature_inside(model, signature).into_iter().collect();
    extra.extend(signature_inside(model, &manifest_path));
    let (cache, reuse_refused) = match &options.reuse {
        Some(previous) => match trusted_cache(previous, &key.verifying_key()) {
            Ok(c) => (Some(c), None),
            Err(why) => (None, Some(why)),
        },
        None => (None, None),
    };
    let (manifest, json, stats) =
        cache::build_with_cache(model, &options.hashing, &extra, cache.as_ref(), progress)?;
    let payload = oms::statement_bytes(&manifest);
    let sig = key.sign_der(&oms::pae(&payload));
    let verifying = key.verifying_key();
    let material = match &options.certificates {
        Some(certs) => Material::Certificates(certs),
        None => Material::PublicKey(&verifying),
    };
    let bundle = oms::bundle_json(&payload, &sig, &material)?;
    write_atomically(signature, bundle.as_bytes())?;
    json.write(&manifest_path)?;
    Ok(Signed {
        manifest,
        stats,
        manifest_path,
        reuse_refused,
    })
}

/// Writes a file through a temporary sibling and a rename, so a reader never sees a
/// half-written signature.
pub fn write_atomically(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    fs::write(&tmp, data).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

/// Human description of one item, e.g. `weights.bin` or `weights.bin (bytes 0..1048576)`.
fn describe(name: &str, method: Method) -> String {
    if let Method::Shards(_) = method {
        let mut parts = name.rsplitn(3, ':');
        if let (Some(end), Some(start), Some(path)) = (parts.next(), parts.next(), parts.next()) {
            return format!("{path} (bytes {start}..{end})");
        }
    }
    name.to_string()
}

/// Verifies `model` against the OMS bundle at `signature`.
pub fn verify_model(
    model: &Path,
    signature: &Path,
    trust: &Trust,
    options: &VerifyOptions,
) -> Result<Verified> {
    verify_model_with_progress(model, signature, trust, options, &|_| {})
}

/// Largest signature file read: [`crate::manifest::MAX_SHARDS`] resources of about
/// 250 bytes each, base64-encoded in the bundle, fit with room to spare.
pub const MAX_SIGNATURE_BYTES: u64 = 64 << 20;

/// Reads a signature file, bounded by [`MAX_SIGNATURE_BYTES`]. A file that cannot be
/// opened or read is an I/O error; one that is too large or not UTF-8 is a malformed
/// signature ([`Error::Format`]), like one that is truncated.
///
/// # Errors
/// [`Error::Io`], [`Error::Format`].
pub fn read_signature(path: &Path) -> Result<String> {
    use rampart_core::bounded::{self, BoundedReadError};
    let bytes = bounded::read(path, MAX_SIGNATURE_BYTES).map_err(|e| match e {
        BoundedReadError::Io { source, .. } => {
            Error::io(format!("reading {}", path.display()), source)
        }
        BoundedReadError::TooLarge { .. } => Error::Format(format!(
            "{} is larger than {MAX_SIGNATURE_BYTES} bytes",
            path.display()
        )),
    })?;
    String::from_utf8(bytes)
        .map_err(|_| Error::Format(format!("{} is not UTF-8 text", path.display())))
}

/// Reads and checks the bundle: signature over the exact payload bytes, then the
/// payload parsed leniently. Returns the manifest and who signed it.
pub fn check_bundle(signature: &Path, trust: &Trust) -> Result<(Manifest, String)> {
    let text = read_signature(signature)?;
    let bundle = oms::parse_bundle(&text)?;
    let (key, signer) = match trust {
        Trust::Key(key) => {
            let ours = oms::key_hint(key)?;
            match &bundle.hint {
                Some(hint) if !hint.is_empty() && *hint != ours => {
                    return Err(Error::Signature(format!(
                        "wrong key: the signature was made with the key whose hint is {hint}, but the given public key's hint is {ours}"
                    )))
                }
                _ => {}
            }
            if !bundle.certificates.is_empty() && bundle.hint.is_none() {
                return Err(Error::Signature(
                    "the signature was made with a certificate: verify it with --root (trusted roots), not --key".into(),
                ));
            }
            (key.clone(), format!("key {ours}"))
        }
        Trust::Roots(roots) => {
            if bundle.certificates.is_empty() {
                return Err(Error::Signature(
                    "the signature was made with a key, not a certificate: verify it with --key"
                        .into(),
                ));
            }
            let leaf = certs::verify_chain(&bundle.certificates, roots)?;
            let subject = bundle
                .certificates
                .first()
                .and_then(|c| <x509_cert::Certificate as der::Decode>::from_der(c).ok())
                .map(|c| c.tbs_certificate.subject.to_string())
                .unwrap_or_default();
            (leaf, format!("certificate {subject}"))
        }
    };
    key.verify(&oms::pae(&bundle.payload), &bundle.signature).map_err(|_| {
        Error::Signature(
            "the signature does not verify over the signed payload: the signature file was modified, or it was made with another key".into(),
        )
    })?;
    if bundle.payload_type != PAYLOAD_TYPE {
        return Err(Error::Format(format!(
            "payload type {:?} is not {PAYLOAD_TYPE:?}",
            bundle.payload_type
        )));
    }
    let manifest = oms::parse_statement(&bundle.payload)?;
    Ok((manifest, signer))
}

/// [`verify_model`] with a progress callback receiving hashed byte counts.
pub fn verify_model_with_progress(
    model: &Path,
    signature: &Path,
    trust: &Trust,
    options: &VerifyOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Verified> {
    let (signed, signer) = check_bundle(signature, trust)?;
    let user_ignores: Vec<String> = options
        .ignore_paths
        .iter()
        .filter_map(|p| manifest::normalize_relative(p))
        .collect();
    let mut extra = signed.ignore_paths.clone();
    extra.extend(user_ignores.iter().cloned());
    extra.extend(signature_inside(model, signature));
    extra.extend(signature_inside(model, &manifest_path_for(signature)));
    let config = HashingConfig {
        algorithm: signed.algorithm,
        method: signed.method,
        allow_symlinks: signed.allow_symlinks,
        ignore_paths: Vec::new(),
        ignore_git_paths: options.ignore_git_paths,
    };
    let (mut files, _) = manifest::enumerate(model, &config, &extra)?;
    // A signature of one file checked against a folder (or the other way round) is a
    // wrong target, not a rename: say so instead of comparing names.
    let signed_file = manifest::resource_file_is_whole_model(&signed);
    let model_is_file = files.len() == 1 && files.first().is_some_and(|f| f.rel == ".");
    if !signed.resources.is_empty() && signed_file != model_is_file {
        return Err(Error::Mismatch(vec![if signed_file {
            format!(
                "the signature covers a single file, but {} is a directory: verify the signed file itself",
                model.display()
            )
        } else {
            format!(
                "the signature covers a directory, but {} is a single file: verify the signed directory",
                model.display()
            )
        }]));
    }
    let mut differences = Vec::new();
    let expected: BTreeMap<&str, &manifest::Resource> = signed
        .resources
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    let file_of = |name: &str| manifest::resource_file(name, signed.method);
    if let Some(only) = &options.files {
        let wanted: Vec<String> = only
            .iter()
            .filter_map(|p| manifest::normalize_relative(p))
            .collect();
        for w in &wanted {
            if !signed.resources.iter().any(|r| file_of(&r.name) == *w) {
                differences.push(format!("{w}: not covered by the signature"));
            }
        }
        files.retain(|f: &ModelFile| wanted.contains(&f.rel));
    }
    let actual = manifest::hash_files(&files, &config, progress)?;
    let actual_map: BTreeMap<&str, &manifest::Resource> =
        actual.iter().map(|r| (r.name.as_str(), r)).collect();
    let partial: Option<Vec<String>> = options.files.as_ref().map(|f| {
        f.iter()
            .filter_map(|p| manifest::normalize_relative(p))
            .collect()
    });

    let mut removed = Vec::new();
    for (name, want) in &expected {
        if let Some(p) = &partial {
            if !p.contains(&file_of(name)) {
                continue;
            }
        }
        match actual_map.get(name) {
            Some(got) if got.digest == want.digest && got.algorithm == want.algorithm => {}
            Some(got) if got.algorithm != want.algorithm => differences.push(format!(
                "{}: hashed with {} but signed with {}",
                describe(name, signed.method),
                got.algorithm,
                want.algorithm
            )),
            Some(got) => differences.push(format!(
                "{}: content changed (signed {} {}, now {})",
                describe(name, signed.method),
                want.algorithm,
                hex::encode(&want.digest),
                hex::encode(&got.digest)
            )),
            None => removed.push(*name),
        }
    }
    let mut added: Vec<&str> = actual_map
        .keys()
        .filter(|n| !expected.contains_key(*n))
        .copied()
        .collect();
    for name in removed {
        let digest = expected
            .get(name)
            .map(|r| r.digest.clone())
            .unwrap_or_default();
        let file = file_of(name);
        if is_ignored(&file, &user_ignores) {
            differences.push(format!(
                "{}: signed, but excluded by --ignore-paths",
                describe(name, signed.method)
            ));
        } else if let Some(pos) = added.iter().position(|a| {
            actual_map.get(a).is_some_and(|r| r.digest == digest) && signed.method == Method::Files
        }) {
            let to = added.remove(pos);
            differences.push(format!("{name}: renamed to {to}"));
        } else if files.iter().any(|f| f.rel == file) {
            differences.push(format!(
                "{}: signed, but the file's size changed",
                describe(name, signed.method)
            ));
        } else {
            differences.push(format!(
                "{}: signed, but missing from the model",
                describe(name, signed.method)
            ));
        }
    }
    for name in added {
        let file = file_of(name);
        if signed.resources.iter().any(|r| file_of(&r.name) == file) {
            differences.push(format!(
                "{}: the file grew past its signed size",
                describe(name, signed.method)
            ));
        } else {
            differences.push(format!(
                "{file}: not in the signature (added after signing)"
            ));
        }
    }
    differences.dedup();
    if !differences.is_empty() {
        return Err(Error::Mismatch(differences));
    }
    Ok(Verified {
        checked: actual.len(),
        manifest: signed,
        signer,
    })
}

/// Reads a passphrase for an encrypted key: from `file` when given, else from the
/// `RAMPART_KEY_PASSPHRASE` environment variable. Trailing newlines are removed.
pub fn read_passphrase(file: Option<&Path>) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>> {
    if let Some(f) = file {
        let mut bytes = rampart_core::bounded::read(f, rampart_core::bounded::MAX_KEY_BYTES)
            .map_err(|e| Error::io(format!("reading {}", f.display()), e.into()))?;
        while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            bytes.pop();
        }
        return Ok(Some(zeroize::Zeroizing::new(bytes)));
    }
    Ok(std::env::var_os("RAMPART_KEY_PASSPHRASE")
        .map(|v| zeroize::Zeroizing::new(v.to_string_lossy().into_owned().into_bytes())))
}

/// Reads PEM certificates from files, in order (DER out).
pub fn read_certificate_files(paths: &[PathBuf]) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for p in paths {
        let text = rampart_core::bounded::read_to_string(p, rampart_core::bounded::MAX_KEY_BYTES)
            .map_err(|e| Error::io(format!("reading {}", p.display()), e.into()))?;
        let certs = certs::read_pem_certificates(&text).map_err(|e| match e {
            Error::Key(why) => Error::Key(format!("{}: {why}", p.display())),
            other => other,
        })?;
        if certs.is_empty() {
            return Err(Error::Key(format!(
                "{}: no certificate in it (a public key is given with --key, not --root)",
                p.display()
            )));
        }
        out.extend(certs);
    }
    Ok(out)
}

/// What `restore_model` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreReport {
    /// Files copied back from the backup because their backup copy matches the signature.
    pub restored: Vec<String>,
    /// Signed files that differ and have no matching copy in the backup.
    pub unrecoverable: Vec<String>,
    /// Files present in the model but not in the signature (left in place).
    pub unsigned: Vec<String>,
}

/// Brings a model back to its signed state from a backup directory: every signed
/// file that is missing or differs is replaced by the backup's copy when that copy
/// hashes to the signed digests. Nothing else is touched.
pub fn restore_model(
    model: &Path,
    signature: &Path,
    trust: &Trust,
    backup: &Path,
) -> Result<RestoreReport> {
    let (signed, _) = check_bundle(signature, trust)?;
    let config = HashingConfig {
        algorithm: signed.algorithm,
        method: signed.method,
        allow_symlinks: signed.allow_symlinks,
        ignore_paths: Vec::new(),
        ignore_git_paths: false,
    };
    let file_of = |name: &str| manifest::resource_file(name, signed.method);
    let mut wanted: BTreeMap<String, Vec<&manifest::Resource>> = BTreeMap::new();
    for r in &signed.resources {
        wanted.entry(file_of(&r.name)).or_default().push(r);
    }
    let digests_of = |dir: &Path, rel: &str| -> Option<Vec<(String, Vec<u8>)>> {
        let path = if rel == "." {
            dir.to_path_buf()
        } else {
            dir.join(rel)
        };
        let size = fs::metadata(&path).ok()?.len();
        let file = ModelFile {
            rel: rel.to_string(),
            path,
            size,
        };
        let items = manifest::hash_files(&[file], &config, &|_| {}).ok()?;
        Some(items.into_iter().map(|r| (r.name, r.digest)).collect())
    };
    let mut report = RestoreReport::default();
    for (rel, resources) in &wanted {
        let expected: Vec<(String, Vec<u8>)> = resources
            .iter()
            .map(|r| (r.name.clone(), r.digest.clone()))
            .collect();
        if digests_of(model, rel).as_ref() == Some(&expected) {
            continue;
        }
        if digests_of(backup, rel).as_ref() == Some(&expected) {
            let from = if rel == "." {
                backup.to_path_buf()
            } else {
                backup.join(rel)
            };
            let to = if rel == "." {
                model.to_path_buf()
            } else {
                model.join(rel)
            };
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
            }
            let data =
                fs::read(&from).map_err(|e| Error::io(format!("reading {}", from.display()), e))?;
            write_atomically(&to, &data)?;
            report.restored.push(rel.clone());
        } else {
            report.unrecoverable.push(rel.clone());
        }
    }
    if model.is_dir() {
        let mut ignores = signed.ignore_paths.clone();
        ignores.extend(signature_inside(model, signature));
        ignores.extend(signature_inside(model, &manifest_path_for(signature)));
        let (files, _) = manifest::enumerate(model, &config, &ignores)?;
        report.unsigned = files
            .into_iter()
            .map(|f| f.rel)
            .filter(|r| !wanted.contains_key(r))
            .collect();
    }
    Ok(report)
}
