//! `rampart.toml`: the one description of an AI system that every command reads —
//! its models, datasets, prompts, tools, data flows, risk decisions, technical debt,
//! and the gateway and ledger settings. Versioned by `schema_version`; its JSON
//! Schema (`docs/schemas/rampart-toml.schema.json`) is generated from these types.
//!
//! Dates are `YYYY-MM-DD` strings; durations (retention, review frequency) are ISO
//! 8601 durations such as `P90D` or `P1Y`, or the words `monthly`, `quarterly`,
//! `yearly`.

use std::path::Path;

use schemars::JsonSchema;

pub use crate::decision::Decision;
use serde::{Deserialize, Serialize};

/// The `schema_version` this build writes. Version 2 adds the data-flow model
/// (`[[zones]]`, `[[components]]`, flow ids and protocols), the risk register's
/// `threat` and `rationale`, debt `impact` and `due`, and `[[attestations]]`.
///
/// Migration from 1: nothing to change — every version-1 file is a valid version-2
/// file and still loads as it is; set `schema_version = 2` when you add the new tables.
/// Entries that reference each other (flows, components, zones, models, tools) are
/// checked once the file has `[[components]]` or `[[zones]]`.
pub const SYSTEM_SCHEMA_VERSION: u32 = 2;

/// Every `schema_version` this build reads.
pub const SUPPORTED_SCHEMA_VERSIONS: &[u32] = &[1, 2];

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemDescription {
    /// Version of this file's format (currently 2; files of version 1 still load).
    pub schema_version: u32,
    /// The AI system.
    pub system: System,
    /// Models the system uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model>,
    /// Datasets (training, fine-tuning, evaluation, retrieval).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<Dataset>,
    /// System and meta prompts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<Prompt>,
    /// Tools the model can call, and their effects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// Trust zones: the boundaries of the data-flow model (SD-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<TrustZone>,
    /// Components of the data-flow model: users, services, models, agents, stores,
    /// external APIs (SD-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Data flows between components and parties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_flows: Vec<DataFlow>,
    /// Risk decisions (SD-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<Risk>,
    /// Technical debt (DV-4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub debt: Vec<Debt>,
    /// Statements that a requirement of the guidelines is met, with their evidence
    /// (`rampart assess`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<Attestation>,
    /// Gateway settings (`rampart gateway`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewaySettings>,
    /// Ledger settings (`rampart audit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<LedgerSettings>,
    /// The text guard's policy, wherever it runs (`rampart gateway`, `rampart guard
    /// --config`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<GuardSettings>,
    /// The model scanner's policy (`rampart scan --config`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanSettings>,
    /// Alert rules over the gateway's monitoring metrics (OM-1, OM-2); they need
    /// `[gateway.monitor]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<AlertRule>,
}

/// An `[[alerts]]` rule: fires when `metric` over the last `window` is above
/// `above` (or below `below`), once, and sends a resolve message when it no longer
/// holds. The metrics are listed in `docs/operate.md`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    /// A unique name, used in messages and for deduplication.
    pub name: String,
    /// The metric, e.g. `blocks`, `block_rate`, `upstream_errors`,
    /// `latency_gateway_p99_ms`, `drift.input_length`.
    pub metric: String,
    /// Only this label of the metric (a rule code for `rule_blocks`, a key id for
    /// `key_requests`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Fires when the value is greater than this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// Fires when the value is less than this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// The window the metric is computed over, an ISO 8601 duration of whole
    /// minutes such as `PT5M` or `PT1H` (the current minute included).
    pub window: String,
    /// `info`, `low`, `medium`, `high` or `critical` (default `medium`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Where the alert goes; none: the log.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sinks: Vec<AlertSink>,
}

/// Where an alert is sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertSink {
    /// `webhook`, `log` or `ledger` (an audited event in the ledger).
    pub kind: String,
    /// A webhook's URL (http or https) when it holds no secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Environment variable holding a webhook's URL (a Slack incoming-webhook URL is
    /// a secret: keep it out of the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_env: Option<String>,
    /// A webhook's body: `json` (default; rampart's alert object) or `slack`
    /// (`{"text": …}`, for Slack-compatible incoming webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// The `[scan]` table: a team's policy for `rampart scan` (SD-3, DV-4). The command
