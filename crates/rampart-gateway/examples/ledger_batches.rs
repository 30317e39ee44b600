//! CPU time per audit entry of the SQLite ledger by batch size (one group commit
//! per batch), with entries like the gateway's: the cost of durability per request
//! is what this shows.
//!
//! ```text
//! cargo run --release -p rampart-gateway --example ledger_batches
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use rampart_ledger::{AuditEntry, Decision, SqliteConfig, SqliteLedger, Storage, Timestamp};

fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let f: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks * 10.0
}

fn entry(i: usize) -> AuditEntry {
    AuditEntry {
        time: Timestamp::now(),
        request_id: format!("req-{i:024x}"),
        principal: "k_0123456789abcdef".into(),
        tenant: "bench".into(),
        route: "/v1/chat/completions".into(),
        model: "tinychat".into(),
        upstream: "mock".into(),
        decision: Decision::Allow,
        rules: Vec::new(),
        tokens_in: 500,
        tokens_out: 40,
        prompt_sha256: Some([7; 32]),
        response_sha256: Some([9; 32]),
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    for (k, batch) in [1usize, 4, 8, 16, 32, 64, 128, 256].into_iter().enumerate() {
        let ledger =
            SqliteLedger::open(SqliteConfig::new(dir.path().join(format!("l{k}.sqlite")))).unwrap();
        // warm: some entries so the tree has levels
        ledger
            .append_batch((0..2048).map(|i| (entry(i), None)).collect())
            .unwrap();
        let n = 8192 / batch.max(8) * batch.max(8);
        let (c0, t0) = (cpu_ms(), std::time::Instant::now());
        for b in 0..n / batch {
            ledger
                .append_batch((0..batch).map(|i| (entry(b * batch + i), None)).collect())
                .unwrap();
        }
        let (c1, t1) = (cpu_ms(), t0.elapsed());
        println!(
            "batch {batch:>4}: {:>7.1} us CPU and {:>7.1} us wall per entry ({n} entries)",
            (c1 - c0) * 1000.0 / n as f64,
            t1.as_secs_f64() * 1e6 / n as f64
        );
    }
}
