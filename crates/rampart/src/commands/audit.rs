//! `rampart audit`: the tamper-evident ledger from the command line.
//!
//! Checkpoints are kept as signed notes beside the database
//! (`<db>.checkpoints/<size>.note` and `latest.note`); the verifier key is written
//! next to the signing key (`<key>.vkey`) so customers can be given it.

use std::fs;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use rampart_ledger::crypto::BodyKey;
use rampart_ledger::merkle::verify_consistency;
use rampart_ledger::{
    AuditEntry, Bodies, Checkpoint, NoteSigner, NoteVerifier, SqliteConfig, SqliteLedger, Storage,
    Timestamp, Verification,
};
use serde_json::{json, Value};

use crate::cli::{
    AuditArgs, AuditCommand, AuditWriteArgs, BodyKeyArgs, LedgerDbArgs, ReportFormat,
};
use crate::render::Printer;
use crate::ExitStatus;

use rampart_ledger::evidence::{self, Evidence, EvidenceVerdict};
/// Longest JSON line accepted by `append`.
const MAX_LINE: usize = 1 << 20;

fn checkpoint_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".checkpoints");
    db.with_file_name(name)
}

/// How to open a ledger: its file, and for writes whether and how bodies are kept.
pub(super) struct Opening<'a> {
    db: &'a Path,
    store_bodies: bool,
    body_key: Option<&'a Path>,
}

impl<'a> Opening<'a> {
    pub(super) fn read(db: &'a LedgerDbArgs, body: Option<&'a BodyKeyArgs>) -> Self {
        Opening {
            db: &db.db,
            store_bodies: false,
            body_key: body.and_then(|b| b.body_key.as_deref()),
        }
    }

    fn write(w: &'a AuditWriteArgs) -> Self {
        Opening {
            db: &w.ledger.db,
            store_bodies: w.store_bodies,
            body_key: w.body.body_key.as_deref(),
        }
    }
}

fn open(o: &Opening<'_>) -> Result<SqliteLedger> {
    let mut config = SqliteConfig::new(o.db);
    config.store_bodies = o.store_bodies;
    if let Some(k) = o.body_key {
        config.body_key = Some(
            BodyKey::load(k)
                .map_err(|e| anyhow!("{e}"))
                .with_context(|| format!("body key {}", k.display()))?,
        );
    }
    SqliteLedger::open(config).with_context(|| format!("opening ledger {}", o.db.display()))
}

