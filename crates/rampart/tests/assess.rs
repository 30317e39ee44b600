//! `rampart assess`: exit codes (0, 1 under --fail-under, 2 on usage and input
//! errors), every format on the example, `rules` and `explain` on the catalogues.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rampart_test::browser;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run rampart")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const EXAMPLE: &str = "examples/support-bot";

#[test]
fn exit_codes_follow_the_contract() {
    let ok = run(&["assess", EXAMPLE]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        run(&["assess", EXAMPLE, "--fail-under", "10"])
            .status
            .code(),
        Some(0)
    );
    let gate = run(&["assess", EXAMPLE, "--fail-under", "99"]);
    assert_eq!(gate.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&gate.stderr).contains("under --fail-under 99%"));
    for usage in [
        &["assess", EXAMPLE, "--fail-under", "150"][..],
        &["assess", EXAMPLE, "--format", "pdf"],
        &["assess", EXAMPLE, "--bogus"],
    ] {
        let out = run(usage);
        assert_eq!(out.status.code(), Some(2), "{usage:?}");
    }
    let missing = run(&["assess", "missing-dir"]);
    assert_eq!(missing.status.code(), Some(2));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("missing-dir") && err.trim().lines().count() == 1,
        "{err}"
    );
}

#[test]
fn an_inconsistent_description_is_an_input_error_naming_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rampart.toml"),
        "schema_version = 2\n[system]\nname = \"t\"\n[[components]]\nid = \"bot\"\nkind = \"agent\"\n\
         [[data_flows]]\nid = \"F9\"\nfrom = \"bot\"\nto = \"nowhere\"\n",
    )
    .unwrap();
    let out = run(&["assess", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("data flow F9 (bot -> nowhere): `nowhere` is not a component or model id"),
        "{err}"
    );
}

