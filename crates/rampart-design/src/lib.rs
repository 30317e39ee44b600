//! Threat catalogue, threat-model derivation and conformance assessment (SD-1, SD-2,
//! and every principle's requirements): `rampart assess`.
//!
//! [`assess`] reads nothing but the system's folder: it derives the threats from the
//! data-flow model in `rampart.toml` ([`threats::THREATS`], conditions in [`cond`]),
//! runs rampart's own checks in-process ([`checks`]), joins the risk register and the
//! attestations, and returns an [`Assessment`] that [`render`] writes as text, JSON,
//! SARIF or Markdown.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod attest;
pub mod checks;
pub mod cond;
pub mod otm;
pub mod render;
pub mod requirements;
pub mod threats;

use std::collections::BTreeMap;
use std::path::Path;

use rampart_core::system::{DataFlow, SystemDescription};
use rampart_core::Guideline;
use serde::Serialize;

use crate::checks::{Check, CheckResult, Context, Evidence, Outcome};
use crate::cond::{effective_components, Element};
use crate::requirements::{Applies, How, REQUIREMENTS};
use crate::threats::{Stride, THREATS};

/// Version of the assessment JSON (`docs/schemas/assessment-v1.schema.json`).
pub const SCHEMA: &str = "rampart-assessment/1";

/// The MITRE ATLAS technique IDs and names shipped with the crate (Apache-2.0, see
/// `data/ATLAS-NOTICE`).
pub const ATLAS_TECHNIQUES: &str = include_str!("../data/atlas-techniques.tsv");

/// The name of an ATLAS technique.
pub fn atlas_name(id: &str) -> Option<&'static str> {
    ATLAS_TECHNIQUES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.split_once('\t').filter(|(i, _)| *i == id).map(|(_, n)| n))
}

/// The id of a flow: its `id`, or `from->to`.
pub fn flow_id(f: &DataFlow) -> String {
    f.id.clone()
        .unwrap_or_else(|| format!("{}->{}", f.from, f.to))
}

/// Status of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The evidence shows it not met.
    NotMet,
    /// Its attestation has expired.
    Expired,
    /// Nothing to judge from.
    Unknown,
    /// Attested by a person, in date, evidence unchanged.
    Attested,
    /// The evidence shows it met.
    Met,
    /// Does not apply to this system.
    NotApplicable,
}

impl Status {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::Attested => "attested",
            Status::Expired => "expired",
            Status::NotApplicable => "not_applicable",
            Status::Unknown => "unknown",
        }
    }
}

/// A requirement's result.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementResult {
    /// Requirement id.
    pub id: &'static str,
    /// Principle id.
    pub principle: Guideline,
    /// Life-cycle stage.
    pub stage: &'static str,
    /// Title.
    pub title: &'static str,
    /// The guideline's words.
    pub quote: &'static str,
    /// `automated` or `attested`.
    pub kind: &'static str,
    /// The check (automated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// Status.
    pub status: Status,
    /// Why (the check's summary, the attestation, the reason it does not apply).
    pub reason: String,
    /// What to do next (unless met, attested or not applicable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_action: Option<String>,
    /// Evidence items, each with the SHA-256 of what it checked.
    pub evidence: Vec<Evidence>,
}

/// Whether a derived threat is mitigated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mitigation {
    /// No control shown in place and no risk decision.
    Unmitigated,
    /// Some of its rampart controls shown in place.
    Partial,
    /// A risk decision (accept, transfer, avoid) covers it.
    Decided,
    /// Every rampart control shown in place (or a `mitigate` decision).
    Mitigated,
}

/// A threat derived on one element of the model.
#[derive(Debug, Clone, Serialize)]
pub struct DerivedThreat {
    /// Threat id.
    pub id: &'static str,
    /// Threat name.
    pub name: &'static str,
    /// Title.
    pub title: &'static str,
    /// The component or flow id it applies to.
    pub component: String,
    /// `component` or `flow`.
    pub element: &'static str,
    /// STRIDE classes.
    pub stride: &'static [Stride],
    /// ATLAS technique ids.
    pub atlas: &'static [&'static str],
    /// OWASP LLM Top 10 2025 ids.
    pub owasp_llm: &'static [&'static str],
    /// OWASP Agentic Top 10 ids.
    pub owasp_agentic: &'static [&'static str],
    /// Likelihood.
    pub likelihood: threats::Level,
    /// Impact.
    pub impact: threats::Level,
    /// likelihood × impact (1–9).
    pub risk: u8,
    /// Principles.
    pub guidelines: &'static [Guideline],
    /// Mitigation status.
    pub mitigation: Mitigation,
    /// Controls shown in place by evidence.
    pub controls_in_place: Vec<&'static str>,
    /// Controls missing (rampart checks failing, or only attestable).
    pub controls_missing: Vec<&'static str>,
    /// The evidence that shows the controls in place, with SHA-256.
    pub evidence: Vec<Evidence>,
    /// Risk decision covering it: (risk id, decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_decision: Option<(String, String)>,
}