/// Opens a ledger that must already exist: the commands that read or check a ledger
/// never create one (an empty new file would verify as "intact: 0 entries").
pub(super) fn open_existing(o: &Opening<'_>) -> Result<SqliteLedger> {
    match fs::metadata(o.db) {
        Ok(m) if m.is_file() => open(o),
        Ok(_) => bail!("{}: not a ledger file", o.db.display()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => bail!(
            "{}: no such ledger (nothing was created; `rampart audit append` or the gateway creates one)",
            o.db.display()
        ),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", o.db.display())),
    }
}

/// A verifier key given inline or as a file.
pub(super) fn verifier(key: &str) -> Result<NoteVerifier> {
    let text = if Path::new(key).is_file() {
        rampart_core::bounded::read_to_string(Path::new(key), rampart_core::bounded::MAX_KEY_BYTES)
            .with_context(|| format!("cannot read the verifier key {key}"))?
    } else {
        key.to_string()
    };
    NoteVerifier::parse(text.trim()).map_err(|e| anyhow!("invalid verifier key: {e}"))
}

pub(super) fn signer(checkpoint_key: Option<&Path>) -> Result<Option<NoteSigner>> {
    match checkpoint_key {
        Some(p) => Ok(Some(
            NoteSigner::load(p)
                .map_err(|e| anyhow!("{e}"))
                .with_context(|| format!("checkpoint key {}", p.display()))?,
        )),
        None => Ok(None),
    }
}

/// Signs the current head and stores it; returns the note.
pub(super) fn write_checkpoint(
    ledger: &dyn Storage,
    db: &Path,
    signer: &NoteSigner,
) -> Result<String> {
    let head = ledger.tree_head()?;
    let cp = Checkpoint::new(signer.name(), head).map_err(|e| anyhow!("{e}"))?;
    let note = signer.sign_checkpoint(&cp).map_err(|e| anyhow!("{e}"))?;
    let dir = checkpoint_dir(db);
    fs::create_dir_all(&dir)?;
    rampart_sign::write_atomically(&dir.join(format!("{}.note", head.size)), note.as_bytes())?;
    rampart_sign::write_atomically(&dir.join("latest.note"), note.as_bytes())?;
    Ok(note)
}

/// The path of the latest checkpoint stored beside the ledger `db`.
pub(super) fn latest_note_path(db: &Path) -> PathBuf {
    checkpoint_dir(db).join("latest.note")
}

fn latest_note(db: &Path) -> Result<String> {
    let path = latest_note_path(db);
    rampart_core::bounded::read_to_string(&path, rampart_core::bounded::MAX_KEY_BYTES).with_context(
        || {
            format!(
                "no stored checkpoint ({}); run `rampart audit checkpoint`",
                path.display()
            )
        },
    )
}

/// The checkpoint text of a signed note, read without checking the signature (the
/// operator's own stored checkpoint; customers verify it with the verifier key).
fn unsigned_checkpoint(note: &str) -> Result<Checkpoint> {
    let text = note
        .split_once("\n\n")
        .map_or_else(|| note.to_string(), |(body, _)| format!("{body}\n"));
    Checkpoint::from_text(&text).map_err(|e| anyhow!("stored checkpoint is unreadable: {e}"))
}

fn write_out(out: Option<&Path>, value: &Evidence) -> Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    match out {
        Some(p) => rampart_sign::write_atomically(p, text.as_bytes())?,
        None => io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

pub fn run(args: &AuditArgs, p: &Printer) -> Result<ExitStatus> {
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
        AuditCommand::Append(w) => {
            let ledger = open(&Opening::write(w))?;
            append_stdin(&ledger)?;
            if let Some(signer) = signer(w.checkpoint_key.as_deref())? {
                write_checkpoint(&ledger, &w.ledger.db, &signer)?;
            }
            Ok(ExitStatus::Success)
        }
        AuditCommand::Checkpoint(c) => {
            let ledger = open_existing(&Opening::read(&c.ledger, None))?;
            let Some(signer) = signer(c.checkpoint_key.as_deref())? else {
                bail!(
                    "--checkpoint-key (or RAMPART_CHECKPOINT_KEY) is needed to sign a checkpoint"
                );
            };
            print!("{}", write_checkpoint(&ledger, &c.ledger.db, &signer)?);
            Ok(ExitStatus::Success)
        }
        AuditCommand::Verify(v) => {
            let ledger = open_existing(&Opening::read(&v.ledger, Some(&v.body)))?;
            let trusted = match &v.key {
                Some(key) => {
                    let note = match &v.checkpoint {
                        Some(p) => rampart_core::bounded::read_to_string(
                            p,
                            rampart_core::bounded::MAX_KEY_BYTES,
                        )
                        .with_context(|| format!("cannot read {}", p.display()))?,
                        None => latest_note(&v.ledger.db)?,
                    };
                    let verifier = verifier(key)?;
                    match verifier.verify_checkpoint(&note, verifier.name()) {
                        Ok(cp) => Some(cp.tree_head()),
                        Err(e) => {
                            let why =
                                format!("the checkpoint does not verify with the given key: {e}");
                            verify_report(v.format, None, None, Some(&why))?;
                            return Ok(ExitStatus::Findings);
                        }
                    }
                }
                None => None,
            };
            match ledger.verify_all(trusted.as_ref())? {
                Verification::Intact {
                    head,
                    bodies_checked,
                } => {
                    let checked = (head, bodies_checked, trusted.is_some());
                    verify_report(v.format, Some(checked), None, None)?;
                    Ok(ExitStatus::Success)
                }
                Verification::Tampered(t) => {
                    verify_report(v.format, None, Some(&t), None)?;
                    Ok(ExitStatus::Findings)
                }
            }
        }
        AuditCommand::Prove(p) => {
            let ledger = open_existing(&Opening::read(&p.ledger, None))?;
            let note = latest_note(&p.ledger.db)?;
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
            let ledger = open_existing(&Opening::read(&c.ledger, None))?;
            let verifier = verifier(&c.key)?;
            let old_note = rampart_core::bounded::read_to_string(
                &c.old_checkpoint,
                rampart_core::bounded::MAX_KEY_BYTES,
            )
            .with_context(|| format!("cannot read {}", c.old_checkpoint.display()))?;
            let new_note = latest_note(&c.ledger.db)?;
            let checked = (
                verifier.verify_checkpoint(&old_note, verifier.name()),
                verifier.verify_checkpoint(&new_note, verifier.name()),
            );
            let (old, new) = match checked {
                (Ok(old), Ok(new)) => (old, new),
                (Err(e), _) => {
                    println!("INCONSISTENT: the old checkpoint {} does not verify with the given key: {e}", c.old_checkpoint.display());
                    return Ok(ExitStatus::Findings);
                }
                (_, Err(e)) => {
                    println!("INCONSISTENT: the latest checkpoint does not verify with the given key: {e}");
                    return Ok(ExitStatus::Findings);
                }
            };
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
            let ledger = open_existing(&Opening::read(&e.ledger, None))?;
            let since = Timestamp::parse(&e.since).map_err(|err| anyhow!("--since: {err}"))?;
            let until = Timestamp::parse(&e.until).map_err(|err| anyhow!("--until: {err}"))?;
            let note = latest_note(&e.ledger.db)?;
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
            p.note(format_args!(
                "exported {} entries between {} and {}",
                entries.len(),
                e.since,
                e.until
            ));
            write_out(e.out.as_deref(), &evidence::document(&note, entries))?;
            Ok(ExitStatus::Success)
        }
        AuditCommand::Serve(a) => serve(a, p),
        AuditCommand::Tail(t) => {
            let ledger = open_existing(&Opening::read(&t.ledger, None))?;
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
            let ledger = open_existing(&Opening::read(&p.ledger, None))?;
            let t = Timestamp::parse(&p.older_than).map_err(|e| anyhow!("--older-than: {e}"))?;
            let n = ledger.prune_bodies(t)?;
            println!("pruned the bodies of {n} entries older than {}; their hashes and proofs are unchanged", p.older_than);
            Ok(ExitStatus::Success)
        }
    }
}

/// Prints the outcome of `audit verify`: intact (head, bodies checked, whether a signed
/// checkpoint was held to), tampered, or a checkpoint that does not verify.
fn verify_report(
    format: ReportFormat,
    intact: Option<(rampart_ledger::TreeHead, u64, bool)>,
    tamper: Option<&rampart_ledger::Tamper>,
    unverified: Option<&str>,
) -> Result<()> {
    let mut out = io::stdout().lock();
    match format {
        ReportFormat::Json => {
            let mut v =
                json!({"schema_version": 1, "command": "audit-verify", "intact": intact.is_some()});
            if let Some((head, bodies, signed)) = intact {
                v["entries"] = json!(head.size);
                v["root"] = json!(hex::encode(head.root));
                v["bodies_checked"] = json!(bodies);
                v["checkpoint_held"] = json!(signed);
            }
            if let Some(t) = tamper {
                v["tamper"] = serde_json::to_value(t)?;
                v["message"] = json!(t.to_string());
            }
            if let Some(why) = unverified {
                v["message"] = json!(why);
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        ReportFormat::Human => match (intact, tamper, unverified) {
            (Some((head, bodies, signed)), _, _) => writeln!(
                out,
                "ledger intact: {} entries, root {}{}; {bodies} bodies checked",
                head.size,
                hex::encode(head.root),
                if signed {
                    ", consistent with the signed checkpoint"
                } else {
                    ""
                }
            )?,
            (_, Some(t), _) => writeln!(out, "ledger TAMPERED: {t}")?,
            (_, _, Some(why)) => writeln!(out, "ledger NOT VERIFIED: {why}")?,
            _ => {}
        },
    }
    Ok(())
}

/// Most entries committed (and acknowledged) together by `append`.
const APPEND_BATCH: usize = 4096;

/// `audit append`: one JSON entry per stdin line; each committed index is printed.
///
/// A reader thread parses lines while the ledger commits: whatever has arrived when
/// the previous commit ends goes into the next batch (up to [`APPEND_BATCH`]), so a
/// fast producer gets large transactions and a slow one gets its index as soon as
/// its line is committed, not after thousands more lines.
fn append_stdin(ledger: &SqliteLedger) -> Result<()> {
    use std::sync::mpsc;
    type Parsed = Result<(AuditEntry, Option<Bodies>)>;
    let (tx, rx) = mpsc::sync_channel::<Parsed>(APPEND_BATCH);
    let reader = std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        let mut buf = Vec::new();
        for n in 1.. {
            buf.clear();
            // Bounded: a line is never read past MAX_LINE bytes.
            let read = (&mut input)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf)
                .with_context(|| format!("reading stdin line {n}"));
            let parsed = match read {
                Ok(0) => return,
                Ok(_) if buf.len() > MAX_LINE => {
                    Err(anyhow!("stdin line {n}: longer than {MAX_LINE} bytes"))
                }
                Ok(_) => std::str::from_utf8(&buf)
                    .map_err(|_| anyhow!("stdin line {n}: not UTF-8"))
                    .and_then(|line| parse_append_line(n, line)),
                Err(e) => Err(e),
            };
            let stop = parsed.is_err();
            match parsed {
                Ok(None) => continue,
                Ok(Some(item)) => {
                    if tx.send(Ok(item)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                }
            }
            if stop {
                return;
            }
        }
    });
    let mut out = io::stdout().lock();
    let mut result = Ok(());
    'commit: while let Ok(first) = rx.recv() {
        let mut batch = Vec::new();
        let mut failed = None;
        for item in std::iter::once(first).chain(std::iter::from_fn(|| rx.try_recv().ok())) {
            match item {
                Ok(item) => batch.push(item),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
            if batch.len() >= APPEND_BATCH {
                break;
            }
        }
        // The lines before a bad one are committed and acknowledged; then it stops.
        if !batch.is_empty() {
            let range = ledger.append_batch(batch)?;
            for i in range {
                writeln!(out, "{i}")?;
            }
            out.flush()?;
        }
        if let Some(e) = failed {
            result = Err(e);
            break 'commit;
        }
    }
    drop(rx);
    let _ = reader.join();
    result
}

/// One line of `audit append` input: `None` for a blank line.
fn parse_append_line(n: usize, line: &str) -> Result<Option<(AuditEntry, Option<Bodies>)>> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let mut value: Value =
        serde_json::from_str(line).with_context(|| format!("stdin line {n}: not JSON"))?;
    let bodies = match value.as_object_mut().and_then(|o| o.remove("bodies")) {
        Some(b) => Some(
            serde_json::from_value::<Bodies>(b)
                .with_context(|| format!("stdin line {n}: bad bodies"))?,
        ),
        None => None,
    };
    let entry: AuditEntry = serde_json::from_value(value)
        .with_context(|| format!("stdin line {n}: not an audit entry"))?;
    Ok(Some((entry, bodies)))
}

