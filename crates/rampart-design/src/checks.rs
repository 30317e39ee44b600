//! The automated checks: rampart's own controls run in-process on the system's folder
//! (model scan, signature verification, AI-BOM check, gateway configuration check,
//! red-team results) and checks of the system description itself. Each result
//! carries its evidence: what was checked, with the SHA-256 of the file it read.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use rampart_core::system::{
    parse_date, ComponentKind, ModelSource, SystemDescription, ToolEffect, TrustLevel,
};
use rampart_core::Severity;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cond::ENCRYPTED_PROTOCOLS;

/// Where `rampart assess` looks for red-team results (`rampart redteam --out DIR`
/// writes `result.json`), relative to the system's folder, in order.
pub const REDTEAM_RESULTS: &[&str] = &["redteam/result.json", "redteam-result.json"];

/// Highest overall attack success rate a red-team run may show to count as evidence.
pub const REDTEAM_MAX_ASR: f64 = 0.10;

/// Files that state a vulnerability-disclosure policy.
pub const DISCLOSURE_FILES: &[&str] = &["SECURITY.md", ".well-known/security.txt", "security.txt"];

/// Largest file hashed as evidence (bigger files are named without a hash).
const MAX_HASHED: u64 = 8 << 30;

macro_rules! checks {
    ($($variant:ident => $id:literal, $what:literal, $next:literal;)*) => {
        /// One automated check.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(into = "&'static str")]
        pub enum Check { $(
            #[doc = $what]
            $variant,
        )* }

        impl Check {
            /// Every check.
            pub const ALL: &'static [Check] = &[$(Check::$variant),*];
            /// Stable kebab-case id.
            pub fn id(self) -> &'static str { match self { $(Check::$variant => $id),* } }
            /// What it checks.
            pub fn what(self) -> &'static str { match self { $(Check::$variant => $what),* } }
            /// What to do when it fails.
            pub fn next_action(self) -> &'static str { match self { $(Check::$variant => $next),* } }
        }
    };
}

impl From<Check> for &'static str {
    fn from(c: Check) -> &'static str {
        c.id()
    }
}

