//! The catalogues' invariants, each threat rule's condition, the requirements'
//! quotes, and the generated docs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use rampart_core::system::SystemDescription;
use rampart_design::requirements::REQUIREMENTS;
use rampart_design::threats::THREATS;
use rampart_design::{atlas_name, derive};

const BASE: &str = "schema_version = 2\n[system]\nname = \"t\"\n[[zones]]\nid = \"out\"\ntrust = \"untrusted\"\n[[zones]]\nid = \"in\"\n";

fn comp(id: &str, kind: &str, extra: &str) -> String {
    format!("[[components]]\nid = \"{id}\"\nkind = \"{kind}\"\nzone = \"in\"\n{extra}\n")
}

fn flow(from: &str, to: &str, extra: &str) -> String {
    format!("[[data_flows]]\nfrom = \"{from}\"\nto = \"{to}\"\n{extra}\n")
}

fn fires(id: &str, fragment: &str) -> Vec<String> {
    let text = format!("{BASE}{fragment}");
    let system = SystemDescription::parse(&text).unwrap_or_else(|e| panic!("{id}: {e}\n{text}"));
    derive(&system)
        .into_iter()
        .filter(|(t, _, _)| t.id == id)
        .map(|(_, on, _)| on)
        .collect()
}

/// Each threat fires on a minimal model that has its condition, names the element,
/// and does not fire on the same model without it.
#[test]
fn every_threat_fires_with_its_condition_and_not_without() {
    let ut = "processes_untrusted_input = true";
    let tool = |effects: &str| format!("[[tools]]\nname = \"t1\"\neffects = [{effects}]\n");
    let cases: Vec<(&str, String, String)> = vec![
        (
            "THR001",
            "[[models]]\nid = \"m\"\npath = \"m.pkl\"\n".into(),
            "[[models]]\nid = \"m\"\nsource = \"external-api\"\n".into(),
        ),
        ("THR002", comp("a", "model", ut), comp("a", "model", "")),
        (
            "THR003",
            comp("a", "agent", "has_rag = true"),
            comp("a", "agent", ""),
        ),
        (
            "THR004",
            tool("\"write\"") + &comp("a", "agent", "tools = [\"t1\"]"),
            tool("\"read\"") + &comp("a", "agent", "tools = [\"t1\"]"),
        ),
        (
            "THR005",
            comp("a", "service", "executes_code = true"),
            comp("a", "service", ""),
        ),
        (
            "THR006",
            comp("u", "service", "")
                + &comp("x", "external_api", "")
                + &flow("u", "x", "data_classes = [\"personal\"]"),
            comp("u", "service", "")
                + &comp("x", "external_api", "")
                + &flow("u", "x", "data_classes = [\"public\"]"),
        ),
        (
            "THR007",
            comp("a", "model", &format!("{ut}\nholds_personal_data = true")),
            comp("a", "model", ut),
        ),
        (
            "THR008",
            comp("a", "agent", "internet_facing = true"),
            comp("a", "service", "internet_facing = true"),
        ),
        (
            "THR009",
            comp("a", "service", "output_rendered = true"),
            comp("a", "service", ""),
        ),
        (
            "THR010",
            comp("a", "model", ut),
            comp("a", "model", &format!("{ut}\nthird_party_hosted = true")),
        ),
        ("THR011", comp("a", "agent", ut), comp("a", "agent", "")),
        (
            "THR012",
            comp("a", "service", "learns_from_feedback = true"),
            comp("a", "service", ""),
        ),
        (
            "THR013",
            comp("a", "vector_store", ""),
            comp("a", "datastore", ""),
        ),
        (
            "THR014",
            comp("a", "agent", "has_memory = true"),
            comp("a", "agent", ""),
        ),
        (
            "THR015",
            comp("a", "external_api", ""),
            comp("a", "service", ""),
        ),
        (
            "THR016",
            comp("a", "service", "")
                + &comp("b", "service", "")
                + &flow(
                    "a",
                    "b",
                    "crosses_trust_boundary = true\nprotocol = \"http\"",
                ),
            comp("a", "service", "")
                + &comp("b", "service", "")
                + &flow(
                    "a",
                    "b",
                    "crosses_trust_boundary = true\nprotocol = \"https\"",
                ),
        ),
        (
            "THR017",
            comp("a", "agent", "holds_secrets = true"),
            comp("a", "service", "holds_secrets = true"),
        ),
        (
            "THR018",
            comp("u", "user", "")
                + &comp("s", "service", "")
                + &flow("u", "s", "crosses_trust_boundary = true"),
            comp("u", "user", "") + &comp("s", "service", "") + &flow("u", "s", ""),
        ),
        (
            "THR019",
            tool("\"financial\"") + &comp("a", "agent", "tools = [\"t1\"]"),
            tool("\"read\"") + &comp("a", "agent", "tools = [\"t1\"]"),
        ),
        (
            "THR020",
            comp("m", "model", "") + &comp("u", "user", "") + &flow("m", "u", ""),
            comp("m", "service", "") + &comp("u", "user", "") + &flow("m", "u", ""),
        ),
        (
            "THR021",
            "[[models]]\nid = \"m\"\npath = \"m.onnx\"\n".to_string()
                + &comp("c", "model", &format!("model = \"m\"\n{ut}")),
            "[[models]]\nid = \"m\"\npath = \"m.onnx\"\n".to_string()
                + &comp("c", "model", "model = \"m\""),
        ),
        (
            "THR022",
            comp("a", "agent", "") + &comp("b", "agent", "") + &flow("a", "b", ""),
            comp("a", "agent", "") + &comp("b", "service", "") + &flow("a", "b", ""),
        ),
        (
            "THR023",
            tool("\"read\"") + &comp("a", "agent", "tools = [\"t1\"]"),
            comp("a", "agent", ""),
        ),
    ];
    let ids: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let all: Vec<&str> = THREATS.iter().map(|t| t.id).collect();
    assert_eq!(ids, all, "every threat has exactly one case, in order");
    for (id, with, without) in &cases {
        let on = fires(id, with);
        assert!(!on.is_empty(), "{id} does not fire on\n{with}");
        assert!(on.iter().all(|e| !e.is_empty()), "{id} names no element");
        assert!(
            fires(id, without).is_empty(),
            "{id} fires without its condition on\n{without}"
        );
    }
    // the element is named: a flow by from->to, a component by id
    assert_eq!(fires("THR016", &cases[15].1), ["a->b"]);
    assert_eq!(fires("THR005", &cases[4].1), ["a"]);
}