/// A dated problem: an overdue review, an expired attestation, changed evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `risk-review-overdue`, `debt-overdue`, `attestation-expired`,
    /// `attestation-evidence-changed`, `attestation-unknown-requirement`.
    pub kind: &'static str,
    /// The entry (risk id, debt id, requirement id).
    pub subject: String,
    /// What is wrong.
    pub message: String,
    /// Principle.
    pub principle: Guideline,
}

/// Per-principle totals.
#[derive(Debug, Clone, Serialize)]
pub struct PrincipleSummary {
    /// Principle id.
    pub principle: Guideline,
    /// Title.
    pub title: &'static str,
    /// Stage.
    pub stage: &'static str,
    /// Requirements by status.
    pub counts: BTreeMap<&'static str, usize>,
    /// Met or attested, in percent of those that apply.
    pub score: f64,
}

/// The whole assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// The system's name.
    pub system: String,
    /// The system's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The date it was assessed on (`YYYY-MM-DD`).
    pub date: String,
    /// SHA-256 of the rampart.toml assessed.
    pub description_sha256: Option<String>,
    /// Met or attested, in percent of the requirements that apply.
    pub score: f64,
    /// Per principle.
    pub principles: Vec<PrincipleSummary>,
    /// Every requirement.
    pub requirements: Vec<RequirementResult>,
    /// Every derived threat, worst first.
    pub threats: Vec<DerivedThreat>,
    /// Dated problems.
    pub findings: Vec<Finding>,
    /// Every check run, with its evidence.
    pub checks: Vec<CheckResult>,
    /// What changed since an earlier assessment (`--diff OLD.json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Diff>,
}

/// One change between two assessments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Requirement id, or `THR001 on component`.
    pub id: String,
    /// Before (`absent` when new).
    pub before: String,
    /// After (`absent` when gone).
    pub after: String,
}

/// What improved and what regressed since an earlier assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The earlier assessment's date.
    pub since: String,
    /// Its score.
    pub score_before: f64,
    /// This score.
    pub score_after: f64,
    /// Requirements now met, attested or not applicable; threats better mitigated or gone.
    pub improved: Vec<Change>,
    /// Requirements no longer met; threats new or less mitigated.
    pub regressed: Vec<Change>,
}

/// Largest earlier assessment read by [`diff`].
pub const MAX_DIFF_BYTES: usize = 64 << 20;

