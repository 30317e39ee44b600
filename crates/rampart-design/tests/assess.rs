//! `assess`: automated requirements follow their evidence, attestations and
//! registers are dated, the JSON keeps its schema.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use rampart_core::system::SystemDescription;
use rampart_design::{assess, Assessment, Mitigation, Options, Status};

const TODAY: Option<(i32, u32, u32)> = Some((2026, 12, 4));

fn run(dir: &Path, toml: &str) -> Assessment {
    std::fs::write(dir.join("rampart.toml"), toml).unwrap();
    let system = SystemDescription::parse(toml).unwrap();
    assess(dir, &system, Options { today: TODAY })
}

fn status(a: &Assessment, id: &str) -> Status {
    a.requirements.iter().find(|r| r.id == id).unwrap().status
}

const MODEL: &str = "schema_version = 2\n[system]\nname = \"t\"\n[[models]]\nid = \"m\"\npath = \"m.safetensors\"\n";

fn safetensors() -> Vec<u8> {
    let header = br#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
    let mut b = (header.len() as u64).to_le_bytes().to_vec();
    b.extend_from_slice(header);
    b.extend_from_slice(&[0, 0, 128, 63]);
    b
}

/// Signing the model turns DV-1.2 (and DP-2.3, OM-3.2) from not met to met, with the
/// signature's SHA-256 as evidence, and mitigates THR001 once the scan is clean too.
#[test]
fn signing_the_model_meets_the_signature_requirements() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("m.safetensors"), safetensors()).unwrap();
    let before = run(d, MODEL);
    for id in ["DV-1.2", "DP-2.3", "OM-3.2"] {
        assert_eq!(status(&before, id), Status::NotMet, "{id}");
    }
    assert_eq!(
        status(&before, "DV-1.1"),
        Status::Met,
        "a safetensors file scans clean"
    );
    let thr = before.threats.iter().find(|t| t.id == "THR001").unwrap();
    assert_eq!(thr.mitigation, Mitigation::Partial);

    let key = rampart_sign::keys::SigningKey::generate(rampart_sign::keys::Curve::P256);
    std::fs::write(d.join("pub.pem"), key.verifying_key().to_pem().unwrap()).unwrap();
    rampart_sign::sign_model(
        &d.join("m.safetensors"),
        &d.join("m.sig"),
        &key,
        &Default::default(),
    )
    .unwrap();
    let after = run(
        d,
        &format!("{MODEL}signature = \"m.sig\"\nsigning_key = \"pub.pem\"\n"),
    );
    for id in ["DV-1.2", "DP-2.3", "OM-3.2"] {
        assert_eq!(status(&after, id), Status::Met, "{id}");
    }
    let r = after
        .requirements
        .iter()
        .find(|r| r.id == "DV-1.2")
        .unwrap();
    let sig = r
        .evidence
        .iter()
        .find(|e| e.path.as_deref() == Some("m.sig"))
        .unwrap();
    assert_eq!(sig.sha256.as_deref().map(str::len), Some(64));
    let thr = after.threats.iter().find(|t| t.id == "THR001").unwrap();
    assert_eq!(thr.mitigation, Mitigation::Mitigated);
    // the threat carries the evidence of its controls: the clean scan and the signature
    assert!(thr
        .evidence
        .iter()
        .any(|e| e.description.starts_with("rampart scan: model m clean")));
    assert!(thr
        .evidence
        .iter()
        .any(|e| e.path.as_deref() == Some("m.sig") && e.sha256.is_some()));
    assert!(after.score > before.score);

    // a tampered model no longer verifies
    std::fs::write(d.join("m.safetensors"), [safetensors(), vec![0]].concat()).unwrap();
    let tampered = run(
        d,
        &format!("{MODEL}signature = \"m.sig\"\nsigning_key = \"pub.pem\"\n"),
    );
    assert_eq!(status(&tampered, "DV-1.2"), Status::NotMet);
}

/// A pickle that runs code fails the scan: DV-1.1 not met, THR001 not mitigated by it.
#[test]
fn a_malicious_model_fails_the_scan_requirement() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // protocol 2 pickle: os.system('x')
    std::fs::write(
        d.join("m.pkl"),
        b"\x80\x02cos\nsystem\nq\x00X\x01\x00\x00\x00xq\x01\x85q\x02Rq\x03.",
    )
    .unwrap();
    let a = run(
        d,
        "schema_version = 2\n[system]\nname = \"t\"\n[[models]]\nid = \"m\"\npath = \"m.pkl\"\n",
    );
    assert_eq!(status(&a, "DV-1.1"), Status::NotMet);
    let r = a.requirements.iter().find(|r| r.id == "DV-1.1").unwrap();
    assert!(r.reason.contains("PKL"), "{}", r.reason);
    assert!(r.next_action.is_some());
}

