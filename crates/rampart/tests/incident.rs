//! `rampart incident export` and `verify`: a bundle of a window's entries with
//! proofs, the configuration without its secrets, the alerts of the window and a
//! summary, signed; it verifies offline and fails after any byte changes.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn rampart(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RAMPART_CHECKPOINT_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rampart");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// `rampart audit keygen` of a checkpoint key for the test log, written to `out`.
fn keygen(dir: &Path, out: &str) -> Output {
    rampart(
        dir,
        &[
            "audit",
            "keygen",
            "--name",
            "incident.test/log",
            "--out",
            out,
        ],
        None,
    )
}

/// Asserts that a command's output holds `what`, showing the output when not.
fn says(output: &[u8], what: &str) {
    assert!(
        text(output).contains(what),
        "{what:?} not in {}",
        text(output)
    );
}

/// Writes `bundle` to `x.bundle` in `d` and runs `rampart incident verify` on it.
fn verify_bytes(d: &Path, bundle: &[u8], vkey: &str) -> Output {
    std::fs::write(d.join("x.bundle"), bundle).unwrap();
    rampart(d, &["incident", "verify", "x.bundle", "--key", vkey], None)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const SECRET_HOOK: &str = "https://hooks.example.com/services/T000/B000/s3cr3tpart";

fn project(d: &Path) -> String {
    std::fs::write(
        d.join("rampart.toml"),
        format!(
            "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"127.0.0.1:0\"\n\
             [gateway.monitor]\npath = \"m.sqlite\"\n[ledger]\npath = \"l.db\"\n\
             [[alerts]]\nname = \"burst\"\nmetric = \"blocks\"\nabove = 4\nwindow = \"PT1M\"\n\
             sinks = [{{kind = \"webhook\", url = \"{SECRET_HOOK}\", format = \"slack\"}}]\n"
        ),
    )
    .unwrap();
    let out = keygen(d, "cp.key");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: String = (0..10)
        .map(|i| {
            let (key, rules, decision) = if i % 2 == 0 {
                ("k1", "[]", "allow")
            } else {
                ("k2", "[\"INJ001\"]", "block")
            };
            format!(
                "{{\"time\":\"2026-11-20T10:00:{i:02}Z\",\"request_id\":\"r{i}\",\"principal\":\"{key}\",\"tenant\":\"t\",\"route\":\"/v1/chat/completions\",\"model\":\"m\",\"upstream\":\"u\",\"decision\":\"{decision}\",\"rules\":{rules}}}\n"
            )
        })
        .collect();
    let out = rampart(d, &["audit", "append", "--db", "l.db"], Some(&lines));
    assert!(out.status.success(), "{}", text(&out.stderr));
    // an alert the gateway recorded in the window, and one outside it
    let db = rusqlite::Connection::open(d.join("m.sqlite")).unwrap();
    db.execute_batch(
        "CREATE TABLE alerts (time_ms INTEGER NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, message TEXT NOT NULL);",
    )
    .unwrap();
    for (ms, state) in [
        (1_795_168_805_000_i64, "firing"),
        (1_795_176_000_000, "resolved"),
    ] {
        db.execute(
            "INSERT INTO alerts VALUES (?1, 'burst', ?2, ?3)",
            rusqlite::params![
                ms,
                state,
                format!("{{\"alert\":\"burst\",\"state\":\"{state}\"}}")
            ],
        )
        .unwrap();
    }
    std::fs::read_to_string(d.join("cp.key.vkey"))
        .unwrap()
        .trim()
        .to_string()
}

fn export(d: &Path, extra: &[&str], out: &str) -> Output {
    let mut args = vec![
        "incident",
        "export",
        "--config",
        "rampart.toml",
        "--from",
        "2026-11-20T10:00:02Z",
        "--to",
        "2026-11-20T10:00:07Z",
        "--checkpoint-key",
        "cp.key",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    rampart(d, &args, None)
}

#[test]
fn an_incident_bundle_verifies_offline_and_fails_after_any_byte_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let vkey = project(d);
    let out = export(d, &[], "b.bundle");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bundle = std::fs::read(d.join("b.bundle")).unwrap();
    let body: serde_json::Value =
        serde_json::from_slice(bundle.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(body["format"], "rampart-incident/v1");
    assert_eq!(body["summary"]["entries"], 6, "10:00:02 to 10:00:07");
    assert_eq!(body["summary"]["by_decision"]["block"], 3);
    assert_eq!(body["summary"]["by_rule"]["INJ001"], 3);
    assert_eq!(body["evidence"]["entries"].as_array().unwrap().len(), 6);
    assert_eq!(
        body["alerts"].as_array().unwrap().len(),
        1,
        "{}",
        body["alerts"]
    );
    assert_eq!(body["alerts"][0]["state"], "firing");
    let config = body["config"]["toml"].as_str().unwrap();
    assert!(
        !text(&bundle).contains("s3cr3tpart"),
        "the webhook URL is a secret"
    );
    assert!(
        config.contains("[removed]") && config.contains("burst"),
        "{config}"
    );

    let ok = rampart(d, &["incident", "verify", "b.bundle", "--key", &vkey], None);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}{}",
        text(&ok.stdout),
        text(&ok.stderr)
    );
    says(&ok.stdout, "verified: 6 entries");

    // another key's verifier refuses it
    let other = keygen(d, "o.key");
    assert!(other.status.success());
    let other_vkey = std::fs::read_to_string(d.join("o.key.vkey")).unwrap();
    let bad = rampart(
        d,
        &["incident", "verify", "b.bundle", "--key", other_vkey.trim()],
        None,
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad.stdout));

    // any changed byte: every byte of the signature part, and bytes across the body
    let note_at = bundle.iter().position(|b| *b == b'\n').unwrap() + 1;
    let stride = (note_at / 120).max(1);
    let positions: Vec<usize> = (0..note_at)
        .step_by(stride)
        .chain([note_at - 1])
        .chain(note_at..bundle.len())
        .collect();
    for at in positions {
        let mut changed = bundle.clone();
        changed[at] ^= 0x01;
        let r = verify_bytes(d, &changed, &vkey);
        assert_ne!(
            r.status.code(),
            Some(0),
            "byte {at} changed ({:?} -> {:?}) and the bundle still verifies",
            bundle[at] as char,
            changed[at] as char
        );
    }
    // appended bytes, a dropped final byte
    for changed in [
        [bundle.clone(), b"\xe2\x80\x94 x AAAA\n".to_vec()].concat(),
        bundle[..bundle.len() - 1].to_vec(),
    ] {
        let r = verify_bytes(d, &changed, &vkey);
        assert_ne!(r.status.code(), Some(0), "{}", text(&r.stdout));
    }
}