checks! {
    DataFlowModel => "data-flow-model", "rampart.toml describes components, trust zones and data flows", "Describe the system's [[zones]], [[components]] and [[data_flows]] in rampart.toml (docs/rampart-toml.md).";
    FlowsClassified => "flows-classified", "every data flow names the data classes it carries", "Give every [[data_flows]] entry its data_classes (public, internal, personal, secret).";
    ThreatsDecided => "threats-decided", "every high-risk derived threat is mitigated by evidence or has a risk decision", "For each unmitigated high-risk threat, put its control in place or add a [[risks]] entry with threat = its id.";
    RiskRegister => "risk-register", "risk decisions have an owner and a review date that has not passed", "Give every [[risks]] entry an owner and a review_by date in the future; review the overdue ones.";
    ModelScan => "model-scan", "every model file scans clean (rampart scan)", "Run `rampart scan` on the model paths; replace or convert models with high-severity findings (e.g. pickle to safetensors).";
    ModelSignature => "model-signature", "every model file verifies against its OMS signature (rampart verify)", "Sign each model with `rampart sign MODEL --key KEY` and set signature and signing_key in [[models]].";
    BomCheck => "bom-check", "the AI-BOM check finds nothing at medium or above (rampart bom --check)", "Run `rampart bom --check` and fill in what it reports.";
    AssetsInventory => "assets-inventory", "every model, dataset and prompt path named in rampart.toml exists", "Fix or remove the paths in rampart.toml that do not exist.";
    EgressRedaction => "egress-redaction", "every external model API is reached through a gateway upstream marked external (personal data and secrets redacted)", "Route external model APIs through `[[gateway.upstreams]]` with external = true.";
    GuardDefaults => "guard-defaults", "the text guard keeps its secure defaults (no detector disabled, no category allowed)", "Remove `disabled` entries and `allow` actions from [guard], or record the decision in [[risks]].";
    ToolOptIn => "tool-opt-in", "every tool that writes, moves money, runs code or sends data out is high_risk (explicit opt-in per key)", "Set high_risk = true on tools with write, financial, execute or external effects.";
    ToolSchemas => "tool-schemas", "every tool has an arguments_schema the gateway enforces", "Give every [[tools]] entry an arguments_schema.";
    OutputGuardrails => "output-guardrails", "answers' links and images are limited to allowed hosts ([guard] allowed_hosts)", "List your own hosts in [guard] allowed_hosts.";
    GatewayConfig => "gateway-config", "the gateway configuration has no problem (rampart config check)", "Add a [gateway] table and fix what `rampart config check` reports.";
    SecureDefaults => "secure-defaults", "the gateway weakens no secure default (anonymous access, plain HTTP, fail-open)", "Remove allow_anonymous, allow_plain_http and fail_open from [gateway].";
    AuthRequired => "auth-required", "the gateway requires API keys", "Do not set allow_anonymous in [gateway]; issue scoped keys with `rampart keys`.";
    ModelProvenance => "model-provenance", "every model names its provider, version and licence", "Set provider, version and license on every [[models]] entry.";
    ModelReviews => "model-reviews", "every model has a next_review date that has not passed", "Set next_review on every model and review the overdue ones.";
    DatasetProvenance => "dataset-provenance", "every dataset names its provenance and data classes", "Set provenance and data_classes on every [[datasets]] entry.";
    ModelCards => "model-cards", "every model card states intended use, limitations and failure modes", "Fill in [models.card] intended_use, limitations and failure_modes.";
    PromptsDocumented => "prompts-documented", "system and meta prompts are kept in files that exist, with a review date", "Keep prompts in files listed in [[prompts]] with next_review.";
    Failover => "failover", "some model is served by more than one gateway upstream (failover)", "List a second upstream for the critical models in [[gateway.upstreams]].";
    LedgerConfigured => "ledger-configured", "a tamper-evident audit ledger is configured ([ledger]) and its SQLite file, when present, verifies (rampart audit verify)", "Add a [ledger] table (path or url_env).";
    LedgerPrivacy => "ledger-privacy", "the ledger stores no bodies, or stores them sealed with a retention", "Keep store_bodies = false, or set body_key and retention in [ledger].";
    DebtRegister => "debt-register", "technical debt is recorded with owners and dates", "Add [[debt]] entries with owner and due or review_by.";
    DebtOnTime => "debt-on-time", "no technical-debt item is past its due or review date", "Pay off or re-plan the overdue [[debt]] items.";
    ZonesSegregate => "zones-segregate", "components holding personal data or secrets sit in zones that are not untrusted", "Put components that hold personal data or secrets in an internal or restricted zone.";
    EncryptedFlows => "encrypted-flows", "every flow that crosses a trust boundary names an encrypted protocol", "Use https (or another encrypted protocol) on flows that cross trust boundaries and say so in protocol.";
    ExtractionDetection => "extraction-detection", "model-extraction signals are watched per key ([gateway.extraction])", "Add [gateway.extraction] thresholds.";
    RateLimits => "rate-limits", "requests are rate-limited per key (gateway default_rpm not 0)", "Keep the gateway's default rate limit (default_rpm) above 0.";
    RedteamResult => "redteam-result", "a red-team run's results are present and its attack success rate is at most 10%", "Run `rampart redteam --target URL --out redteam` against the system and fix what succeeds.";
    Monitoring => "monitoring", "the gateway records every request in the ledger (inputs, verdicts, outputs)", "Run the model behind `rampart gateway` with a [ledger].";
    Versioning => "versioning", "the system and every model carry a version", "Set [system] version and a version on every model.";
    DisclosurePolicy => "disclosure-policy", "a vulnerability-disclosure policy is published (SECURITY.md or security.txt)", "Add a SECURITY.md saying how researchers report vulnerabilities.";
}

/// Whether a check passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The evidence shows the control in place.
    Pass,
    /// The evidence shows it missing or broken.
    Fail,
    /// Nothing to judge from (e.g. no red-team results).
    Unknown,
}

/// One piece of evidence: what was checked, and the SHA-256 of the file it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// What it shows.
    pub description: String,
    /// The file, relative to the system's folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Lower-case hex SHA-256 of the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// The check.
    pub check: Check,
    /// Outcome.
    pub outcome: Outcome,
    /// One line on what was found.
    pub summary: String,
    /// Ids (models, components, flows, tools) that fail it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failing: Vec<String>,
    /// Evidence.
    pub evidence: Vec<Evidence>,
}