#[test]
fn version_1_models_without_components_still_get_model_threats() {
    let system = SystemDescription::parse(
        "schema_version = 1\n[system]\nname = \"t\"\n[[models]]\nid = \"m\"\npath = \"m.pkl\"\n",
    )
    .unwrap();
    let d = derive(&system);
    assert!(
        d.iter().any(|(t, on, _)| t.id == "THR001" && on == "m"),
        "{d:?}"
    );
}

#[test]
fn threat_catalogue_invariants() {
    let mut previous = "";
    for t in THREATS {
        assert!(
            t.id.len() == 6 && t.id.starts_with("THR") && t.id > previous,
            "{} out of order",
            t.id
        );
        previous = t.id;
        assert!(
            !t.stride.is_empty() && !t.guidelines.is_empty() && !t.controls.is_empty(),
            "{}",
            t.id
        );
        assert!(!t.atlas.is_empty(), "{} names no ATLAS technique", t.id);
        for a in t.atlas {
            assert!(
                atlas_name(a).is_some(),
                "{}: {a} is not an ATLAS 5.6.0 technique",
                t.id
            );
        }
        for o in t.owasp_llm {
            let n: u32 = o.strip_prefix("LLM").unwrap().parse().unwrap();
            assert!((1..=10).contains(&n), "{}: {o}", t.id);
        }
        for o in t.owasp_agentic {
            let n: u32 = o.strip_prefix("ASI").unwrap().parse().unwrap();
            assert!((1..=10).contains(&n), "{}: {o}", t.id);
        }
        let kebab = t.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        assert!(kebab, "{}", t.name);
        assert!(
            t.controls.iter().any(|c| c.check.is_some()) || t.id == "THR013",
            "{}: no rampart control",
            t.id
        );
    }
    assert_eq!(atlas_name("AML.T0051"), Some("LLM Prompt Injection"));
}

