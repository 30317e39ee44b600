//! `rampart scan` policy (issue 11, DV-4, SD-3): `--allow` for a team's own classes
//! (never a dangerous name), `--exclude`, and a baseline of accepted findings with a
//! reason, an owner and an expiry date; `[scan]` in rampart.toml sets the same.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rampart(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run rampart")
}

fn json(cwd: &Path, args: &[&str]) -> (i32, Value) {
    let out = rampart(cwd, args);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

/// A folder with the user-Enum pickle (PKL003, medium) and a malicious one (PKL001).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = root().join("crates/rampart-scan/tests/data/scientific/user/user_enum.p2.pkl");
    std::fs::create_dir_all(dir.path().join("models")).unwrap();
    std::fs::copy(&data, dir.path().join("models/enum.pkl")).unwrap();
    let evil = root().join("crates/rampart-scan/tests/fixtures/malicious/pickle/os_system_p2.pkl");
    std::fs::create_dir_all(dir.path().join("vendor")).unwrap();
    std::fs::copy(&evil, dir.path().join("vendor/evil.pkl")).unwrap();
    dir
}

#[test]
fn allow_makes_a_users_class_clean_and_refuses_dangerous_names() {
    let dir = project();
    let (code, v) = json(
        dir.path(),
        &["scan", "--format", "json", "--fail-on", "medium", "models"],
    );
    assert_eq!(code, 1, "{v}");
    let (code, v) = json(
        dir.path(),
        &[
            "scan",
            "--format",
            "json",
            "--fail-on",
            "medium",
            "--allow",
            "__main__.Color",
            "models",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["files"][0]["verdict"], "clean");
    for bad in [
        "os.system",
        "builtins.eval",
        "subprocess.Popen",
        "builtins.getattr",
        "posix",
        "nosuchdot",
    ] {
        let out = rampart(dir.path(), &["scan", "--allow", bad, "models"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("refused") && err.contains(bad), "{bad}: {err}");
    }
}

#[test]
fn excluded_paths_are_listed_as_skipped() {
    let dir = project();
    let (code, v) = json(
        dir.path(),
        &["scan", "--format", "json", "--exclude", "vendor", "."],
    );
    assert_eq!(code, 0, "{v}");
    let files = v["files"].as_array().unwrap();
    let vendor = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("vendor"))
        .unwrap();
    assert_eq!(vendor["verdict"], "skipped");
    assert!(vendor["skipped"].as_str().unwrap().contains("\"vendor\""));
    assert!(files
        .iter()
        .all(|f| !f["path"].as_str().unwrap().ends_with("evil.pkl")));
}

#[test]
fn a_baseline_accepts_findings_until_it_expires() {
    let dir = project();
    let baseline = dir.path().join("baseline.toml");
    let entry = |expires: &str| {
        format!(
            "[[accept]]\npath = \"vendor/evil.pkl\"\nrule = \"PKL001\"\nreason = \"known test payload\"\n\
             owner = \"sec@example.com\"\nexpires = \"{expires}\"\n"
        )
    };
    std::fs::write(&baseline, entry("2999-12-31")).unwrap();
    let (code, v) = json(
        dir.path(),
        &[
            "scan",
            "--format",
            "json",
            "--baseline",
            "baseline.toml",
            "vendor/evil.pkl",
        ],
    );
    assert_eq!(code, 0, "{v}");
    let file = &v["files"][0];
    assert_eq!(file["verdict"], "clean");
    assert_eq!(file["accepted"][0]["rule"], "PKL001");
    assert_eq!(
        file["accepted"][0]["acceptance"]["owner"],
        "sec@example.com"
    );
    assert_eq!(v["summary"]["accepted"], 1);
    let human = rampart(
        dir.path(),
        &["scan", "--baseline", "baseline.toml", "vendor/evil.pkl"],
    );
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("accepted") && text.contains("known test payload"),
        "{text}"
    );
    let validator = {
        let text = std::fs::read_to_string(root().join("docs/schemas/scan-report-v1.schema.json"))
            .unwrap();
        jsonschema::validator_for(&serde_json::from_str::<Value>(&text).unwrap()).unwrap()
    };
    assert!(validator.validate(&v).is_ok(), "{v}");

    // expired: a finding again, saying so
    std::fs::write(&baseline, entry("2001-01-01")).unwrap();
    let (code, v) = json(
        dir.path(),
        &[
            "scan",
            "--format",
            "json",
            "--baseline",
            "baseline.toml",
            "vendor/evil.pkl",
        ],
    );
    assert_eq!(code, 1, "{v}");
    let msg = v["files"][0]["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("expired"), "{msg}");

    // by digest, from rampart.toml's [scan] table
    let digest: String = {
        use sha2::Digest;
        let bytes = std::fs::read(dir.path().join("vendor/evil.pkl")).unwrap();
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    {
        std::fs::write(
            &baseline,
            format!(
                "[[accept]]\nsha256 = \"{digest}\"\nrule = \"PKL001\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n"
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("rampart.toml"),
            "schema_version = 1\n[system]\nname = \"t\"\n[scan]\nbaseline = \"baseline.toml\"\nexclude = [\"models\"]\n",
        )
        .unwrap();
        let (code, v) = json(
            dir.path(),
            &["scan", "--format", "json", "--config", "rampart.toml", "."],
        );
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["summary"]["accepted"], 1, "{v}");
    }
}

#[test]
fn a_baseline_entry_without_owner_reason_or_expiry_is_an_error() {
    let dir = project();
    std::fs::write(
        dir.path().join("baseline.toml"),
        "[[accept]]\npath = \"a\"\nrule = \"PKL001\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n\
         [[accept]]\npath = \"vendor/evil.pkl\"\nrule = \"PKL001\"\nreason = \"r\"\nexpires = \"2999-01-01\"\n",
    )
    .unwrap();
    let out = rampart(
        dir.path(),
        &["scan", "--baseline", "baseline.toml", "vendor"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("baseline.toml") && err.contains("entry 2") && err.contains("owner"),
        "{err}"
    );
}