#[test]
fn incident_filters_by_key_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let vkey = project(d);
    let out = export(d, &["--key", "k1"], "k.bundle");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = export(d, &["--rule", "INJ001"], "r.bundle");
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (file, want) in [("k.bundle", 3), ("r.bundle", 3)] {
        let bundle = std::fs::read(d.join(file)).unwrap();
        let body: serde_json::Value =
            serde_json::from_slice(bundle.split(|b| *b == b'\n').next().unwrap()).unwrap();
        assert_eq!(body["summary"]["entries"], want, "{file}");
        let ok = rampart(d, &["incident", "verify", file, "--key", &vkey], None);
        assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    }
    let bundle = std::fs::read(d.join("k.bundle")).unwrap();
    let body: serde_json::Value =
        serde_json::from_slice(bundle.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert!(body["evidence"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["entry"]["principal"] == "k1"));
}

fn body_of(bundle: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bundle.split(|b| *b == b'\n').next().unwrap()).unwrap()
}

/// Re-signs `body` as a dishonest exporter holding the key would: the signature is
/// then valid, so only the bundle's own checks can refuse what it says.
fn resign(d: &Path, body: &serde_json::Value) -> Vec<u8> {
    use sha2::Digest;
    let signer = rampart_ledger::NoteSigner::load(&d.join("cp.key")).unwrap();
    let line = serde_json::to_string(body).unwrap();
    let note = signer
        .sign_note(&format!(
            "rampart-incident/v1\nsha256 {}\n",
            hex_of(&sha2::Sha256::digest(line.as_bytes()))
        ))
        .unwrap();
    [line.into_bytes(), b"\n".to_vec(), note.into_bytes()].concat()
}

