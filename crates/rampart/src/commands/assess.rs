//! `rampart assess`.

use std::io::{self, Write};

use std::io::Read;

use anyhow::{Context, Result};
use rampart_design::{assess, render, Options};

use crate::cli::{AssessArgs, AssessFormat, VerifyAttestationArgs};
use crate::ExitStatus;

pub fn run(args: &AssessArgs) -> Result<ExitStatus> {
    if args.sign.is_some() && (args.format != AssessFormat::Json || args.out.is_none()) {
        anyhow::bail!(
            "--sign needs --format json and --out FILE (the signed bytes are the file's)"
        );
    }
    let key = match &args.sign {
        Some(k) => Some(
            rampart_sign::keys::SigningKey::from_file(k, None)
                .with_context(|| format!("reading {}", k.display()))?,
        ),
        None => None,
    };
    let path = args.dir.join("rampart.toml");
    let system = rampart_bom::read_system(&args.dir)
        .with_context(|| format!("reading {}", path.display()))?;
    let mut assessment = assess(&args.dir, &system, Options::default());
    if let Some(old) = &args.diff {
        let bytes = read_bounded(old).with_context(|| format!("reading {}", old.display()))?;
        let d = rampart_design::diff(&bytes, &assessment)
            .map_err(|e| anyhow::anyhow!("--diff {}: {e}", old.display()))?;
        assessment.diff = Some(d);
    }
    let text = match args.format {
        AssessFormat::Human => render::human(&assessment),
        AssessFormat::Markdown => render::markdown(&assessment),
        AssessFormat::Html => render::html(&assessment, &system),
        AssessFormat::Otm => {
            serde_json::to_string_pretty(&rampart_design::otm::export(&system, &assessment))? + "\n"
        }
        AssessFormat::Json => serde_json::to_string_pretty(&assessment)? + "\n",
        AssessFormat::Sarif => serde_json::to_string_pretty(&render::sarif(&assessment))? + "\n",
    };
    match &args.out {
        Some(out) => rampart_sign::write_atomically(out, text.as_bytes())
            .with_context(|| format!("writing {}", out.display()))?,
        None => io::stdout().lock().write_all(text.as_bytes())?,
    }
    if let (Some(key), Some(out)) = (&key, &args.out) {
        let statement = rampart_design::attest::statement(&args.dir, &system, text.as_bytes());
        let envelope = rampart_design::attest::sign(&statement, key).map_err(anyhow::Error::msg)?;
        let path = envelope_path(out);
        let bytes = serde_json::to_string_pretty(&envelope)? + "\n";
        rampart_sign::write_atomically(&path, bytes.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("rampart: signed the assessment: {}", path.display());
    }
    if args.append_ledger {
        append_to_ledger(&args.dir, &system, &assessment, text.as_bytes())?;
    }
    Ok(match args.fail_under {
        Some(min) if assessment.score < min => {
            eprintln!(
                "rampart: {:.1}% of the applicable requirements met or attested, under --fail-under {min}%",
                assessment.score
            );
            ExitStatus::Findings
        }
        _ => ExitStatus::Success,
    })
}

fn read_bounded(path: &std::path::Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(rampart_design::MAX_DIFF_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Appends the assessment's digest to the `[ledger]` SQLite file.
fn append_to_ledger(
    dir: &std::path::Path,
    system: &rampart_core::system::SystemDescription,
    assessment: &rampart_design::Assessment,
    bytes: &[u8],
) -> Result<()> {
    use rampart_ledger::Storage as _;
    let Some(rel) = system.ledger.as_ref().and_then(|l| l.path.as_deref()) else {
        anyhow::bail!("--append-ledger needs a [ledger] path (a SQLite file) in rampart.toml");
    };
    let path = dir.join(rel);
    let digest = rampart_ledger::entry::sha256(bytes);
    let entry = rampart_ledger::AuditEntry {
        time: rampart_ledger::Timestamp::now(),
        request_id: format!("assessment-{}", &hex::encode(digest)[..16]),
        principal: "rampart assess".into(),
        tenant: system.system.name.clone(),
        route: "assess".into(),
        model: String::new(),
        upstream: String::new(),
        decision: rampart_core::Decision::Allow,
        rules: vec![format!("score={:.1}", assessment.score)],
        tokens_in: 0,
        tokens_out: 0,
        prompt_sha256: Some(digest),
        response_sha256: None,
    };
    let ledger = rampart_ledger::SqliteLedger::open(rampart_ledger::SqliteConfig::new(&path))
        .with_context(|| format!("opening ledger {}", path.display()))?;
    let index = ledger
        .append(entry, None)
        .with_context(|| format!("appending to {}", path.display()))?;
    eprintln!(
        "rampart: assessment sha256 {} appended to {} as entry {index}",
        hex::encode(digest),
        path.display()
    );
    Ok(())
}

fn envelope_path(assessment: &std::path::Path) -> std::path::PathBuf {
    let mut name = assessment.as_os_str().to_owned();
    name.push(".dsse.json");
    name.into()
}

pub fn verify_attestation(args: &VerifyAttestationArgs) -> Result<ExitStatus> {
    let key = rampart_sign::keys::VerifyingKey::from_file(&args.key)
        .with_context(|| format!("reading {}", args.key.display()))?;
    let env_path = args
        .envelope
        .clone()
        .unwrap_or_else(|| envelope_path(&args.assessment));
    let envelope =
        read_bounded(&env_path).with_context(|| format!("reading {}", env_path.display()))?;
    let assessment = read_bounded(&args.assessment)
        .with_context(|| format!("reading {}", args.assessment.display()))?;
    match rampart_design::attest::verify(&envelope, &assessment, &key) {
        Ok(statement) => {
            let subjects = statement["subject"].as_array().map_or(0, Vec::len);
            println!(
                "verified: {} signed by {}; {} subject(s)",
                args.assessment.display(),
                args.key.display(),
                subjects
            );
            Ok(ExitStatus::Success)
        }
        Err(e) => {
            println!("NOT verified: {}: {e}", args.assessment.display());
            Ok(ExitStatus::Findings)
        }
    }
}
