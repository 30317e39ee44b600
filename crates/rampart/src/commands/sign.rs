//! `rampart sign`, `verify`, `hash` and `key generate`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rampart_sign::cache::{build_with_cache, HashManifest};
use rampart_sign::error::Error as SignError;
use rampart_sign::hashing::HashAlgorithm;
use rampart_sign::keys::{generate_key_pair, Curve, SigningKey, VerifyingKey};
use rampart_sign::manifest::{HashingConfig, Method, DEFAULT_SHARD_SIZE};
use rampart_sign::{
    read_certificate_files, read_passphrase, restore_model, sign_model_with_progress,
    verify_model_with_progress, SignOptions, Trust, VerifyOptions,
};
use serde_json::json;

use crate::cli::{HashArgs, HashingArgs, KeyGenerateArgs, ReportFormat, SignArgs, VerifyArgs};
use crate::render::Printer;
use crate::ExitStatus;

fn hashing_config(args: &HashingArgs) -> Result<HashingConfig> {
    let algorithm = HashAlgorithm::parse(&args.algorithm)
        .ok_or_else(|| anyhow!("unknown hash {}", args.algorithm))?;
    let method = match (args.shard_size, args.shards) {
        (Some(0), _) => return Err(anyhow!("--shard-size must be at least 1")),
        (Some(size), _) => Method::Shards(size),
        (None, true) => Method::Shards(DEFAULT_SHARD_SIZE),
        (None, false) => Method::Files,
    };
    Ok(HashingConfig {
        algorithm,
        method,
        allow_symlinks: args.allow_symlinks,
        ignore_paths: args.ignore_paths.clone(),
        ignore_git_paths: !args.no_ignore_git_paths,
    })
}

