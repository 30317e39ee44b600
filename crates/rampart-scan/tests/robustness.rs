//! No input makes the scanner panic: every fixture, truncated at many lengths and
//! mutated thousands of times (deterministically), goes through every parser entry
//! point that the fuzz targets use. `cargo fuzz` explores further; this keeps the
//! guarantee in every test run.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use rampart_scan::fuzzing::ALL;

fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_none_or(|e| e != "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn run_all(data: &[u8]) {
    for (_, f) in ALL {
        f(data);
    }
}

#[test]
fn truncations_never_panic() {
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let stride = (data.len() / 64).max(1);
        let mut cut = 0;
        while cut <= data.len() {
            run_all(&data[..cut]);
            cut += stride;
        }
    }
}

#[test]
fn mutations_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x9e37_79b9_7f4a_7c15);
    for path in fixtures() {
        let original = std::fs::read(&path).unwrap();
        if original.is_empty() {
            continue;
        }
        for _ in 0..60 {
            let mut data = original.clone();
            let flips = rng.usize(1..=8);
            for _ in 0..flips {
                // Bias mutations towards headers, where the structure lives.
                let span = data.len().min(if rng.bool() { 4096 } else { usize::MAX });
                let at = rng.usize(..span);
                data[at] = match rng.u8(..4) {
                    0 => 0xff,
                    1 => 0,
                    2 => data[at].wrapping_add(1),
                    _ => rng.u8(..),
                };
            }
            run_all(&data);
        }
    }
}

#[test]
fn hostile_length_fields_are_errors_not_allocations() {
    // Each declares an enormous size in a few bytes.
    let cases: &[&[u8]] = &[
        b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f",
        b"GGUF\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\x7f",
        b"\xff\xff\xff\xff\xff\xff\xff\x00{",
        b"\x93NUMPY\x02\x00\xff\xff\xff\xff{",
        b"PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00",
    ];
    for case in cases {
        let scan = rampart_scan::scan_bytes(case, "x", &rampart_scan::Limits::default());
        assert!(scan.findings.len() <= 4, "{:?}", scan.findings);
    }
}