/// line adds to it (`--allow`, `--exclude`) or replaces the baseline (`--baseline`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanSettings {
    /// Pickle globals (`module.name`) of the team's own code that pickles may construct
    /// or call, e.g. `["myapp.models.Net"]`. Names that execute code or reach the
    /// system (`os.system`, `builtins.eval`, `subprocess.*`, `getattr`, …) are refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// Paths not scanned (listed as skipped): glob patterns; a pattern without `/`
    /// matches a file or folder name at any depth, one with `/` matches the path
    /// relative to the scanned folder; `*`, `?` and `**` as usual.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Baseline file of accepted findings (TOML or JSON), relative to this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

/// The `[guard]` table: how the text detectors judge messages (SD-3, DP-2, OM-2).
/// Unset keys keep the secure defaults; every weakening is listed by `rampart config
/// check`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardSettings {
    /// Hosts that links and images in the model's answers may point to (EXF003; a host
    /// covers its subdomains). Without a list, only images are reported, at a score
    /// that flags nothing under the default policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_hosts: Vec<String>,
    /// Detector codes to turn off, e.g. `["OOD004"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disabled: Vec<String>,
    /// Findings scoring below this are reported but do not decide (default 0.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f32>,
    /// Action per category (`injection`, `jailbreak`, `exfiltration`, `leakage`,
    /// `secret`, `pii`, `obfuscation`, `ood`) or per detector code or code prefix
    /// (`EXF003`, `PII`), which wins over its category.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub actions: std::collections::BTreeMap<String, Decision>,
}

/// How critical the system is to the organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Criticality {
    /// Low.
    Low,
    /// Medium.
    #[default]
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// The system itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Name.
    pub name: String,
    /// Version of the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Accountable owner (team or person, with a contact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Criticality.
    #[serde(default)]
    pub criticality: Criticality,
    /// What the system does and for whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Where a model comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ModelSource {
    /// Called through a provider's API; the weights are elsewhere.
    ExternalApi,
    /// Weights run on infrastructure the provider controls.
    #[default]
    SelfHosted,
    /// A self-hosted model fine-tuned from a base model.
    FineTuned,
}

/// Data classes, from least to most sensitive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum DataClass {
    /// Public.
    Public,
    /// Internal to the organisation.
    Internal,
    /// Personal data.
    Personal,
    /// Secrets and credentials.
    Secret,
}

impl DataClass {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::Public => "public",
            DataClass::Internal => "internal",
            DataClass::Personal => "personal",
            DataClass::Secret => "secret",
        }
    }
}

/// A performance figure of a model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// Metric name (accuracy, f1, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Value.
    pub value: String,
    /// Slice of data it was measured on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice: Option<String>,
}

/// A model card: what the guidelines (DV-3) ask to document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelCard {
    /// Task (text-generation, classification, embedding, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// Learning approach (supervised, unsupervised, reinforcement-learning,
    /// semi-supervised, self-supervised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approach: Option<String>,
    /// Architecture family (llama, bert, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture_family: Option<String>,
    /// Specific architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// Ids of the datasets it was trained or fine-tuned on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    /// Intended scope: what it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intended_use: Option<String>,
    /// Out-of-scope uses and known limitations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limitations: Vec<String>,
    /// Guardrails around the model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guardrails: Vec<String>,
    /// Potential failure modes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure_modes: Vec<String>,
    /// Intended users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Performance figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
}

/// A model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Identifier used by data flows and datasets.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where it comes from.
    #[serde(default)]
    pub source: ModelSource,
    /// Provider or publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Version or revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Licence (SPDX id where possible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// File or directory of the weights (self-hosted and fine-tuned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// OMS signature of `path` (`rampart sign`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Public key that verifies the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<String>,
    /// Base model id or name (fine-tuned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_model: Option<String>,
    /// API endpoint (external API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Data classes sent to the model (external API: what leaves the organisation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_classes: Vec<DataClass>,
    /// How long inputs and outputs are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// How often the model and its documentation are reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_frequency: Option<String>,
    /// Date of the next review (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_review: Option<String>,
    /// The model card.
    #[serde(default)]
    pub card: ModelCard,
}

/// A dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// Identifier.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// File or directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where the data comes from and how it was collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<String>,
    /// Licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Classes of data it contains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_classes: Vec<DataClass>,
    /// How long it is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// Owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Kind of prompt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PromptKind {
    /// A system prompt.
    #[default]
    System,
    /// A meta prompt (prompt templates, tool instructions).
    Meta,
}

/// A prompt kept in a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    /// Identifier.
    pub id: String,
    /// Kind.
    #[serde(default)]
    pub kind: PromptKind,
    /// File.
    pub path: String,
    /// Models it is used with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Date of the next review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_review: Option<String>,
}

