//! `rampart audit`: the tamper-evident ledger from the command line.
//!
//! Checkpoints are kept as signed notes beside the database
//! (`<db>.checkpoints/<size>.note` and `latest.note`); the verifier key is written
//! next to the signing key (`<key>.vkey`) so customers can be given it.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use rampart_ledger::crypto::BodyKey;
use rampart_ledger::merkle::{verify_consistency, verify_inclusion};
use rampart_ledger::{
    AuditEntry, Bodies, Checkpoint, NoteSigner, NoteVerifier, SqliteConfig, SqliteLedger, Storage,
    Timestamp, Verification,
};
use serde_json::{json, Value};

use crate::cli::{AuditArgs, AuditCommand};
use crate::ExitStatus;

use rampart_ledger::evidence::{self, EVIDENCE_FORMAT};
/// Longest JSON line accepted by `append`.
const MAX_LINE: usize = 1 << 20;

fn checkpoint_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".checkpoints");
    db.with_file_name(name)
}

fn open(args: &AuditArgs) -> Result<SqliteLedger> {
    let mut config = SqliteConfig::new(&args.db);
    config.store_bodies = args.store_bodies;
    if let Some(k) = &args.body_key {
        config.body_key = Some(
            BodyKey::load(k)
                .map_err(|e| anyhow!("{e}"))
                .with_context(|| format!("body key {}", k.display()))?,
        );
    }
    SqliteLedger::open(config).with_context(|| format!("opening ledger {}", args.db.display()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>> {
    if s.len() % 2 != 0 {
        bail!("odd-length hex");
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(s.get(i..i + 2).unwrap_or("zz"), 16)
                .map_err(|_| anyhow!("bad hex {s:?}"))
        })
        .collect()
}

/// A verifier key given inline or as a file.
fn verifier(key: &str) -> Result<NoteVerifier> {
    let text = if Path::new(key).is_file() {
        fs::read_to_string(key)?
    } else {
        key.to_string()
    };
    NoteVerifier::parse(text.trim()).map_err(|e| anyhow!("invalid verifier key: {e}"))
}

fn signer(args: &AuditArgs) -> Result<Option<NoteSigner>> {
    match &args.checkpoint_key {
        Some(p) => Ok(Some(
            NoteSigner::load(p)
                .map_err(|e| anyhow!("{e}"))
                .with_context(|| format!("checkpoint key {}", p.display()))?,
        )),
        None => Ok(None),
    }
}

/// Signs the current head and stores it; returns the note.
fn write_checkpoint(ledger: &SqliteLedger, db: &Path, signer: &NoteSigner) -> Result<String> {
    let head = ledger.tree_head()?;
    let cp = Checkpoint::new(signer.name(), head).map_err(|e| anyhow!("{e}"))?;
    let note = signer.sign_checkpoint(&cp).map_err(|e| anyhow!("{e}"))?;
    let dir = checkpoint_dir(db);
    fs::create_dir_all(&dir)?;
    rampart_sign::write_atomically(&dir.join(format!("{}.note", head.size)), note.as_bytes())?;
    rampart_sign::write_atomically(&dir.join("latest.note"), note.as_bytes())?;
    Ok(note)
}

fn latest_note(db: &Path) -> Result<String> {
    let path = checkpoint_dir(db).join("latest.note");
    fs::read_to_string(&path).with_context(|| {
        format!(
            "no stored checkpoint ({}); run `rampart audit checkpoint`",
            path.display()
        )
    })
}

/// The checkpoint text of a signed note, read without checking the signature (the
/// operator's own stored checkpoint; customers verify it with the verifier key).
fn unsigned_checkpoint(note: &str) -> Result<Checkpoint> {
    let text = note
        .split_once("\n\n")
        .map_or_else(|| note.to_string(), |(body, _)| format!("{body}\n"));
    Checkpoint::from_text(&text).map_err(|e| anyhow!("stored checkpoint is unreadable: {e}"))
}

fn write_out(out: Option<&Path>, value: &Value) -> Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    match out {
        Some(p) => rampart_sign::write_atomically(p, text.as_bytes())?,
        None => io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

pub fn run(args: &AuditArgs) -> Result<ExitStatus> {
    match &args.command {
        AuditCommand::Keygen(k) => {
            let signer = NoteSigner::generate(&k.name).map_err(|e| anyhow!("{e}"))?;
            if k.out.exists() {
                bail!("{} exists; refusing to overwrite a key", k.out.display());
            }
            signer.save(&k.out).map_err(|e| anyhow!("{e}"))?;
            let vkey = signer.verifier().to_string();
            let mut vpath = k.out.as_os_str().to_os_string();
            vpath.push(".vkey");
            fs::write(&vpath, format!("{vkey}\n"))?;
            println!(
                "wrote {} (mode 0600) and {}\nverifier key: {vkey}",
                k.out.display(),
                PathBuf::from(vpath).display()
            );
            Ok(ExitStatus::Success)
        }
        AuditCommand::VerifyProof(v) => verify_proof(&v.file, &v.key),
        AuditCommand::Append => {
            let ledger = open(args)?;
            let stdin = io::stdin();
            let mut out = io::stdout().lock();
            let mut batch = Vec::new();
            for (n, line) in stdin.lock().lines().enumerate() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                if line.len() > MAX_LINE {
                    bail!("line {}: longer than {MAX_LINE} bytes", n + 1);
                }
                let mut value: Value = serde_json::from_str(&line)
                    .with_context(|| format!("line {}: not JSON", n + 1))?;
                let bodies = match value.as_object_mut().and_then(|o| o.remove("bodies")) {
                    Some(b) => Some(
                        serde_json::from_value::<Bodies>(b)
                            .with_context(|| format!("line {}: bad bodies", n + 1))?,
                    ),
                    None => None,
                };
                let entry: AuditEntry = serde_json::from_value(value)
                    .with_context(|| format!("line {}: not an audit entry", n + 1))?;
                batch.push((entry, bodies));
                if batch.len() >= 4096 {
                    let range = ledger.append_batch(std::mem::take(&mut batch))?;
                    for i in range {
                        writeln!(out, "{i}")?;
                    }
                }
            }
            if !batch.is_empty() {
                let range = ledger.append_batch(batch)?;
                for i in range {
                    writeln!(out, "{i}")?;
                }
            }
            if let Some(signer) = signer(args)? {
                write_checkpoint(&ledger, &args.db, &signer)?;
            }
            Ok(ExitStatus::Success)
        }
        AuditCommand::Checkpoint => {
            let ledger = open(args)?;
            let Some(signer) = signer(args)? else {
                bail!(
                    "--checkpoint-key (or RAMPART_CHECKPOINT_KEY) is needed to sign a checkpoint"
                );
            };
            print!("{}", write_checkpoint(&ledger, &args.db, &signer)?);
            Ok(ExitStatus::Success)
        }
        AuditCommand::Verify(v) => {
            let ledger = open(args)?;
            let trusted = match &v.key {
                Some(key) => {
                    let note = match &v.checkpoint {
                        Some(p) => fs::read_to_string(p)?,
                        None => latest_note(&args.db)?,
                    };
                    let verifier = verifier(key)?;
                    let cp = verifier
                        .verify_checkpoint(&note, verifier.name())
                        .map_err(|e| anyhow!("the checkpoint does not verify: {e}"))?;
                    Some(cp.tree_head())
                }
                None => None,
            };
            match ledger.verify_all(trusted.as_ref())? {
                Verification::Intact {
                    head,
                    bodies_checked,
                } => {
                    println!(
                        "ledger intact: {} entries, root {}{}; {bodies_checked} bodies checked",
                        head.size,
                        hex(&head.root),
                        if trusted.is_some() {
                            ", consistent with the signed checkpoint"
                        } else {
                            ""
                        }
                    );
                    Ok(ExitStatus::Success)
                }
                Verification::Tampered(t) => {
                    println!("ledger TAMPERED: {t}");
                    Ok(ExitStatus::Findings)
                }
            }
        }
        AuditCommand::Prove(p) => {
            let ledger = open(args)?;
            let note = latest_note(&args.db)?;
            let cp = unsigned_checkpoint(&note)?;
            if p.entry >= cp.size {
                bail!("entry {} is not covered by the latest checkpoint (size {}); run `rampart audit checkpoint`", p.entry, cp.size);
            }
            let stored = ledger.entry(p.entry)?;
            let proven = evidence::proven_entry(&ledger, &stored, cp.size)?;
            write_out(p.out.as_deref(), &evidence::document(&note, vec![proven]))?;
            Ok(ExitStatus::Success)
        }
        AuditCommand::Consistency(c) => {
            let ledger = open(args)?;
            let verifier = verifier(&c.key)?;
            let old_note = fs::read_to_string(&c.old_checkpoint)?;
            let old = verifier
                .verify_checkpoint(&old_note, verifier.name())
                .map_err(|e| anyhow!("the old checkpoint does not verify: {e}"))?;
            let new = verifier
                .verify_checkpoint(&latest_note(&args.db)?, verifier.name())
                .map_err(|e| anyhow!("the latest checkpoint does not verify: {e}"))?;
            let proof = ledger.consistency_proof(old.size, new.size)?;
            match verify_consistency(old.size, new.size, &old.root, &new.root, &proof) {
                Ok(()) => {
                    println!(
                        "consistent: the log grew from {} to {} entries without rewriting history",
                        old.size, new.size
                    );
                    Ok(ExitStatus::Success)
                }
                Err(e) => {
                    println!("INCONSISTENT: {e}");
                    Ok(ExitStatus::Findings)
                }
            }
        }
        AuditCommand::Export(e) => {
            let ledger = open(args)?;
            let since = Timestamp::parse(&e.since).map_err(|err| anyhow!("--since: {err}"))?;
            let until = Timestamp::parse(&e.until).map_err(|err| anyhow!("--until: {err}"))?;
            let note = latest_note(&args.db)?;
            let size = unsigned_checkpoint(&note)?.size;
            let mut entries = Vec::new();
            let mut start = 0u64;
            while start < size {
                let end = (start + 10_000).min(size);
                for s in ledger.entries(start..end)? {
                    let t = s.entry.time.unix_millis();
                    if t >= since.unix_millis() && t <= until.unix_millis() {
                        entries.push(evidence::proven_entry(&ledger, &s, size)?);
                    }
                }
                start = end;
            }
            eprintln!(
                "exported {} entries between {} and {}",
                entries.len(),
                e.since,
                e.until
            );
            write_out(e.out.as_deref(), &evidence::document(&note, entries))?;
            Ok(ExitStatus::Success)
        }
        AuditCommand::Serve(a) => serve(args, a),
        AuditCommand::Tail(t) => {
            let ledger = open(args)?;
            let size = ledger.tree_head()?.size;
            let mut out = io::stdout().lock();
            for s in ledger.entries(size.saturating_sub(t.lines)..size)? {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&json!({"index": s.index, "entry": s.entry}))?
                )?;
            }
            Ok(ExitStatus::Success)
        }
        AuditCommand::Prune(p) => {
            let ledger = open(args)?;
            let t = Timestamp::parse(&p.older_than).map_err(|e| anyhow!("--older-than: {e}"))?;
            let n = ledger.prune_bodies(t)?;
            println!("pruned the bodies of {n} entries older than {}; their hashes and proofs are unchanged", p.older_than);
            Ok(ExitStatus::Success)
        }
    }
}

