//! Crash test: a child process appends under load and prints every acknowledged index;
//! the parent kills it with SIGKILL mid-load, reopens the database and checks that every
//! acknowledged entry is there, with the content acknowledged, and that the tree
//! verifies. Three rounds on the same database.
//!
//! The child is this test binary re-invoked on the `crash_child` test with
//! `RAMPART_LEDGER_CRASH_DB` set; without it `crash_child` does nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rampart_ledger::{SqliteConfig, SqliteLedger, Storage, Verification};

const ENV: &str = "RAMPART_LEDGER_CRASH_DB";

#[test]
fn crash_child() {
    let Ok(path) = std::env::var(ENV) else {
        return;
    };
    let round: u64 = std::env::var("RAMPART_LEDGER_CRASH_ROUND")
        .unwrap()
        .parse()
        .unwrap();
    let ledger = Arc::new(SqliteLedger::open(SqliteConfig::new(path)).unwrap());
    let threads: Vec<_> = (0..16u64)
        .map(|t| {
            let ledger = Arc::clone(&ledger);
            std::thread::spawn(move || {
                for seq in 0.. {
                    let mut e = common::entry(seq);
                    e.request_id = format!("r{round}-t{t}-s{seq}");
                    let index = ledger.append(e.clone(), None).unwrap();
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "ack {index} {}", e.request_id).unwrap();
                    out.flush().unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn sigkill_mid_load_loses_no_acknowledged_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let exe = std::env::current_exe().unwrap();
    let mut acked: Vec<(u64, String)> = Vec::new();
    for round in 0..3 {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env(ENV, &db)
            .env("RAMPART_LEDGER_CRASH_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("ack ") {
                    // A line cut by the kill is not an acknowledgement we rely on.
                    let mut parts = rest.splitn(2, ' ');
                    if let (Some(i), Some(id)) = (parts.next(), parts.next()) {
                        if let Ok(i) = i.parse::<u64>() {
                            got.push((i, id.to_string()));
                        }
                    }
                }
            }
            got
        });
        // Let it run under load, then kill it without warning.
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(1500 + 300 * round));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let got = reader.join().unwrap();
        assert!(
            got.len() > 50,
            "round {round}: only {} acks in {:?}",
            got.len(),
            start.elapsed()
        );
        acked.extend(got);

        let ledger = SqliteLedger::open(SqliteConfig::new(&db)).unwrap();
        let head = ledger.tree_head().unwrap();
        for (index, id) in &acked {
            assert!(
                *index < head.size,
                "acknowledged entry {index} lost (size {})",
                head.size
            );
            assert_eq!(&ledger.entry(*index).unwrap().entry.request_id, id);
        }
        match ledger.verify_all(None).unwrap() {
            Verification::Intact { head: h, .. } => assert_eq!(h, head),
            v => panic!("round {round}: {v:?}"),
        }
        eprintln!(
            "round {round}: {} acknowledged so far, tree size {}",
            acked.len(),
            head.size
        );
    }
    let mut indexes: Vec<u64> = acked.iter().map(|a| a.0).collect();
    indexes.sort_unstable();
    indexes.dedup();
    assert_eq!(
        indexes.len(),
        acked.len(),
        "an index was acknowledged twice"
    );
}
