#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Every fixture in `fixtures/manifest.json` (written by `scripts/fixtures/gen_fixtures.py`)
//! is scanned, and the format and the exact set of rule codes must match: malicious
//! files must be caught by the expected rules, benign files must produce no finding.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rampart_scan::{rules, scan_file, ScanOptions};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures_dir().join("manifest.json")).expect("manifest");
    serde_json::from_str::<Vec<Value>>(&text).expect("manifest is a JSON array")
}

#[test]
fn every_fixture_is_judged_as_expected() {
    let options = ScanOptions::default();
    let mut failures = Vec::new();
    let entries = manifest();
    assert!(entries.len() > 100, "manifest too small");
    for entry in &entries {
        let rel = entry["path"].as_str().expect("path");
        let path = fixtures_dir().join(rel);
        let report = scan_file(&path, rel.to_string(), &options);
        let expected: BTreeSet<&str> = entry["expect"]
            .as_array()
            .expect("expect")
            .iter()
            .map(|v| v.as_str().expect("code"))
            .collect();
        let got: BTreeSet<&str> = report.findings.iter().map(|f| f.rule).collect();
        let format = entry["format"].as_str().expect("format");
        if got != expected || report.format != format {
            failures.push(format!(
                "{rel}: expected {format} {expected:?}, got {} {got:?}\n    {}",
                report.format,
                report
                    .findings
                    .iter()
                    .map(|f| format!("{} {}", f.rule, f.message))
                    .collect::<Vec<_>>()
                    .join("\n    ")
            ));
        }
        if rel.starts_with("benign/") {
            // A benign file is clean when its format is judged; a file whose content
            // is not a format rampart judges is `unrecognized`, never clean.
            let verdict = if matches!(format, "unknown" | "empty" | "compressed") {
                rampart_core::Verdict::Unrecognized
            } else {
                rampart_core::Verdict::Clean
            };
            assert_eq!(report.verdict, verdict, "{rel}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures misjudged:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
}

/// Covers the "a test fails if a rule has no fixture" requirement: every rule in the
/// registry is expected by at least one fixture.
#[test]
fn every_rule_has_a_fixture() {
    let expected: BTreeSet<String> = manifest()
        .iter()
        .flat_map(|e| e["expect"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let missing: Vec<&str> = rules::all()
        .iter()
        .map(|r| r.code)
        .filter(|c| !expected.contains(*c))
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}