/// Offline verification of an evidence file.
fn verify_proof(file: &Path, key: &str) -> Result<ExitStatus> {
    let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let evidence: Value = serde_json::from_str(&text).context("evidence is not JSON")?;
    if evidence["format"] != EVIDENCE_FORMAT {
        bail!(
            "not a rampart audit evidence file (format {})",
            evidence["format"]
        );
    }
    let verifier = verifier(key)?;
    let note = evidence["checkpoint"]
        .as_str()
        .ok_or_else(|| anyhow!("evidence has no checkpoint"))?;
    let cp = match verifier.verify_checkpoint(note, verifier.name()) {
        Ok(cp) => cp,
        Err(e) => {
            println!("INVALID: the checkpoint signature does not verify with the given key: {e}");
            return Ok(ExitStatus::Findings);
        }
    };
    let entries = evidence["entries"]
        .as_array()
        .ok_or_else(|| anyhow!("evidence has no entries"))?;
    for item in entries {
        let index = item["index"]
            .as_u64()
            .ok_or_else(|| anyhow!("entry without index"))?;
        let entry: AuditEntry = serde_json::from_value(item["entry"].clone())
            .context("evidence entry is not an audit entry")?;
        let leaf = entry
            .leaf_hash()
            .map_err(|e| anyhow!("entry {index}: {e}"))?;
        let proof: Vec<Vec<u8>> = item["inclusion_proof"]
            .as_array()
            .ok_or_else(|| anyhow!("entry {index}: no inclusion proof"))?
            .iter()
            .map(|h| unhex(h.as_str().unwrap_or_default()))
            .collect::<Result<_>>()?;
        if let Err(e) = verify_inclusion(index, cp.size, &leaf, &proof, &cp.root) {
            println!(
                "INVALID: entry {index} is not in the log signed at size {} ({e})",
                cp.size
            );
            return Ok(ExitStatus::Findings);
        }
    }
    println!(
        "valid: {} entr{} included in the log {} at size {} (checkpoint signed by {})",
        entries.len(),
        if entries.len() == 1 {
            "y is"
        } else {
            "ies are"
        },
        cp.origin,
        cp.size,
        verifier.name()
    );
    Ok(ExitStatus::Success)
}

fn serve(args: &AuditArgs, a: &crate::cli::AuditServeArgs) -> Result<ExitStatus> {
    if !a.listen.ip().is_loopback() && !a.allow_plain_http {
        bail!(
            "refusing plain HTTP on the non-loopback address {} (DP-1): put a TLS proxy in front, or pass --allow-plain-http",
            a.listen
        );
    }
    let token = std::env::var(&a.token_env).ok().filter(|t| !t.is_empty());
    if token.is_none() {
        eprintln!("{} is not set: the API is read-only", a.token_env);
    }
    let ledger: std::sync::Arc<dyn Storage> = std::sync::Arc::new(open(args)?);
    let api = std::sync::Arc::new(rampart_ledger::http::Api::new(
        ledger,
        signer(args)?,
        token.as_deref(),
    ));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(a.listen)
            .await
            .with_context(|| format!("binding {}", a.listen))?;
        eprintln!("ledger API listening on http://{}", listener.local_addr()?);
        rampart_ledger::http::serve(api, listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitStatus::Success)
}
