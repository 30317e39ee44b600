//! The threat catalogue (SD-1, SD-2): the threats the guidelines name, with their MITRE
//! ATLAS techniques, OWASP Top 10 for LLM Applications 2025 (`LLM01`–`LLM10`) and OWASP
//! Top 10 for Agentic Applications (`ASI01`–`ASI10`) IDs, each with the condition on
//! the data-flow model under which it applies, its STRIDE classes, likelihood, impact
//! and the controls that mitigate it — the rampart check whose evidence shows the
//! control in place, or a control a person attests.
//!
//! IDs are stable (`THR001` …, never reused); a test keeps them unique and in order.

use rampart_core::system::{ComponentKind as K, DataClass, ModelSource, ToolEffect};
use rampart_core::Guideline::{self, *};
use serde::Serialize;

use crate::checks::Check;
use crate::cond::{Attr, Cond};

/// STRIDE classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Stride {
    /// Spoofing.
    Spoofing,
    /// Tampering.
    Tampering,
    /// Repudiation.
    Repudiation,
    /// Information disclosure.
    InformationDisclosure,
    /// Denial of service.
    DenialOfService,
    /// Elevation of privilege.
    ElevationOfPrivilege,
}

impl Stride {
    /// Its letter.
    pub fn letter(self) -> char {
        match self {
            Spoofing => 'S',
            Tampering => 'T',
            Repudiation => 'R',
            InformationDisclosure => 'I',
            DenialOfService => 'D',
            ElevationOfPrivilege => 'E',
        }
    }
}

/// Likelihood or impact, 1–3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 1.
    Low = 1,
    /// 2.
    Medium = 2,
    /// 3.
    High = 3,
}

/// A control that mitigates a threat.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Control {
    /// What the control is.
    pub control: &'static str,
    /// The rampart check whose evidence shows it in place; `None` when only a person
    /// can attest it.
    pub check: Option<Check>,
}

/// One threat of the catalogue.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Threat {
    /// Stable id, `THR` and three digits.
    pub id: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// One line.
    pub title: &'static str,
    /// When it applies, to a component or a flow.
    #[serde(serialize_with = "display")]
    pub when: Cond,
    /// STRIDE classes.
    pub stride: &'static [Stride],
    /// How likely, where it applies.
    pub likelihood: Level,
    /// How bad.
    pub impact: Level,
    /// Guideline principles.
    pub guidelines: &'static [Guideline],
    /// MITRE ATLAS technique IDs.
    pub atlas: &'static [&'static str],
    /// OWASP Top 10 for LLM Applications 2025 IDs.
    pub owasp_llm: &'static [&'static str],
    /// OWASP Top 10 for Agentic Applications IDs.
    pub owasp_agentic: &'static [&'static str],
    /// What happens and why it matters (Markdown).
    pub description: &'static str,
    /// Controls that mitigate it.
    pub controls: &'static [Control],
}

fn display<S: serde::Serializer>(c: &Cond, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(c)
}

impl Threat {
    /// likelihood × impact, 1–9.
    pub fn risk(&self) -> u8 {
        self.likelihood as u8 * self.impact as u8
    }
}

const fn check(control: &'static str, check: Check) -> Control {
    Control {
        control,
        check: Some(check),
    }
}

const fn attested(control: &'static str) -> Control {
    Control {
        control,
        check: None,
    }
}

use Stride::*;

const LLM_LIKE: Cond = Cond::Any(&[Cond::Kind(K::Model), Cond::Kind(K::Agent)]);
const UNTRUSTED_INPUT: Cond = Cond::Any(&[
    Cond::Attr(Attr::ProcessesUntrustedInput),
    Cond::Attr(Attr::InternetFacing),
]);

