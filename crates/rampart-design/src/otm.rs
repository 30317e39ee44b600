//! Open Threat Model (OTM 0.2.0) export and import of the data-flow model, so teams
//! can edit the diagram in the tools that read OTM and bring it back.
//!
//! Mapping: a trust zone's `risk.trustRating` is 0 (untrusted), 50 (internal) or 100
//! (restricted), read back by thirds; a component's `type` is its kind and its
//! attributes are `attributes` entries `"true"`; a flow's data classes are tags
//! `data:personal`, its protocol the attribute `protocol`. Export also lists the
//! derived threats on their components and flows.

use rampart_core::system::{
    Component, ComponentKind, DataClass, DataFlow, SystemDescription, TrustLevel, TrustZone,
};
use serde_json::{json, Map, Value};

use crate::{flow_id, Assessment, Mitigation};

/// OTM version written.
pub const OTM_VERSION: &str = "0.2.0";

/// Largest OTM file imported, and most entries per list.
pub const MAX_OTM_BYTES: usize = 16 << 20;
const MAX_ENTRIES: usize = 10_000;

const ATTRS: &[&str] = &[
    "processes_untrusted_input",
    "has_rag",
    "executes_code",
    "holds_personal_data",
    "holds_secrets",
    "third_party_hosted",
    "has_memory",
    "learns_from_feedback",
    "output_rendered",
    "internet_facing",
];

const KINDS: &[ComponentKind] = &[
    ComponentKind::User,
    ComponentKind::Service,
    ComponentKind::Model,
    ComponentKind::Agent,
    ComponentKind::Datastore,
    ComponentKind::VectorStore,
    ComponentKind::ExternalApi,
];

fn attr(c: &Component, key: &str) -> bool {
    match key {
        "processes_untrusted_input" => c.processes_untrusted_input,
        "has_rag" => c.has_rag,
        "executes_code" => c.executes_code,
        "holds_personal_data" => c.holds_personal_data,
        "holds_secrets" => c.holds_secrets,
        "third_party_hosted" => c.third_party_hosted,
        "has_memory" => c.has_memory,
        "learns_from_feedback" => c.learns_from_feedback,
        "output_rendered" => c.output_rendered,
        "internet_facing" => c.internet_facing,
        _ => false,
    }
}

fn set_attr(c: &mut Component, key: &str) {
    match key {
        "processes_untrusted_input" => c.processes_untrusted_input = true,
        "has_rag" => c.has_rag = true,
        "executes_code" => c.executes_code = true,
        "holds_personal_data" => c.holds_personal_data = true,
        "holds_secrets" => c.holds_secrets = true,
        "third_party_hosted" => c.third_party_hosted = true,
        "has_memory" => c.has_memory = true,
        "learns_from_feedback" => c.learns_from_feedback = true,
        "output_rendered" => c.output_rendered = true,
        "internet_facing" => c.internet_facing = true,
        _ => {}
    }
}