/// Compares with an earlier assessment's JSON.
///
/// # Errors
/// When `old` is not a `rampart-assessment/1` document.
pub fn diff(old: &[u8], new: &Assessment) -> Result<Diff, String> {
    if old.len() > MAX_DIFF_BYTES {
        return Err(format!("larger than {MAX_DIFF_BYTES} bytes"));
    }
    let v: serde_json::Value = serde_json::from_slice(old).map_err(|e| format!("not JSON: {e}"))?;
    if v["schema"] != SCHEMA {
        return Err(format!(
            "not a {SCHEMA} assessment (rampart assess --format json)"
        ));
    }
    let good = |s: &str| matches!(s, "met" | "attested" | "not_applicable");
    let mut improved = Vec::new();
    let mut regressed = Vec::new();
    let mut before_req = BTreeMap::new();
    for r in v["requirements"].as_array().into_iter().flatten() {
        if let (Some(id), Some(st)) = (r["id"].as_str(), r["status"].as_str()) {
            before_req.insert(id.to_string(), st.to_string());
        }
    }
    for r in &new.requirements {
        let after = r.status.as_str();
        let before = before_req.get(r.id).map_or("absent", String::as_str);
        if before == after {
            continue;
        }
        let change = Change {
            id: r.id.to_string(),
            before: before.to_string(),
            after: after.to_string(),
        };
        if good(after) && !good(before) {
            improved.push(change);
        } else if (!good(after) && (good(before) || before == "absent"))
            || before == "unknown"
            || after == "expired"
        {
            regressed.push(change);
        } else {
            improved.push(change);
        }
    }
    let rank = |m: &str| match m {
        "unmitigated" => 0,
        "partial" => 1,
        "decided" => 2,
        _ => 3,
    };
    let key = |id: &str, on: &str| format!("{id} on {on}");
    let mut before_thr = BTreeMap::new();
    for t in v["threats"].as_array().into_iter().flatten() {
        if let (Some(id), Some(on), Some(m)) = (
            t["id"].as_str(),
            t["component"].as_str(),
            t["mitigation"].as_str(),
        ) {
            before_thr.insert(key(id, on), m.to_string());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for t in &new.threats {
        let k = key(t.id, &t.component);
        let after = format!("{:?}", t.mitigation).to_lowercase();
        seen.insert(k.clone());
        match before_thr.get(&k) {
            None => regressed.push(Change {
                id: k,
                before: "absent".into(),
                after,
            }),
            Some(b) if rank(b) < rank(&after) => improved.push(Change {
                id: k,
                before: b.clone(),
                after,
            }),
            Some(b) if rank(b) > rank(&after) => regressed.push(Change {
                id: k,
                before: b.clone(),
                after,
            }),
            Some(_) => {}
        }
    }
    for (k, b) in before_thr {
        if !seen.contains(&k) {
            improved.push(Change {
                id: k,
                before: b,
                after: "absent".into(),
            });
        }
    }
    Ok(Diff {
        since: v["date"].as_str().unwrap_or("?").to_string(),
        score_before: v["score"].as_f64().unwrap_or(0.0),
        score_after: new.score,
        improved,
        regressed,
    })
}

/// Options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Today, for reviews and expiry (default: the system clock, UTC).
    pub today: Option<(i32, u32, u32)>,
}

/// Derives the threats of a system: every catalogue threat whose condition holds, on
/// every component or flow it holds for.
pub fn derive(system: &SystemDescription) -> Vec<(&'static threats::Threat, String, &'static str)> {
    let components = effective_components(system);
    let mut out = Vec::new();
    for t in THREATS {
        if t.when.on_flows() {
            for f in &system.data_flows {
                if t.when.eval(system, &components, Element::Flow(f)) {
                    out.push((t, flow_id(f), "flow"));
                }
            }
        } else {
            for c in &components {
                if t.when.eval(system, &components, Element::Component(c)) {
                    out.push((t, c.id.clone(), "component"));
                }
            }
        }
    }
    out
}

fn applies(system: &SystemDescription, a: Applies) -> Option<&'static str> {
    use rampart_core::system::ModelSource;
    let ok = match a {
        Applies::Always => true,
        Applies::ExternalApi => {
            system
                .models
                .iter()
                .any(|m| m.source == ModelSource::ExternalApi)
                || system.components.iter().any(|c| {
                    c.third_party_hosted
                        || c.kind == rampart_core::system::ComponentKind::ExternalApi
                })
        }
        Applies::Weights => system
            .models
            .iter()
            .any(|m| m.path.is_some() && m.source != ModelSource::ExternalApi),
        Applies::Tools => !system.tools.is_empty(),
        Applies::Datasets => !system.datasets.is_empty(),
        Applies::Learning => {
            system.components.iter().any(|c| c.learns_from_feedback)
                || system
                    .models
                    .iter()
                    .any(|m| m.source == ModelSource::FineTuned)
        }
    };
    if ok {
        None
    } else {
        Some(match a {
            Applies::ExternalApi => "no external model API or third-party-hosted component",
            Applies::Weights => "no model weights of its own (no model path)",
            Applies::Tools => "no tools",
            Applies::Datasets => "no datasets",
            Applies::Learning => "no fine-tuning or learning from feedback",
            Applies::Always => "",
        })
    }
}

