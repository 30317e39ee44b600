#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Nothing the scanner did not judge is called clean (issue 11): unrecognised content,
//! empty files and files whose name promises a model format they do not hold, skipped
//! entries listed with the reason, and Hugging Face caches scanned through their links.

use std::path::{Path, PathBuf};

use rampart_core::{FileReport, Report, Verdict};
use rampart_scan::{scan_paths, ScanOptions};

/// A protocol-0 pickle that calls `os.system` when loaded.
const EVIL_PICKLE: &[u8] = b"cos\nsystem\n(S'echo pwned'\ntR.";

fn scan(paths: &[PathBuf]) -> Report {
    scan_paths(paths, &ScanOptions::default(), &())
}

fn file<'a>(report: &'a Report, suffix: &str) -> &'a FileReport {
    report
        .files
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("{suffix} not in report: {:?}", paths(report)))
}

fn paths(report: &Report) -> Vec<&str> {
    report.files.iter().map(|f| f.path.as_str()).collect()
}

fn codes(file: &FileReport) -> Vec<&str> {
    file.findings.iter().map(|f| f.rule).collect()
}

fn random_bytes(n: usize) -> Vec<u8> {
    // Deterministic noise that starts like no format.
    let mut rng = fastrand::Rng::with_seed(0x9e37_79b9_7f4a_7c15);
    let mut out = vec![0xffu8];
    out.extend((1..n).map(|_| rng.u8(..)));
    out.truncate(n);
    out
}

#[test]
fn unrecognised_and_empty_files_are_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::write(dir.path().join("noise.dat"), random_bytes(4096)).unwrap();
    let report = scan(&[dir.path().to_path_buf()]);
    let empty = file(&report, "empty.txt");
    assert_eq!(empty.verdict, Verdict::Unrecognized);
    assert_eq!(empty.format, "empty");
    let noise = file(&report, "noise.dat");
    assert_eq!(noise.verdict, Verdict::Unrecognized);
    assert_eq!(noise.format, "unknown");
    assert_eq!(report.summary.clean, 0);
    assert_eq!(report.summary.unrecognized, 2);
}

#[test]
fn a_model_name_over_other_content_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty.pkl"), b"").unwrap();
    std::fs::write(d.join("noise.pt"), random_bytes(4096)).unwrap();
    let mut not_json = 16u64.to_le_bytes().to_vec();
    not_json.extend_from_slice(b"\x00\x01binary header!");
    not_json.extend_from_slice(&[0; 8]);
    std::fs::write(d.join("not_json.safetensors"), &not_json).unwrap();
    let mut huge = (u64::MAX >> 1).to_le_bytes().to_vec();
    huge.extend_from_slice(br#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#);
    std::fs::write(d.join("huge.safetensors"), &huge).unwrap();
    // `.bin` promises a checkpoint only in a model folder.
    std::fs::create_dir(d.join("model")).unwrap();
    std::fs::write(d.join("model/config.json"), b"{\"model_type\": \"bert\"}").unwrap();
    std::fs::write(d.join("model/weights.bin"), random_bytes(100)).unwrap();
    std::fs::write(d.join("data.bin"), random_bytes(100)).unwrap();
    // A real model under a model name stays clean.
    std::fs::write(d.join("ok.pkl"), b"\x80\x02K\x01.").unwrap();

    let report = scan(&[d.to_path_buf()]);
    for name in [
        "empty.pkl",
        "noise.pt",
        "not_json.safetensors",
        "huge.safetensors",
        "model/weights.bin",
    ] {
        let f = file(&report, name);
        assert_eq!(codes(f), ["FMT001"], "{name}");
        assert_eq!(f.verdict, Verdict::Suspicious, "{name}");
    }
    assert!(file(&report, "huge.safetensors").findings[0]
        .message
        .contains("exceeds"));
    assert!(file(&report, "empty.pkl").findings[0]
        .message
        .contains("empty"));
    assert_eq!(file(&report, "/data.bin").verdict, Verdict::Unrecognized);
    assert_eq!(file(&report, "ok.pkl").verdict, Verdict::Clean);
}