/// What a tool can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ToolEffect {
    /// Reads internal data.
    Read,
    /// Writes or changes data.
    Write,
    /// Sends data outside the organisation.
    External,
    /// Moves money or commits the organisation.
    Financial,
    /// Runs code.
    Execute,
}

/// A tool the model can call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Tool (function) name.
    pub name: String,
    /// Effects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<ToolEffect>,
    /// Needs an explicit opt-in per key (riskier capability, DP-5).
    #[serde(default)]
    pub high_risk: bool,
    /// JSON Schema (as JSON text) that the call's arguments must satisfy; the gateway
    /// strips calls that violate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments_schema: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Data moving between two parties or components.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataFlow {
    /// Identifier (threats derived on the flow name it; default `from->to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Source: a component or model id (with `[[components]]`), else any party name.
    pub from: String,
    /// Destination.
    pub to: String,
    /// Classes of data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_classes: Vec<DataClass>,
    /// The flow crosses a trust boundary (also true when its ends are in different
    /// zones).
    #[serde(default)]
    pub crosses_trust_boundary: bool,
    /// Protocol, e.g. `https`, `http`, `grpc`, `sql`, `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A risk decision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// Identifier.
    pub id: String,
    /// What could go wrong.
    pub title: String,
    /// Threat it decides on: a threat id (`THR001`) or free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// accept, mitigate, transfer or avoid.
    pub decision: String,
    /// Why this decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Who owns the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// When to review it (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<String>,
    /// Guideline IDs it relates to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guidelines: Vec<String>,
}

/// A technical-debt item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Debt {
    /// Identifier.
    pub id: String,
    /// What it is.
    pub title: String,
    /// What it costs while it stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    /// Who owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// When to review it (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<String>,
    /// When it must be paid off (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}

/// How far a zone is trusted.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TrustLevel {
    /// Anyone: the internet, customers, third parties.
    Untrusted,
    /// The organisation's own network and services.
    #[default]
    Internal,
    /// Restricted: secrets, personal data, training pipelines.
    Restricted,
}

/// A trust zone of the data-flow model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustZone {
    /// Identifier, named by components' `zone`.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How far it is trusted.
    #[serde(default)]
    pub trust: TrustLevel,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Kind of component.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// A person or client using the system.
    User,
    /// An application or service.
    #[default]
    Service,
    /// A model (names one of `[[models]]` with `model`).
    Model,
    /// An agent: a model that calls tools (names them with `tools`).
    Agent,
    /// A database or file store.
    Datastore,
    /// A vector store feeding retrieval (RAG).
    VectorStore,
    /// An API outside the organisation.
    ExternalApi,
}

impl ComponentKind {
    /// The name used in `rampart.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::User => "user",
            ComponentKind::Service => "service",
            ComponentKind::Model => "model",
            ComponentKind::Agent => "agent",
            ComponentKind::Datastore => "datastore",
            ComponentKind::VectorStore => "vector_store",
            ComponentKind::ExternalApi => "external_api",
        }
    }
}

/// A component of the data-flow model, with the attributes threats are derived from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Identifier, named by data flows.
    pub id: String,
    /// Kind.
    pub kind: ComponentKind,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Trust zone id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// The `[[models]]` id this component runs (kinds `model` and `agent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Names of the `[[tools]]` it can call (kind `agent`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
    /// It takes input that anyone outside the organisation can shape (user text,
    /// web pages, e-mails, uploaded files).
    #[serde(default)]
    pub processes_untrusted_input: bool,
    /// It adds retrieved documents to a model's context (RAG).
    #[serde(default)]
    pub has_rag: bool,
    /// It runs code that a model wrote or chose.
    #[serde(default)]
    pub executes_code: bool,
    /// It holds or sees personal data.
    #[serde(default)]
    pub holds_personal_data: bool,
    /// It holds secrets or credentials.
    #[serde(default)]
    pub holds_secrets: bool,
    /// A third party runs it.
    #[serde(default)]
    pub third_party_hosted: bool,
    /// It keeps memory across sessions (conversation history, agent memory).
    #[serde(default)]
    pub has_memory: bool,
    /// It learns from user feedback or production data.
    #[serde(default)]
    pub learns_from_feedback: bool,
    /// Its output is rendered as HTML or Markdown, or passed to another system.
    #[serde(default)]
    pub output_rendered: bool,
    /// Reachable from the internet.
    #[serde(default)]
    pub internet_facing: bool,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A file offered as evidence of an attestation, with the SHA-256 it had when the
/// statement was made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceFile {
    /// Path, relative to the `rampart.toml`.
    pub path: String,
    /// Lower-case hex SHA-256 of the file (`rampart hash FILE`).
    pub sha256: String,
}