/// What the checks read, once.
pub struct Context<'a> {
    /// The system's folder.
    pub dir: &'a Path,
    /// The description.
    pub system: &'a SystemDescription,
    /// Today as (year, month, day).
    pub today: (i32, u32, u32),
    /// The derived threats (for [`Check::ThreatsDecided`]): (threat id, element, high risk, mitigated).
    pub threats: Vec<(String, String, bool, bool)>,
}

/// Lower-case hex SHA-256 of a file (bounded: `None` past 8 GiB or on error).
pub fn sha256_file(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() > MAX_HASHED || !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut reader = std::io::BufReader::new(file);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Some(hex::encode(hasher.finalize()))
}

/// Whether `date` (`YYYY-MM-DD`) is before `today`.
pub fn overdue(date: &str, today: (i32, u32, u32)) -> bool {
    parse_date(date).is_some_and(|d| d < today)
}

fn file_evidence(dir: &Path, rel: &str, description: String) -> Evidence {
    Evidence {
        description,
        path: Some(rel.to_string()),
        sha256: sha256_file(&dir.join(rel)),
    }
}

fn result(check: Check, failing: Vec<String>, evidence: Vec<Evidence>, what: &str) -> CheckResult {
    let outcome = if failing.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail
    };
    let summary = if failing.is_empty() {
        what.to_string()
    } else {
        format!("fails for {}", failing.join(", "))
    };
    CheckResult {
        check,
        outcome,
        summary,
        failing,
        evidence,
    }
}

/// Runs every check.
pub fn run_all(cx: &Context<'_>) -> BTreeMap<Check, CheckResult> {
    Check::ALL.iter().map(|&c| (c, run(cx, c))).collect()
}