#[cfg(unix)]
#[test]
fn links_that_are_not_followed_and_special_files_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("evil.pkl"), EVIL_PICKLE).unwrap();
    let d = dir.path().join("tree");
    std::fs::create_dir(&d).unwrap();
    std::os::unix::fs::symlink(outside.path().join("evil.pkl"), d.join("out.pkl")).unwrap();
    std::os::unix::fs::symlink(d.join("missing"), d.join("dangling.pkl")).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("dirlink")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("pipe"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);

    let report = scan(std::slice::from_ref(&d));
    let out = file(&report, "out.pkl");
    assert_eq!(out.verdict, Verdict::Skipped);
    assert!(out
        .skipped
        .as_deref()
        .unwrap()
        .contains("outside the scanned tree"));
    assert_eq!(file(&report, "dangling.pkl").verdict, Verdict::Skipped);
    assert!(file(&report, "dirlink")
        .skipped
        .as_deref()
        .unwrap()
        .contains("directory"));
    if fifo {
        assert!(file(&report, "pipe")
            .skipped
            .as_deref()
            .unwrap()
            .contains("FIFO"));
    }
    assert_eq!(report.summary.clean, 0);

    // With --follow-symlinks the outside link is judged.
    let options = ScanOptions {
        follow_symlinks: true,
        ..ScanOptions::default()
    };
    let followed = scan_paths(&[d.join("out.pkl")], &options, &());
    assert_eq!(followed.files[0].verdict, Verdict::Malicious);
}

#[cfg(unix)]
#[test]
fn a_link_inside_the_scanned_tree_is_judged_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("real.pkl"), EVIL_PICKLE).unwrap();
    std::os::unix::fs::symlink("real.pkl", d.join("alias.pkl")).unwrap();
    let report = scan(&[d.to_path_buf()]);
    assert_eq!(report.files.len(), 2, "{:?}", paths(&report));
    assert!(report.files.iter().all(|f| f.verdict == Verdict::Malicious));
    assert!(file(&report, "alias.pkl").target.is_some());
}

/// A Hugging Face hub cache: `models--org--name/snapshots/REV/FILE` are relative links
/// to `../../blobs/SHA`; two revisions share a blob.
#[cfg(unix)]
fn fake_hf_cache(root: &Path) -> PathBuf {
    let repo = root.join("hub/models--acme--tiny");
    std::fs::create_dir_all(repo.join("blobs")).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), b"rev2").unwrap();
    std::fs::write(repo.join("blobs/aaaa"), EVIL_PICKLE).unwrap();
    std::fs::write(repo.join("blobs/cccc"), b"{\"model_type\": \"tiny\"}").unwrap();
    for rev in ["rev1", "rev2"] {
        let snap = repo.join("snapshots").join(rev);
        std::fs::create_dir_all(&snap).unwrap();
        std::os::unix::fs::symlink("../../blobs/aaaa", snap.join("pytorch_model.bin")).unwrap();
        std::os::unix::fs::symlink("../../blobs/cccc", snap.join("config.json")).unwrap();
    }
    repo
}

#[cfg(unix)]
#[test]
fn a_hugging_face_cache_is_scanned_through_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let repo = fake_hf_cache(dir.path());

    // One snapshot: its links leave the scanned tree but stay in the repo's blobs.
    let report = scan(&[repo.join("snapshots/rev1")]);
    let model = file(&report, "rev1/pytorch_model.bin");
    assert_eq!(model.verdict, Verdict::Malicious, "{model:?}");
    assert!(codes(model).contains(&"PKL001"));
    assert!(model.target.as_deref().unwrap().ends_with("blobs/aaaa"));

    // The whole cache: each blob judged once, reported under each revision's path and
    // not again under blobs/.
    let report = scan(&[dir.path().join("hub")]);
    let listed = paths(&report);
    assert!(!listed.iter().any(|p| p.contains("/blobs/")), "{listed:?}");
    assert_eq!(
        file(&report, "rev1/pytorch_model.bin").verdict,
        Verdict::Malicious
    );
    assert_eq!(
        file(&report, "rev2/pytorch_model.bin").verdict,
        Verdict::Malicious
    );
    assert_eq!(report.summary.malicious, 2);

    // A link from one cache repository into another's blobs is not followed.
    let other = dir.path().join("hub/models--evil--other/snapshots/r");
    std::fs::create_dir_all(&other).unwrap();
    std::os::unix::fs::symlink(repo.join("blobs/aaaa"), other.join("model.bin")).unwrap();
    let report = scan(std::slice::from_ref(&other));
    assert_eq!(file(&report, "model.bin").verdict, Verdict::Skipped);
}

#[cfg(unix)]
#[test]
fn a_snapshot_downloaded_to_a_folder_reads_its_cache_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let repo = fake_hf_cache(dir.path());
    let local = dir.path().join("local-model");
    std::fs::create_dir(&local).unwrap();
    std::os::unix::fs::symlink(repo.join("blobs/aaaa"), local.join("pytorch_model.bin")).unwrap();
    let report = scan(&[local]);
    assert_eq!(
        file(&report, "pytorch_model.bin").verdict,
        Verdict::Malicious
    );
}