/// The catalogue.
pub static THREATS: &[Threat] = &[
    Threat {
        id: "THR001",
        name: "untrusted-model-file",
        title: "Model file executes code when loaded",
        when: Cond::WeightsOnDisk,
        stride: &[Tampering, ElevationOfPrivilege],
        likelihood: Level::Medium,
        impact: Level::High,
        guidelines: &[Sd3, Dv1],
        atlas: &["AML.T0011.000", "AML.T0010.003", "AML.T0058"],
        owasp_llm: &["LLM03"],
        owasp_agentic: &["ASI04"],
        description: "Serialised weights (pickle, PyTorch, joblib, Keras Lambda layers) can carry code that runs when the model is loaded. The guidelines: imported models \"should be treated as untrusted third-party code and could enable remote code execution\".",
        controls: &[
            check("Every model file scans clean (`rampart scan`)", Check::ModelScan),
            check("Every model file verifies against its signature (`rampart verify`)", Check::ModelSignature),
            attested("Models are loaded in an isolated sandbox first"),
        ],
    },
    Threat {
        id: "THR002",
        name: "direct-prompt-injection",
        title: "Users' text overrides the model's instructions",
        when: Cond::All(&[LLM_LIKE, UNTRUSTED_INPUT]),
        stride: &[Tampering, ElevationOfPrivilege],
        likelihood: Level::High,
        impact: Level::Medium,
        guidelines: &[Sd3, Om2],
        atlas: &["AML.T0051.000", "AML.T0054", "AML.T0065"],
        owasp_llm: &["LLM01"],
        owasp_agentic: &["ASI01"],
        description: "A model that reads text an attacker writes can be told to ignore its system prompt, role-play out of its guardrails or act for the attacker (prompt injection and jailbreaks).",
        controls: &[
            check("Injection and jailbreak detection on input (gateway guard, secure defaults)", Check::GuardDefaults),
            check("A red-team run with a low attack success rate", Check::RedteamResult),
        ],
    },
    Threat {
        id: "THR003",
        name: "indirect-prompt-injection",
        title: "Instructions hidden in retrieved documents steer the model",
        when: Cond::Attr(Attr::HasRag),
        stride: &[Tampering, ElevationOfPrivilege],
        likelihood: Level::High,
        impact: Level::Medium,
        guidelines: &[Sd3, Om2],
        atlas: &["AML.T0051.001", "AML.T0066", "AML.T0070"],
        owasp_llm: &["LLM01", "LLM08"],
        owasp_agentic: &["ASI01", "ASI06"],
        description: "Retrieval puts documents, web pages or e-mails in the model's context; whoever can write them can write instructions the model follows.",
        controls: &[
            check("Injection detection on everything the gateway forwards, retrieved text included", Check::GuardDefaults),
            check("A red-team run with a low attack success rate", Check::RedteamResult),
            attested("Only vetted sources are indexed"),
        ],
    },
    Threat {
        id: "THR004",
        name: "excessive-agency",
        title: "An agent takes harmful actions through its tools",
        when: Cond::All(&[Cond::Kind(K::Agent), Cond::Any(&[
            Cond::ToolEffect(ToolEffect::Write),
            Cond::ToolEffect(ToolEffect::Financial),
            Cond::ToolEffect(ToolEffect::Execute),
            Cond::ToolEffect(ToolEffect::External),
        ])]),
        stride: &[ElevationOfPrivilege, Tampering],
        likelihood: Level::Medium,
        impact: Level::High,
        guidelines: &[Sd3, Dp5],
        atlas: &["AML.T0053", "AML.T0101"],
        owasp_llm: &["LLM06"],
        owasp_agentic: &["ASI02", "ASI03"],
        description: "Tools that write, pay, run code or send data out turn a manipulated model into a manipulated system. The guidelines: \"you apply appropriate restrictions to the possible actions\".",
        controls: &[
            check("Risky tools need an explicit opt-in per key (high_risk)", Check::ToolOptIn),
            check("Tool-call arguments are validated against a schema", Check::ToolSchemas),
            attested("A human approves irreversible actions"),
        ],
    },
    Threat {
        id: "THR005",
        name: "model-driven-code-execution",
        title: "Code the model writes or chooses runs with the system's rights",
        when: Cond::Any(&[Cond::Attr(Attr::ExecutesCode), Cond::ToolEffect(ToolEffect::Execute)]),
        stride: &[ElevationOfPrivilege],
        likelihood: Level::Medium,
        impact: Level::High,
        guidelines: &[Sd3],
        atlas: &["AML.T0050", "AML.T0053"],
        owasp_llm: &["LLM05", "LLM06"],
        owasp_agentic: &["ASI05"],
        description: "A component that executes model output (code interpreters, shell tools) gives an injected prompt remote code execution.",
        controls: &[
            check("Execute tools need an explicit opt-in per key", Check::ToolOptIn),
            attested("Code runs in a sandbox without network or secrets"),
        ],
    },
    Threat {
        id: "THR006",
        name: "sensitive-data-to-third-party",
        title: "Personal data or secrets leave the organisation",
        when: Cond::All(&[
            Cond::Any(&[Cond::Carries(DataClass::Personal), Cond::Carries(DataClass::Secret)]),
            Cond::To(&Cond::Any(&[Cond::Attr(Attr::ThirdPartyHosted), Cond::Kind(K::ExternalApi)])),
        ]),
        stride: &[InformationDisclosure],
        likelihood: Level::High,
        impact: Level::High,
        guidelines: &[Sd3, Dp2],
        atlas: &["AML.T0057", "AML.T0025"],
        owasp_llm: &["LLM02"],
        owasp_agentic: &[],
        description: "A flow carries personal data or secrets to a service outside the organisation's control. The guidelines ask for \"appropriate controls to data that can be sent to services outside of your organisation's control\".",
        controls: &[
            check("External model APIs are reached through a redacting gateway upstream", Check::EgressRedaction),
            attested("A data-processing agreement with the provider (retention, training use)"),
        ],
    },
    Threat {
        id: "THR007",
        name: "sensitive-information-disclosure",
        title: "The model reveals personal data or secrets in its answers",
        when: Cond::All(&[LLM_LIKE, UNTRUSTED_INPUT, Cond::Any(&[Cond::Attr(Attr::HoldsPersonalData), Cond::Attr(Attr::HoldsSecrets)])]),
        stride: &[InformationDisclosure],
        likelihood: Level::Medium,
        impact: Level::High,
        guidelines: &[Sd3, Dp2],
        atlas: &["AML.T0057", "AML.T0024.000"],
        owasp_llm: &["LLM02"],
        owasp_agentic: &[],
        description: "A model that sees personal data or secrets, and answers people outside, can be led to repeat them.",
        controls: &[
            check("Personal data and secrets are redacted in answers (guard defaults)", Check::GuardDefaults),
            check("A red-team run with a low attack success rate", Check::RedteamResult),
        ],
    },
    Threat {
        id: "THR008",
        name: "system-prompt-leakage",
        title: "The system prompt and its secrets are extracted",
        when: Cond::All(&[LLM_LIKE, UNTRUSTED_INPUT]),
        stride: &[InformationDisclosure],
        likelihood: Level::High,
        impact: Level::Low,
        guidelines: &[Sd3, Dv3],
        atlas: &["AML.T0056", "AML.T0069"],
        owasp_llm: &["LLM07"],
        owasp_agentic: &[],
        description: "Users ask the model to repeat its instructions; whatever the system prompt holds (rules, internal names, keys) is then public.",
        controls: &[
            check("Prompts kept in reviewed files (no secrets in them) and guarded by a canary", Check::PromptsDocumented),
            check("Leakage detection on output (guard defaults)", Check::GuardDefaults),
        ],
    },
    Threat {
        id: "THR009",
        name: "improper-output-handling",
        title: "Model output is rendered or executed downstream without checks",
        when: Cond::Attr(Attr::OutputRendered),
        stride: &[Tampering, InformationDisclosure],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Sd3],
        atlas: &["AML.T0077", "AML.T0067"],
        owasp_llm: &["LLM05"],
        owasp_agentic: &[],
        description: "Markdown images and links in answers exfiltrate data to an attacker's host when rendered; HTML and code reach other systems.",
        controls: &[check("Links and images limited to allowed hosts (EXF003)", Check::OutputGuardrails)],
    },
    Threat {
        id: "THR010",
        name: "model-extraction",
        title: "The model's behaviour is copied through its query interface",
        when: Cond::All(&[Cond::Kind(K::Model), Cond::Not(&Cond::Attr(Attr::ThirdPartyHosted)), UNTRUSTED_INPUT]),
        stride: &[InformationDisclosure],
        likelihood: Level::Low,
        impact: Level::Medium,
        guidelines: &[Dp2],
        atlas: &["AML.T0024.002", "AML.T0040"],
        owasp_llm: &["LLM10"],
        owasp_agentic: &[],
        description: "\"Attackers may be able to reconstruct the functionality of a model\" by querying it at scale.",
        controls: &[
            check("Extraction signals watched per key", Check::ExtractionDetection),
            check("Per-key rate limits", Check::RateLimits),
        ],
    },
    Threat {
        id: "THR011",
        name: "unbounded-consumption",
        title: "Floods of requests exhaust the service or its budget",
        when: Cond::All(&[LLM_LIKE, UNTRUSTED_INPUT]),
        stride: &[DenialOfService],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Dp1, Dp2],
        atlas: &["AML.T0029", "AML.T0034"],
        owasp_llm: &["LLM10"],
        owasp_agentic: &["ASI08"],
        description: "Large, many or looping requests run up cost (\"cost harvesting\") or deny service to others.",
        controls: &[
            check("Per-key rate limits", Check::RateLimits),
            check("Gateway limits on body size, time and connections", Check::GatewayConfig),
        ],
    },
    Threat {
        id: "THR012",
        name: "training-data-poisoning",
        title: "Poisoned training, fine-tuning or feedback data changes the model",
        when: Cond::Any(&[Cond::Attr(Attr::LearnsFromFeedback), Cond::ModelSource(ModelSource::FineTuned)]),
        stride: &[Tampering],
        likelihood: Level::Low,
        impact: Level::High,
        guidelines: &[Sd3, Dv1, Dv3],
        atlas: &["AML.T0020", "AML.T0018.000", "AML.T0043.004"],
        owasp_llm: &["LLM04"],
        owasp_agentic: &[],
        description: "The guidelines: \"training data defines system behaviour\"; whoever shapes it (feedback, scraped data, a poisoned public dataset) shapes the model.",
        controls: &[
            check("Dataset provenance and classes recorded", Check::DatasetProvenance),
            attested("Feedback and training data are checked and sanitised before use"),
        ],
    },
    Threat {
        id: "THR013",
        name: "rag-store-poisoning",
        title: "Entries planted in the vector store poison retrieval",
        when: Cond::Kind(K::VectorStore),
        stride: &[Tampering],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Sd3, Dv2],
        atlas: &["AML.T0070", "AML.T0071"],
        owasp_llm: &["LLM08", "LLM04"],
        owasp_agentic: &["ASI06"],
        description: "Whoever can add documents to the index decides what the model is told.",
        controls: &[attested("Write access to the index is limited to the ingestion pipeline")],
    },
    Threat {
        id: "THR014",
        name: "memory-poisoning",
        title: "Poisoned memory carries an attack across sessions",
        when: Cond::Attr(Attr::HasMemory),
        stride: &[Tampering],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Sd3],
        atlas: &["AML.T0080.000"],
        owasp_llm: &["LLM01"],
        owasp_agentic: &["ASI06"],
        description: "Memory kept across sessions lets one injected instruction act on later users or tasks.",
        controls: &[
            check("Injection detection before anything is stored", Check::GuardDefaults),
            attested("Memory is scoped per user and expires"),
        ],
    },
    Threat {
        id: "THR015",
        name: "third-party-model-supply-chain",
        title: "A third-party model or provider changes or fails",
        when: Cond::Any(&[Cond::Kind(K::ExternalApi), Cond::All(&[LLM_LIKE, Cond::Attr(Attr::ThirdPartyHosted)])]),
        stride: &[Tampering, DenialOfService],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Sd4, Dv1],
        atlas: &["AML.T0010", "AML.T0109"],
        owasp_llm: &["LLM03"],
        owasp_agentic: &["ASI04"],
        description: "A hosted model can be updated, degraded or withdrawn without notice; its provider's security is yours.",
        controls: &[
            check("Provider, version and licence recorded", Check::ModelProvenance),
            check("A failover upstream", Check::Failover),
            attested("Due diligence of the provider's security posture"),
        ],
    },
    Threat {
        id: "THR016",
        name: "unencrypted-boundary-flow",
        title: "Data crossing a trust boundary travels unencrypted",
        when: Cond::All(&[Cond::CrossesZone, Cond::Unencrypted]),
        stride: &[InformationDisclosure, Tampering],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Dp1],
        atlas: &["AML.T0025"],
        owasp_llm: &[],
        owasp_agentic: &["ASI07"],
        description: "A flow between zones without TLS can be read or changed on the way.",
        controls: &[check("Boundary-crossing flows name an encrypted protocol", Check::EncryptedFlows)],
    },
    Threat {
        id: "THR017",
        name: "credential-exposure-to-model",
        title: "Secrets reachable by a model or agent are harvested",
        when: Cond::All(&[LLM_LIKE, Cond::Attr(Attr::HoldsSecrets)]),
        stride: &[InformationDisclosure, ElevationOfPrivilege],
        likelihood: Level::Medium,
        impact: Level::High,
        guidelines: &[Sd3, Dp1],
        atlas: &["AML.T0055", "AML.T0083", "AML.T0098"],
        owasp_llm: &["LLM02"],
        owasp_agentic: &["ASI03"],
        description: "Keys in prompts, tool configurations or context can be read out by the model and sent on.",
        controls: &[check("Secrets redacted on input and output (guard defaults)", Check::GuardDefaults)],
    },
    Threat {
        id: "THR018",
        name: "unauthenticated-access",
        title: "Anyone can call the system as someone else",
        when: Cond::All(&[Cond::From(&Cond::Kind(K::User)), Cond::CrossesZone]),
        stride: &[Spoofing],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Dp1, Sd3],
        atlas: &["AML.T0012", "AML.T0040"],
        owasp_llm: &["LLM10"],
        owasp_agentic: &["ASI03"],
        description: "Without per-client credentials nobody can be limited, billed, traced or cut off.",
        controls: &[check("The gateway requires scoped API keys", Check::AuthRequired)],
    },
    Threat {
        id: "THR019",
        name: "untraceable-agent-action",
        title: "An agent's action cannot be traced to a request",
        when: Cond::All(&[Cond::Kind(K::Agent), Cond::Any(&[
            Cond::ToolEffect(ToolEffect::Write),
            Cond::ToolEffect(ToolEffect::Financial),
            Cond::ToolEffect(ToolEffect::External),
        ])]),
        stride: &[Repudiation],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Dp3, Om2],
        atlas: &["AML.T0048"],
        owasp_llm: &["LLM06"],
        owasp_agentic: &["ASI10"],
        description: "Refunds, writes and messages sent by an agent must be attributable to a request, a key and a verdict when an incident is investigated.",
        controls: &[check("A tamper-evident audit ledger records every request", Check::LedgerConfigured)],
    },
    Threat {
        id: "THR020",
        name: "misinformation-overreliance",
        title: "Users act on confident but wrong answers",
        when: Cond::All(&[Cond::From(&LLM_LIKE), Cond::To(&Cond::Kind(K::User))]),
        stride: &[Tampering],
        likelihood: Level::High,
        impact: Level::Low,
        guidelines: &[Dp4, Dp5],
        atlas: &["AML.T0060", "AML.T0062"],
        owasp_llm: &["LLM09"],
        owasp_agentic: &["ASI09"],
        description: "Hallucinated facts (order details, package names, policies) are trusted because they read well.",
        controls: &[
            check("Limitations and failure modes documented in the model card", Check::ModelCards),
            attested("Users are told the limits and a human reviews consequential answers"),
        ],
    },
    Threat {
        id: "THR021",
        name: "adversarial-evasion",
        title: "Crafted inputs make a classifier decide wrongly",
        when: Cond::All(&[Cond::Kind(K::Model), Cond::Attr(Attr::ProcessesUntrustedInput), Cond::WeightsOnDisk]),
        stride: &[Tampering],
        likelihood: Level::Low,
        impact: Level::Medium,
        guidelines: &[Sd4, Om2],
        atlas: &["AML.T0015", "AML.T0043"],
        owasp_llm: &[],
        owasp_agentic: &[],
        description: "Adversarial examples evade classifiers and routers that read attacker-shaped input.",
        controls: &[
            check("A red-team run with a low attack success rate", Check::RedteamResult),
            attested("Low-confidence decisions go to a human"),
        ],
    },
    Threat {
        id: "THR022",
        name: "inter-agent-message-poisoning",
        title: "One agent's output manipulates another",
        when: Cond::All(&[Cond::From(&Cond::Kind(K::Agent)), Cond::To(&Cond::Kind(K::Agent))]),
        stride: &[Tampering, Spoofing],
        likelihood: Level::Medium,
        impact: Level::Medium,
        guidelines: &[Sd3],
        atlas: &["AML.T0061", "AML.T0080"],
        owasp_llm: &["LLM01"],
        owasp_agentic: &["ASI07", "ASI08"],
        description: "Agents that pass messages to each other spread an injection along the chain.",
        controls: &[
            check("Injection detection on every hop through the gateway", Check::GuardDefaults),
            attested("Messages between agents are authenticated"),
        ],
    },
    Threat {
        id: "THR023",
        name: "tool-definition-poisoning",
        title: "A tool's definition or output is poisoned",
        when: Cond::All(&[Cond::Kind(K::Agent), Cond::HasTools]),
        stride: &[Tampering],
        likelihood: Level::Low,
        impact: Level::Medium,
        guidelines: &[Dv1, Sd3],
        atlas: &["AML.T0110", "AML.T0011.002", "AML.T0099"],
        owasp_llm: &["LLM03"],
        owasp_agentic: &["ASI02", "ASI04"],
        description: "Tool descriptions and results enter the model's context; a changed tool (or its answer) carries instructions.",
        controls: &[check("Tool calls validated against declared schemas", Check::ToolSchemas)],
    },
];

/// The threat with this id (case-insensitive) or name.
pub fn find(id: &str) -> Option<&'static Threat> {
    THREATS
        .iter()
        .find(|t| t.id.eq_ignore_ascii_case(id) || t.name == id)
}