#[test]
fn human_summary_is_worst_first_with_next_actions() {
    let text = stdout(&run(&["assess", EXAMPLE]));
    assert!(
        text.starts_with("rampart assess: support-bot 1.4.0 on "),
        "{text}"
    );
    let principles: Vec<f64> = text
        .split("Principles, worst first:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            l.split_whitespace()
                .nth(1)
                .unwrap()
                .trim_end_matches('%')
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(principles.len(), 17);
    assert!(
        principles.windows(2).all(|w| w[0] <= w[1]),
        "{principles:?}"
    );
    assert!(text.contains("Next actions:"));
    assert!(
        text.contains("community-adapter (PKL001)"),
        "the malicious adapter is named"
    );
    assert!(text.contains("[debt-overdue] debt D-2"));
}

#[test]
fn json_sarif_markdown_and_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.json");
    let o = run(&[
        "assess",
        EXAMPLE,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("docs/schemas/assessment-v1.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let reqs = v["requirements"].as_array().unwrap();
    assert_eq!(reqs.len(), 91);
    assert!(reqs.iter().any(|r| r["status"] == "met"
        && r["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["sha256"].as_str().is_some_and(|h| h.len() == 64))));
    let t = v["threats"].as_array().unwrap();
    assert!(t
        .iter()
        .any(|t| t["id"] == "THR006" && t["component"] == "F2" && t["owasp_llm"][0] == "LLM02"));

    let sarif: serde_json::Value =
        serde_json::from_slice(&run(&["assess", EXAMPLE, "--format", "sarif"]).stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let sarif_schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("crates/rampart-core/tests/schemas/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let sarif_validator = jsonschema::validator_for(&sarif_schema).unwrap();
    let errors: Vec<String> = sarif_validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    assert!(results.iter().any(|r| r["ruleId"] == "THR001"));
    assert!(results.iter().any(|r| r["ruleId"] == "DV-1.2"));

    let md = stdout(&run(&["assess", EXAMPLE, "--format", "markdown"]));
    assert!(md.starts_with("# Assessment of support-bot"));
    for heading in [
        "## Principles",
        "## Requirements",
        "## Threats",
        "## Evidence",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
}

#[test]
fn rules_and_explain_cover_threats_and_requirements() {
    let rules = stdout(&run(&["rules"]));
    assert!(rules.contains("THR001") && rules.contains("untrusted-model-file"));
    assert!(rules.contains("OM-4.5"));
    let thr = run(&["explain", "THR006"]);
    assert_eq!(thr.status.code(), Some(0));
    let text = stdout(&thr);
    assert!(text.contains("ATLAS AML.T0057: LLM Data Leakage"), "{text}");
    assert!(text.contains("egress-redaction"));
    let req = stdout(&run(&["explain", "sd-3.4"]));
    assert!(
        req.contains("outside of your organisation’s control"),
        "{req}"
    );
    assert_eq!(run(&["explain", "THR999"]).status.code(), Some(2));
}

/// `--diff OLD.json`: signing a model between two runs shows as improved, a new
/// unencrypted flow as regressed; an old file that is not an assessment is exit 2.
#[test]
fn diff_shows_what_improved_and_what_regressed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header = br#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
    let mut model = (header.len() as u64).to_le_bytes().to_vec();
    model.extend_from_slice(header);
    model.extend_from_slice(&[0, 0, 128, 63]);
    std::fs::write(d.join("m.safetensors"), model).unwrap();
    let base = "schema_version = 2\n[system]\nname = \"t\"\n[[models]]\nid = \"m\"\npath = \"m.safetensors\"\n";
    std::fs::write(d.join("rampart.toml"), base).unwrap();
    let dir_s = d.to_str().unwrap();
    let old = d.join("old.json");
    assert_eq!(
        run(&[
            "assess",
            dir_s,
            "--format",
            "json",
            "--out",
            old.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );

    assert_eq!(
        run(&[
            "key",
            "generate",
            "--out",
            d.join("k.pem").to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    let signed = run(&[
        "sign",
        d.join("m.safetensors").to_str().unwrap(),
        "--key",
        d.join("k.pem").to_str().unwrap(),
        "--signature",
        d.join("m.sig").to_str().unwrap(),
    ]);
    assert_eq!(
        signed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let public = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().into_string().unwrap())
        .find(|n| n.ends_with(".pub") || n.ends_with(".pub.pem"))
        .expect("public key written");
    std::fs::write(
        d.join("rampart.toml"),
        format!(
            "{base}signature = \"m.sig\"\nsigning_key = \"{public}\"\n\
             [[components]]\nid = \"a\"\nkind = \"service\"\n[[components]]\nid = \"b\"\nkind = \"service\"\n\
             [[data_flows]]\nid = \"F1\"\nfrom = \"a\"\nto = \"b\"\ncrosses_trust_boundary = true\nprotocol = \"http\"\n"
        ),
    )
    .unwrap();
    let text = stdout(&run(&["assess", dir_s, "--diff", old.to_str().unwrap()]));
    assert!(text.contains("improved  DV-1.2: not_met -> met"), "{text}");
    assert!(
        text.contains("regressed THR016 on F1: absent -> unmitigated"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &run(&[
            "assess",
            dir_s,
            "--format",
            "json",
            "--diff",
            old.to_str().unwrap(),
        ])
        .stdout,
    )
    .unwrap();
    assert!(json["diff"]["improved"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "DV-1.2"));

    std::fs::write(d.join("bad.json"), "{\"schema\": \"other\"}").unwrap();
    let bad = run(&[
        "assess",
        dir_s,
        "--diff",
        d.join("bad.json").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad.json"));
}

/// `--sign`: the signed statement verifies, and fails after any byte of the
/// assessment changes or with another key; signing needs a JSON file.
#[test]
fn signed_assessment_verifies_and_fails_after_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = |n: &str| d.join(n).to_str().unwrap().to_string();
    assert_eq!(
        run(&["key", "generate", "--out", &p("k.pem")])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["key", "generate", "--out", &p("other.pem")])
            .status
            .code(),
        Some(0)
    );
    let out = run(&[
        "assess",
        EXAMPLE,
        "--format",
        "json",
        "--out",
        &p("a.json"),
        "--sign",
        &p("k.pem"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("a.json.dsse.json")).unwrap()).unwrap();
    assert_eq!(env["payloadType"], "application/vnd.in-toto+json");
    let ok = run(&["verify-attestation", &p("a.json"), "--key", &p("k.pub.pem")]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("subject(s)"));
    assert_eq!(
        run(&[
            "verify-attestation",
            &p("a.json"),
            "--key",
            &p("other.pub.pem")
        ])
        .status
        .code(),
        Some(1)
    );
    let mut bytes = std::fs::read(d.join("a.json")).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 1;
    std::fs::write(d.join("a.json"), &bytes).unwrap();
    let changed = run(&["verify-attestation", &p("a.json"), "--key", &p("k.pub.pem")]);
    assert_eq!(changed.status.code(), Some(1));
    assert!(
        stdout(&changed).contains("is not the one signed"),
        "{}",
        stdout(&changed)
    );
    assert_eq!(
        run(&["assess", EXAMPLE, "--sign", &p("k.pem")])
            .status
            .code(),
        Some(2)
    );
}

/// OTM: the example's data-flow model exported and imported back by `init
/// --from-otm` is the same model; a broken OTM file is exit 2 naming it.
#[test]
fn otm_export_and_import_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let otm = d.join("m.otm.json");
    let o = run(&[
        "assess",
        EXAMPLE,
        "--format",
        "otm",
        "--out",
        otm.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&otm).unwrap()).unwrap();
    assert_eq!(v["otmVersion"], "0.2.0");
    assert!(v["components"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "support-bot" && c["parent"]["trustZone"] == "app"));
    assert!(v["threats"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == "THR001"));

    // an edited diagram comes back into the project's existing description
    let project = d.join("p");
    std::fs::create_dir(&project).unwrap();
    let mut text = std::fs::read_to_string(root().join(EXAMPLE).join("rampart.toml")).unwrap();
    let cut = text.find("# The data-flow model").unwrap();
    let end = text.find("[[risks]]").unwrap();
    text.replace_range(cut..end, "");
    std::fs::write(project.join("rampart.toml"), text).unwrap();
    let p = project.to_str().unwrap();
    let o = otm.to_str().unwrap();
    let refused = run(&["init", p, "--from-otm", o]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "an existing file needs --force"
    );
    let out = run(&["init", p, "--force", "--from-otm", o]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back =
        rampart_core::system::SystemDescription::read(&project.join("rampart.toml")).unwrap();
    let original =
        rampart_core::system::SystemDescription::read(&root().join(EXAMPLE).join("rampart.toml"))
            .unwrap();
    assert_eq!(back.zones, original.zones);
    assert_eq!(back.components, original.components);
    assert_eq!(back.data_flows, original.data_flows);
    assert_eq!(back.models, original.models, "the rest of the file is kept");
    assert_eq!(back.attestations, original.attestations);
    assert_eq!(back.models, original.models, "the rest of the file is kept");
    assert_eq!(back.attestations, original.attestations);

    std::fs::write(
        d.join("bad.otm.json"),
        r#"{"otmVersion":"0.2.0","dataflows":[{"id":"x","source":"a"}]}"#,
    )
    .unwrap();
    let bad = run(&[
        "init",
        d.join("q").to_str().unwrap(),
        "--from-otm",
        d.join("bad.otm.json").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad.otm.json"));
}

/// The ledger named in `[ledger]` is verified like `rampart audit verify`: intact, its
/// root is evidence (DP-3.4 met); tampered, DP-3.4 is not met.
#[test]
fn the_ledger_is_verified_as_evidence() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("rampart.toml"),
        "schema_version = 2\n[system]\nname = \"t\"\n[ledger]\npath = \"l.db\"\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["audit", "append", "--db", d.join("l.db").to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lines: String = (0..3)
        .map(|i| format!("{{\"time\":\"2026-11-20T10:00:0{i}Z\",\"request_id\":\"r{i}\",\"principal\":\"k\",\"tenant\":\"t\",\"route\":\"/v1/chat/completions\",\"model\":\"m\",\"upstream\":\"u\",\"decision\":\"allow\"}}\n"))
        .collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let status = |v: &serde_json::Value, id: &str| {
        v["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let dir_s = d.to_str().unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["assess", dir_s, "--format", "json"]).stdout).unwrap();
    let r = status(&v, "DP-3.4");
    assert_eq!(r["status"], "met", "{r}");
    assert!(r["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["path"] == "l.db"
            && e["description"]
                .as_str()
                .unwrap()
                .contains("intact, 3 entries")));

    // the assessment's digest goes into the same ledger, which still verifies
    let a_json = d.join("a.json");
    let out = run(&[
        "assess",
        dir_s,
        "--format",
        "json",
        "--out",
        a_json.to_str().unwrap(),
        "--append-ledger",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let digest = rampart_design_sha(&a_json);
    let tail = run(&["audit", "tail", "--db", d.join("l.db").to_str().unwrap()]);
    assert!(stdout(&tail).contains(&digest), "{}", stdout(&tail));
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["assess", dir_s, "--format", "json"]).stdout).unwrap();
    let r = status(&v, "DP-3.4");
    assert!(r["reason"].as_str().unwrap().contains("4 entries"), "{r}");

    let conn = rusqlite::Connection::open(d.join("l.db")).unwrap();
    conn.execute(
        "UPDATE entry SET data = CAST('x' AS BLOB) WHERE idx = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["assess", dir_s, "--format", "json"]).stdout).unwrap();
    let r = status(&v, "DP-3.4");
    assert_eq!(r["status"], "not_met", "{r}");
    assert!(r["reason"].as_str().unwrap().contains("tampered"), "{r}");
}

fn rampart_design_sha(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// The HTML report as a person sees it in a browser (headless Chromium): the DOM it
/// builds holds the data-flow diagram and the principle-by-principle table, and a
/// screenshot of the top of the page is mostly drawn, not blank.
#[test]
fn html_report_renders_in_chromium() {
    let Some(browser) = browser::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("assessment.html");
    let o = run(&[
        "assess",
        EXAMPLE,
        "--format",
        "html",
        "--out",
        html.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let url = format!("file://{}", html.display());
    let profile = dir.path().join("profile");
    let dom = browser::headless(&browser, &profile, &["--dump-dom", &url]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("id=\"dataflow\""), "no diagram in the DOM");
    let diagram = &dom[dom.find("id=\"dataflow\"").unwrap()..];
    let diagram = &diagram[..diagram.find("</svg>").unwrap()];
    assert!(
        diagram.matches("class=\"zone\"").count() >= 2,
        "zones drawn"
    );
    assert!(
        diagram.matches("class=\"flow\"").count() >= 2,
        "flows drawn"
    );
    assert!(dom.contains("<h2>Principles</h2>"));
    for id in [
        "SD-1", "SD-2", "SD-3", "SD-4", "DV-1", "DV-2", "DV-3", "DV-4", "DP-1", "DP-2", "DP-3",
        "DP-4", "DP-5", "OM-1", "OM-2", "OM-3", "OM-4",
    ] {
        assert!(dom.contains(id), "{id} missing from the rendered page");
    }

    let png = dir.path().join("shot.png");
    let (width, height, share) = browser::screenshot(&browser, &profile, &png, &[], &url);
    assert_eq!((width, height), (1280, 900));
    assert!(
        share > 0.02,
        "only {:.2}% of the screenshot is drawn: a blank page",
        share * 100.0
    );
}
