//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use rampart_ledger::entry::sha256;
use rampart_ledger::{AuditEntry, Decision, Timestamp};

/// A deterministic entry number `i`.
pub fn entry(i: u64) -> AuditEntry {
    AuditEntry {
        time: Timestamp::from_unix_millis(1_780_000_000_000 + i as i64 * 1000).unwrap(),
        request_id: format!("req-{i:06}"),
        principal: format!("key-{}", i % 7),
        tenant: format!("tenant-{}", i % 3),
        route: "/v1/chat/completions".into(),
        model: "gpt-4o-mini".into(),
        upstream: "https://api.example.com".into(),
        decision: match i % 4 {
            0 => Decision::Allow,
            1 => Decision::Flag,
            2 => Decision::Redact,
            _ => Decision::Block,
        },
        rules: if i % 2 == 0 {
            vec![]
        } else {
            vec!["INJ001".into()]
        },
        tokens_in: i * 3,
        tokens_out: i * 5,
        prompt_sha256: Some(sha256(format!("prompt {i}").as_bytes())),
        response_sha256: None,
    }
}
