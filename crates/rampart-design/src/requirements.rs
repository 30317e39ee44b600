//! The requirements catalogue: every principle of the guidelines (SD-1 … OM-4) broken
//! into checkable requirements with stable IDs (`SD-3.4`: principle SD-3, fourth
//! requirement; never reused), each with the guideline's own words it comes from (a
//! test checks every quote against the text in `reference/`). A requirement is
//! *automated* — a rampart check produces its evidence — or *attested* by a person in
//! `[[attestations]]`.

use rampart_core::Guideline::{self, *};
use serde::Serialize;

use crate::checks::Check;

/// How a requirement is shown to be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "check")]
pub enum How {
    /// By a rampart check.
    Automated(Check),
    /// By a person's statement with evidence.
    Attested,
}

/// When a requirement applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    /// Always.
    Always,
    /// The system uses an external model API.
    ExternalApi,
    /// The system has model weights of its own (a `path`).
    Weights,
    /// Models can call tools.
    Tools,
    /// The system has datasets.
    Datasets,
    /// Some component learns from feedback, or a model is fine-tuned.
    Learning,
}

/// One requirement.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Requirement {
    /// Stable id, e.g. `SD-3.4`.
    pub id: &'static str,
    /// Principle.
    pub principle: Guideline,
    /// What must be true.
    pub title: &'static str,
    /// The guideline's words it comes from.
    pub quote: &'static str,
    /// Automated or attested.
    pub how: How,
    /// When it applies.
    pub applies: Applies,
}

const fn auto(
    id: &'static str,
    principle: Guideline,
    title: &'static str,
    quote: &'static str,
    check: Check,
) -> Requirement {
    Requirement {
        id,
        principle,
        title,
        quote,
        how: How::Automated(check),
        applies: Applies::Always,
    }
}

const fn att(
    id: &'static str,
    principle: Guideline,
    title: &'static str,
    quote: &'static str,
) -> Requirement {
    Requirement {
        id,
        principle,
        title,
        quote,
        how: How::Attested,
        applies: Applies::Always,
    }
}

const fn when(r: Requirement, applies: Applies) -> Requirement {
    Requirement { applies, ..r }
}