/// A person's statement that a requirement of the guidelines is met.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// Requirement id (`rampart rules` lists them, e.g. `SD-1.1`).
    pub requirement: String,
    /// Who attests (name and role or contact).
    pub by: String,
    /// When (`YYYY-MM-DD`).
    pub date: String,
    /// What is attested.
    pub statement: String,
    /// Files that show it, with their SHA-256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceFile>,
    /// When the statement stops counting (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// One upstream LLM API of the gateway.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// Name.
    pub name: String,
    /// Base URL of an OpenAI-compatible API (ending in `/v1`).
    pub url: String,
    /// Environment variable holding the API key (never the key itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// Models served (`*` for any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    /// The upstream is outside the organisation: personal data and secrets are
    /// redacted before they are sent (egress control, SD-3).
    #[serde(default)]
    pub external: bool,
}

/// Gateway settings. Every weakening of a secure default is an explicit opt-in that
/// `rampart config check` lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewaySettings {
    /// Listen address (default `127.0.0.1:8080`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// API key database (default `rampart-keys.sqlite`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
    /// Upstreams, tried in order for a model (failover).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstreams: Vec<Upstream>,
    /// Requests per minute per key when the key sets none (default 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_rpm: Option<u32>,
    /// Requests per minute per client address, keyed or not (unset: only anonymous
    /// requests are limited by address, at `default_rpm`). Behind a load balancer every
    /// client shares its address unless `trusted_proxies` names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_address_rpm: Option<u32>,
    /// Proxies and load balancers (addresses or CIDR ranges, e.g. `10.0.0.0/8`) whose
    /// `X-Forwarded-For` header is believed: the client address is then the right-most
    /// address in it that is not one of them. Empty (the default): the header is
    /// ignored, since any client can write it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_proxies: Vec<String>,
    /// Largest request body in bytes (default 1 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_body_bytes: Option<usize>,
    /// Upstream timeout in seconds (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_timeout_secs: Option<u64>,
    /// Consecutive failures after which an upstream is skipped for
    /// `breaker_cooldown_secs` (default 5; 0 disables circuit breaking).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker_failures: Option<u32>,
    /// How long an upstream with an open circuit is skipped, in seconds (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker_cooldown_secs: Option<u64>,
    /// Characters of streamed output held back for inspection before release
    /// (default 256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_holdback: Option<usize>,
    /// Seconds a whole request may take once admitted — every upstream attempt and
    /// the whole answer, streams included (default 600); past it the answer ends with
    /// an error and the ledger records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_timeout_secs: Option<u64>,
    /// Seconds a client may take to send its body once its headers are in (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_timeout_secs: Option<u64>,
    /// Connections served at once; further ones wait to be accepted (default 1024).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<usize>,
    /// Largest upstream answer (or whole stream) read, in bytes; a larger one is
    /// withheld (GW008). Default 16 MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_answer_bytes: Option<usize>,
    /// Opt-in: serve without API keys (weakens DP-1).
    #[serde(default)]
    pub allow_anonymous: bool,
    /// TLS on the listener (rustls); with `client_ca`, clients must present a
    /// certificate issued by it (mutual TLS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsSettings>,
    /// Model-extraction signals per key (DP-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extraction: Option<ExtractionSettings>,
    /// Opt-in: plain HTTP on a non-loopback address (weakens DP-1).
    #[serde(default)]
    pub allow_plain_http: bool,
    /// Opt-in: forward requests when a detector fails, instead of refusing them
    /// (weakens SD-3).
    #[serde(default)]
    pub fail_open: bool,
    /// Environment variable holding the Redis URL (never the URL itself: it may carry a
    /// password). When set, rate limits are counted in Redis and shared by every gateway
    /// instance using it; when Redis cannot be reached, requests are refused with 503
    /// (fail closed). Unset: counted in memory, per instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redis_url_env: Option<String>,
    /// Monitoring (OM-1, OM-2): a per-minute time-series store and the dashboard on a
    /// separate admin listener. Unset: no time series and no admin listener.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<MonitorSettings>,
}