/// A change a dishonest exporter makes to a bundle's body.
type Edit = Box<dyn Fn(&mut serde_json::Value)>;

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn append(d: &Path, db: &str, from: usize, to: usize, tag: &str) {
    let lines: String = (from..to)
        .map(|i| {
            format!(
                "{{\"time\":\"2026-11-20T10:01:{i:02}Z\",\"request_id\":\"{tag}{i}\",\"principal\":\"k1\",\"tenant\":\"t\",\"route\":\"/v1/chat/completions\",\"model\":\"m\",\"upstream\":\"u\",\"decision\":\"allow\",\"rules\":[]}}\n"
            )
        })
        .collect();
    let out = rampart(d, &["audit", "append", "--db", db], Some(&lines));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// `rampart audit checkpoint` of `db` in `d`; returns the signed note it stored.
fn checkpoint(d: &Path, db: &str) -> String {
    let out = rampart(
        d,
        &[
            "audit",
            "checkpoint",
            "--db",
            db,
            "--checkpoint-key",
            "cp.key",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::read_to_string(d.join(format!("{db}.checkpoints/latest.note"))).unwrap()
}

#[test]
fn a_bundle_proves_the_log_extends_the_earlier_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let vkey = project(d);
    // The operator published a checkpoint of the first 10 entries; 5 more came after.
    std::fs::write(d.join("published.note"), checkpoint(d, "l.db")).unwrap();
    append(d, "l.db", 0, 5, "later");
    checkpoint(d, "l.db");
    append(d, "l.db", 5, 7, "latest");
    let out = export(d, &["--anchor", "published.note"], "c.bundle");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bundle = std::fs::read(d.join("c.bundle")).unwrap();
    let body = body_of(&bundle);
    let links = body["consistency"].as_array().unwrap();
    assert_eq!(links.len(), 2, "{}", body["consistency"]);
    assert_eq!(links[0]["source"], "stored");
    assert_eq!(links[1]["source"], "anchor");
    assert!(links
        .iter()
        .all(|l| !l["consistency_proof"].as_array().unwrap().is_empty()));
    let ok = rampart(d, &["incident", "verify", "c.bundle", "--key", &vkey], None);
    let said = text(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{said}");
    assert!(
        said.contains("proven against a checkpoint of 17 entries")
            && said.contains("consistent with 2 earlier checkpoints (sizes 15, 10)"),
        "{said}"
    );

    // A dishonest exporter holding the key: a wrong proof hash, a proof of another
    // length, an earlier checkpoint of another history, one signing more entries than
    // the bundle's. Each is refused although the bundle's signature is valid.
    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    std::fs::copy(d.join("cp.key"), o.join("cp.key")).unwrap();
    append(o, "x.db", 0, 10, "forged");
    let forged_note = checkpoint(o, "x.db");
    append(o, "x.db", 10, 30, "more");
    let bigger_note = checkpoint(o, "x.db");
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a proof hash changed",
            Box::new(|b| {
                let h = &mut b["consistency"][1]["consistency_proof"][0];
                let s = h.as_str().unwrap();
                let flipped = if s.starts_with('0') { "1" } else { "0" };
                *h = format!("{flipped}{}", &s[1..]).into();
            }),
        ),
        (
            "a proof hash dropped",
            Box::new(|b| {
                b["consistency"][1]["consistency_proof"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            }),
        ),
        (
            "another history",
            Box::new(move |b| b["consistency"][1]["checkpoint"] = forged_note.clone().into()),
        ),
        (
            "a bigger earlier checkpoint",
            Box::new(move |b| b["consistency"][0]["checkpoint"] = bigger_note.clone().into()),
        ),
    ];
    for (what, edit) in edits {
        let mut changed = body.clone();
        edit(&mut changed);
        let r = verify_bytes(d, &resign(d, &changed), &vkey);
        assert_eq!(r.status.code(), Some(1), "{what}: {}", text(&r.stdout));
        assert!(
            text(&r.stdout).contains("consistency["),
            "{what}: {}",
            text(&r.stdout)
        );
    }
    // the honest body re-signed the same way verifies: the refusals above are the
    // edits', not the re-signing's
    let r = verify_bytes(d, &resign(d, &body), &vkey);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stdout));
}

#[test]
fn export_refuses_a_ledger_that_does_not_extend_its_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d);
    // the ledger holds 10 entries; a checkpoint of another history of 8 entries, and
    // one of 40 entries
    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    std::fs::copy(d.join("cp.key"), o.join("cp.key")).unwrap();
    append(o, "x.db", 0, 8, "forged");
    std::fs::write(d.join("rewritten.note"), checkpoint(o, "x.db")).unwrap();
    append(o, "x.db", 8, 40, "more");
    std::fs::write(d.join("longer.note"), checkpoint(o, "x.db")).unwrap();
    for (anchor, says) in [
        ("rewritten.note", "history was rewritten"),
        ("longer.note", "entries were removed"),
    ] {
        let out = export(d, &["--anchor", anchor], "n.bundle");
        assert_eq!(out.status.code(), Some(2), "{anchor}");
        assert!(
            text(&out.stderr).contains(says),
            "{anchor}: {}",
            text(&out.stderr)
        );
        assert!(
            !d.join("n.bundle").exists(),
            "{anchor}: no bundle is written"
        );
    }
    // the stored checkpoint is checked the same way: the ledger file replaced by a
    // longer one of another history
    checkpoint(d, "l.db");
    std::fs::copy(o.join("x.db"), d.join("l.db")).unwrap();
    let out = export(d, &[], "n.bundle");
    assert_eq!(out.status.code(), Some(2));
    says(&out.stderr, "history was rewritten");
    // an anchor signed by another key is refused, not silently dropped
    let foreign = tempfile::tempdir().unwrap();
    let f = foreign.path();
    assert!(keygen(f, "cp.key").status.success());
    append(f, "x.db", 0, 3, "foreign");
    std::fs::write(d.join("foreign.note"), checkpoint(f, "x.db")).unwrap();
    let out = export(d, &["--anchor", "foreign.note"], "n.bundle");
    assert_eq!(out.status.code(), Some(2));
    says(&out.stderr, "does not verify");
}