/// Fixing a config weakness (allow_anonymous) turns SD-3.11 and DP-1.2 met.
#[test]
fn fixing_a_gateway_weakness_meets_its_requirements() {
    let dir = tempfile::tempdir().unwrap();
    let base =
        "schema_version = 2\n[system]\nname = \"t\"\n[ledger]\npath = \"l.sqlite\"\n[gateway]\n";
    let weak = run(dir.path(), &format!("{base}allow_anonymous = true\n"));
    assert_eq!(status(&weak, "DP-1.2"), Status::NotMet);
    assert_eq!(status(&weak, "DP-5.1"), Status::NotMet);
    let fixed = run(dir.path(), base);
    assert_eq!(status(&fixed, "DP-1.2"), Status::Met);
    assert_eq!(status(&fixed, "DP-5.1"), Status::Met);
}

#[test]
fn attestations_count_until_they_expire_or_their_evidence_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("plan.md"), "incident plan\n").unwrap();
    let sha = rampart_design::checks::sha256_file(&d.join("plan.md")).unwrap();
    let att = |expires: &str| {
        format!(
            "schema_version = 2\n[system]\nname = \"t\"\n[[attestations]]\nrequirement = \"DP-3.1\"\nby = \"Ann (CISO)\"\n\
             date = \"2026-06-01\"\nstatement = \"IR plan covers AI incidents\"\nexpires = \"{expires}\"\n\
             [[attestations.evidence]]\npath = \"plan.md\"\nsha256 = \"{sha}\"\n"
        )
    };
    let none = run(d, "schema_version = 2\n[system]\nname = \"t\"\n");
    assert_eq!(status(&none, "DP-3.1"), Status::NotMet);

    let ok = run(d, &att("2027-06-01"));
    assert_eq!(status(&ok, "DP-3.1"), Status::Attested);
    let r = ok.requirements.iter().find(|r| r.id == "DP-3.1").unwrap();
    assert_eq!(r.evidence[0].sha256.as_deref(), Some(sha.as_str()));
    assert!(ok.findings.is_empty(), "{:?}", ok.findings);

    let expired = run(d, &att("2026-11-30"));
    assert_eq!(status(&expired, "DP-3.1"), Status::Expired);
    assert!(expired
        .findings
        .iter()
        .any(|f| f.kind == "attestation-expired" && f.subject == "DP-3.1"));

    std::fs::write(d.join("plan.md"), "edited\n").unwrap();
    let changed = run(d, &att("2027-06-01"));
    assert_eq!(status(&changed, "DP-3.1"), Status::NotMet);
    assert!(changed
        .findings
        .iter()
        .any(|f| f.kind == "attestation-evidence-changed"));
}

#[test]
fn overdue_risk_reviews_and_debt_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let text = "schema_version = 2\n[system]\nname = \"t\"\n\
        [[risks]]\nid = \"R1\"\ntitle = \"old\"\ndecision = \"accept\"\nowner = \"o\"\nreview_by = \"2026-01-01\"\n\
        [[risks]]\nid = \"R2\"\ntitle = \"new\"\ndecision = \"accept\"\nowner = \"o\"\nreview_by = \"2027-01-01\"\n\
        [[debt]]\nid = \"D1\"\ntitle = \"late\"\nowner = \"o\"\ndue = \"2026-12-01\"\n\
        [[debt]]\nid = \"D2\"\ntitle = \"fine\"\nowner = \"o\"\ndue = \"2027-12-01\"\n";
    let a = run(dir.path(), text);
    let kinds: Vec<(&str, &str)> = a
        .findings
        .iter()
        .map(|f| (f.kind, f.subject.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [("risk-review-overdue", "R1"), ("debt-overdue", "D1")]
    );
    assert_eq!(status(&a, "SD-2.3"), Status::NotMet);
    assert_eq!(status(&a, "DV-4.2"), Status::NotMet);
    assert_eq!(status(&a, "DV-4.1"), Status::Met);
}

#[test]
fn requirements_that_do_not_apply_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(dir.path(), "schema_version = 2\n[system]\nname = \"t\"\n");
    let r = a.requirements.iter().find(|r| r.id == "SD-3.6").unwrap();
    assert_eq!(r.status, Status::NotApplicable);
    assert_eq!(r.reason, "no tools");
    // red-team evidence absent: unknown, not met
    assert_eq!(status(&a, "DP-4.1"), Status::Unknown);
}

#[test]
fn red_team_results_are_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("redteam")).unwrap();
    let result = |asr: f64| {
        format!("{{\"schema\":\"rampart-redteam-result/1\",\"cases\":40,\"asr\":{asr}}}")
    };
    std::fs::write(d.join("redteam/result.json"), result(0.35)).unwrap();
    let bad = run(d, "schema_version = 2\n[system]\nname = \"t\"\n");
    assert_eq!(status(&bad, "DP-4.1"), Status::NotMet);
    std::fs::write(d.join("redteam/result.json"), result(0.05)).unwrap();
    let good = run(d, "schema_version = 2\n[system]\nname = \"t\"\n");
    assert_eq!(status(&good, "DP-4.1"), Status::Met);
}