#[allow(clippy::too_many_lines)]
fn run(cx: &Context<'_>, check: Check) -> CheckResult {
    let s = cx.system;
    let toml = || {
        file_evidence(
            cx.dir,
            "rampart.toml",
            format!("{} (rampart.toml)", check.what()),
        )
    };
    let with_toml = |failing: Vec<String>, what: &str| result(check, failing, vec![toml()], what);
    let gateway = s.gateway.as_ref();
    match check {
        Check::DataFlowModel => {
            let mut failing = Vec::new();
            if s.components.is_empty() {
                failing.push("[[components]]".into());
            }
            if s.zones.is_empty() {
                failing.push("[[zones]]".into());
            }
            if s.data_flows.is_empty() {
                failing.push("[[data_flows]]".into());
            }
            with_toml(failing, "components, zones and flows described")
        }
        Check::FlowsClassified => {
            let failing = s
                .data_flows
                .iter()
                .filter(|f| f.data_classes.is_empty())
                .map(crate::flow_id)
                .collect::<Vec<_>>();
            let mut r = with_toml(failing, "every flow classified");
            if s.data_flows.is_empty() {
                r.outcome = Outcome::Fail;
                r.summary = "no data flows described".into();
            }
            r
        }
        Check::ThreatsDecided => {
            let failing = cx
                .threats
                .iter()
                .filter(|(id, _, high, mitigated)| {
                    *high
                        && !*mitigated
                        && !s
                            .risks
                            .iter()
                            .any(|r| r.threat.as_deref() == Some(id.as_str()))
                })
                .map(|(id, el, _, _)| format!("{id} on {el}"))
                .collect();
            with_toml(failing, "every high-risk threat mitigated or decided")
        }
        Check::RiskRegister => {
            let mut failing: Vec<String> = s
                .risks
                .iter()
                .filter(|r| {
                    r.owner.is_none() || r.review_by.as_deref().is_none_or(|d| overdue(d, cx.today))
                })
                .map(|r| r.id.clone())
                .collect();
            if s.risks.is_empty() {
                failing.push("no [[risks]]".into());
            }
            with_toml(failing, "risk decisions owned and reviewed on time")
        }
        Check::ModelScan => scan_models(cx),
        Check::ModelSignature => verify_models(cx),
        Check::BomCheck => {
            let bom = rampart_bom::build(cx.dir, s, rampart_bom::SpecVersion::V1_6);
            let report = rampart_bom::check(s, &bom, Some(cx.today));
            let failing = report
                .files
                .iter()
                .flat_map(|f| f.findings.iter())
                .filter(|f| f.severity >= Severity::Medium)
                .map(|f| format!("{} {}", f.rule, f.message))
                .collect();
            with_toml(failing, "AI-BOM complete")
        }
        Check::AssetsInventory => {
            let mut failing = Vec::new();
            let mut evidence = Vec::new();
            let paths = s
                .models
                .iter()
                .filter_map(|m| m.path.as_ref().map(|p| (format!("model {}", m.id), p)))
                .chain(
                    s.datasets
                        .iter()
                        .filter_map(|d| d.path.as_ref().map(|p| (format!("dataset {}", d.id), p))),
                )
                .chain(
                    s.prompts
                        .iter()
                        .map(|p| (format!("prompt {}", p.id), &p.path)),
                );
            for (what, path) in paths {
                if cx.dir.join(path).exists() {
                    evidence.push(file_evidence(cx.dir, path, format!("{what} present")));
                } else {
                    failing.push(format!("{what} ({path} missing)"));
                }
            }
            result(check, failing, evidence, "every named asset present")
        }
        Check::EgressRedaction => {
            let failing = s
                .models
                .iter()
                .filter(|m| m.source == ModelSource::ExternalApi)
                .filter(|m| {
                    !gateway.is_some_and(|g| {
                        g.upstreams
                            .iter()
                            .any(|u| u.external && u.models.iter().any(|x| x == &m.id || x == "*"))
                    })
                })
                .map(|m| m.id.clone())
                .collect();
            with_toml(failing, "external model APIs behind redacting upstreams")
        }
        Check::GuardDefaults => {
            let mut failing: Vec<String> = Vec::new();
            if let Some(g) = &s.guard {
                failing.extend(g.disabled.iter().map(|d| format!("{d} disabled")));
                failing.extend(
                    g.actions
                        .iter()
                        .filter(|(_, a)| **a == rampart_core::Decision::Allow)
                        .map(|(k, _)| format!("{k} allowed")),
                );
            }
            if gateway.is_none() {
                failing.push("no [gateway] runs the guard".into());
            }
            with_toml(failing, "guard at its secure defaults in the gateway")
        }
        Check::ToolOptIn => {
            let risky = [
                ToolEffect::Write,
                ToolEffect::Financial,
                ToolEffect::Execute,
                ToolEffect::External,
            ];
            let failing = s
                .tools
                .iter()
                .filter(|t| !t.high_risk && t.effects.iter().any(|e| risky.contains(e)))
                .map(|t| t.name.clone())
                .collect();
            with_toml(failing, "risky tools need an explicit opt-in")
        }
        Check::ToolSchemas => {
            let failing = s
                .tools
                .iter()
                .filter(|t| t.arguments_schema.is_none())
                .map(|t| t.name.clone())
                .collect();
            with_toml(failing, "every tool call is validated against its schema")
        }
        Check::OutputGuardrails => {
            let ok = s
                .guard
                .as_ref()
                .is_some_and(|g| !g.allowed_hosts.is_empty())
                && gateway.is_some();
            with_toml(
                if ok {
                    vec![]
                } else {
                    vec!["[guard] allowed_hosts".into()]
                },
                "links and images in answers limited to allowed hosts",
            )
        }
        Check::GatewayConfig => {
            let raw = std::fs::read_to_string(cx.dir.join("rampart.toml")).unwrap_or_default();
            match rampart_gateway::validate::check_with_env(cx.dir, s, &raw, &|_| {
                Some("set".into())
            }) {
                Ok(report) => {
                    let failing = report
                        .problems
                        .iter()
                        .map(|p| format!("{}: {}", p.setting, p.message))
                        .collect();
                    with_toml(failing, "gateway configuration sound")
                }
                Err(e) => with_toml(vec![e.to_string()], ""),
            }
        }
        Check::SecureDefaults => {
            let failing = match gateway {
                None => vec!["no [gateway]".into()],
                Some(g) => [
                    (g.allow_anonymous, "allow_anonymous"),
                    (g.allow_plain_http, "allow_plain_http"),
                    (g.fail_open, "fail_open"),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, k)| (*k).to_string())
                .collect(),
            };
            with_toml(failing, "no secure default weakened")
        }
        Check::AuthRequired => {
            let ok = gateway.is_some_and(|g| !g.allow_anonymous);
            with_toml(
                if ok { vec![] } else { vec!["[gateway]".into()] },
                "API keys required",
            )
        }
        Check::ModelProvenance => {
            let failing = s
                .models
                .iter()
                .filter(|m| {
                    m.provider.is_none()
                        || m.version.is_none()
                        || m.license.as_deref().is_none_or(|l| l == "unknown")
                })
                .map(|m| m.id.clone())
                .collect();
            with_toml(failing, "provenance of every model recorded")
        }
        Check::ModelReviews => {
            let failing = s
                .models
                .iter()
                .filter(|m| {
                    m.next_review
                        .as_deref()
                        .is_none_or(|d| overdue(d, cx.today))
                })
                .map(|m| m.id.clone())
                .collect();
            with_toml(failing, "model reviews on schedule")
        }
        Check::DatasetProvenance => {
            let failing = s
                .datasets
                .iter()
                .filter(|d| d.provenance.is_none() || d.data_classes.is_empty())
                .map(|d| d.id.clone())
                .collect();
            with_toml(failing, "dataset provenance recorded")
        }
        Check::ModelCards => {
            let failing = s
                .models
                .iter()
                .filter(|m| {
                    m.card.intended_use.is_none()
                        || m.card.limitations.is_empty()
                        || m.card.failure_modes.is_empty()
                })
                .map(|m| m.id.clone())
                .collect();
            with_toml(failing, "model cards complete")
        }
        Check::PromptsDocumented => {
            let mut failing = Vec::new();
            let mut evidence = Vec::new();
            for p in &s.prompts {
                if !cx.dir.join(&p.path).is_file() || p.next_review.is_none() {
                    failing.push(p.id.clone());
                } else {
                    evidence.push(file_evidence(cx.dir, &p.path, format!("prompt {}", p.id)));
                }
            }
            if s.prompts.is_empty() {
                failing.push("no [[prompts]]".into());
            }
            result(
                check,
                failing,
                evidence,
                "prompts kept in files with reviews",
            )
        }
        Check::Failover => {
            let ok = gateway.is_some_and(|g| {
                g.upstreams.iter().enumerate().any(|(i, u)| {
                    u.models.iter().any(|m| {
                        g.upstreams
                            .iter()
                            .skip(i + 1)
                            .any(|v| v.models.iter().any(|n| n == m || n == "*") || m == "*")
                    })
                })
            });
            with_toml(
                if ok {
                    vec![]
                } else {
                    vec!["no model with two upstreams".into()]
                },
                "failover upstreams",
            )
        }
        Check::LedgerConfigured => ledger(cx),
        Check::LedgerPrivacy => {
            let failing = match &s.ledger {
                None => vec!["[ledger]".into()],
                Some(l) if l.store_bodies && (l.body_key.is_none() || l.retention.is_none()) => {
                    vec!["store_bodies without body_key and retention".into()]
                }
                Some(_) => vec![],
            };
            with_toml(failing, "ledger keeps bodies out or sealed")
        }
        Check::DebtRegister => {
            let mut failing: Vec<String> = s
                .debt
                .iter()
                .filter(|d| d.owner.is_none() || (d.due.is_none() && d.review_by.is_none()))
                .map(|d| d.id.clone())
                .collect();
            if s.debt.is_empty() {
                failing.push("no [[debt]]".into());
            }
            with_toml(failing, "technical debt recorded")
        }
        Check::DebtOnTime => {
            let failing = s
                .debt
                .iter()
                .filter(|d| {
                    [&d.due, &d.review_by]
                        .iter()
                        .any(|x| x.as_deref().is_some_and(|x| overdue(x, cx.today)))
                })
                .map(|d| d.id.clone())
                .collect();
            with_toml(failing, "no debt overdue")
        }
        Check::ZonesSegregate => {
            let untrusted = |z: &Option<String>| {
                z.as_deref().is_none_or(|z| {
                    s.zones
                        .iter()
                        .any(|x| x.id == z && x.trust == TrustLevel::Untrusted)
                })
            };
            let mut failing: Vec<String> = s
                .components
                .iter()
                .filter(|c| {
                    (c.holds_personal_data || c.holds_secrets)
                        && c.kind != ComponentKind::User
                        && untrusted(&c.zone)
                })
                .map(|c| c.id.clone())
                .collect();
            if s.zones.is_empty() {
                failing.push("no [[zones]]".into());
            }
            with_toml(failing, "sensitive components segregated")
        }
        Check::EncryptedFlows => {
            let failing = s
                .data_flows
                .iter()
                .filter(|f| s.flow_crosses_zone(f))
                .filter(|f| {
                    !f.protocol.as_deref().is_some_and(|p| {
                        ENCRYPTED_PROTOCOLS
                            .iter()
                            .any(|e| p.eq_ignore_ascii_case(e))
                    })
                })
                .map(crate::flow_id)
                .collect();
            with_toml(failing, "boundary-crossing flows encrypted")
        }
        Check::ExtractionDetection => {
            let ok = gateway.is_some_and(|g| g.extraction.is_some());
            with_toml(
                if ok {
                    vec![]
                } else {
                    vec!["[gateway.extraction]".into()]
                },
                "extraction signals watched",
            )
        }
        Check::RateLimits => {
            let ok = gateway.is_some_and(|g| g.default_rpm != Some(0));
            with_toml(
                if ok { vec![] } else { vec!["[gateway]".into()] },
                "requests rate-limited per key",
            )
        }
        Check::RedteamResult => redteam(cx),
        Check::Monitoring => {
            let ok = gateway.is_some() && s.ledger.is_some();
            with_toml(
                if ok {
                    vec![]
                } else {
                    vec!["[gateway] with [ledger]".into()]
                },
                "requests recorded in the ledger",
            )
        }
        Check::Versioning => {
            let mut failing: Vec<String> = s
                .models
                .iter()
                .filter(|m| m.version.is_none())
                .map(|m| m.id.clone())
                .collect();
            if s.system.version.is_none() {
                failing.insert(0, "[system] version".into());
            }
            with_toml(failing, "system and models versioned")
        }
        Check::DisclosurePolicy => {
            match DISCLOSURE_FILES.iter().find(|f| cx.dir.join(f).is_file()) {
                Some(f) => result(
                    check,
                    vec![],
                    vec![file_evidence(
                        cx.dir,
                        f,
                        "vulnerability-disclosure policy".into(),
                    )],
                    "disclosure policy published",
                ),
                None => result(check, vec!["SECURITY.md".into()], vec![], ""),
            }
        }
    }
}

