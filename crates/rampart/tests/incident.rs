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
    let out = rampart(
        d,
        &[
            "audit",
            "keygen",
            "--name",
            "incident.test/log",
            "--out",
            "cp.key",
        ],
        None,
    );
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
    assert!(
        text(&ok.stdout).contains("verified: 6 entries"),
        "{}",
        text(&ok.stdout)
    );

    // another key's verifier refuses it
    let other = rampart(
        d,
        &[
            "audit",
            "keygen",
            "--name",
            "incident.test/log",
            "--out",
            "o.key",
        ],
        None,
    );
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
        std::fs::write(d.join("x.bundle"), &changed).unwrap();
        let r = rampart(d, &["incident", "verify", "x.bundle", "--key", &vkey], None);
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
        std::fs::write(d.join("x.bundle"), &changed).unwrap();
        let r = rampart(d, &["incident", "verify", "x.bundle", "--key", &vkey], None);
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