#[test]
fn a_bundle_carries_the_systems_ai_bom() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let vkey = project(d);
    let out = export(d, &[], "b.bundle");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bundle = std::fs::read(d.join("b.bundle")).unwrap();
    let body = body_of(&bundle);
    let cyclonedx: serde_json::Value =
        serde_json::from_str(body["bom"]["cyclonedx"].as_str().unwrap()).unwrap();
    assert_eq!(cyclonedx["bomFormat"], "CycloneDX");
    assert_eq!(
        cyclonedx["metadata"]["component"]["name"], "t",
        "{cyclonedx}"
    );
    let ok = rampart(d, &["incident", "verify", "b.bundle", "--key", &vkey], None);
    says(&ok.stdout, "AI-BOM sha256");
    // a BOM swapped after the fact (re-signed by a dishonest exporter) fails its hash
    let mut changed = body.clone();
    changed["bom"]["cyclonedx"] =
        serde_json::to_string(&serde_json::json!({"bomFormat": "CycloneDX", "components": []}))
            .unwrap()
            .into();
    let r = verify_bytes(d, &resign(d, &changed), &vkey);
    assert_eq!(r.status.code(), Some(1));
    says(&r.stdout, "AI-BOM does not match");
    // --no-bom leaves it out, and verify says so
    let out = export(d, &["--no-bom"], "n.bundle");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(body_of(&std::fs::read(d.join("n.bundle")).unwrap())["bom"].is_null());
    let ok = rampart(d, &["incident", "verify", "n.bundle", "--key", &vkey], None);
    says(&ok.stdout, "no AI-BOM");
}

#[test]
fn a_bundle_of_a_postgresql_ledger_verifies() {
    let Some(db) = rampart_test::pg::database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("rampart.toml"),
        "schema_version = 1\n[system]\nname = \"t\"\n[ledger]\nurl_env = \"INCIDENT_TEST_PG\"\n",
    )
    .unwrap();
    let out = keygen(d, "cp.key");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let vkey = std::fs::read_to_string(d.join("cp.key.vkey")).unwrap();
    {
        use rampart_ledger::Storage;
        let ledger =
            rampart_ledger::PostgresLedger::open(rampart_ledger::PostgresConfig::new(&db.url))
                .unwrap();
        for i in 0..8 {
            let entry: rampart_ledger::AuditEntry = serde_json::from_str(&format!(
                "{{\"time\":\"2026-11-20T10:00:{i:02}Z\",\"request_id\":\"p{i}\",\"principal\":\"k{}\",\"tenant\":\"t\",\"route\":\"/v1/chat/completions\",\"model\":\"m\",\"upstream\":\"u\",\"decision\":\"allow\",\"rules\":[]}}",
                i % 2
            ))
            .unwrap();
            ledger.append(entry, None).unwrap();
        }
    }
    let run = |extra: &[&str], env: Option<&str>| {
        let mut args = vec![
            "incident",
            "export",
            "--from",
            "2026-11-20T10:00:02Z",
            "--to",
            "2026-11-20T10:00:05Z",
            "--checkpoint-key",
            "cp.key",
            "--no-bom",
            "--out",
            "p.bundle",
        ];
        args.extend_from_slice(extra);
        let mut c = Command::new(env!("CARGO_BIN_EXE_rampart"));
        c.args(&args)
            .current_dir(d)
            .env_remove("RAMPART_CHECKPOINT_KEY");
        match env {
            Some(url) => c.env("INCIDENT_TEST_PG", url),
            None => c.env_remove("INCIDENT_TEST_PG"),
        };
        c.output().unwrap()
    };
    let missing = run(&[], None);
    assert_eq!(missing.status.code(), Some(2));
    says(&missing.stderr, "INCIDENT_TEST_PG is not set");
    let out = run(&["--key", "k0"], Some(&db.url));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ok = rampart(
        d,
        &["incident", "verify", "p.bundle", "--key", vkey.trim()],
        None,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    assert!(
        text(&ok.stdout).contains("verified: 2 entries")
            && text(&ok.stdout).contains("checkpoint of 8 entries"),
        "{}",
        text(&ok.stdout)
    );
}
