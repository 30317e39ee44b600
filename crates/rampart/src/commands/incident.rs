//! `rampart incident`: signed incident bundles (DP-3).
//!
//! A bundle is one file of two parts:
//! 1. the body, one line of compact JSON: `format` (`rampart-incident/v1`), the
//!    window and filters, an evidence document (a checkpoint signed now with the
//!    ledger's checkpoint key, and each matching entry with its inclusion proof
//!    against it), `consistency`: each earlier checkpoint of the log (the one stored
//!    beside a SQLite ledger, and every `--anchor`) with the consistency proof from it
//!    to the new one, the configuration with secrets removed and its SHA-256, the
//!    system's CycloneDX AI-BOM and its SHA-256, the alerts recorded in the window
//!    (from the monitor's file, when `[gateway.monitor]` is set) and a summary;
//! 2. a signed note by the same key whose text is exactly
//!    `rampart-incident/v1\nsha256 <hex of the body line>\n`, with exactly one
//!    signature line.
//!
//! `verify` needs only the file and the verifier key: the note's signature and its
//! exact form, the body's hash, the checkpoint's signature, every inclusion proof,
//! each earlier checkpoint's signature and its consistency proof, each entry inside
//! the window, the configuration's and the AI-BOM's hashes and the summary's count.
//! Any changed byte fails one of them.
//!
//! The ledger is the one `[ledger]` names: a SQLite file (`path`) or PostgreSQL
//! (`url_env`). Export refuses a ledger that does not extend an earlier checkpoint
//! (smaller than it, or a different history): that is itself the incident.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use rampart_core::system::SystemDescription;
use rampart_ledger::evidence::{self, Evidence, EvidenceVerdict};
use rampart_ledger::merkle::{verify_consistency, Hash};
use rampart_ledger::{NoteVerifier, PostgresConfig, PostgresLedger, Storage, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::audit::{
    latest_note_path, open_existing, read_bounded, verifier, write_checkpoint, Opening,
};
use crate::cli::{IncidentCommand, IncidentExportArgs, LedgerDbArgs};
use crate::render::Printer;
use crate::ExitStatus;

/// Format tag of incident bundles.
pub const FORMAT: &str = "rampart-incident/v1";
/// Largest bundle `verify` reads.
const MAX_BUNDLE: usize = 1 << 30;
/// Most alerts put in a bundle.
const MAX_ALERTS: usize = 10_000;
/// Most earlier checkpoints linked by one bundle.
const MAX_LINKS: usize = 64;

/// An earlier signed checkpoint and the consistency proof from it to the bundle's
/// checkpoint: whoever holds that earlier checkpoint learns that the log the bundle
/// is proven against extends it, without any entry rewritten or removed.
#[derive(Debug, Serialize, Deserialize)]
struct Link {
    /// Where it came from: `stored` (beside the ledger) or `anchor`.
    source: String,
    /// The earlier signed checkpoint note.
    checkpoint: String,
    /// RFC 9162 consistency proof from its size to the bundle checkpoint's size.
    #[serde(with = "rampart_ledger::hex::serde_hashes")]
    consistency_proof: Vec<Hash>,
}

/// Key names whose values are secrets (or may hold one, like a webhook URL).
const SECRET_NAMES: &[&str] = &[
    "api_key",
    "apikey",
    "token",
    "secret",
    "password",
    "authorization",
    "bearer",
    "url",
];

pub fn run(cmd: &IncidentCommand, p: &Printer) -> Result<ExitStatus> {
    match cmd {
        IncidentCommand::Export(e) => export(e, p),
        IncidentCommand::Verify(v) => verify(&v.file, &v.key),
    }
}

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `table` with every value under a secret-looking key replaced.
fn redact(v: &mut toml::Value) {
    match v {
        toml::Value::Table(t) => {
            for (k, val) in t.iter_mut() {
                let lower = k.to_ascii_lowercase();
                let secret =
                    SECRET_NAMES.iter().any(|s| lower.contains(s)) && !lower.ends_with("_env");
                if secret && !matches!(val, toml::Value::Table(_) | toml::Value::Array(_)) {
                    *val = toml::Value::String("[removed]".into());
                } else {
                    redact(val);
                }
            }
        }
        toml::Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

fn note_text(body: &str) -> String {
    format!("{FORMAT}\nsha256 {}\n", sha_hex(body.as_bytes()))
}

fn export(e: &IncidentExportArgs, p: &Printer) -> Result<ExitStatus> {
    let raw =
        rampart_core::bounded::read_to_string(&e.config, rampart_core::bounded::MAX_CONFIG_BYTES)
            .with_context(|| format!("reading {}", e.config.display()))?;
    let system = SystemDescription::parse(&raw)?;
    let root = rampart_gateway::config::config_root(&e.config);
    let from = Timestamp::parse(&e.from).map_err(|err| anyhow!("--from: {err}"))?;
    let to = Timestamp::parse(&e.to).map_err(|err| anyhow!("--to: {err}"))?;
    if to.unix_millis() < from.unix_millis() {
        bail!("--to is before --from");
    }
    let (ledger, db) = open_ledger(&system, root, &e.config)?;
    let ledger = ledger.as_ref();
    let signer = rampart_ledger::NoteSigner::load(&e.checkpoint_key)
        .map_err(|err| anyhow!("{err}"))
        .with_context(|| format!("checkpoint key {}", e.checkpoint_key.display()))?;
    let own = signer.verifier();
    // The earlier checkpoints, read before the new one replaces `latest.note`.
    let mut earlier = Vec::new();
    if let Some(path) = db.as_deref().map(latest_note_path) {
        match rampart_core::bounded::read_to_string(&path, rampart_core::bounded::MAX_KEY_BYTES) {
            Ok(note) => match own.verify_checkpoint(&note, own.name()) {
                Ok(_) => earlier.push(("stored".to_string(), note)),
                // A key rotation leaves a checkpoint this key cannot vouch for: it is
                // said, not linked.
                Err(err) => p.note(format_args!(
                    "{}: not signed by this checkpoint key ({err}); not linked",
                    path.display()
                )),
            },
            Err(err) if path.exists() => {
                return Err(err).with_context(|| format!("reading {}", path.display()))
            }
            Err(_) => {}
        }
    }
    for a in &e.anchor {
        let note = rampart_core::bounded::read_to_string(a, rampart_core::bounded::MAX_KEY_BYTES)
            .with_context(|| format!("--anchor {}", a.display()))?;
        own.verify_checkpoint(&note, own.name()).map_err(|err| {
            anyhow!(
                "--anchor {}: does not verify with the checkpoint key: {err}",
                a.display()
            )
        })?;
        earlier.push(("anchor".to_string(), note));
    }
    if earlier.len() > MAX_LINKS {
        bail!("at most {MAX_LINKS} earlier checkpoints can be linked");
    }
    let note = match db.as_deref() {
        Some(db) => write_checkpoint(ledger, db, &signer)?,
        None => {
            let head = ledger.tree_head()?;
            let cp = rampart_ledger::Checkpoint::new(signer.name(), head)
                .map_err(|err| anyhow!("{err}"))?;
            signer
                .sign_checkpoint(&cp)
                .map_err(|err| anyhow!("{err}"))?
        }
    };
    let checkpoint = own
        .verify_checkpoint(&note, own.name())
        .map_err(|err| anyhow!("the new checkpoint: {err}"))?;
    let size = checkpoint.size;
    let mut links = Vec::new();
    for (source, old_note) in earlier {
        let old = own
            .verify_checkpoint(&old_note, own.name())
            .map_err(|err| anyhow!("{source} checkpoint: {err}"))?;
        if old.size > size {
            bail!(
                "the ledger holds {size} entries but its {source} checkpoint signed {}: entries were removed",
                old.size
            );
        }
        let proof = if old.size == 0 || old.size == size {
            Vec::new()
        } else {
            ledger.consistency_proof(old.size, size)?
        };
        let consistent = if old.size == 0 {
            true
        } else {
            verify_consistency(old.size, size, &old.root, &checkpoint.root, &proof).is_ok()
        };
        if !consistent {
            bail!(
                "the ledger does not extend its {source} checkpoint of {} entries: its history was rewritten",
                old.size
            );
        }
        links.push(Link {
            source,
            checkpoint: old_note,
            consistency_proof: proof,
        });
    }

    let mut entries = Vec::new();
    let mut by_decision = std::collections::BTreeMap::<String, u64>::new();
    let mut by_rule = std::collections::BTreeMap::<String, u64>::new();
    let mut by_key = std::collections::BTreeMap::<String, u64>::new();
    let mut start = 0u64;
    while start < size {
        let end = (start + 10_000).min(size);
        for s in ledger.entries(start..end)? {
            let t = s.entry.time.unix_millis();
            let in_window = t >= from.unix_millis() && t <= to.unix_millis();
            let key_ok = e.key.as_ref().is_none_or(|k| &s.entry.principal == k);
            let rule_ok = e.rule.as_ref().is_none_or(|r| s.entry.rules.contains(r));
            if !(in_window && key_ok && rule_ok) {
                continue;
            }
            let decision = serde_json::to_value(s.entry.decision)?
                .as_str()
                .unwrap_or("")
                .to_string();
            *by_decision.entry(decision).or_default() += 1;
            for r in &s.entry.rules {
                *by_rule.entry(r.clone()).or_default() += 1;
            }
            *by_key.entry(s.entry.principal.clone()).or_default() += 1;
            entries.push(evidence::proven_entry(ledger, &s, size)?);
        }
        start = end;
    }

    let mut config: toml::Value = toml::from_str(&raw).context("re-reading the configuration")?;
    redact(&mut config);
    let config_text = toml::to_string(&config).context("writing the configuration")?;

    let alerts = match system.gateway.as_ref().and_then(|g| g.monitor.as_ref()) {
        Some(m) => {
            let cfg = rampart_gateway::monitor::MonitorConfig::from_settings(m, root)
                .map_err(|(s, err)| anyhow!("{s}: {err}"))?;
            if cfg.path.exists() {
                let conn =
                    rampart_gateway::monitor::open_read_only(&cfg.path).map_err(|e| anyhow!(e))?;
                rampart_gateway::monitor::alerts_between(
                    &conn,
                    from.unix_millis(),
                    to.unix_millis(),
                    MAX_ALERTS,
                )
                .map_err(|e| anyhow!(e))?
            } else {
                Vec::new()
            }
        }
        None => Vec::new(),
    };

    let bom = if e.no_bom {
        Value::Null
    } else {
        let built = rampart_bom::build(root, &system, rampart_bom::SpecVersion::V1_6);
        let text = serde_json::to_string(&built.json)?;
        json!({
            "cyclonedx": text,
            "sha256": sha_hex(text.as_bytes()),
            "unreadable": built.unreadable.iter().map(|(path, why)| json!({"path": path, "why": why})).collect::<Vec<_>>(),
        })
    };

    let count = entries.len();
    let body = json!({
        "format": FORMAT,
        "created": Timestamp::now().to_string(),
        "window": {"from": from.to_string(), "to": to.to_string()},
        "filters": {"key": e.key, "rule": e.rule},
        "evidence": evidence::document(&note, entries),
        "consistency": links,
        "config": {"toml": config_text, "sha256": sha_hex(config_text.as_bytes())},
        "bom": bom,
        "alerts": alerts,
        "summary": {
            "entries": count,
            "ledger_size": size,
            "by_decision": by_decision,
            "by_rule": by_rule,
            "by_key": by_key,
            "alerts": alerts.len(),
            "linked_checkpoints": links.len(),
        },
    });
    let body = serde_json::to_string(&body)?;
    let signed = signer
        .sign_note(&note_text(&body))
        .map_err(|err| anyhow!("{err}"))?;
    let mut out = body.into_bytes();
    out.push(b'\n');
    out.extend_from_slice(signed.as_bytes());
    rampart_sign::write_atomically(&e.out, &out)
        .with_context(|| format!("writing {}", e.out.display()))?;
    p.note(format_args!(
        "wrote {}: {count} entries, {} alerts, {} earlier checkpoints linked, signed by {}",
        e.out.display(),
        alerts.len(),
        links.len(),
        signer.name()
    ));
    Ok(ExitStatus::Success)
}

/// Checks a bundle; `Err` text is the first problem found.
pub(crate) fn check(bytes: &[u8], key: &str) -> std::result::Result<String, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    let (body, note) = text
        .split_once('\n')
        .ok_or("not an incident bundle (no signature part)")?;
    let verifier = verifier(key).map_err(|e| e.to_string())?;
    let signed = verifier
        .verify_note(note)
        .map_err(|e| format!("the bundle's signature does not verify: {e}"))?;
    let sigs = &note[signed.len() + 1..];
    if sigs.lines().count() != 1 {
        return Err("the signature part must hold exactly one signature".into());
    }
    if signed != note_text(body) {
        return Err("the body does not match its signed hash (changed after signing)".into());
    }
    let v: Value = serde_json::from_str(body).map_err(|e| format!("body: {e}"))?;
    if v["format"] != FORMAT {
        return Err(format!("format is not {FORMAT}"));
    }
    let ev: Evidence =
        serde_json::from_value(v["evidence"].clone()).map_err(|e| format!("evidence: {e}"))?;
    let size = match evidence::verify(&ev, &verifier) {
        EvidenceVerdict::Valid { checkpoint, .. } => checkpoint.size,
        EvidenceVerdict::Invalid(i) => return Err(format!("evidence: {i}")),
    };
    let window = |k: &str| {
        v["window"][k]
            .as_str()
            .and_then(|t| Timestamp::parse(t).ok())
            .map(Timestamp::unix_millis)
            .ok_or_else(|| format!("window.{k} is not a time"))
    };
    let (from, to) = (window("from")?, window("to")?);
    if let Some(e) = ev
        .entries
        .iter()
        .find(|e| e.entry.time.unix_millis() < from || e.entry.time.unix_millis() > to)
    {
        return Err(format!("entry {} is outside the window", e.index));
    }
    let links: Vec<Link> = serde_json::from_value(v["consistency"].clone())
        .map_err(|e| format!("consistency: {e}"))?;
    let checkpoint = verifier
        .verify_checkpoint(&ev.checkpoint, verifier.name())
        .map_err(|e| format!("evidence: {e}"))?;
    for (i, link) in links.iter().enumerate() {
        check_link(link, &checkpoint, &verifier)
            .map_err(|why| format!("consistency[{i}] ({}): {why}", link.source))?;
    }
    let config = v["config"]["toml"].as_str().ok_or("config.toml missing")?;
    if v["config"]["sha256"].as_str() != Some(sha_hex(config.as_bytes()).as_str()) {
        return Err("the configuration does not match its hash".into());
    }
    let bom = match &v["bom"] {
        Value::Null => "no AI-BOM".to_string(),
        b => {
            let text = b["cyclonedx"].as_str().ok_or("bom.cyclonedx missing")?;
            if b["sha256"].as_str() != Some(sha_hex(text.as_bytes()).as_str()) {
                return Err("the AI-BOM does not match its hash".into());
            }
            let doc: Value =
                serde_json::from_str(text).map_err(|e| format!("bom.cyclonedx: {e}"))?;
            if doc["bomFormat"] != "CycloneDX" {
                return Err("bom.cyclonedx is not a CycloneDX document".into());
            }
            format!("AI-BOM sha256 {}", sha_hex(text.as_bytes()))
        }
    };
    if v["summary"]["entries"].as_u64() != Some(ev.entries.len() as u64) {
        return Err("the summary's entry count does not match the entries".into());
    }
    let linked = links
        .iter()
        .filter_map(|l| {
            verifier
                .verify_checkpoint(&l.checkpoint, verifier.name())
                .ok()
                .map(|c| c.size.to_string())
        })
        .collect::<Vec<_>>();
    Ok(format!(
        "verified: {} entries between {} and {}, proven against a checkpoint of {} entries signed by {}; consistent with {} earlier checkpoints{}; {} alerts; configuration sha256 {}; {bom}",
        ev.entries.len(),
        v["window"]["from"].as_str().unwrap_or(""),
        v["window"]["to"].as_str().unwrap_or(""),
        size,
        verifier.name(),
        links.len(),
        if linked.is_empty() { String::new() } else { format!(" (sizes {})", linked.join(", ")) },
        v["alerts"].as_array().map_or(0, Vec::len),
        v["config"]["sha256"].as_str().unwrap_or("")
    ))
}

/// Checks that the bundle's `checkpoint` extends the earlier one of `link`.
fn check_link(
    link: &Link,
    checkpoint: &rampart_ledger::Checkpoint,
    verifier: &NoteVerifier,
) -> std::result::Result<(), String> {
    let old = verifier
        .verify_checkpoint(&link.checkpoint, verifier.name())
        .map_err(|e| format!("the earlier checkpoint does not verify: {e}"))?;
    if old.size > checkpoint.size {
        return Err(format!(
            "the earlier checkpoint signed {} entries, more than the bundle's {}",
            old.size, checkpoint.size
        ));
    }
    if old.size == 0 {
        return if link.consistency_proof.is_empty() {
            Ok(())
        } else {
            Err("a proof from an empty log must be empty".into())
        };
    }
    verify_consistency(
        old.size,
        checkpoint.size,
        &old.root,
        &checkpoint.root,
        &link.consistency_proof,
    )
    .map_err(|e| format!("the log does not extend it: {e}"))
}

/// The ledger `[ledger]` names: a SQLite file that must exist (with its path, where
/// checkpoints are stored), or PostgreSQL through `url_env`.
fn open_ledger(
    system: &SystemDescription,
    root: &Path,
    config: &Path,
) -> Result<(Box<dyn Storage>, Option<PathBuf>)> {
    let settings = system.ledger.as_ref();
    match (
        settings.and_then(|l| l.path.as_ref()),
        settings.and_then(|l| l.url_env.as_ref()),
    ) {
        (Some(path), None) => {
            let db = root.join(path);
            let db_args = LedgerDbArgs { db: db.clone() };
            let ledger = open_existing(&Opening::read(&db_args, None))?;
            Ok((Box::new(ledger), Some(db)))
        }
        (None, Some(var)) => {
            let url = std::env::var(var)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| {
                    anyhow!("[ledger] url_env: environment variable {var} is not set or empty")
                })?;
            // The URL may hold a password: errors name the variable, never the value.
            let ledger = PostgresLedger::open(PostgresConfig::new(url))
                .map_err(|err| anyhow!("opening the PostgreSQL ledger ({var}): {err}"))?;
            Ok((Box::new(ledger), None))
        }
        (Some(_), Some(_)) => bail!(
            "{}: [ledger] sets both path and url_env; choose SQLite (path) or PostgreSQL (url_env)",
            config.display()
        ),
        (None, None) => bail!(
            "{} has no [ledger] (path or url_env): there is no ledger to export from",
            config.display()
        ),
    }
}

fn verify(file: &PathBuf, key: &str) -> Result<ExitStatus> {
    let bytes = read_bounded(Path::new(file), MAX_BUNDLE)?;
    match check(&bytes, key) {
        Ok(s) => {
            println!("{s}");
            Ok(ExitStatus::Success)
        }
        Err(why) => {
            println!("INVALID: {why}");
            Ok(ExitStatus::Findings)
        }
    }
}