fn model_paths(s: &SystemDescription) -> Vec<(&str, &str)> {
    s.models
        .iter()
        .filter(|m| m.source != ModelSource::ExternalApi)
        .filter_map(|m| m.path.as_deref().map(|p| (m.id.as_str(), p)))
        .collect()
}

fn scan_models(cx: &Context<'_>) -> CheckResult {
    let mut failing = Vec::new();
    let mut evidence = Vec::new();
    let options = rampart_scan::ScanOptions::default();
    for (id, rel) in model_paths(cx.system) {
        let path: PathBuf = cx.dir.join(rel);
        if !path.exists() {
            failing.push(format!("{id} ({rel} missing)"));
            continue;
        }
        let report = rampart_scan::scan_paths(&[path], &options, &());
        let worst = report
            .files
            .iter()
            .flat_map(|f| f.findings.iter())
            .filter(|f| f.severity >= Severity::High)
            .map(|f| f.rule.to_string())
            .collect::<Vec<_>>();
        let unread = report.files.iter().any(|f| f.error.is_some());
        if worst.is_empty() && !unread {
            evidence.push(file_evidence(
                cx.dir,
                rel,
                format!("rampart scan: model {id} clean"),
            ));
        } else {
            let mut codes = worst;
            codes.dedup();
            failing.push(format!(
                "{id} ({})",
                if codes.is_empty() {
                    "unreadable".into()
                } else {
                    codes.join(", ")
                }
            ));
            evidence.push(file_evidence(
                cx.dir,
                rel,
                format!("rampart scan: model {id} has findings"),
            ));
        }
    }
    result(
        Check::ModelScan,
        failing,
        evidence,
        "every model file scans clean",
    )
}

