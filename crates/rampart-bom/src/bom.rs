//! The CycloneDX 1.6 (or 1.7) ML-BOM of a system: the system as the metadata
//! component, models as `machine-learning-model` components with model cards,
//! datasets and prompts as `data` components, external API models and tools as
//! services, the dependency graph, and scanner findings as vulnerabilities. The
//! output is deterministic: no timestamp, and a serial number derived from the
//! content.

use std::path::{Path, PathBuf};

use rampart_core::system::{DataClass, Model, ModelSource, SystemDescription};
use rampart_scan::{scan_paths, ScanOptions};
use rampart_sign::hashing::HashAlgorithm;
use serde_json::{json, Map, Value};

use crate::artifacts::{hash_artifact, Artifact};

/// CycloneDX specification versions rampart writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpecVersion {
    /// 1.6 (default).
    #[default]
    V1_6,
    /// 1.7.
    V1_7,
}

impl SpecVersion {
    /// `1.6` or `1.7`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V1_6 => "1.6",
            SpecVersion::V1_7 => "1.7",
        }
    }
}

/// Namespace of rampart's CycloneDX properties.
pub const NS: &str = "rampart";

/// A built BOM and what it took.
#[derive(Debug)]
pub struct Bom {
    /// The CycloneDX document.
    pub json: Value,
    /// Hashes per artefact path, for `--check`.
    pub artifacts: Vec<(String, Artifact)>,
    /// Bytes read to hash artefacts.
    pub hashed_bytes: u64,
    /// Artefacts that could not be read: path and why.
    pub unreadable: Vec<(String, String)>,
}

fn prop(name: &str, value: impl Into<String>) -> Value {
    json!({"name": format!("{NS}:{name}"), "value": value.into()})
}

fn opt_props(out: &mut Vec<Value>, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        out.push(prop(name, v.clone()));
    }
}

fn list_props(out: &mut Vec<Value>, name: &str, values: &[String]) {
    for v in values {
        out.push(prop(name, v.clone()));
    }
}