fn date_string((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// Assesses the system described by `dir/rampart.toml`.
pub fn assess(dir: &Path, system: &SystemDescription, options: Options) -> Assessment {
    let today = options
        .today
        .unwrap_or_else(rampart_core::system::today_utc);
    let derived = derive(system);
    // the checks that threat mitigation needs do not depend on ThreatsDecided
    let mut cx = Context {
        dir,
        system,
        today,
        threats: Vec::new(),
    };
    let mut results = checks::run_all(&cx);
    let mut threats: Vec<DerivedThreat> = derived
        .iter()
        .map(|(t, element_id, element)| {
            let model = system
                .components
                .iter()
                .find(|c| &c.id == element_id)
                .and_then(|c| c.model.clone())
                .unwrap_or_else(|| element_id.clone());
            let mut in_place = Vec::new();
            let mut missing = Vec::new();
            let mut evidence: Vec<Evidence> = Vec::new();
            for c in t.controls {
                let ok = c.check.and_then(|k| results.get(&k)).is_some_and(|r| {
                    r.outcome == Outcome::Pass
                        || (r.outcome == Outcome::Fail
                            && matches!(r.check, Check::ModelScan | Check::ModelSignature)
                            && !r
                                .failing
                                .iter()
                                .any(|f| f.split(' ').next() == Some(model.as_str())))
                });
                if ok {
                    in_place.push(c.control);
                    if let Some(r) = c.check.and_then(|k| results.get(&k)) {
                        let scoped = matches!(r.check, Check::ModelScan | Check::ModelSignature);
                        let needle = format!("model {model} ");
                        let end = format!("model {model}");
                        for e in &r.evidence {
                            let mine = !scoped
                                || e.description.contains(&needle)
                                || e.description.ends_with(&end);
                            if mine && !evidence.contains(e) {
                                evidence.push(e.clone());
                            }
                        }
                    }
                } else {
                    missing.push(c.control);
                }
            }
            let automated = t.controls.iter().filter(|c| c.check.is_some()).count();
            let decision = system
                .risks
                .iter()
                .find(|r| r.threat.as_deref() == Some(t.id))
                .map(|r| (r.id.clone(), r.decision.clone()));
            let mitigation = if automated > 0 && in_place.len() == automated {
                Mitigation::Mitigated
            } else if let Some((_, d)) = &decision {
                if d == "mitigate" && !in_place.is_empty() {
                    Mitigation::Mitigated
                } else {
                    Mitigation::Decided
                }
            } else if !in_place.is_empty() {
                Mitigation::Partial
            } else {
                Mitigation::Unmitigated
            };
            DerivedThreat {
                id: t.id,
                name: t.name,
                title: t.title,
                component: element_id.clone(),
                element,
                stride: t.stride,
                atlas: t.atlas,
                owasp_llm: t.owasp_llm,
                owasp_agentic: t.owasp_agentic,
                likelihood: t.likelihood,
                impact: t.impact,
                risk: t.risk(),
                guidelines: t.guidelines,
                mitigation,
                controls_in_place: in_place,
                controls_missing: missing,
                evidence,
                risk_decision: decision,
            }
        })
        .collect();
    threats.sort_by(|a, b| {
        a.mitigation
            .cmp(&b.mitigation)
            .then(b.risk.cmp(&a.risk))
            .then(a.id.cmp(b.id))
            .then(a.component.cmp(&b.component))
    });
    cx.threats = threats
        .iter()
        .map(|t| {
            (
                t.id.to_string(),
                t.component.clone(),
                t.risk >= 6,
                matches!(t.mitigation, Mitigation::Mitigated | Mitigation::Decided),
            )
        })
        .collect();
    let decided = checks::run_all(&cx);
    if let Some(r) = decided.get(&Check::ThreatsDecided) {
        results.insert(Check::ThreatsDecided, r.clone());
    }

    let mut findings = Vec::new();
    for r in &system.risks {
        if let Some(d) = r.review_by.as_deref().filter(|d| checks::overdue(d, today)) {
            findings.push(Finding {
                kind: "risk-review-overdue",
                subject: r.id.clone(),
                message: format!("risk {} ({}) was due for review on {d}", r.id, r.title),
                principle: Guideline::Sd2,
            });
        }
    }
    for d in &system.debt {
        for (what, date) in [("due", &d.due), ("review", &d.review_by)] {
            if let Some(x) = date.as_deref().filter(|x| checks::overdue(x, today)) {
                findings.push(Finding {
                    kind: "debt-overdue",
                    subject: d.id.clone(),
                    message: format!("debt {} ({}) {what} date {x} has passed", d.id, d.title),
                    principle: Guideline::Dv4,
                });
            }
        }
    }

    // attestations: the newest per requirement
    let mut attested: BTreeMap<String, (Status, String, Vec<Evidence>)> = BTreeMap::new();
    for a in &system.attestations {
        let Some(req) = requirements::find(&a.requirement) else {
            findings.push(Finding {
                kind: "attestation-unknown-requirement",
                subject: a.requirement.clone(),
                message: format!(
                    "attestation by {} names no requirement `{}`",
                    a.by, a.requirement
                ),
                principle: Guideline::Sd1,
            });
            continue;
        };
        let mut evidence = Vec::new();
        let mut changed = Vec::new();
        for e in &a.evidence {
            let now = checks::sha256_file(&dir.join(&e.path));
            if now.as_deref() != Some(e.sha256.to_ascii_lowercase().as_str()) {
                changed.push(e.path.clone());
            }
            evidence.push(Evidence {
                description: format!("attested by {} on {}", a.by, a.date),
                path: Some(e.path.clone()),
                sha256: now,
            });
        }
        let expired = a
            .expires
            .as_deref()
            .is_some_and(|x| checks::overdue(x, today));
        let status = if !changed.is_empty() {
            findings.push(Finding {
                kind: "attestation-evidence-changed",
                subject: req.id.to_string(),
                message: format!(
                    "evidence of the attestation of {} by {} is missing or changed since attested: {}",
                    req.id,
                    a.by,
                    changed.join(", ")
                ),
                principle: req.principle,
            });
            Status::NotMet
        } else if expired {
            findings.push(Finding {
                kind: "attestation-expired",
                subject: req.id.to_string(),
                message: format!(
                    "the attestation of {} by {} expired on {}",
                    req.id,
                    a.by,
                    a.expires.as_deref().unwrap_or_default()
                ),
                principle: req.principle,
            });
            Status::Expired
        } else {
            Status::Attested
        };
        let reason = format!(
            "{} ({}, {}): {}",
            a.by,
            a.date,
            a.expires
                .as_deref()
                .map_or("no expiry".into(), |x| format!("expires {x}")),
            a.statement
        );
        let newer = attested
            .get(req.id)
            .is_none_or(|(s, _, _)| *s != Status::Attested);
        if newer {
            attested.insert(req.id.to_string(), (status, reason, evidence));
        }
    }

    let requirements: Vec<RequirementResult> = REQUIREMENTS
        .iter()
        .map(|r| {
            let (kind, check) = match r.how {
                How::Automated(c) => ("automated", Some(c)),
                How::Attested => ("attested", None),
            };
            let base = |status, reason: String, next: Option<String>, evidence| RequirementResult {
                id: r.id,
                principle: r.principle,
                stage: r.principle.section(),
                title: r.title,
                quote: r.quote,
                kind,
                check,
                status,
                reason,
                next_action: next,
                evidence,
            };
            if let Some(why) = applies(system, r.applies) {
                return base(Status::NotApplicable, why.to_string(), None, vec![]);
            }
            if let Some(c) = check {
                let Some(res) = results.get(&c) else {
                    return base(Status::Unknown, "check not run".into(), None, vec![]);
                };
                let status = match res.outcome {
                    Outcome::Pass => Status::Met,
                    Outcome::Fail => Status::NotMet,
                    Outcome::Unknown => Status::Unknown,
                };
                // an in-date attestation stands in for an automated check that
                // has nothing to judge from
                if status == Status::Unknown {
                    if let Some((Status::Attested, reason, ev)) = attested.get(r.id) {
                        return base(Status::Attested, reason.clone(), None, ev.clone());
                    }
                }
                let next = (status != Status::Met).then(|| c.next_action().to_string());
                return base(status, res.summary.clone(), next, res.evidence.clone());
            }
            match attested.get(r.id) {
                Some((status, reason, ev)) => {
                    let next = (*status != Status::Attested).then(|| {
                        format!("Renew the attestation of {} with current evidence.", r.id)
                    });
                    base(*status, reason.clone(), next, ev.clone())
                }
                None => base(
                    Status::NotMet,
                    "no attestation".into(),
                    Some(format!("Attest it: add [[attestations]] requirement = \"{}\" with who, when, the statement and evidence files.", r.id)),
                    vec![],
                ),
            }
        })
        .collect();

    let score_of = |rs: &[&RequirementResult]| {
        let applicable = rs
            .iter()
            .filter(|r| r.status != Status::NotApplicable)
            .count();
        let good = rs
            .iter()
            .filter(|r| matches!(r.status, Status::Met | Status::Attested))
            .count();
        if applicable == 0 {
            100.0
        } else {
            ((good as f64 / applicable as f64) * 1000.0).round() / 10.0
        }
    };
    let principles = Guideline::ALL
        .iter()
        .map(|&g| {
            let rs: Vec<&RequirementResult> =
                requirements.iter().filter(|r| r.principle == g).collect();
            let mut counts = BTreeMap::new();
            for r in &rs {
                *counts.entry(r.status.as_str()).or_insert(0) += 1;
            }
            PrincipleSummary {
                principle: g,
                title: g.title(),
                stage: g.section(),
                counts,
                score: score_of(&rs),
            }
        })
        .collect();
    let all: Vec<&RequirementResult> = requirements.iter().collect();
    let score = score_of(&all);
    Assessment {
        schema: SCHEMA,
        system: system.system.name.clone(),
        version: system.system.version.clone(),
        date: date_string(today),
        description_sha256: checks::sha256_file(&dir.join("rampart.toml")),
        score,
        principles,
        requirements,
        threats,
        findings,
        checks: results.into_values().collect(),
        diff: None,
    }
}