fn verify_models(cx: &Context<'_>) -> CheckResult {
    let mut failing = Vec::new();
    let mut evidence = Vec::new();
    for m in cx
        .system
        .models
        .iter()
        .filter(|m| m.source != ModelSource::ExternalApi)
    {
        let Some(rel) = m.path.as_deref() else {
            continue;
        };
        let (Some(sig), Some(key)) = (m.signature.as_deref(), m.signing_key.as_deref()) else {
            failing.push(format!("{} (not signed)", m.id));
            continue;
        };
        let trust = match rampart_sign::keys::VerifyingKey::from_file(&cx.dir.join(key)) {
            Ok(k) => rampart_sign::Trust::Key(k),
            Err(e) => {
                failing.push(format!("{} (key: {e})", m.id));
                continue;
            }
        };
        match rampart_sign::verify_model(
            &cx.dir.join(rel),
            &cx.dir.join(sig),
            &trust,
            &rampart_sign::VerifyOptions::default(),
        ) {
            Ok(_) => {
                evidence.push(file_evidence(
                    cx.dir,
                    sig,
                    format!("rampart verify: model {} matches its signature", m.id),
                ));
                evidence.push(file_evidence(
                    cx.dir,
                    rel,
                    format!("model {} (verified)", m.id),
                ));
            }
            Err(e) => failing.push(format!("{} ({e})", m.id)),
        }
    }
    result(
        Check::ModelSignature,
        failing,
        evidence,
        "every model verifies against its signature",
    )
}