/// Offline verification of an evidence file.
fn verify_proof(file: &Path, key: &str) -> Result<ExitStatus> {
    let text = read_bounded(file, evidence::MAX_EVIDENCE_BYTES)?;
    let evidence = Evidence::parse(&text).with_context(|| file.display().to_string())?;
    let verifier = verifier(key)?;
    match evidence::verify(&evidence, &verifier) {
        EvidenceVerdict::Valid {
            checkpoint,
            entries,
        } => {
            println!(
                "valid: {entries} entr{} included in the log {} at size {} (checkpoint signed by {})",
                if entries == 1 { "y is" } else { "ies are" },
                checkpoint.origin,
                checkpoint.size,
                verifier.name()
            );
            Ok(ExitStatus::Success)
        }
        EvidenceVerdict::Invalid(why) => {
            println!("INVALID: {why}");
            Ok(ExitStatus::Findings)
        }
    }
}

/// Reads a whole file of at most `max` bytes, naming the file in every error.
pub(super) fn read_bounded(file: &Path, max: usize) -> Result<Vec<u8>> {
    Ok(rampart_core::bounded::read(file, max as u64)?)
}

fn serve(a: &crate::cli::AuditServeArgs, p: &Printer) -> Result<ExitStatus> {
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
    let ledger: std::sync::Arc<dyn Storage> = std::sync::Arc::new(open(&Opening::write(&a.write))?);
    let api = std::sync::Arc::new(rampart_ledger::http::Api::new(
        ledger,
        signer(a.write.checkpoint_key.as_deref())?,
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
        p.note(format_args!(
            "ledger API listening on http://{}",
            listener.local_addr()?
        ));
        rampart_ledger::http::serve(api, listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitStatus::Success)
}
