//! The support-bot example's BOM validates against the official CycloneDX 1.6 and 1.7
//! schemas, is deterministic, contains every component kind, reuses signing
//! manifests' hashes, and `--check` reports stale hashes and overdue reviews.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use rampart_bom::{build, check, read_system, SpecVersion};
use serde_json::Value;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/support-bot")
}

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas")
}

fn load(name: &str) -> Value {
    serde_json::from_str(&fs::read_to_string(schema_dir().join(name)).unwrap()).unwrap()
}

/// Validates against the official schema with its auxiliary schemas registered.
fn validate(bom: &Value, spec: SpecVersion) -> Vec<String> {
    let main = load(&format!("bom-{}.SNAPSHOT.schema.json", spec.as_str()));
    let mut options = jsonschema::options();
    for aux in [
        "spdx.SNAPSHOT.schema.json",
        "jsf-0.82.SNAPSHOT.schema.json",
        "cryptography-defs.SNAPSHOT.schema.json",
    ] {
        let resource = jsonschema::Resource::from_contents(load(aux)).unwrap();
        options = options.with_resource(format!("http://cyclonedx.org/schema/{aux}"), resource);
    }
    let validator = options.build(&main).expect("schema compiles");
    validator
        .iter_errors(bom)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn example_bom_validates_against_cyclonedx_1_6_and_1_7() {
    let system = read_system(&example()).unwrap();
    for spec in [SpecVersion::V1_6, SpecVersion::V1_7] {
        let bom = build(&example(), &system, spec);
        assert!(bom.unreadable.is_empty(), "{:?}", bom.unreadable);
        let errors = validate(&bom.json, spec);
        assert!(errors.is_empty(), "{}: {errors:#?}", spec.as_str());
        // The validator does reject what the schema forbids.
        let mut broken = bom.json.clone();
        broken["components"][0]["type"] = Value::from("model");
        assert!(!validate(&broken, spec).is_empty());
        assert_eq!(bom.json["specVersion"], spec.as_str());
    }
}

#[test]
fn output_is_deterministic() {
    let system = read_system(&example()).unwrap();
    let a = serde_json::to_string(&build(&example(), &system, SpecVersion::V1_6).json).unwrap();
    // Same inputs from another place on disk give the same bytes.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), &dir.path().join("support-bot"));
    let b = serde_json::to_string(
        &build(&dir.path().join("support-bot"), &system, SpecVersion::V1_6).json,
    )
    .unwrap();
    assert_eq!(a, b);
    let v: Value = serde_json::from_str(&a).unwrap();
    assert!(v["serialNumber"].as_str().unwrap().starts_with("urn:uuid:"));
    assert!(v.get("metadata").unwrap().get("timestamp").is_none());
}

#[test]
fn every_component_kind_is_present() {
    let system = read_system(&example()).unwrap();
    let bom = build(&example(), &system, SpecVersion::V1_6).json;
    let components = bom["components"].as_array().unwrap();
    let by_ref = |r: &str| {
        components
            .iter()
            .find(|c| c["bom-ref"] == r)
            .unwrap_or_else(|| panic!("{r} missing"))
    };
    // A self-hosted model with a model card, its hash and its signature.
    let tinychat = by_ref("model:tinychat");
    assert_eq!(tinychat["type"], "machine-learning-model");
    assert_eq!(
        tinychat["modelCard"]["modelParameters"]["task"],
        "text-generation"
    );
    assert_eq!(tinychat["hashes"][0]["alg"], "SHA-256");
    assert_eq!(
        tinychat["externalReferences"][0]["type"],
        "digital-signature"
    );
    let props = tinychat["modelCard"]["properties"].as_array().unwrap();
    for name in [
        "rampart:guardrail",
        "rampart:failure-mode",
        "rampart:retention",
        "rampart:review-frequency",
    ] {
        assert!(props.iter().any(|p| p["name"] == name), "{name}");
    }
    // A dataset and a prompt as data components with hashes and classification.
    let dataset = by_ref("dataset:tickets-sample");
    assert_eq!(dataset["type"], "data");
    assert_eq!(dataset["data"][0]["classification"], "internal,personal");
    assert_eq!(dataset["data"][0]["sensitiveData"][0], "personal");
    assert!(dataset["hashes"][0]["content"].as_str().unwrap().len() == 64);
    let prompt = by_ref("prompt:system");
    assert_eq!(prompt["data"][0]["type"], "configuration");
    // The external API model and the tools as services.
    let services = bom["services"].as_array().unwrap();
    let hosted = services
        .iter()
        .find(|s| s["bom-ref"] == "service:hosted-llm")
        .unwrap();
    assert_eq!(hosted["x-trust-boundary"], true);
    assert!(hosted["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["classification"] == "personal"));
    assert!(services.iter().any(|s| s["bom-ref"] == "tool:issue_refund"));
    // The dependency graph: the system depends on everything, the model on its data.
    let deps = bom["dependencies"].as_array().unwrap();
    let system_deps = deps.iter().find(|d| d["ref"] == "system").unwrap()["dependsOn"]
        .as_array()
        .unwrap();
    assert!(system_deps.iter().any(|d| d == "service:hosted-llm"));
    assert!(deps
        .iter()
        .any(|d| d["ref"] == "model:tinychat" && d["dependsOn"][0] == "dataset:tickets-sample"));
    // Scanner findings as vulnerabilities on the malicious adapter.
    let vulns = bom["vulnerabilities"].as_array().unwrap();
    assert!(vulns.iter().any(|v| v["id"] == "PKL001"
        && v["affects"][0]["ref"] == "model:community-adapter"
        && v["ratings"][0]["severity"] == "critical"));
}

#[test]
fn example_documentation_is_complete_and_reviews_are_current() {
    let system = read_system(&example()).unwrap();
    let bom = build(&example(), &system, SpecVersion::V1_6);
    let report = check(&system, &bom, Some((2026, 11, 21)));
    let codes: Vec<&str> = report.files[0].findings.iter().map(|f| f.rule).collect();
    assert!(codes.iter().all(|c| *c == "BOM004"), "{codes:?}");
}

#[test]
fn overdue_reviews_are_reported() {
    let system = read_system(&example()).unwrap();
    let bom = build(&example(), &system, SpecVersion::V1_6);
    let report = check(&system, &bom, Some((2027, 2, 1)));
    let overdue: Vec<String> = report.files[0]
        .findings
        .iter()
        .filter(|f| f.rule == "BOM003")
        .filter_map(|f| f.location.item.clone())
        .collect();
    // Due before 2027-02-01: community-adapter (2026-12-01), intent-classifier (2027-01-31),
    // hosted-llm, prompt system and risk R-2 (2027-01-15), risk R-3 (2026-11-28).
    assert_eq!(
        overdue,
        [
            "models[intent-classifier].next_review",
            "models[community-adapter].next_review",
            "models[hosted-llm].next_review",
            "prompts[system].next_review",
            "risks[R-2].review_by",
            "risks[R-3].review_by",
        ]
    );
}

#[test]
fn stale_hashes_of_signed_models_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("support-bot");
    copy_dir(&example(), &root);
    // Same size, different bytes: only the content tells.
    let model = root.join("models/tinychat.gguf");
    let mut bytes = fs::read(&model).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::write(&model, &bytes).unwrap();
    let system = read_system(&root).unwrap();
    let bom = build(&root, &system, SpecVersion::V1_6);
    let report = check(&system, &bom, Some((2026, 11, 21)));
    let stale: Vec<&str> = report.files[0]
        .findings
        .iter()
        .filter(|f| f.rule == "BOM002")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(stale[0].contains("changed since it was signed"));
}

#[test]
fn signed_models_reuse_the_signing_manifest_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let model = root.join("model");
    fs::create_dir(&model).unwrap();
    for (name, size) in [
        ("a.safetensors", 300_000usize),
        ("b.safetensors", 200_000),
        ("config.json", 100),
    ] {
        fs::write(model.join(name), vec![7u8; size]).unwrap();
    }
    let key = rampart_sign::keys::SigningKey::generate(rampart_sign::keys::Curve::P256);
    rampart_sign::sign_model(
        &model,
        &root.join("model.sig"),
        &key,
        &rampart_sign::SignOptions::default(),
    )
    .unwrap();
    fs::write(root.join("pub.pem"), key.verifying_key().to_pem().unwrap()).unwrap();
    fs::write(
        root.join("rampart.toml"),
        "schema_version = 1\n[system]\nname = \"s\"\n[[models]]\nid = \"m\"\npath = \"model\"\nsignature = \"model.sig\"\nsigning_key = \"pub.pem\"\n",
    )
    .unwrap();
    let system = read_system(root).unwrap();
    let bom = build(root, &system, SpecVersion::V1_6);
    assert_eq!(
        bom.hashed_bytes, 0,
        "a signed, unchanged model must not be read again"
    );
    let (_, artifact) = &bom.artifacts[0];
    assert!(artifact.from_manifest);
    assert_eq!(artifact.signature_verified, Some(true));
    assert_eq!(artifact.files.len(), 3);
    assert!(validate(&bom.json, SpecVersion::V1_6).is_empty());

    // Touch one file: only it is read.
    fs::write(model.join("config.json"), vec![8u8; 100]).unwrap();
    let bom = build(root, &system, SpecVersion::V1_6);
    assert_eq!(bom.hashed_bytes, 100);
    let report = check(&system, &bom, Some((2026, 1, 1)));
    assert!(report.files[0]
        .findings
        .iter()
        .any(|f| f.rule == "BOM002" && f.message.contains("config.json")));

    // Change a byte and set the modification time back (`touch -d`): the size and
    // mtime are those of the signed file, but the content is not. It is read again
    // and reported, and the BOM carries the new hash.
    let b = model.join("b.safetensors");
    let mtime = fs::metadata(&b).unwrap().modified().unwrap();
    let mut bytes = fs::read(&b).unwrap();
    bytes[1000] ^= 1;
    fs::write(&b, &bytes).unwrap();
    fs::File::options()
        .write(true)
        .open(&b)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(fs::metadata(&b).unwrap().modified().unwrap(), mtime);
    let bom = build(root, &system, SpecVersion::V1_6);
    let report = check(&system, &bom, Some((2026, 1, 1)));
    assert!(
        report.files[0]
            .findings
            .iter()
            .any(|f| f.rule == "BOM002" && f.message.contains("b.safetensors")),
        "a restored mtime hid a changed file: {:?}",
        report.files[0].findings
    );
    let (_, artifact) = &bom.artifacts[0];
    let new_hash = hex_sha256(&bytes);
    assert!(
        artifact
            .files
            .iter()
            .any(|f| f.rel == "b.safetensors" && f.sha256 == new_hash),
        "the BOM kept the signed hash of a changed file"
    );
}

fn hex_sha256(bytes: &[u8]) -> String {
    use rampart_sign::hashing::HashAlgorithm;
    hex::encode(HashAlgorithm::Sha256.digest(bytes))
}

#[test]
fn missing_documentation_and_artifacts_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("rampart.toml"),
        "schema_version = 1\n[system]\nname = \"s\"\n[[models]]\nid = \"m\"\npath = \"gone.safetensors\"\n[[datasets]]\nid = \"d\"\n",
    )
    .unwrap();
    let system = read_system(dir.path()).unwrap();
    let bom = build(dir.path(), &system, SpecVersion::V1_6);
    let report = check(&system, &bom, Some((2026, 1, 1)));
    let codes: Vec<&str> = report.files[0].findings.iter().map(|f| f.rule).collect();
    assert!(codes.contains(&"BOM001"));
    assert!(codes.contains(&"BOM005"));
    let items: Vec<String> = report.files[0]
        .findings
        .iter()
        .filter_map(|f| f.location.item.clone())
        .collect();
    assert!(items.contains(&"system".to_string()));
    assert!(items.contains(&"datasets[d]".to_string()));
}

