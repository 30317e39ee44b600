//! `rampart audit` from the command line: read-only commands never create a ledger,
//! a signed checkpoint never hides entries written after it, evidence files are
//! checked in every field, and `append` acknowledges each line as it is committed.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

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

fn entries(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"time\":\"2026-11-20T10:00:{i:02}Z\",\"request_id\":\"{prefix}{i}\",\"principal\":\"k\",\"tenant\":\"t\",\"route\":\"/v1/chat/completions\",\"model\":\"m\",\"upstream\":\"u\",\"decision\":\"allow\"}}\n"
            )
        })
        .collect()
}

/// Overwrites entry `idx` of `d/l.db` with bytes that are no entry, behind the log's
/// back.
fn overwrite_entry(d: &Path, idx: i64) {
    let conn = rusqlite::Connection::open(d.join("l.db")).unwrap();
    conn.execute(
        "UPDATE entry SET data = CAST('x' AS BLOB) WHERE idx = ?1",
        [idx],
    )
    .unwrap();
}

/// A ledger of `n` entries with a signed checkpoint over all of them.
fn signed_ledger(dir: &Path, n: usize) {
    let out = rampart(
        dir,
        &[
            "audit",
            "keygen",
            "--name",
            "audit.test/log",
            "--out",
            "cp.key",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = rampart(
        dir,
        &[
            "audit",
            "append",
            "--db",
            "l.db",
            "--checkpoint-key",
            "cp.key",
        ],
        Some(&entries("r", n)),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn read_only_commands_never_create_a_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("old.note"), "x").unwrap();
    let commands: &[&[&str]] = &[
        &["audit", "verify", "--db", "missing.db"],
        &["audit", "verify", "--db", "missing.db", "--key", "k"],
        &["audit", "tail", "--db", "missing.db"],
        &["audit", "prove", "--db", "missing.db", "--entry", "0"],
        &[
            "audit",
            "export",
            "--db",
            "missing.db",
            "--since",
            "2026-01-01T00:00:00Z",
            "--until",
            "2026-12-01T00:00:00Z",
        ],
        &[
            "audit",
            "consistency",
            "--db",
            "missing.db",
            "old.note",
            "--key",
            "k",
        ],
        &[
            "audit",
            "prune",
            "--db",
            "missing.db",
            "--older-than",
            "2026-01-01T00:00:00Z",
        ],
        &["audit", "checkpoint", "--db", "missing.db"],
    ];
    for args in commands {
        let out = rampart(d, args, None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("missing.db"),
            "{args:?} does not name the file: {err}"
        );
        assert!(
            !d.join("missing.db").exists(),
            "{args:?} created the ledger it should only read"
        );
        assert!(
            out.stdout.is_empty(),
            "{args:?} printed to stdout: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn verify_with_a_key_checks_entries_written_after_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    signed_ledger(d, 5);
    // Grow the log without a new checkpoint: still intact, the whole log verified.
    let out = rampart(
        d,
        &["audit", "append", "--db", "l.db"],
        Some(&entries("s", 6)),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = rampart(
        d,
        &["audit", "verify", "--db", "l.db", "--key", "cp.key.vkey"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("11 entries"),
        "{}",
        text(&out.stdout)
    );

    // Edit an entry the checkpoint does not cover.
    let conn = rusqlite::Connection::open(d.join("l.db")).unwrap();
    let data: Vec<u8> = conn
        .query_row("SELECT data FROM entry WHERE idx = 8", [], |r| r.get(0))
        .unwrap();
    let edited = String::from_utf8(data).unwrap().replace("allow", "block");
    conn.execute(
        "UPDATE entry SET data = ?1 WHERE idx = 8",
        [edited.as_bytes()],
    )
    .unwrap();
    drop(conn);
    let out = rampart(
        d,
        &["audit", "verify", "--db", "l.db", "--key", "cp.key.vkey"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("entry 8"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_checkpoint_signed_by_another_key_is_a_failed_check_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    signed_ledger(d, 3);
    let out = rampart(
        d,
        &[
            "audit",
            "keygen",
            "--name",
            "audit.test/log",
            "--out",
            "other.key",
        ],
        None,
    );
    assert!(out.status.success());
    let out = rampart(
        d,
        &["audit", "verify", "--db", "l.db", "--key", "other.key.vkey"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("does not verify"),
        "{}",
        text(&out.stdout)
    );
    // Tampering gives the same status.
    overwrite_entry(d, 1);
    let out = rampart(
        d,
        &["audit", "verify", "--db", "l.db", "--key", "cp.key.vkey"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
}

#[test]
fn verify_proof_checks_the_stated_leaf_hash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    signed_ledger(d, 4);
    let out = rampart(
        d,
        &[
            "audit", "prove", "--db", "l.db", "--entry", "2", "--out", "ev.json",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let valid = rampart(
        d,
        &["audit", "verify-proof", "ev.json", "--key", "cp.key.vkey"],
        None,
    );
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid.stdout));

    let mut ev: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("ev.json")).unwrap()).unwrap();
    let leaf = ev["entries"][0]["leaf_hash"].as_str().unwrap().to_string();
    let first = if leaf.starts_with('0') { '1' } else { '0' };
    let flipped = format!("{first}{}", leaf.get(1..).unwrap());
    ev["entries"][0]["leaf_hash"] = flipped.into();
    std::fs::write(d.join("bad.json"), serde_json::to_vec(&ev).unwrap()).unwrap();
    let out = rampart(
        d,
        &["audit", "verify-proof", "bad.json", "--key", "cp.key.vkey"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("leaf_hash"),
        "{}",
        text(&out.stdout)
    );

    // A hash that is not 64 hex digits is not an evidence file: an error naming it.
    ev["entries"][0]["leaf_hash"] = "zz".into();
    std::fs::write(d.join("broken.json"), serde_json::to_vec(&ev).unwrap()).unwrap();
    let out = rampart(
        d,
        &[
            "audit",
            "verify-proof",
            "broken.json",
            "--key",
            "cp.key.vkey",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("broken.json"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn append_acknowledges_each_line_before_more_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["audit", "append", "--db", "l.db"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    let lines = entries("r", 3);
    for (i, line) in lines.lines().enumerate() {
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
        // stdin stays open: the index must come back while the producer waits.
        let ack = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("no acknowledgement while stdin stays open");
        assert_eq!(ack, i.to_string());
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn append_commits_the_lines_before_a_bad_one_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = format!("{}not json\n{}", entries("r", 2), entries("s", 2));
    let out = rampart(d, &["audit", "append", "--db", "l.db"], Some(&input));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "0\n1\n");
    assert!(
        text(&out.stderr).contains("line 3"),
        "{}",
        text(&out.stderr)
    );
    let out = rampart(d, &["audit", "verify", "--db", "l.db"], None);
    assert!(
        text(&out.stdout).contains("2 entries"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn each_audit_subcommand_offers_only_the_options_it_uses() {
    let dir = tempfile::tempdir().unwrap();
    let help = |sub: &str| {
        let out = rampart(dir.path(), &["audit", sub, "--help"], None);
        assert!(out.status.success(), "{sub}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "keygen",
            &[],
            &["--db", "--checkpoint-key", "--body-key", "--store-bodies"],
        ),
        (
            "verify-proof",
            &[],
            &["--db", "--checkpoint-key", "--body-key", "--store-bodies"],
        ),
        (
            "verify",
            &["--db", "--body-key"],
            &["--checkpoint-key", "--store-bodies"],
        ),
        (
            "tail",
            &["--db"],
            &["--checkpoint-key", "--store-bodies", "--body-key"],
        ),
        (
            "prove",
            &["--db"],
            &["--checkpoint-key", "--store-bodies", "--body-key"],
        ),
        (
            "checkpoint",
            &["--db", "--checkpoint-key"],
            &["--store-bodies", "--body-key"],
        ),
        (
            "append",
            &["--db", "--checkpoint-key", "--body-key", "--store-bodies"],
            &[],
        ),
        (
            "serve",
            &["--db", "--checkpoint-key", "--body-key", "--store-bodies"],
            &[],
        ),
    ];
    for (sub, has, lacks) in cases {
        let h = help(sub);
        for o in *has {
            assert!(h.contains(o), "audit {sub} lacks {o}");
        }
        for o in *lacks {
            assert!(
                !h.contains(o),
                "audit {sub} offers {o}, which means nothing there"
            );
        }
        // And giving it is a usage error, not silently ignored.
        if let Some(o) = lacks.first() {
            let out = rampart(dir.path(), &["audit", sub, o, "x"], None);
            assert_eq!(out.status.code(), Some(2), "audit {sub} {o}");
        }
    }
}

#[test]
fn verify_reports_in_json_too() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    signed_ledger(d, 4);
    let out = rampart(
        d,
        &[
            "audit",
            "verify",
            "--db",
            "l.db",
            "--key",
            "cp.key.vkey",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["intact"], true);
    assert_eq!(v["entries"], 4);
    assert_eq!(v["checkpoint_held"], true);
    overwrite_entry(d, 2);
    let out = rampart(
        d,
        &["audit", "verify", "--db", "l.db", "--format", "json"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["intact"], false);
    assert_eq!(v["tamper"]["index"], 2, "{v}");
}
