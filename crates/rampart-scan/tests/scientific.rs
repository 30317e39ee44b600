#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Issue 11: real pickles of the scientific Python stack (scikit-learn, XGBoost,
//! LightGBM, CatBoost, pandas, SciPy, NumPy, the standard library), written by the
//! libraries at two sets of major versions (`tests/data/scientific/README.md`), are
//! judged clean with zero findings; a user's own class needs the user's allow.

use std::path::{Path, PathBuf};

use rampart_core::Verdict;
use rampart_scan::{scan_file, ScanOptions};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scientific")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        let path = entry.path();
        if entry.file_type().is_file() && path.extension().is_some_and(|e| e != "md") {
            out.push(path.to_path_buf());
        }
    }
    out
}

#[test]
fn every_scientific_pickle_is_clean() {
    let options = ScanOptions::default();
    let mut judged = 0;
    let mut failures = Vec::new();
    for sub in ["latest", "mid", "older"] {
        for path in files(&data().join(sub)) {
            let report = scan_file(&path, path.display().to_string(), &options);
            judged += 1;
            if report.verdict != Verdict::Clean || !report.findings.is_empty() {
                failures.push(format!(
                    "{}: {:?} {:?}",
                    path.display(),
                    report.verdict,
                    report
                        .findings
                        .iter()
                        .map(|f| format!("{} {}", f.rule, f.message))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(judged >= 50, "only {judged} files found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_user_enum_member_is_clean_only_when_allowed() {
    let path = data().join("user/user_enum.p2.pkl");
    let report = scan_file(&path, "user_enum".into(), &ScanOptions::default());
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["PKL003"], "{:?}", report.findings);
    let options = ScanOptions {
        allow: ["__main__.Color".to_string()].into(),
        ..ScanOptions::default()
    };
    let report = scan_file(&path, "user_enum".into(), &options);
    assert_eq!(report.verdict, Verdict::Clean, "{:?}", report.findings);
    assert!(report.findings.is_empty());
}