/// The data-flow model and the derived threats as an OTM document.
pub fn export(system: &SystemDescription, assessment: &Assessment) -> Value {
    let threats_on = |id: &str| -> Vec<Value> {
        assessment
            .threats
            .iter()
            .filter(|t| t.component == id)
            .map(|t| {
                let state = match t.mitigation {
                    Mitigation::Mitigated => "mitigated",
                    Mitigation::Decided => "accepted",
                    _ => "expose",
                };
                json!({"threat": t.id, "state": state})
            })
            .collect()
    };
    let zones: Vec<Value> = system
        .zones
        .iter()
        .map(|z| {
            let rating = match z.trust {
                TrustLevel::Untrusted => 0,
                TrustLevel::Internal => 50,
                TrustLevel::Restricted => 100,
            };
            let mut v = json!({"id": z.id, "name": z.name.clone().unwrap_or_else(|| z.id.clone()), "risk": {"trustRating": rating}});
            if let Some(d) = &z.description {
                v["description"] = json!(d);
            }
            v
        })
        .collect();
    let components: Vec<Value> = system
        .components
        .iter()
        .map(|c| {
            let mut attributes = Map::new();
            for key in ATTRS {
                if attr(c, key) {
                    attributes.insert((*key).to_string(), json!("true"));
                }
            }
            if let Some(m) = &c.model {
                attributes.insert("model".into(), json!(m));
            }
            if !c.tools.is_empty() {
                attributes.insert("tools".into(), json!(c.tools.join(",")));
            }
            let mut v = json!({
                "id": c.id,
                "name": c.name.clone().unwrap_or_else(|| c.id.clone()),
                "type": c.kind.as_str(),
                "attributes": attributes,
                "threats": threats_on(&c.id),
            });
            if let Some(z) = &c.zone {
                v["parent"] = json!({"trustZone": z});
            }
            if let Some(d) = &c.description {
                v["description"] = json!(d);
            }
            v
        })
        .collect();
    let flows: Vec<Value> = system
        .data_flows
        .iter()
        .map(|f| {
            let id = flow_id(f);
            let tags: Vec<String> = f
                .data_classes
                .iter()
                .map(|c| format!("data:{}", c.as_str()))
                .collect();
            let mut attributes = Map::new();
            if let Some(p) = &f.protocol {
                attributes.insert("protocol".into(), json!(p));
            }
            if f.crosses_trust_boundary {
                attributes.insert("crosses_trust_boundary".into(), json!("true"));
            }
            let mut v = json!({
                "id": id,
                "name": f.description.clone().unwrap_or_else(|| id.clone()),
                "source": f.from,
                "destination": f.to,
                "bidirectional": false,
                "tags": tags,
                "attributes": attributes,
                "threats": threats_on(&id),
            });
            if f.description.is_some() {
                v["description"] = json!(f.description);
            }
            v
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let threats: Vec<Value> = assessment
        .threats
        .iter()
        .filter(|t| seen.insert(t.id))
        .map(|t| {
            let cats: Vec<String> = t.stride.iter().map(|s| format!("{s:?}")).collect();
            json!({
                "id": t.id,
                "name": t.title,
                "categories": cats,
                "risk": {"likelihood": t.likelihood as u8 * 33, "impact": t.impact as u8 * 33},
                "attributes": {"atlas": t.atlas.join(","), "owasp_llm": t.owasp_llm.join(","), "owasp_agentic": t.owasp_agentic.join(",")},
            })
        })
        .collect();
    json!({
        "otmVersion": OTM_VERSION,
        "project": {"name": system.system.name, "id": system.system.name},
        "representations": [{"name": "rampart.toml", "id": "rampart", "type": "code"}],
        "trustZones": zones,
        "components": components,
        "dataflows": flows,
        "threats": threats,
        "mitigations": [],
    })
}

/// The zones, components and flows of an OTM document.
pub type Model = (Vec<TrustZone>, Vec<Component>, Vec<DataFlow>);

/// Reads the data-flow model from an OTM document (threats are not imported: rampart
/// derives them).
///
/// # Errors
/// When the document is not OTM JSON, too large, or an entry has no id.
pub fn import(bytes: &[u8]) -> Result<Model, String> {
    if bytes.len() > MAX_OTM_BYTES {
        return Err(format!("larger than {MAX_OTM_BYTES} bytes"));
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    if !v["otmVersion"].is_string() {
        return Err("no otmVersion: not an Open Threat Model document".into());
    }
    let list = |key: &str| -> Result<Vec<Value>, String> {
        let items = v[key].as_array().cloned().unwrap_or_default();
        if items.len() > MAX_ENTRIES {
            return Err(format!("{key}: more than {MAX_ENTRIES} entries"));
        }
        Ok(items)
    };
    let id = |x: &Value, what: &str, i: usize| -> Result<String, String> {
        x["id"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| format!("{what}[{i}] has no id"))
    };
    let text = |x: &Value| x.as_str().map(str::to_string);
    let mut zones = Vec::new();
    for (i, z) in list("trustZones")?.iter().enumerate() {
        let rating = z["risk"]["trustRating"].as_f64().unwrap_or(50.0);
        let trust = if rating < 34.0 {
            TrustLevel::Untrusted
        } else if rating < 67.0 {
            TrustLevel::Internal
        } else {
            TrustLevel::Restricted
        };
        let zid = id(z, "trustZones", i)?;
        let name = text(&z["name"]).filter(|n| n != &zid);
        zones.push(TrustZone {
            id: zid,
            name,
            trust,
            description: text(&z["description"]),
        });
    }
    let mut components = Vec::new();
    for (i, c) in list("components")?.iter().enumerate() {
        let cid = id(c, "components", i)?;
        let ty = c["type"].as_str().unwrap_or("service");
        let kind = KINDS
            .iter()
            .copied()
            .find(|k| k.as_str() == ty || k.as_str().replace('_', "-") == ty)
            .unwrap_or(ComponentKind::Service);
        let mut comp = Component {
            name: text(&c["name"]).filter(|n| n != &cid),
            id: cid,
            kind,
            zone: text(&c["parent"]["trustZone"]),
            model: text(&c["attributes"]["model"]),
            tools: c["attributes"]["tools"]
                .as_str()
                .map(|t| {
                    t.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            description: text(&c["description"]),
            ..Component::default()
        };
        if let Some(attrs) = c["attributes"].as_object() {
            for (k, val) in attrs {
                if val == "true" || val == &Value::Bool(true) {
                    set_attr(&mut comp, k);
                }
            }
        }
        components.push(comp);
    }
    let mut flows = Vec::new();
    for (i, f) in list("dataflows")?.iter().enumerate() {
        let fid = id(f, "dataflows", i)?;
        let (Some(from), Some(to)) = (text(&f["source"]), text(&f["destination"])) else {
            return Err(format!(
                "dataflows[{i}] ({fid}) has no source or destination"
            ));
        };
        let mut classes: Vec<DataClass> = f["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str()?.strip_prefix("data:"))
            .filter_map(|c| match c {
                "public" => Some(DataClass::Public),
                "internal" => Some(DataClass::Internal),
                "personal" => Some(DataClass::Personal),
                "secret" => Some(DataClass::Secret),
                _ => None,
            })
            .collect();
        classes.dedup();
        let default_id = format!("{from}->{to}");
        flows.push(DataFlow {
            id: (fid != default_id).then_some(fid),
            from,
            to,
            data_classes: classes,
            crosses_trust_boundary: f["attributes"]["crosses_trust_boundary"] == "true",
            protocol: text(&f["attributes"]["protocol"]),
            description: text(&f["description"]),
        });
    }
    Ok((zones, components, flows))
}