#[test]
fn requirement_catalogue_covers_every_principle_with_stable_ids() {
    assert!(
        (60..=100).contains(&REQUIREMENTS.len()),
        "{}",
        REQUIREMENTS.len()
    );
    let mut seen = std::collections::HashSet::new();
    for g in rampart_core::Guideline::ALL {
        let rs: Vec<_> = REQUIREMENTS.iter().filter(|r| r.principle == *g).collect();
        assert!(rs.len() >= 3, "{g} has {} requirements", rs.len());
        for (i, r) in rs.iter().enumerate() {
            assert_eq!(
                r.id,
                format!("{}.{}", g.id(), i + 1),
                "ids are principle.n in order"
            );
            assert!(seen.insert(r.id));
        }
    }
}

/// Every quote is the guidelines' own words: checked against the text shipped in
/// `data/` (Open Government Licence v3.0, reproduced with its attribution).
#[test]
fn every_quote_is_in_the_guidelines() {
    let text = include_str!("../data/guidelines-for-secure-ai-system-development.txt");
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = norm(text);
    for r in REQUIREMENTS {
        assert!(
            text.contains(&norm(r.quote)),
            "{}: not in the guidelines: {}",
            r.id,
            r.quote
        );
    }
}

#[test]
fn generated_docs_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (file, text) in [
        (
            "docs/threats.md",
            rampart_design::render::threats_markdown(),
        ),
        (
            "docs/requirements.md",
            rampart_design::render::requirements_markdown(),
        ),
    ] {
        let checked = rampart_core::generated::check(
            &root.join(file),
            &text,
            "UPDATE_DOCS",
            "UPDATE_DOCS=1 cargo test -p rampart-design",
        );
        assert_eq!(checked, Ok(()));
    }
}

#[test]
fn every_check_is_used_and_named_once() {
    use rampart_design::checks::Check;
    use rampart_design::requirements::How;
    let mut ids = std::collections::HashSet::new();
    for c in Check::ALL {
        assert!(ids.insert(c.id()), "{}", c.id());
        let used = REQUIREMENTS.iter().any(|r| r.how == How::Automated(*c))
            || THREATS
                .iter()
                .any(|t| t.controls.iter().any(|x| x.check == Some(*c)));
        assert!(used, "check {} is used by no requirement or threat", c.id());
        assert!(!c.what().is_empty() && !c.next_action().is_empty());
    }
}

/// Hostile OTM and --diff inputs are errors, never panics or unbounded work.
#[test]
fn otm_import_and_diff_are_bounded() {
    use rampart_design::otm::import;
    let deep = format!(
        "{{\"otmVersion\":\"0.2.0\",\"components\":{}{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(import(deep.as_bytes()).is_err());
    let many = format!(
        "{{\"otmVersion\":\"0.2.0\",\"trustZones\":[{}]}}",
        vec!["{\"id\":\"z\"}"; 10_001].join(",")
    );
    assert!(import(many.as_bytes())
        .unwrap_err()
        .contains("more than 10000"));
    assert!(import(&vec![b' '; rampart_design::otm::MAX_OTM_BYTES + 1]).is_err());
    assert!(import(b"{\"components\":[]}")
        .unwrap_err()
        .contains("otmVersion"));
    assert!(
        import(b"{\"otmVersion\":\"0.2.0\",\"components\":[{\"type\":\"agent\"}]}")
            .unwrap_err()
            .contains("components[0] has no id")
    );
    // a component type OTM tools write that rampart does not know becomes a service
    let (_, c, _) = import(
        b"{\"otmVersion\":\"0.2.0\",\"components\":[{\"id\":\"x\",\"type\":\"aws-lambda\"}]}",
    )
    .unwrap();
    assert_eq!(c[0].kind, rampart_core::system::ComponentKind::Service);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rampart.toml"),
        "schema_version = 2\n[system]\nname = \"t\"\n",
    )
    .unwrap();
    let system = SystemDescription::parse("schema_version = 2\n[system]\nname = \"t\"\n").unwrap();
    let a = rampart_design::assess(dir.path(), &system, rampart_design::Options::default());
    assert!(rampart_design::diff(b"[[[[", &a).is_err());
    assert!(rampart_design::diff(
        b"{\"schema\":\"rampart-assessment/1\",\"requirements\":7}",
        &a
    )
    .is_ok());
    assert!(rampart_design::diff(&vec![b' '; rampart_design::MAX_DIFF_BYTES + 1], &a).is_err());
}