/// Monitoring: per-minute counters kept in an embedded SQLite file (so they survive
/// restarts) and the dashboard served on the admin listener to admin-scoped keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorSettings {
    /// Admin listener address for the dashboard, its JSON API and `/metrics`
    /// (default `127.0.0.1:9090`; never the API listener).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_listen: Option<String>,
    /// SQLite file of the time series, relative to the `rampart.toml`
    /// (default `rampart-metrics.sqlite`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How long per-minute buckets are kept, an ISO 8601 duration such as `P14D` or
    /// `PT36H` (default `P14D`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// Seconds between evaluations of the `[[alerts]]` rules (default 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate_every_secs: Option<u64>,
    /// Drift: the most recent requests per route and model compared with the
    /// baseline (default 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift_recent_requests: Option<usize>,
    /// Drift: the requests before the recent ones that form the baseline
    /// (default 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift_baseline_requests: Option<usize>,
    /// Keep the per-minute time series in the ledger's PostgreSQL database (`[ledger]
    /// url_env`) instead of the SQLite file, so several instances add to one series
    /// and their dashboards agree (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_series: Option<bool>,
    /// This instance's name in the shared series (default: the host name and the
    /// admin listener's port).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// OpenTelemetry export (OTLP/HTTP, JSON encoding) of the metrics and a span per
    /// request. Unset: nothing is exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otlp: Option<OtlpSettings>,
}

/// OTLP/HTTP export to an OpenTelemetry collector.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtlpSettings {
    /// The collector's OTLP/HTTP base URL, such as `http://127.0.0.1:4318`
    /// (`/v1/metrics` and `/v1/traces` are added).
    pub endpoint: String,
    /// Seconds between exports (default 10, 1 to 3600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_secs: Option<u64>,
    /// The resource's `service.name` (default `rampart-gateway`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// Send a span per request (default true); false sends the metrics only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traces: Option<bool>,
    /// Environment variable holding headers sent with every export (a collector's
    /// credentials), in the form of OpenTelemetry's `OTEL_EXPORTER_OTLP_HEADERS`:
    /// `key=value` pairs separated by commas, values percent-encoded
    /// (`Authorization=Basic%20dXNlcjpwYXNz`). An unset or malformed variable refuses
    /// the start; the values are never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers_env: Option<String>,
}

/// Thresholds for model-extraction signals, per API key over a sliding window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractionSettings {
    /// The window in seconds (default 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_secs: Option<u64>,
    /// Requests in the window (EXT001; default 3000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<usize>,
    /// Distinct prompts in the window (EXT002; default 2000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct_prompts: Option<usize>,
    /// Near-duplicate prompts in the window: a template swept over inputs (EXT003;
    /// default 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_duplicates: Option<usize>,
    /// Requests asking for log-probabilities in the window (EXT004; default 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprob_requests: Option<usize>,
    /// Refuse requests past a threshold with 429 instead of flagging them.
    #[serde(default)]
    pub throttle: bool,
}

/// TLS for the gateway's listener. Paths are relative to the `rampart.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    /// PEM certificate chain, leaf first.
    pub cert: String,
    /// PEM private key (PKCS#8, SEC1 or PKCS#1); keep it readable by the gateway only.
    pub key: String,
    /// PEM CA certificates; when set, every client must present a certificate they issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ca: Option<String>,
}

/// Ledger settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerSettings {
    /// SQLite file, relative to the `rampart.toml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Environment variable holding a PostgreSQL connection string (never the string
    /// itself): the ledger is kept there, shared by every gateway instance using it.
    /// Use either this or `path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_env: Option<String>,
    /// Store request and response bodies (redacted) in the ledger.
    #[serde(default)]
    pub store_bodies: bool,
    /// How long stored bodies are kept, as an ISO 8601 duration (`P30D`, `PT12H`,
    /// `P2W`); the gateway prunes older ones. Default `P30D`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// Key file sealing stored bodies (XChaCha20-Poly1305), relative to the
    /// `rampart.toml`; created (mode 0600) when missing. Required with `store_bodies`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_key: Option<String>,
    /// Answer a request only once its ledger entry is durable (default false: the
    /// entry is committed within one batch after the answer; see docs).
    #[serde(default)]
    pub durable: bool,
}

/// Why a system description could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum SystemError {
    /// The file could not be read.
    Io(std::io::Error),
    /// The file is not valid TOML for this schema (the user's file is at fault).
    Parse(String),
    /// The file names a schema version this build does not know.
    Version(u32),
    /// Entries are inconsistent (a flow names a missing component, …); one message
    /// per problem, each naming its entry.
    Invalid(Vec<String>),
}

impl std::fmt::Display for SystemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SystemError::Io(e) => write!(f, "cannot read rampart.toml: {e}"),
            SystemError::Parse(e) => write!(f, "rampart.toml is invalid: {e}"),
            SystemError::Version(v) => write!(
                f,
                "rampart.toml has schema_version {v}; this rampart reads versions 1 and {SYSTEM_SCHEMA_VERSION}"
            ),
            SystemError::Invalid(problems) => {
                write!(f, "rampart.toml is inconsistent: {}", problems.join("; "))
            }
        }
    }
}