fn example() -> Assessment {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/support-bot");
    let system = rampart_bom::read_system(&dir).unwrap();
    assess(&dir, &system, Options { today: TODAY })
}

#[test]
fn the_json_validates_against_its_schema() {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas/assessment-v1.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let value = serde_json::to_value(example()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // and the schema is not vacuous: a broken status fails it
    let mut broken = value.clone();
    broken["requirements"][0]["status"] = "fine".into();
    assert!(!validator.is_valid(&broken));
    let mut broken = value;
    broken["threats"][0]["atlas"][0] = "T0051".into();
    assert!(!validator.is_valid(&broken));
}

/// The example shows a realistic picture: some requirements met by evidence, some
/// attested, some not met with next steps, threats on named components and flows.
#[test]
fn the_support_bot_example_is_a_realistic_picture() {
    let a = example();
    let count = |s: Status| a.requirements.iter().filter(|r| r.status == s).count();
    assert!(count(Status::Met) >= 10, "met {}", count(Status::Met));
    assert!(
        count(Status::Attested) >= 3,
        "attested {}",
        count(Status::Attested)
    );
    assert!(
        count(Status::NotMet) >= 5,
        "not met {}",
        count(Status::NotMet)
    );
    assert!(a
        .requirements
        .iter()
        .filter(|r| r.status == Status::NotMet)
        .all(|r| r.next_action.is_some()));
    assert!(a.threats.len() >= 15, "{} threats", a.threats.len());
    assert!(a.threats.iter().any(|t| t.element == "flow"));
    // the community adapter is a pickle: THR001 on it is not mitigated
    let adapter = a
        .threats
        .iter()
        .find(|t| t.id == "THR001" && t.component == "community-adapter")
        .unwrap();
    assert_ne!(adapter.mitigation, Mitigation::Mitigated);
    assert!(a.score > 20.0 && a.score < 90.0, "{}", a.score);
}

/// The HTML is one self-contained file: nothing to fetch, no script; the diagram has
/// every zone, component and flow of the model, threatened elements marked; the
/// tables are there. (Rendering in headless Chromium is left to CI, where it is
/// installed.)
#[test]
fn html_is_self_contained_with_the_diagram_and_tables() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/support-bot");
    let system = rampart_bom::read_system(&dir).unwrap();
    let a = assess(&dir, &system, Options { today: TODAY });
    let html = rampart_design::render::html(&a, &system);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for banned in ["<script", "src=", "href=", "@import", "url(http", "<link"] {
        assert!(!html.contains(banned), "{banned}");
    }
    // the only URL is the SVG namespace
    assert_eq!(
        html.matches("://").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    let svg = html
        .split("<svg")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    for z in &system.zones {
        assert!(
            svg.contains(&format!("data-zone=\"{}\"", z.id)),
            "zone {}",
            z.id
        );
    }
    for c in &system.components {
        assert!(
            svg.contains(&format!("data-component=\"{}\"", c.id)),
            "component {}",
            c.id
        );
    }
    for f in &system.data_flows {
        assert!(
            svg.contains(&format!("data-flow=\"{}\"", f.id.as_deref().unwrap())),
            "flow"
        );
    }
    assert!(svg.contains("class=\"component threatened\" data-component=\"community-adapter\""));
    assert!(svg.contains("class=\"flow threatened\" data-flow=\"F6\""));
    assert!(
        svg.contains("class=\"component\" data-component=\"orders-db\""),
        "no open threat on orders-db"
    );
    for table in ["principles", "threats", "requirements", "evidence"] {
        assert!(html.contains(&format!("<table id=\"{table}\">")), "{table}");
    }
    assert_eq!(
        html.matches("<tr class=").count(),
        a.threats.len() + a.requirements.len()
    );
    // text is escaped
    let mut evil = system.clone();
    evil.components[0].id = "<img src=x onerror=alert(1)>".into();
    evil.data_flows.clear();
    let html = rampart_design::render::html(&a, &evil);
    assert!(!html.contains("<img"));
}

/// The OTM export is a valid Open Threat Model document: it validates against the
/// published OTM 0.2.0 JSON schema (tests/data, Apache-2.0), and the schema is not
/// vacuous for it (a dataflow without a destination fails).
#[test]
fn otm_export_validates_against_the_published_schema() {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/otm-0.2.0.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/support-bot");
    let system = SystemDescription::read(&root.join("rampart.toml")).unwrap();
    let value = rampart_design::otm::export(&system, &example());
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!value["dataflows"].as_array().unwrap().is_empty());
    let mut broken = value;
    broken["dataflows"][0]
        .as_object_mut()
        .unwrap()
        .remove("destination");
    assert!(!validator.is_valid(&broken));
}