/// The catalogue, in the guidelines' order.
pub static REQUIREMENTS: &[Requirement] = &[
    att("SD-1.1", Sd1, "System owners and senior leaders are briefed on AI threats and their mitigations", "System owners and senior leaders understand threats to secure AI and their mitigations"),
    auto("SD-1.2", Sd1, "The team has the system's threat model and the threat catalogue at hand", "maintain an awareness of relevant security threats and failure modes", Check::DataFlowModel),
    att("SD-1.3", Sd1, "Users get guidance on the security risks of AI systems", "You provide users with guidance on the unique security risks facing AI systems"),
    att("SD-1.4", Sd1, "Developers are trained in secure coding and secure, responsible AI practice", "train developers in secure coding techniques and secure and responsible AI practices"),
    auto("SD-2.1", Sd2, "The system is described as a data-flow model (zones, components, flows)", "you apply a holistic process to assess the threats to your system", Check::DataFlowModel),
    auto("SD-2.2", Sd2, "Every high-risk threat is mitigated by evidence or has a recorded decision", "documenting your decision making", Check::ThreatsDecided),
    auto("SD-2.3", Sd2, "Risk decisions have owners and are reviewed on time", "As part of your risk management process", Check::RiskRegister),
    att("SD-2.4", Sd2, "Impacts on users, the organisation and society are assessed", "understanding the potential impacts to the system, users, organisations, and wider society"),
    auto("SD-2.5", Sd2, "Every data flow names the classes of data it carries", "the sensitivity and types of data used in your system may influence its value as a target to an attacker", Check::FlowsClassified),
    att("SD-3.1", Sd3, "Using AI is the right way to do the task", "You are confident that the task at hand is most appropriately addressed using AI"),
    when(att("SD-3.2", Sd3, "External model providers' security posture is evaluated", "your choice to work with an external model provider includes a due diligence evaluation of that provider’s own security posture"), Applies::ExternalApi),
    when(auto("SD-3.3", Sd3, "Third-party models and weights are scanned before use", "you implement scanning and isolation/sandboxing when importing third-party models or serialised weights", Check::ModelScan), Applies::Weights),
    when(auto("SD-3.4", Sd3, "Data sent to external APIs passes an egress control", "you apply appropriate controls to data that can be sent to services outside of your organisation’s control", Check::EgressRedaction), Applies::ExternalApi),
    auto("SD-3.5", Sd3, "Inputs are checked and sanitised", "you apply appropriate checks and sanitisation of data and inputs", Check::GuardDefaults),
    when(auto("SD-3.6", Sd3, "Actions the model can trigger are restricted", "you apply appropriate restrictions to the possible actions", Check::ToolOptIn), Applies::Tools),
    when(auto("SD-3.7", Sd3, "Tool calls are validated before they run", "if AI components need to trigger actions", Check::ToolSchemas), Applies::Tools),
    auto("SD-3.8", Sd3, "Guardrails act on the model's outputs", "your system provides effective guardrails around model outputs", Check::OutputGuardrails),
    auto("SD-3.9", Sd3, "The API in front of the model has controls against attacks", "you apply appropriate controls that mitigate attacks on the AI system via the API", Check::GatewayConfig),
    auto("SD-3.10", Sd3, "The most secure settings are the defaults", "you integrate the most secure settings into the system by default", Check::SecureDefaults),
    auto("SD-3.11", Sd3, "Access to the system's functions follows least privilege", "you apply least privilege principles to limit access to a system’s functionality", Check::AuthRequired),
    when(auto("SD-3.12", Sd3, "Riskier capabilities need an explicit opt-in", "you explain riskier capabilities to users and require users to opt in to use them", Check::ToolOptIn), Applies::Tools),
    att("SD-3.13", Sd3, "AI development follows the organisation's secure development practice", "you integrate AI software system development into existing secure development and operations best practices"),
    when(att("SD-3.14", Sd3, "Feedback and continuous-learning data are checked before use", "when incorporating user feedback or continuous learning data into your model"), Applies::Learning),
    att("SD-3.15", Sd3, "Outputs reveal no more detail than users need", "usable outputs without revealing unnecessary levels of detail to a potential attacker"),
    auto("SD-4.1", Sd4, "The provenance of every model is recorded", "the provenance and supply chains of components including the model or foundation model", Check::ModelProvenance),
    auto("SD-4.2", Sd4, "Model choices are reassessed on a schedule", "are regularly reassessed as AI security research advances", Check::ModelReviews),
    att("SD-4.3", Sd4, "The model's fitness for the use case and its interpretability were weighed", "the appropriateness of the model for your use case"),
    when(auto("SD-4.4", Sd4, "Training data's characteristics and provenance are known", "characteristics of training dataset(s), including size, integrity, quality, sensitivity", Check::DatasetProvenance), Applies::Datasets),
    att("SD-4.5", Sd4, "Hardening and privacy-enhancing techniques were considered", "the value of using model hardening"),
    when(auto("DV-1.1", Dv1, "Model files from the supply chain scan clean", "You assess and monitor the security of your AI supply chains", Check::ModelScan), Applies::Weights),
    when(auto("DV-1.2", Dv1, "Model files verify against their publishers' signatures", "from verified commercial, open source, and other third-party developers", Check::ModelSignature), Applies::Weights),
    att("DV-1.3", Dv1, "Suppliers are held to the organisation's software standards", "require suppliers to adhere to the same standards your own organisation applies to other software"),
    auto("DV-1.4", Dv1, "Critical models have a failover", "You are ready to failover to alternate solutions for mission-critical systems", Check::Failover),
    auto("DV-1.5", Dv1, "Supply-chain components are tracked in an AI-BOM", "for tracking attestations of the supply chain", Check::BomCheck),
    auto("DV-2.1", Dv2, "Every asset named in the description exists and is hashed", "You know where your assets reside", Check::AssetsInventory),
    auto("DV-2.2", Dv2, "Logs are protected: a tamper-evident ledger", "You treat logs as sensitive data and implement controls to protect their confidentiality, integrity and availability", Check::LedgerConfigured),
    when(auto("DV-2.3", Dv2, "Models can be restored to a known good state (signed manifests)", "can restore to a known good state in the event of compromise", Check::ModelSignature), Applies::Weights),
    att("DV-2.4", Dv2, "Assets are version-controlled and access-controlled", "processes and tools to track, authenticate, version control and secure your assets"),
    auto("DV-2.5", Dv2, "Data is handled according to its classification", "manage content generated by AI according to its sensitivity", Check::FlowsClassified),
    auto("DV-3.1", Dv3, "Model cards state intended use, limitations and failure modes", "Your documentation includes security-relevant information", Check::ModelCards),
    when(auto("DV-3.2", Dv3, "The sources of training and fine-tuning data are documented", "such as the sources of training data", Check::DatasetProvenance), Applies::Datasets),
    auto("DV-3.3", Dv3, "System and meta prompts are documented in reviewed files", "You document the creation, operation, and life cycle management of any models, datasets and", Check::PromptsDocumented),
    auto("DV-3.4", Dv3, "Hashes, signatures, retention and review frequency are documented (AI-BOM)", "cryptographic hashes or signatures, retention time, suggested review frequency and potential failure modes", Check::BomCheck),
    auto("DV-3.5", Dv3, "The system and its models are versioned", "Useful structures to help do this include model cards, data cards", Check::Versioning),
    auto("DV-4.1", Dv4, "Technical debt is recorded with owners and dates", "you identify, track and manage your", Check::DebtRegister),
    auto("DV-4.2", Dv4, "No technical-debt item is overdue", "should be managed from the earliest stages of development", Check::DebtOnTime),
    att("DV-4.3", Dv4, "There is a plan to decommission the system", "processes to decommission AI systems"),
    att("DV-4.4", Dv4, "Life-cycle plans assess risks to future similar systems", "assess, acknowledge and mitigate risks to future similar systems"),
    auto("DP-1.1", Dp1, "The gateway's infrastructure configuration is sound", "You apply good infrastructure security principles", Check::GatewayConfig),
    auto("DP-1.2", Dp1, "APIs and models need credentials", "You apply appropriate access controls to your APIs, models and data", Check::AuthRequired),
    auto("DP-1.3", Dp1, "Environments holding sensitive data are segregated", "appropriate segregation of environments holding sensitive code or data", Check::ZonesSegregate),
    auto("DP-1.4", Dp1, "Flows across trust boundaries are encrypted", "This will also help mitigate standard cyber security attacks", Check::EncryptedFlows),
    att("DP-1.5", Dp1, "Training and processing pipelines are access-controlled", "to their training and processing pipelines, in research and development as well as deployment"),
    auto("DP-2.1", Dp2, "The query interface detects extraction attempts", "implementing controls on the query interface to detect and prevent attempts to access, modify, and exfiltrate confidential information", Check::ExtractionDetection),
    auto("DP-2.2", Dp2, "Queries are rate-limited per client", "by querying the model via an application or service", Check::RateLimits),
    when(auto("DP-2.3", Dp2, "Hashes and signatures of model files are computed and shared", "you compute and share cryptographic hashes and/or signatures of model files", Check::ModelSignature), Applies::Weights),
    att("DP-2.4", Dp2, "Signing and API keys are managed (storage, rotation, revocation)", "good key management is essential"),
    auto("DP-2.5", Dp2, "Prompts are kept where tampering shows (reviewed, hashed files)", "Attackers may also tamper with models, data or prompts", Check::PromptsDocumented),
    att("DP-2.6", Dp2, "Privacy-enhancing technologies were considered", "privacy-enhancing technologies"),
    att("DP-3.1", Dp3, "Incident response, escalation and remediation plans cover AI incidents", "reflected in your incident response, escalation and remediation plans"),
    att("DP-3.2", Dp3, "Critical resources are in offline backups", "You store critical company digital resources in offline backups"),
    att("DP-3.3", Dp3, "Responders are trained for AI incidents", "Responders have been trained to assess and address AI-related incidents"),
    auto("DP-3.4", Dp3, "High-quality audit logs are kept", "You provide high-quality audit logs", Check::LedgerConfigured),
    att("DP-3.5", Dp3, "Incident plans are reassessed as the system changes", "Your plans reflect different scenarios and are regularly reassessed"),
    auto("DP-4.1", Dp4, "The system is red-teamed before release", "subjecting them to appropriate and effective security evaluation such as benchmarking and red teaming", Check::RedteamResult),
    auto("DP-4.2", Dp4, "Known limitations and failure modes are stated", "you are clear to your users about known limitations", Check::ModelCards),
    att("DP-4.3", Dp4, "Release is gated on the security evaluation", "You release models, applications or systems only after"),
    auto("DP-5.1", Dp5, "The defaults are secure against common threats", "the default option should be broadly secure against common threats", Check::SecureDefaults),
    att("DP-5.2", Dp5, "Every new setting is weighed against the risk it adds", "each new setting or configuration option is to be assessed"),
    auto("DP-5.3", Dp5, "Controls prevent malicious use of the system", "You apply controls to prevent the use or deployment of your system in malicious ways", Check::GuardDefaults),
    att("DP-5.4", Dp5, "Users get guidance on appropriate use", "You provide users with guidance on the appropriate use of your model or system"),
    att("DP-5.5", Dp5, "Users are told how their data is used, accessed and stored", "are transparent about where (and how) their data might be used"),
    att("DP-5.6", Dp5, "Users are told which aspects of security are theirs", "You state clearly to users which aspects of security they are responsible for"),
    auto("OM-1.1", Om1, "Outputs and verdicts are recorded for monitoring", "You measure the outputs and performance of your model and system", Check::Monitoring),
    att("OM-1.2", Om1, "Data drift is watched", "as well as natural data drift"),
    auto("OM-1.3", Om1, "Signs of intrusion (extraction, abuse) raise alerts", "identify potential intrusions and compromises", Check::ExtractionDetection),
    att("OM-1.4", Om1, "Changes in behaviour affecting security are observed", "observe sudden and gradual changes in behaviour affecting security"),
    auto("OM-2.1", Om2, "Inputs are monitored and logged", "you monitor and log inputs to your system", Check::Monitoring),
    auto("OM-2.2", Om2, "Input logging respects privacy (bodies kept out or sealed)", "In line with privacy and data protection requirements", Check::LedgerPrivacy),
    auto("OM-2.3", Om2, "Adversarial inputs are detected", "and/or adversarial inputs", Check::GuardDefaults),
    att("OM-2.4", Om2, "Attacks on data-preparation steps are considered", "exploit data preparation steps"),
    att("OM-3.1", Om3, "Updates are automated by default", "You include automated updates by default in every product"),
    when(auto("OM-3.2", Om3, "Model updates are distributed signed", "use secure, modular update procedures to distribute them", Check::ModelSignature), Applies::Weights),
    auto("OM-3.3", Om3, "Major updates are treated as new versions", "you treat major updates like new versions", Check::Versioning),
    att("OM-3.4", Om3, "Users can evaluate model changes (preview, versioned APIs)", "providing preview access and versioned APIs"),
    att("OM-3.5", Om3, "Updates are tested and evaluated before release", "changes to data, models or prompts can lead to changes in system behaviour"),
    att("OM-4.1", Om4, "The team takes part in information-sharing communities", "You participate in information-sharing communities"),
    auto("OM-4.2", Om4, "Security researchers may research and report vulnerabilities", "providing consent to security researchers to research and report vulnerabilities", Check::DisclosurePolicy),
    att("OM-4.3", Om4, "Vulnerabilities are published in bulletins", "publishing bulletins responding to vulnerability disclosures"),
    att("OM-4.4", Om4, "Issues are mitigated and remediated quickly", "You take action to mitigate and remediate issues quickly and appropriately"),
    att("OM-4.5", Om4, "There is an open channel for security feedback", "You maintain open lines of communication for feedback regarding system security"),
];

/// The requirement with this id (case-insensitive).
pub fn find(id: &str) -> Option<&'static Requirement> {
    REQUIREMENTS.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}