impl std::error::Error for SystemError {}

impl SystemDescription {
    /// Parses TOML text.
    pub fn parse(text: &str) -> Result<SystemDescription, SystemError> {
        let d: SystemDescription =
            toml::from_str(text).map_err(|e| SystemError::Parse(e.to_string()))?;
        if !SUPPORTED_SCHEMA_VERSIONS.contains(&d.schema_version) {
            return Err(SystemError::Version(d.schema_version));
        }
        let problems = d.problems();
        if !problems.is_empty() {
            return Err(SystemError::Invalid(problems));
        }
        Ok(d)
    }

    /// What is inconsistent in the file: references to missing entries, unknown risk
    /// decisions, dates that are not `YYYY-MM-DD`. References are checked once the file
    /// has a data-flow model (`[[components]]` or `[[zones]]`); version-1 files name
    /// flow ends freely.
    pub fn problems(&self) -> Vec<String> {
        use std::collections::HashSet;
        let mut out = Vec::new();
        let zones: HashSet<&str> = self.zones.iter().map(|z| z.id.as_str()).collect();
        let models: HashSet<&str> = self.models.iter().map(|m| m.id.as_str()).collect();
        let tools: HashSet<&str> = self.tools.iter().map(|t| t.name.as_str()).collect();
        let mut ids = HashSet::new();
        for z in &self.zones {
            if !ids.insert(z.id.as_str()) {
                out.push(format!("zone `{}`: duplicate id", z.id));
            }
        }
        let mut components = HashSet::new();
        for c in &self.components {
            if !components.insert(c.id.as_str()) {
                out.push(format!("component `{}`: duplicate id", c.id));
            }
            if let Some(z) = &c.zone {
                if !zones.contains(z.as_str()) {
                    out.push(format!(
                        "component `{}`: zone `{z}` is not a [[zones]] id",
                        c.id
                    ));
                }
            }
            if let Some(m) = &c.model {
                if !models.contains(m.as_str()) {
                    out.push(format!(
                        "component `{}`: model `{m}` is not a [[models]] id",
                        c.id
                    ));
                }
            }
            for t in &c.tools {
                if !tools.contains(t.as_str()) {
                    out.push(format!(
                        "component `{}`: tool `{t}` is not a [[tools]] name",
                        c.id
                    ));
                }
            }
        }
        if !self.components.is_empty() || !self.zones.is_empty() {
            for (i, f) in self.data_flows.iter().enumerate() {
                for end in [&f.from, &f.to] {
                    if !components.contains(end.as_str()) && !models.contains(end.as_str()) {
                        out.push(format!(
                            "data flow {} ({} -> {}): `{end}` is not a component or model id",
                            f.id.clone().unwrap_or_else(|| format!("#{}", i + 1)),
                            f.from,
                            f.to
                        ));
                    }
                }
            }
        }
        let date = |what: String, d: &Option<String>, out: &mut Vec<String>| {
            if let Some(d) = d {
                if parse_date(d).is_none() {
                    out.push(format!("{what}: `{d}` is not a YYYY-MM-DD date"));
                }
            }
        };
        for r in &self.risks {
            if !["mitigate", "accept", "transfer", "avoid"].contains(&r.decision.as_str()) {
                out.push(format!(
                    "risk `{}`: decision `{}` is not mitigate, accept, transfer or avoid",
                    r.id, r.decision
                ));
            }
            date(format!("risk `{}` review_by", r.id), &r.review_by, &mut out);
        }
        for d in &self.debt {
            date(format!("debt `{}` review_by", d.id), &d.review_by, &mut out);
            date(format!("debt `{}` due", d.id), &d.due, &mut out);
        }
        for a in &self.attestations {
            let what = format!("attestation of `{}` by {}", a.requirement, a.by);
            date(format!("{what}: date"), &Some(a.date.clone()), &mut out);
            date(format!("{what}: expires"), &a.expires, &mut out);
            for e in &a.evidence {
                let ok = e.sha256.len() == 64 && e.sha256.bytes().all(|b| b.is_ascii_hexdigit());
                if !ok {
                    out.push(format!(
                        "{what}: evidence `{}` sha256 is not 64 hex digits",
                        e.path
                    ));
                }
            }
        }
        out
    }

