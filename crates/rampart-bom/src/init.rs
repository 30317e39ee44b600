//! `rampart init`: writes a starting `rampart.toml` by discovering a project's
//! models (by content, with the scanner's format detection), datasets and prompts.
//! Everything that can be inferred is filled in; the rest is left for the owner
//! and reported by `rampart bom --check`.

use std::path::Path;

use rampart_core::system::{
    Dataset, Model, ModelSource, Prompt, PromptKind, System, SystemDescription,
    SYSTEM_SCHEMA_VERSION,
};
use rampart_scan::{scan_bytes, Format, Limits};

const DATASET_EXTENSIONS: &[&str] = &["jsonl", "csv", "tsv", "parquet", "arrow"];
const PROMPT_EXTENSIONS: &[&str] = &["md", "txt", "j2", "jinja", "prompt"];
/// Bytes read to recognise a file's format.
const SNIFF: usize = 1 << 20;

fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').to_string()
}

fn is_model_format(f: Format) -> bool {
    !matches!(
        f,
        Format::Unknown
            | Format::Zip
            | Format::Tar
            | Format::Compressed
            | Format::HfTokenizerConfig
    )
}

/// Discovers the artefacts under `dir` and returns a description to write.
pub fn discover(dir: &Path) -> SystemDescription {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "ai-system".into());
    let mut desc = SystemDescription {
        schema_version: SYSTEM_SCHEMA_VERSION,
        system: System {
            name,
            ..System::default()
        },
        ..SystemDescription::default()
    };
    let limits = Limits::default();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.') || e.depth() == 0);
    for entry in walker.flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let rel_s = rel.to_string_lossy().replace('\\', "/");
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if file_name == "rampart.toml"
            || file_name.ends_with(".sig")
            || file_name.ends_with(".manifest.json")
        {
            continue;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let in_prompts = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().contains("prompt"));
        if in_prompts && PROMPT_EXTENSIONS.contains(&ext.as_str()) {
            desc.prompts.push(Prompt {
                id: slug(
                    path.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                        .as_str(),
                ),
                kind: if file_name.contains("meta") {
                    PromptKind::Meta
                } else {
                    PromptKind::System
                },
                path: rel_s,
                ..Prompt::default()
            });
            continue;
        }
        if DATASET_EXTENSIONS.contains(&ext.as_str()) {
            desc.datasets.push(Dataset {
                id: slug(
                    path.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                        .as_str(),
                ),
                path: Some(rel_s),
                ..Dataset::default()
            });
            continue;
        }
        let head = {
            use std::io::Read;
            let mut buf = Vec::new();
            let _ =
                std::fs::File::open(path).and_then(|f| f.take(SNIFF as u64).read_to_end(&mut buf));
            buf
        };
        let format = scan_bytes(&head, &file_name, &limits).format;
        if is_model_format(format) || (matches!(format, Format::Zip) && ext == "pt") {
            desc.models.push(Model {
                id: slug(
                    path.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                        .as_str(),
                ),
                source: ModelSource::SelfHosted,
                path: Some(rel_s),
                ..Model::default()
            });
        }
    }
    propose_data_flows(&mut desc);
    desc
}

/// A starting data-flow model (`rampart assess` derives threats from it): an
/// untrusted zone with the users, an internal zone with the application and one
/// component per discovered model, and the flows between them. A proposal to
/// correct: attributes and data classes are the cautious guesses (untrusted input,
/// personal data), never a claim of a control. Nothing is proposed when there is no
/// model or an id would clash.
pub fn propose_data_flows(desc: &mut SystemDescription) {
    use rampart_core::system::{
        Component, ComponentKind, DataClass, DataFlow, TrustLevel, TrustZone,
    };
    const USERS: &str = "users";
    const APP: &str = "application";
    if desc.models.is_empty() || desc.models.iter().any(|m| m.id == USERS || m.id == APP) {
        return;
    }
    let mut ids: Vec<&str> = desc.models.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return;
    }
    desc.zones = vec![
        TrustZone {
            id: "internet".into(),
            trust: TrustLevel::Untrusted,
            description: Some("Whoever uses the system".into()),
            ..TrustZone::default()
        },
        TrustZone {
            id: "internal".into(),
            trust: TrustLevel::Internal,
            description: Some("Infrastructure the provider controls".into()),
            ..TrustZone::default()
        },
    ];
    desc.components = vec![
        Component {
            id: USERS.into(),
            kind: ComponentKind::User,
            zone: Some("internet".into()),
            ..Component::default()
        },
        Component {
            id: APP.into(),
            kind: ComponentKind::Service,
            zone: Some("internal".into()),
            processes_untrusted_input: true,
            internet_facing: true,
            holds_personal_data: true,
            ..Component::default()
        },
    ];
    desc.data_flows = vec![DataFlow {
        from: USERS.into(),
        to: APP.into(),
        data_classes: vec![DataClass::Personal],
        crosses_trust_boundary: true,
        protocol: Some("https".into()),
        ..DataFlow::default()
    }];
    for m in &desc.models {
        desc.components.push(Component {
            id: m.id.clone(),
            kind: ComponentKind::Model,
            zone: Some("internal".into()),
            model: Some(m.id.clone()),
            processes_untrusted_input: true,
            ..Component::default()
        });
        desc.data_flows.push(DataFlow {
            from: APP.into(),
            to: m.id.clone(),
            data_classes: vec![DataClass::Personal],
            ..DataFlow::default()
        });
    }
}

/// The TOML to write for a discovered description, with a header explaining it.
pub fn render(desc: &SystemDescription) -> String {
    format!(
        "# rampart.toml: the description of this AI system (schema version {SYSTEM_SCHEMA_VERSION}).\n\
         # Written by `rampart init`; fill in what it could not infer, then run\n\
         # `rampart bom --check` to list what the guidelines still ask for. The data-flow\n\
         # model ([[zones]], [[components]], [[data_flows]]) is a cautious proposal: correct\n\
         # it, then `rampart assess` derives the threats from it.\n\
         # Reference: docs/rampart-toml.md; JSON Schema: docs/schemas/rampart-toml.schema.json\n\n{}",
        desc.to_toml()
    )
}