fn classes(list: &[DataClass]) -> String {
    list.iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// SPDX licence ids common for models and datasets; others are written as names
/// (CycloneDX only accepts ids from the SPDX list).
const SPDX_IDS: &[&str] = &[
    "Apache-2.0",
    "MIT",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "MPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-3.0",
    "CC-BY-SA-3.0",
    "ODbL-1.0",
    "ODC-By-1.0",
    "PDDL-1.0",
    "Unlicense",
    "Zlib",
    "BSL-1.0",
    "EPL-2.0",
    "Artistic-2.0",
    "OpenRAIL",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
];

fn license(id: &str) -> Value {
    if SPDX_IDS.contains(&id) {
        json!([{"license": {"id": id}}])
    } else {
        json!([{"license": {"name": id}}])
    }
}

fn hashes_of(artifact: &Artifact) -> Option<Value> {
    match artifact.files.as_slice() {
        [one] if one.rel == "." => Some(json!([{"alg": "SHA-256", "content": one.sha256}])),
        _ => None,
    }
}

/// File sub-components of a directory artefact.
fn file_components(parent_ref: &str, artifact: &Artifact) -> Option<Value> {
    if matches!(artifact.files.as_slice(), [one] if one.rel == ".") || artifact.files.is_empty() {
        return None;
    }
    Some(Value::Array(
        artifact
            .files
            .iter()
            .map(|f| {
                json!({
                    "type": "file",
                    "bom-ref": format!("{parent_ref}/{}", f.rel),
                    "name": f.rel,
                    "hashes": [{"alg": "SHA-256", "content": f.sha256}],
                })
            })
            .collect(),
    ))
}

fn model_card(model: &Model, system: &SystemDescription) -> Value {
    let card = &model.card;
    let mut params = Map::new();
    if let Some(a) = &card.approach {
        params.insert("approach".into(), json!({"type": a}));
    }
    if let Some(t) = &card.task {
        params.insert("task".into(), json!(t));
    }
    if let Some(a) = &card.architecture_family {
        params.insert("architectureFamily".into(), json!(a));
    }
    if let Some(a) = &card.architecture {
        params.insert("modelArchitecture".into(), json!(a));
    }
    let datasets: Vec<Value> = card
        .datasets
        .iter()
        .filter(|d| system.datasets.iter().any(|s| &s.id == *d))
        .map(|d| json!({"ref": format!("dataset:{d}")}))
        .collect();
    if !datasets.is_empty() {
        params.insert("datasets".into(), Value::Array(datasets));
    }
    let mut out = Map::new();
    out.insert("bom-ref".into(), json!(format!("model-card:{}", model.id)));
    if !params.is_empty() {
        out.insert("modelParameters".into(), Value::Object(params));
    }
    if !card.metrics.is_empty() {
        let metrics: Vec<Value> = card
            .metrics
            .iter()
            .map(|m| {
                let mut v = json!({"type": m.kind, "value": m.value});
                if let Some(s) = &m.slice {
                    v["slice"] = json!(s);
                }
                v
            })
            .collect();
        out.insert(
            "quantitativeAnalysis".into(),
            json!({"performanceMetrics": metrics}),
        );
    }
    let mut considerations = Map::new();
    if !card.users.is_empty() {
        considerations.insert("users".into(), json!(card.users));
    }
    if let Some(u) = &card.intended_use {
        considerations.insert("useCases".into(), json!([u]));
    }
    if !card.limitations.is_empty() {
        considerations.insert("technicalLimitations".into(), json!(card.limitations));
    }
    if !considerations.is_empty() {
        out.insert("considerations".into(), Value::Object(considerations));
    }
    let mut props = Vec::new();
    opt_props(&mut props, "intended-scope", &card.intended_use);
    list_props(&mut props, "limitation", &card.limitations);
    list_props(&mut props, "guardrail", &card.guardrails);
    list_props(&mut props, "failure-mode", &card.failure_modes);
    opt_props(&mut props, "retention", &model.retention);
    opt_props(&mut props, "review-frequency", &model.review_frequency);
    opt_props(&mut props, "next-review", &model.next_review);
    if !props.is_empty() {
        out.insert("properties".into(), Value::Array(props));
    }
    Value::Object(out)
}

/// Hashes an artefact; when it cannot be read, notes why under its configured path
/// (reported by `--check` as BOM005) and returns no hashes.
fn hash_or_note(
    configured: &str,
    path: &Path,
    signature: Option<&Path>,
    key: Option<&Path>,
    unreadable: &mut Vec<(String, String)>,
) -> Artifact {
    hash_artifact(path, signature, key).unwrap_or_else(|e| {
        unreadable.push((configured.to_string(), e.message));
        Artifact::default()
    })
}

fn resolve(root: &Path, rel: &str) -> PathBuf {
    root.join(rel)
}

/// Builds the BOM of the system described in `root/rampart.toml` (already parsed).
pub fn build(root: &Path, system: &SystemDescription, spec: SpecVersion) -> Bom {
    let mut components = Vec::new();
    let mut services = Vec::new();
    let mut dependencies: Vec<Value> = Vec::new();
    let mut artifacts = Vec::new();
    let mut hashed_bytes = 0u64;
    let mut unreadable: Vec<(String, String)> = Vec::new();
    let mut system_deps = Vec::new();
    let mut scan_targets: Vec<(String, PathBuf)> = Vec::new();

    for model in &system.models {
        let bom_ref = format!("model:{}", model.id);
        let name = model.name.clone().unwrap_or_else(|| model.id.clone());
        let mut common_props = vec![prop(
            "source",
            match model.source {
                ModelSource::ExternalApi => "external-api",
                ModelSource::SelfHosted => "self-hosted",
                ModelSource::FineTuned => "fine-tuned",
            },
        )];
        opt_props(&mut common_props, "base-model", &model.base_model);
        if !model.data_classes.is_empty() {
            common_props.push(prop("data-classes", classes(&model.data_classes)));
        }
        if model.source == ModelSource::ExternalApi {
            let service_ref = format!("service:{}", model.id);
            let mut s = json!({
                "bom-ref": service_ref,
                "name": name,
                "authenticated": true,
                "x-trust-boundary": true,
            });
            if let Some(p) = &model.provider {
                s["provider"] = json!({"name": p});
            }
            if let Some(e) = &model.endpoint {
                s["endpoints"] = json!([e]);
            }
            if let Some(v) = &model.version {
                s["version"] = json!(v);
            }
            if !model.data_classes.is_empty() {
                s["data"] = Value::Array(
                    model
                        .data_classes
                        .iter()
                        .map(|c| json!({"flow": "outbound", "classification": c.as_str()}))
                        .collect(),
                );
            }
            let mut props = common_props.clone();
            let card = model_card(model, system);
            for key in ["properties"] {
                if let Some(Value::Array(p)) = card.get(key) {
                    props.extend(p.iter().cloned());
                }
            }
            opt_props(&mut props, "task", &model.card.task);
            s["properties"] = Value::Array(props);
            services.push(s);
            system_deps.push(service_ref);
            continue;
        }
        let mut c = json!({
            "type": "machine-learning-model",
            "bom-ref": bom_ref,
            "name": name,
            "modelCard": model_card(model, system),
        });
        if let Some(p) = &model.provider {
            c["supplier"] = json!({"name": p});
        }
        if let Some(v) = &model.version {
            c["version"] = json!(v);
        }
        if let Some(l) = &model.license {
            c["licenses"] = license(l);
        }
        let mut props = common_props;
        if let Some(path) = &model.path {
            let full = resolve(root, path);
            let sig = model.signature.as_ref().map(|s| resolve(root, s));
            let key = model.signing_key.as_ref().map(|k| resolve(root, k));
            let artifact =
                hash_or_note(path, &full, sig.as_deref(), key.as_deref(), &mut unreadable);
            hashed_bytes += artifact.hashed_bytes;
            if let Some(h) = hashes_of(&artifact) {
                c["hashes"] = h;
            }
            if let Some(files) = file_components(&bom_ref, &artifact) {
                c["components"] = files;
            }
            props.push(prop("path", path.clone()));
            if let Some(s) = &model.signature {
                c["externalReferences"] = json!([{"type": "digital-signature", "url": s, "comment": "OpenSSF Model Signing v1.0 bundle"}]);
                props.push(prop(
                    "hashes-from",
                    if artifact.from_manifest {
                        "signing-manifest"
                    } else {
                        "computed"
                    },
                ));
            }
            artifacts.push((path.clone(), artifact));
            if full.exists() {
                scan_targets.push((bom_ref.clone(), full));
            }
        }
        c["properties"] = Value::Array(props);
        let mut deps: Vec<String> = model
            .card
            .datasets
            .iter()
            .filter(|d| system.datasets.iter().any(|s| &s.id == *d))
            .map(|d| format!("dataset:{d}"))
            .collect();
        if let Some(base) = &model.base_model {
            if system.models.iter().any(|m| &m.id == base) {
                deps.push(format!("model:{base}"));
            }
        }
        if !deps.is_empty() {
            dependencies.push(json!({"ref": bom_ref, "dependsOn": deps}));
        }
        system_deps.push(bom_ref);
        components.push(c);
    }

    for d in &system.datasets {
        let bom_ref = format!("dataset:{}", d.id);
        let name = d.name.clone().unwrap_or_else(|| d.id.clone());
        let mut data = json!({"type": "dataset", "name": name});
        if !d.data_classes.is_empty() {
            data["classification"] = json!(classes(&d.data_classes));
            let sensitive: Vec<&str> = d
                .data_classes
                .iter()
                .filter(|c| matches!(c, DataClass::Personal | DataClass::Secret))
                .map(|c| c.as_str())
                .collect();
            if !sensitive.is_empty() {
                data["sensitiveData"] = json!(sensitive);
            }
        }
        if let Some(desc) = &d.description {
            data["description"] = json!(desc);
        }
        if let Some(owner) = &d.owner {
            data["governance"] = json!({"owners": [{"organization": {"name": owner}}]});
        }
        if let Some(p) = &d.path {
            data["contents"] = json!({"url": p});
        }
        let mut c = json!({"type": "data", "bom-ref": bom_ref, "name": name, "data": [data]});
        if let Some(l) = &d.license {
            c["licenses"] = license(l);
        }
        let mut props = Vec::new();
        opt_props(&mut props, "provenance", &d.provenance);
        opt_props(&mut props, "retention", &d.retention);
        if let Some(p) = &d.path {
            let artifact = hash_or_note(p, &resolve(root, p), None, None, &mut unreadable);
            hashed_bytes += artifact.hashed_bytes;
            if let Some(h) = hashes_of(&artifact) {
                c["hashes"] = h;
            }
            if let Some(files) = file_components(&bom_ref, &artifact) {
                c["components"] = files;
            }
            props.push(prop("path", p.clone()));
            artifacts.push((p.clone(), artifact));
        }
        if !props.is_empty() {
            c["properties"] = Value::Array(props);
        }
        system_deps.push(bom_ref);
        components.push(c);
    }

    for p in &system.prompts {
        let bom_ref = format!("prompt:{}", p.id);
        let kind = match p.kind {
            rampart_core::system::PromptKind::System => "system-prompt",
            rampart_core::system::PromptKind::Meta => "meta-prompt",
        };
        let mut data = json!({"type": "configuration", "name": p.id, "classification": "internal", "contents": {"url": p.path}});
        if let Some(d) = &p.description {
            data["description"] = json!(d);
        }
        let mut c = json!({"type": "data", "bom-ref": bom_ref, "name": p.id, "data": [data]});
        let artifact = hash_or_note(
            &p.path,
            &resolve(root, &p.path),
            None,
            None,
            &mut unreadable,
        );
        hashed_bytes += artifact.hashed_bytes;
        if let Some(h) = hashes_of(&artifact) {
            c["hashes"] = h;
        }
        let mut props = vec![prop("prompt-kind", kind), prop("path", p.path.clone())];
        opt_props(&mut props, "next-review", &p.next_review);
        c["properties"] = Value::Array(props);
        artifacts.push((p.path.clone(), artifact));
        let used_by: Vec<String> = p
            .models
            .iter()
            .filter(|m| system.models.iter().any(|x| &x.id == *m))
            .map(|m| {
                if system
                    .models
                    .iter()
                    .any(|x| &x.id == m && x.source == ModelSource::ExternalApi)
                {
                    format!("service:{m}")
                } else {
                    format!("model:{m}")
                }
            })
            .collect();
        if !used_by.is_empty() {
            if let Some(a) = c["properties"].as_array_mut() {
                a.extend(used_by.iter().map(|u| prop("used-by", u.clone())));
            }
        }
        system_deps.push(bom_ref);
        components.push(c);
    }

    for t in &system.tools {
        let bom_ref = format!("tool:{}", t.name);
        let mut props: Vec<Value> = t
            .effects
            .iter()
            .map(|e| {
                prop(
                    "effect",
                    serde_json::to_value(e)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                )
            })
            .collect();
        props.push(prop("high-risk", t.high_risk.to_string()));
        let mut s = json!({"bom-ref": bom_ref, "name": t.name, "properties": props});
        if let Some(d) = &t.description {
            s["description"] = json!(d);
        }
        system_deps.push(bom_ref);
        services.push(s);
    }

    // Data flows crossing trust boundaries, on the services they reach.
    for flow in &system.data_flows {
        let target = format!("service:{}", flow.to);
        if let Some(s) = services.iter_mut().find(|s| s["bom-ref"] == json!(target)) {
            let list = s.as_object_mut().and_then(|o| {
                o.entry("data").or_insert_with(|| json!([]));
                o.get_mut("data").and_then(Value::as_array_mut)
            });
            if let Some(list) = list {
                for c in &flow.data_classes {
                    let entry = json!({"flow": "outbound", "classification": c.as_str(), "source": [format!("urn:rampart:party:{}", flow.from)]});
                    if !list.iter().any(|e| {
                        e["classification"] == entry["classification"] && e.get("source").is_some()
                    }) {
                        list.push(entry);
                    }
                }
            }
        }
    }

    let mut system_props = vec![prop(
        "criticality",
        serde_json::to_value(system.system.criticality)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
    )];
    opt_props(&mut system_props, "owner", &system.system.owner);
    for r in &system.risks {
        system_props.push(prop(
            "risk",
            format!("{}: {} ({})", r.id, r.title, r.decision),
        ));
    }
    for d in &system.debt {
        system_props.push(prop("debt", format!("{}: {}", d.id, d.title)));
    }
    let mut meta_component = json!({
        "type": "application",
        "bom-ref": "system",
        "name": system.system.name,
        "properties": system_props,
    });
    if let Some(v) = &system.system.version {
        meta_component["version"] = json!(v);
    }
    if let Some(d) = &system.system.description {
        meta_component["description"] = json!(d);
    }
    dependencies.insert(0, json!({"ref": "system", "dependsOn": system_deps}));

    // Scanner findings as vulnerabilities.
    let mut vulnerabilities = Vec::new();
    for (bom_ref, path) in &scan_targets {
        let report = scan_paths(std::slice::from_ref(path), &ScanOptions::default(), &());
        for file in &report.files {
            for f in &file.findings {
                let rel = Path::new(&file.path)
                    .strip_prefix(root)
                    .map_or_else(|_| file.path.clone(), |p| p.to_string_lossy().into_owned());
                let mut v = json!({
                    "bom-ref": format!("finding:{}", vulnerabilities.len() + 1),
                    "id": f.rule,
                    "source": {"name": "rampart scan"},
                    "ratings": [{"severity": f.severity.as_str(), "method": "other", "source": {"name": "rampart scan"}}],
                    "description": f.message,
                    "detail": format!("{} ({})", f.name, f.guidelines.iter().map(|g| g.id()).collect::<Vec<_>>().join(", ")),
                    "affects": [{"ref": bom_ref}],
                    "properties": [prop("file", rel)],
                });
                if let Some(m) = &f.location.member {
                    if let Some(a) = v["properties"].as_array_mut() {
                        a.push(prop("member", m.clone()));
                    }
                }
                vulnerabilities.push(v);
            }
        }
    }

    let mut bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": spec.as_str(),
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "rampart", "version": env!("CARGO_PKG_VERSION")}]},
            "component": meta_component,
        },
        "components": components,
        "dependencies": dependencies,
    });
    if !services.is_empty() {
        bom["services"] = Value::Array(services);
    }
    if !vulnerabilities.is_empty() {
        bom["vulnerabilities"] = Value::Array(vulnerabilities);
    }
    bom["$schema"] = json!(format!(
        "http://cyclonedx.org/schema/bom-{}.schema.json",
        spec.as_str()
    ));
    // A serial number derived from the content keeps the output deterministic.
    let digest =
        HashAlgorithm::Sha256.digest(serde_json::to_string(&bom).unwrap_or_default().as_bytes());
    let mut u = digest.get(..16).map(<[u8]>::to_vec).unwrap_or_default();
    if u.len() == 16 {
        u[6] = (u[6] & 0x0f) | 0x50;
        u[8] = (u[8] & 0x3f) | 0x80;
    }
    let h = hex::encode(&u);
    let serial = format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    );
    bom["serialNumber"] = json!(serial);
    Bom {
        json: bom,
        artifacts,
        hashed_bytes,
        unreadable,
    }
}
