//! The importers and the `Retry-After` reader on damaged input: the real garak and
//! promptfoo files cut at every length and with bytes flipped, and hostile headers.
//! The fuzz target `redteam_import` runs the same entry point on arbitrary bytes.
#![allow(clippy::unwrap_used)]

use std::path::Path;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(rel),
    )
    .unwrap()
}

/// A small deterministic generator (xorshift), so a failure reproduces.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn damaged_exports_are_refused_or_read_never_a_panic() {
    for rel in [
        "garak-0.17.1/report.jsonl",
        "promptfoo-0.120.0/results.json",
    ] {
        let whole = fixture(rel);
        // cut at many lengths: a partial download, an interrupted write
        let step = (whole.len() / 97).max(1);
        for cut in (0..whole.len()).step_by(step) {
            rampart_redteam::fuzzing::fuzz_import(&whole[..cut]);
        }
        // bytes flipped
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..200 {
            let mut bytes = whole.clone();
            for _ in 0..8 {
                let at = usize::try_from(next(&mut state) % bytes.len() as u64).unwrap();
                bytes[at] = u8::try_from(next(&mut state) & 0xff).unwrap();
            }
            rampart_redteam::fuzzing::fuzz_import(&bytes);
        }
    }
    // the whole files still import
    let garak = fixture("garak-0.17.1/report.jsonl");
    assert!(
        !rampart_redteam::import::garak("r.jsonl", garak.as_slice(), garak.len() as u64)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn hostile_retry_after_values_never_wait_past_the_header() {
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
    for v in [
        "",
        "-1",
        "18446744073709551616",
        "99999999999999999999999",
        "1e9",
        " 5 ",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Mon, 32 Foo 2026 25:61:61 GMT",
        "\u{0}\u{ffff}",
    ] {
        rampart_redteam::fuzzing::fuzz_import(v.as_bytes());
        let _ = rampart_redteam::target::parse_retry_after(v, now);
    }
    assert_eq!(
        rampart_redteam::target::parse_retry_after("7", now),
        Some(std::time::Duration::from_secs(7))
    );
}