/// A byte-counting spinner on stderr, when it is a terminal.
fn byte_bar(enabled: bool) -> Option<ProgressBar> {
    if !enabled {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} hashing {bytes} ({bytes_per_sec})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

fn rate(bytes: u64, seconds: f64) -> String {
    if seconds <= 0.0 {
        return "-".into();
    }
    format!("{:.0} MB/s", bytes as f64 / seconds / 1e6)
}

pub fn sign(args: &SignArgs, p: &Printer) -> Result<ExitStatus> {
    let passphrase = read_passphrase(args.passphrase_file.as_deref())?;
    let key = SigningKey::from_file(&args.key, passphrase.as_ref().map(|p| p.as_slice()))?;
    let certificates = match &args.certificate {
        Some(leaf) => {
            let mut files = vec![leaf.clone()];
            files.extend(args.certificate_chain.iter().cloned());
            Some(read_certificate_files(&files)?)
        }
        None => None,
    };
    let options = SignOptions {
        hashing: hashing_config(&args.hashing)?,
        certificates,
        reuse: args.reuse.clone(),
    };
    let bar = byte_bar(!args.no_progress && p.progress());
    let started = Instant::now();
    let progress = |n: u64| {
        if let Some(bar) = &bar {
            bar.inc(n);
        }
    };
    let signed = sign_model_with_progress(&args.model, &args.signature, &key, &options, &progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let m = &signed.manifest;
    let mut out = io::stdout().lock();
    match args.format {
        ReportFormat::Json => {
            let report = json!({
                "schema_version": 1,
                "command": "sign",
                "model": args.model.display().to_string(),
                "signature": args.signature.display().to_string(),
                "format": "OpenSSF Model Signing v1.0 (Sigstore bundle v0.3)",
                "manifest": signed.manifest_path.display().to_string(),
                "hash_type": m.algorithm.name(),
                "method": match m.method { Method::Files => "files".to_string(), Method::Shards(s) => format!("shards:{s}") },
                "items": m.resources.len(),
                "root_digest": hex::encode(m.root_digest()),
                "ignore_paths": m.ignore_paths,
                "hashed_files": signed.stats.hashed_files,
                "reused_files": signed.stats.reused_files,
                "hashed_bytes": signed.stats.hashed_bytes,
                "reuse_refused": signed.reuse_refused,
                "seconds": elapsed,
            });
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ReportFormat::Human => {
            writeln!(
                out,
                "signed {} ({} {}, {} items, root sha256:{})",
                args.model.display(),
                m.algorithm.name(),
                match m.method {
                    Method::Files => "per file".to_string(),
                    Method::Shards(s) => format!("shards of {s} bytes"),
                },
                m.resources.len(),
                hex::encode(m.root_digest())
            )?;
            writeln!(
                out,
                "  signature  {} (OpenSSF Model Signing v1.0)",
                args.signature.display()
            )?;
            writeln!(
                out,
                "  manifest   {} (rampart extension: sizes, mtimes, digests)",
                signed.manifest_path.display()
            )?;
            if let Some(why) = &signed.reuse_refused {
                writeln!(out, "  --reuse not used: {why}")?;
            }
            writeln!(
                out,
                "  hashed {} file(s), {} bytes in {:.2}s ({}){}",
                signed.stats.hashed_files,
                signed.stats.hashed_bytes,
                elapsed,
                rate(signed.stats.hashed_bytes, elapsed),
                if signed.stats.reused_files > 0 {
                    format!(
                        "; reused {} unchanged file(s) (extension)",
                        signed.stats.reused_files
                    )
                } else {
                    String::new()
                }
            )?;
        }
    }
    Ok(ExitStatus::Success)
}

fn trust(args: &VerifyArgs) -> Result<Trust> {
    match &args.key {
        Some(key) => Ok(Trust::Key(VerifyingKey::from_file(key)?)),
        None => Ok(Trust::Roots(read_certificate_files(&args.root)?)),
    }
}

/// True for errors that mean "the model or signature is not what was signed"
/// (exit 1) rather than "could not check" (exit 2).
fn is_verification_failure(e: &SignError) -> bool {
    matches!(
        e,
        SignError::Mismatch(_)
            | SignError::Signature(_)
            | SignError::Chain(_)
            | SignError::Format(_)
    )
}

pub fn verify(args: &VerifyArgs, p: &Printer) -> Result<ExitStatus> {
    let trust = trust(args)?;
    let options = VerifyOptions {
        ignore_paths: args.ignore_paths.clone(),
        ignore_git_paths: args.ignore_git_paths,
        files: (!args.files.is_empty()).then(|| args.files.clone()),
    };
    let bar = byte_bar(!args.no_progress && p.progress());
    let progress = |n: u64| {
        if let Some(bar) = &bar {
            bar.inc(n);
        }
    };
    let mut result =
        verify_model_with_progress(&args.model, &args.signature, &trust, &options, &progress);
    let mut restore = None;
    if let (Err(SignError::Mismatch(_)), Some(backup)) = (&result, &args.restore_from) {
        let report = restore_model(&args.model, &args.signature, &trust, backup)?;
        result =
            verify_model_with_progress(&args.model, &args.signature, &trust, &options, &progress);
        restore = Some(report);
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut out = io::stdout().lock();
    let (verified, status) = match &result {
        Ok(_) => (true, ExitStatus::Success),
        Err(e) if is_verification_failure(e) => (false, ExitStatus::Findings),
        Err(_) => (false, ExitStatus::Error),
    };
    match args.format {
        ReportFormat::Json => {
            let mut report = json!({
                "schema_version": 1,
                "command": "verify",
                "model": args.model.display().to_string(),
                "signature": args.signature.display().to_string(),
                "verified": verified,
                "partial": !args.files.is_empty(),
            });
            match &result {
                Ok(v) => {
                    report["signer"] = json!(v.signer);
                    report["checked"] = json!(v.checked);
                    report["root_digest"] = json!(hex::encode(v.manifest.root_digest()));
                }
                Err(SignError::Mismatch(d)) => report["differences"] = json!(d),
                Err(e) => report["error"] = json!(e.to_string()),
            }
            if let Some(r) = &restore {
                report["restored"] = json!(r.restored);
                report["unrecoverable"] = json!(r.unrecoverable);
                report["unsigned"] = json!(r.unsigned);
            }
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ReportFormat::Human => {
            if let Some(r) = &restore {
                for f in &r.restored {
                    writeln!(
                        out,
                        "restored {f} from {} (its copy matches the signature)",
                        args.restore_from
                            .as_deref()
                            .unwrap_or(Path::new(""))
                            .display()
                    )?;
                }
                for f in &r.unrecoverable {
                    writeln!(out, "cannot restore {f}: no matching copy in the backup")?;
                }
                for f in &r.unsigned {
                    writeln!(out, "left in place: {f} (not in the signature)")?;
                }
            }
            match &result {
                Ok(v) => writeln!(
                    out,
                    "verified {}: {} item(s){} match the signature by {}",
                    args.model.display(),
                    v.checked,
                    if args.files.is_empty() {
                        ""
                    } else {
                        " (partial verification, extension)"
                    },
                    v.signer
                )?,
                Err(e) if is_verification_failure(e) => {
                    writeln!(out, "verification FAILED for {}: {e}", args.model.display())?;
                }
                // An error (I/O, bad key) is printed once, on stderr, by the caller.
                Err(_) => {}
            }
        }
    }
    match result {
        Err(e) if !is_verification_failure(&e) => Err(e.into()),
        _ => Ok(status),
    }
}

pub fn hash(args: &HashArgs, p: &Printer) -> Result<ExitStatus> {
    let config = hashing_config(&args.hashing)?;
    let cache = match &args.reuse {
        Some(p) => Some(HashManifest::read(p)?),
        None => None,
    };
    let bar = byte_bar(!args.no_progress && p.progress());
    let progress = |n: u64| {
        if let Some(bar) = &bar {
            bar.inc(n);
        }
    };
    let mut ignores = Vec::new();
    if let Some(out) = &args.out {
        ignores.extend(relative_inside(&args.model, out));
    }
    let (_, manifest, stats) =
        build_with_cache(&args.model, &config, &ignores, cache.as_ref(), &progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match &args.out {
        Some(path) => {
            manifest.write(path)?;
            p.note(format_args!(
                "wrote {} ({} files: {} hashed, {} reused; root sha256:{})",
                path.display(),
                manifest.files.len(),
                stats.hashed_files,
                stats.reused_files,
                manifest.root_digest
            ));
        }
        None => {
            let mut out = io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &manifest)?;
            writeln!(out)?;
        }
    }
    Ok(ExitStatus::Success)
}

fn relative_inside(model: &Path, file: &Path) -> Option<String> {
    let model = model.canonicalize().ok()?;
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let full = parent.canonicalize().ok()?.join(file.file_name()?);
    Some(
        full.strip_prefix(&model)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/"),
    )
}

pub fn key_generate(args: &KeyGenerateArgs, _p: &Printer) -> Result<ExitStatus> {
    let curve = Curve::parse(&args.curve).ok_or_else(|| anyhow!("unknown curve {}", args.curve))?;
    let public: PathBuf = args.public.clone().unwrap_or_else(|| {
        let stem = args.out.to_string_lossy();
        let stem = stem.strip_suffix(".pem").unwrap_or(&stem);
        PathBuf::from(format!("{stem}.pub.pem"))
    });
    let key = generate_key_pair(curve, &args.out, &public)
        .with_context(|| format!("generating {}", args.out.display()))?;
    let hint = rampart_sign::oms::key_hint(&key)?;
    println!(
        "wrote {} (private, mode 0600) and {} (public); {} key hint {hint}",
        args.out.display(),
        public.display(),
        curve.name()
    );
    Ok(ExitStatus::Success)
}
