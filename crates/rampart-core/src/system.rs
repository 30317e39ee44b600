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

/// The `schema_version` this build reads and writes.
pub const SYSTEM_SCHEMA_VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemDescription {
    /// Version of this file's format (currently 1).
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
    /// Data flows between components and parties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_flows: Vec<DataFlow>,
    /// Risk decisions (SD-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<Risk>,
    /// Technical debt (DV-4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub debt: Vec<Debt>,
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
    /// Source (a component id, or a party such as `user`).
    pub from: String,
    /// Destination.
    pub to: String,
    /// Classes of data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_classes: Vec<DataClass>,
    /// The flow crosses a trust boundary.
    #[serde(default)]
    pub crosses_trust_boundary: bool,
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
    /// accept, mitigate, transfer or avoid.
    pub decision: String,
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
    /// Who owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// When to review it (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<String>,
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
}

impl std::fmt::Display for SystemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SystemError::Io(e) => write!(f, "cannot read rampart.toml: {e}"),
            SystemError::Parse(e) => write!(f, "rampart.toml is invalid: {e}"),
            SystemError::Version(v) => write!(
                f,
                "rampart.toml has schema_version {v}; this rampart reads version {SYSTEM_SCHEMA_VERSION}"
            ),
        }
    }
}

impl std::error::Error for SystemError {}

impl SystemDescription {
    /// Parses TOML text.
    pub fn parse(text: &str) -> Result<SystemDescription, SystemError> {
        let d: SystemDescription =
            toml::from_str(text).map_err(|e| SystemError::Parse(e.to_string()))?;
        if d.schema_version != SYSTEM_SCHEMA_VERSION {
            return Err(SystemError::Version(d.schema_version));
        }
        Ok(d)
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
