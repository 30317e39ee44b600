//! Ledger benchmark: durable appends per second with group commit, inclusion-proof
//! time and full-verification time. Run by `bench/ledger.sh`.
//!
//! Usage: `ledger_bench [DIR] [ENTRIES] [WRITER_THREADS] [sqlite|postgres]` (defaults: a
//! temp dir, 1000000, 64, sqlite). `postgres` starts a throwaway server on loopback
//! (the tests' helper, `tests/common/pg.rs`; default settings, fsync on) and ignores DIR.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rampart_test::pg;

use std::sync::Arc;
use std::time::Instant;

use rampart_ledger::entry::sha256;
use rampart_ledger::merkle::verify_inclusion;
use rampart_ledger::{
    AuditEntry, Decision, PostgresConfig, PostgresLedger, SqliteConfig, SqliteLedger, Storage,
    Timestamp, Verification,
};

fn entry(i: u64) -> AuditEntry {
    AuditEntry {
        time: Timestamp::from_unix_millis(1_780_000_000_000 + i as i64).unwrap(),
        request_id: format!("req-{i:010}"),
        principal: format!("key-{}", i % 97),
        tenant: format!("tenant-{}", i % 13),
        route: "/v1/chat/completions".into(),
        model: "gpt-4o-mini".into(),
        upstream: "https://api.example.com".into(),
        decision: if i % 10 == 0 {
            Decision::Flag
        } else {
            Decision::Allow
        },
        rules: if i % 10 == 0 {
            vec!["INJ001".into()]
        } else {
            vec![]
        },
        tokens_in: 100 + i % 1000,
        tokens_out: 200 + i % 500,
        prompt_sha256: Some(sha256(&i.to_le_bytes())),
        response_sha256: Some(sha256(&(!i).to_le_bytes())),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let tmp = tempfile::tempdir().unwrap();
    let dir = args
        .get(1)
        .map_or_else(|| tmp.path().to_path_buf(), Into::into);
    let n: u64 = args.get(2).map_or(1_000_000, |s| s.parse().unwrap());
    let threads: u64 = args.get(3).map_or(64, |s| s.parse().unwrap());
    let backend = args.get(4).map_or("sqlite", String::as_str);
    let db = dir.join("bench-ledger.db");
    let server;
    let (ledger, db_bytes): (Arc<dyn Storage>, Box<dyn Fn() -> u64>) = match backend {
        "sqlite" => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let l = Arc::new(SqliteLedger::open(SqliteConfig::new(&db)).unwrap());
            let db = db.clone();
            (
                l,
                Box::new(move || std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0)),
            )
        }
        "postgres" => {
            server = pg::database().expect("PostgreSQL is not installed");
            let l = Arc::new(PostgresLedger::open(PostgresConfig::new(&server.url)).unwrap());
            let url = server.url.clone();
            (
                l,
                Box::new(move || {
                    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    let n: i64 = c
                        .query_one("SELECT pg_database_size(current_database())", &[])
                        .unwrap()
                        .get(0);
                    n as u64
                }),
            )
        }
        other => panic!("unknown backend {other}: sqlite or postgres"),
    };
    println!("backend: {backend}");

    // 1. Single appends from many threads: each returns only once durable.
    let concurrent = (n / 5).clamp(1000, 200_000);
    let per = concurrent / threads;
    let t0 = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let l = Arc::clone(&ledger);
            std::thread::spawn(move || {
                for k in 0..per {
                    l.append(entry(t * per + k), None).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let secs = t0.elapsed().as_secs_f64();
    let done = per * threads;
    println!(
        "append (durable, group commit, {threads} concurrent writers): {done} entries in {secs:.2} s = {:.0} appends/s",
        done as f64 / secs
    );

    // 2. Bulk: append_batch of 1000 (e.g. `rampart audit append` from a JSON-lines stream).
    let t0 = Instant::now();
    let mut i = done;
    while i < n {
        let end = (i + 1000).min(n);
        ledger
            .append_batch((i..end).map(|k| (entry(k), None)).collect())
            .unwrap();
        i = end;
    }
    let bulk = n.saturating_sub(done);
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "append_batch (durable, 1000 per call): {bulk} entries in {secs:.2} s = {:.0} appends/s",
        bulk as f64 / secs
    );
    let head = ledger.tree_head().unwrap();
    println!("tree size {}", head.size);

    // 3. Inclusion proofs at this size: generate and verify.
    let samples = 2000u64;
    let t0 = Instant::now();
    let mut rng = fastrand::Rng::with_seed(0x9e37_79b9_7f4a_7c15);
    for _ in 0..samples {
        let index = rng.u64(..head.size);
        let proof = ledger.inclusion_proof(index, head.size).unwrap();
        std::hint::black_box(proof);
    }
    let gen_us = t0.elapsed().as_secs_f64() * 1e6 / samples as f64;
    let e = ledger.entry(head.size / 3).unwrap();
    let proof = ledger.inclusion_proof(e.index, head.size).unwrap();
    let t0 = Instant::now();
    for _ in 0..samples {
        verify_inclusion(e.index, head.size, &e.leaf_hash, &proof, &head.root).unwrap();
    }
    let ver_us = t0.elapsed().as_secs_f64() * 1e6 / samples as f64;
    println!(
        "inclusion proof at {} entries: generate {gen_us:.1} µs, verify {ver_us:.1} µs ({} hashes)",
        head.size,
        proof.len()
    );
    let t0 = Instant::now();
    let c = ledger
        .consistency_proof(head.size / 2 + 1, head.size)
        .unwrap();
    println!(
        "consistency proof {} -> {}: {:.1} µs ({} hashes)",
        head.size / 2 + 1,
        head.size,
        t0.elapsed().as_secs_f64() * 1e6,
        c.len()
    );

    // 4. Full verification: every leaf rehashed, every node recomputed and compared.
    let t0 = Instant::now();
    let v = ledger.verify_all(Some(&head)).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    assert!(matches!(v, Verification::Intact { .. }), "{v:?}");
    println!("verify_all of {} entries: {secs:.2} s", head.size);
    let bytes = db_bytes();
    println!(
        "database size: {:.1} MiB ({:.0} bytes/entry)",
        bytes as f64 / 1048576.0,
        bytes as f64 / head.size as f64
    );
}