    /// The component with this id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    /// Whether a flow crosses a trust boundary: declared so, or its ends sit in
    /// different zones.
    pub fn flow_crosses_zone(&self, flow: &DataFlow) -> bool {
        if flow.crosses_trust_boundary {
            return true;
        }
        let zone = |id: &str| self.component(id).and_then(|c| c.zone.as_deref());
        match (zone(&flow.from), zone(&flow.to)) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        }
    }

    /// Reads a file.
    pub fn read(path: &Path) -> Result<SystemDescription, SystemError> {
        let text = crate::bounded::read_to_string(path, crate::bounded::MAX_CONFIG_BYTES)
            .map_err(|e| SystemError::Io(e.into()))?;
        Self::parse(&text)
    }

    /// Serialises to TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// The JSON Schema of the file format.
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(SystemDescription)).unwrap_or_default()
    }
}

/// Parses a `YYYY-MM-DD` date into (year, month, day).
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut it = s.trim().splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Today's date in UTC as (year, month, day).
pub fn today_utc() -> (i32, u32, u32) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    civil_from_days(days)
}

/// Converts days since 1970-01-01 to a civil date ([`crate::date::civil_from_days`]).
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let (y, m, d) = crate::date::civil_from_days(z);
    (
        i32::try_from(y).unwrap_or(i32::MAX),
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_minimal_and_rejects_unknown_fields() {
        let d = SystemDescription::parse("schema_version = 1\n[system]\nname = \"bot\"\n").unwrap();
        assert_eq!(d.system.name, "bot");
        assert!(
            SystemDescription::parse("schema_version = 1\n[system]\nname = \"b\"\nnmae = 1\n")
                .is_err()
        );
        assert!(matches!(
            SystemDescription::parse("schema_version = 9\n[system]\nname = \"b\"\n"),
            Err(SystemError::Version(9))
        ));
    }

    #[test]
    fn guard_table() {
        let d = SystemDescription::parse(
            "schema_version = 1\n[system]\nname = \"b\"\n[guard]\nallowed_hosts = [\"example.com\"]\n\
             disabled = [\"OOD004\"]\nmin_score = 0.5\n[guard.actions]\npii = \"flag\"\nEXF003 = \"block\"\n",
        )
        .unwrap();
        let g = d.guard.unwrap();
        assert_eq!(g.allowed_hosts, ["example.com"]);
        assert_eq!(g.actions.get("pii"), Some(&Decision::Flag));
        assert_eq!(g.actions.get("EXF003"), Some(&Decision::Block));
        assert_eq!(g.min_score, Some(0.5));
        // an action that is not one of the four, and a misspelt key, are errors
        for bad in [
            "[guard.actions]\npii = \"ignore\"\n",
            "[guard]\nallowed_host = []\n",
        ] {
            let text = format!("schema_version = 1\n[system]\nname = \"b\"\n{bad}");
            assert!(SystemDescription::parse(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn scan_table() {
        let d = SystemDescription::parse(
            "schema_version = 1\n[system]\nname = \"b\"\n[scan]\nallow = [\"myapp.Net\"]\n\
             exclude = [\"**/.git\"]\nbaseline = \"scan-baseline.toml\"\n",
        )
        .unwrap();
        let scan = d.scan.unwrap();
        assert_eq!(scan.allow, ["myapp.Net"]);
        assert_eq!(scan.baseline.as_deref(), Some("scan-baseline.toml"));
        assert!(SystemDescription::parse(
            "schema_version = 1\n[system]\nname = \"b\"\n[scan]\nallowed = []\n"
        )
        .is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-11-21"), Some((2026, 11, 21)));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_413), (2025, 11, 21));
    }

    const MODEL_V2: &str = "schema_version = 2\n[system]\nname = \"b\"\n\
        [[zones]]\nid = \"internet\"\ntrust = \"untrusted\"\n[[zones]]\nid = \"app\"\n\
        [[models]]\nid = \"llm\"\n[[tools]]\nname = \"refund\"\n\
        [[components]]\nid = \"customer\"\nkind = \"user\"\nzone = \"internet\"\n\
        [[components]]\nid = \"bot\"\nkind = \"agent\"\nzone = \"app\"\nmodel = \"llm\"\n\
        tools = [\"refund\"]\nprocesses_untrusted_input = true\nhas_rag = true\n\
        [[data_flows]]\nid = \"F1\"\nfrom = \"customer\"\nto = \"bot\"\nprotocol = \"https\"\n\
        data_classes = [\"personal\"]\n\
        [[risks]]\nid = \"R1\"\ntitle = \"t\"\nthreat = \"THR001\"\ndecision = \"accept\"\n\
        rationale = \"low value\"\nreview_by = \"2027-01-01\"\n\
        [[debt]]\nid = \"D1\"\ntitle = \"t\"\nimpact = \"slow\"\ndue = \"2027-02-01\"\n\
        [[attestations]]\nrequirement = \"SD-1.1\"\nby = \"ann\"\ndate = \"2026-01-01\"\n\
        statement = \"trained\"\nexpires = \"2027-01-01\"\n\
        [[attestations.evidence]]\npath = \"a.pdf\"\n\
        sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n";

    #[test]
    fn data_flow_model_loads_and_zones_decide_crossings() {
        let d = SystemDescription::parse(MODEL_V2).unwrap();
        assert_eq!(d.components.len(), 2);
        assert_eq!(d.components[1].kind, ComponentKind::Agent);
        assert!(d.components[1].has_rag && !d.components[1].executes_code);
        assert_eq!(d.zones[0].trust, TrustLevel::Untrusted);
        assert_eq!(d.data_flows[0].protocol.as_deref(), Some("https"));
        // not declared, but customer and bot sit in different zones
        assert!(!d.data_flows[0].crosses_trust_boundary);
        assert!(d.flow_crosses_zone(&d.data_flows[0]));
        assert_eq!(d.attestations[0].evidence.len(), 1);
        assert_eq!(d.debt[0].due.as_deref(), Some("2027-02-01"));
        // round trip
        assert_eq!(SystemDescription::parse(&d.to_toml()).unwrap(), d);
    }

    #[test]
    fn version_1_files_still_load() {
        // a version-1 file with flows between parties that are not components
        let v1 =
            "schema_version = 1\n[system]\nname = \"b\"\n[[data_flows]]\nfrom = \"customer\"\n\
                  to = \"support-bot\"\ncrosses_trust_boundary = true\n\
                  [[risks]]\nid = \"R\"\ntitle = \"t\"\ndecision = \"mitigate\"\n";
        let d = SystemDescription::parse(v1).unwrap();
        assert_eq!(d.schema_version, 1);
        assert!(d.flow_crosses_zone(&d.data_flows[0]));
    }

    #[test]
    fn unknown_references_are_errors_naming_the_entry() {
        let cases = [
            (
                MODEL_V2.replace("to = \"bot\"", "to = \"bott\""),
                "data flow F1 (customer -> bott): `bott`",
            ),
            (
                MODEL_V2.replace("zone = \"app\"", "zone = \"dmz\""),
                "component `bot`: zone `dmz`",
            ),
            (
                MODEL_V2.replace("model = \"llm\"", "model = \"gpt\""),
                "component `bot`: model `gpt`",
            ),
            (
                MODEL_V2.replace("tools = [\"refund\"]", "tools = [\"wire\"]"),
                "component `bot`: tool `wire`",
            ),
            (
                MODEL_V2.replace("decision = \"accept\"", "decision = \"ignore\""),
                "risk `R1`: decision `ignore`",
            ),
            (
                MODEL_V2.replace("due = \"2027-02-01\"", "due = \"soon\""),
                "debt `D1` due: `soon`",
            ),
            (
                MODEL_V2.replace("sha256 = \"0000", "sha256 = \"zz00"),
                "evidence `a.pdf` sha256",
            ),
        ];
        for (text, want) in cases {
            match SystemDescription::parse(&text) {
                Err(e @ SystemError::Invalid(_)) => {
                    assert!(e.to_string().contains(want), "{want}: {e}");
                }
                other => panic!("{want}: {other:?}"),
            }
        }
        // an unknown component kind is a parse error
        assert!(SystemDescription::parse(
            &MODEL_V2.replace("kind = \"agent\"", "kind = \"robot\"")
        )
        .is_err());
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    /// docs/schemas/rampart-toml.schema.json is generated from these types; this fails
    /// when it is stale. Regenerate with `UPDATE_SCHEMAS=1 cargo test -p rampart-core`.
    #[test]
    fn committed_json_schema_is_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/schemas/rampart-toml.schema.json");
        let generated = serde_json::to_string_pretty(&SystemDescription::json_schema())
            .unwrap_or_default()
            + "\n";
        let checked = crate::generated::check(
            &path,
            &generated,
            "UPDATE_SCHEMAS",
            "UPDATE_SCHEMAS=1 cargo test -p rampart-core",
        );
        assert_eq!(checked, Ok(()));
    }

    #[test]
    fn the_example_system_parses() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/support-bot/rampart.toml");
        let d = SystemDescription::read(&path).map_err(|e| e.to_string());
        assert!(d.is_ok(), "{d:?}");
    }
}