fn redteam(cx: &Context<'_>) -> CheckResult {
    let Some(rel) = REDTEAM_RESULTS.iter().find(|p| cx.dir.join(p).is_file()) else {
        return CheckResult {
            check: Check::RedteamResult,
            outcome: Outcome::Unknown,
            summary: format!("no red-team results ({})", REDTEAM_RESULTS.join(" or ")),
            failing: vec![],
            evidence: vec![],
        };
    };
    let path = cx.dir.join(rel);
    let value: Option<serde_json::Value> = std::fs::File::open(&path)
        .ok()
        .and_then(|f| serde_json::from_reader(std::io::BufReader::new(f.take(64 << 20))).ok());
    let ev = file_evidence(cx.dir, rel, "rampart redteam result".into());
    let Some(v) = value.filter(|v| v["schema"] == rampart_redteam::report::SCHEMA) else {
        return result(
            Check::RedteamResult,
            vec![format!("{rel} is not a rampart red-team result")],
            vec![ev],
            "",
        );
    };
    let asr = v["asr"].as_f64();
    let cases = v["cases"].as_u64().unwrap_or(0);
    let failing = match asr {
        Some(a) if cases > 0 && a <= REDTEAM_MAX_ASR => vec![],
        Some(a) => vec![format!(
            "attack success rate {:.1}% over {cases} cases",
            a * 100.0
        )],
        None => vec!["no judged case".into()],
    };
    let mut r = result(Check::RedteamResult, failing, vec![ev], "");
    if r.outcome == Outcome::Pass {
        r.summary = format!(
            "attack success rate {:.1}% over {cases} cases",
            asr.unwrap_or(0.0) * 100.0
        );
    }
    r
}

/// The ledger is configured; when its SQLite file exists, it verifies (every entry
/// rehashed, the tree head recomputed, as `rampart audit verify`).
fn ledger(cx: &Context<'_>) -> CheckResult {
    use rampart_ledger::Storage as _;
    let Some(l) = cx
        .system
        .ledger
        .as_ref()
        .filter(|l| l.path.is_some() || l.url_env.is_some())
    else {
        return result(Check::LedgerConfigured, vec!["[ledger]".into()], vec![], "");
    };
    let toml = file_evidence(
        cx.dir,
        "rampart.toml",
        "audit ledger configured ([ledger])".into(),
    );
    let Some(rel) = l.path.as_deref() else {
        return result(
            Check::LedgerConfigured,
            vec![],
            vec![toml],
            "audit ledger configured (PostgreSQL, not verified here)",
        );
    };
    let path = cx.dir.join(rel);
    if !path.is_file() {
        return result(
            Check::LedgerConfigured,
            vec![],
            vec![toml],
            "audit ledger configured (no ledger file yet to verify)",
        );
    }
    let verified = rampart_ledger::SqliteLedger::open(rampart_ledger::SqliteConfig::new(&path))
        .and_then(|ledger| ledger.verify_all(None));
    match verified {
        Ok(rampart_ledger::Verification::Intact { head, .. }) => {
            let ev = Evidence {
                description: format!(
                    "rampart audit verify: ledger intact, {} entries, root {}",
                    head.size,
                    hex::encode(head.root)
                ),
                path: Some(rel.to_string()),
                sha256: sha256_file(&path),
            };
            let mut r = result(Check::LedgerConfigured, vec![], vec![toml, ev], "");
            r.summary = format!("ledger intact ({} entries)", head.size);
            r
        }
        Ok(rampart_ledger::Verification::Tampered(t)) => result(
            Check::LedgerConfigured,
            vec![format!("{rel}: tampered: {t}")],
            vec![toml],
            "",
        ),
        Err(e) => result(
            Check::LedgerConfigured,
            vec![format!("{rel}: {e}")],
            vec![toml],
            "",
        ),
    }
}