#[test]
fn init_discovers_models_datasets_and_prompts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("support-bot");
    copy_dir(&example(), &root);
    fs::remove_file(root.join("rampart.toml")).unwrap();
    let desc = rampart_bom::init::discover(&root);
    let models: Vec<&str> = desc
        .models
        .iter()
        .filter_map(|m| m.path.as_deref())
        .collect();
    assert_eq!(
        models,
        [
            "models/community-adapter.bin",
            "models/embedder.onnx",
            "models/intent-classifier.safetensors",
            "models/reranker.pt",
            "models/tinychat.gguf"
        ]
    );
    assert_eq!(desc.datasets.len(), 1);
    assert_eq!(desc.prompts.len(), 1);
    // a proposed data-flow model: users -> application -> each model
    assert_eq!(desc.components.len(), 2 + 5);
    assert!(desc
        .components
        .iter()
        .any(|c| c.id == "tinychat" && c.model.as_deref() == Some("tinychat")));
    assert_eq!(desc.data_flows.len(), 1 + 5);
    assert!(desc.problems().is_empty(), "{:?}", desc.problems());
    let text = rampart_bom::init::render(&desc);
    let parsed = rampart_core::system::SystemDescription::parse(&text).unwrap();
    assert_eq!(parsed, desc);
}
