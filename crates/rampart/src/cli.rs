//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rampart_core::{Severity, Verdict};

/// rampart: the Guidelines for secure AI system development, as a tool.
#[derive(Debug, Parser)]
#[command(name = "rampart", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// How every command prints: the same flags mean the same thing everywhere.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// When to use colours (also `NO_COLOR`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print less: no progress bars or status lines on stderr; `scan` lists only files
    /// with findings. Errors are always printed.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more: `scan` also lists clean files.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan model files and directories for code execution and tampering (SD-3, DV-1).
    Scan(ScanArgs),
    /// Sign a model or dataset (OpenSSF Model Signing v1.0 bundle) (DP-2, DV-1, DV-2).
    Sign(SignArgs),
    /// Verify a model or dataset against its signature (DV-1, DV-2).
    Verify(VerifyArgs),
    /// Hash a model into rampart's JSON manifest (extension; DV-2).
    Hash(HashArgs),
    /// Write a CycloneDX ML-BOM of the AI system described by DIR/rampart.toml (DV-3), or
    /// check its documentation (--check).
    Bom(BomArgs),
    /// Write a starting rampart.toml by discovering models, datasets and prompts.
    Init(InitArgs),
    /// Check texts for prompt injection, jailbreaks, secrets and personal data (SD-3, DP-2, OM-2).
    #[command(subcommand)]
    Guard(GuardCommand),
    /// Run the secure gateway in front of OpenAI-compatible LLM APIs (DP-1, SD-3, OM-2).
    Gateway(GatewayArgs),
    /// Manage the gateway's API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Check rampart.toml's gateway settings: every weakened default, with its guideline.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The tamper-evident audit ledger (RFC 9162 Merkle tree; DP-3, DV-2, OM-2).
    Audit(AuditArgs),
    /// Incident bundles: a window's ledger entries with proofs, the configuration
    /// without secrets, the alerts raised and a summary, signed (DP-3).
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Manage signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Red-team an OpenAI-compatible endpoint: send the probe packs, judge every answer
    /// deterministically, gate the release on attack success rates (DP-4).
    Redteam(RedteamArgs),
    /// Assess the system in DIR against every principle of the guidelines: derive its
    /// threats from rampart.toml's data-flow model, run rampart's checks for evidence,
    /// join risks, debt and attestations (SD-1, SD-2, all principles).
    Assess(AssessArgs),
    /// Verify a signed assessment (`rampart assess --sign`): the DSSE signature and the
    /// assessment's SHA-256.
    VerifyAttestation(VerifyAttestationArgs),
    /// Print the documentation of a rule, threat (THR001) or requirement (SD-3.4).
    Explain(ExplainArgs),
    /// List every rule, then the threat and requirement catalogues.
    Rules(RulesArgs),
}

/// Formats of `rampart assess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AssessFormat {
    /// Summary per principle, worst first, with the next actions.
    Human,
    /// JSON (docs/schemas/assessment-v1.schema.json).
    Json,
    /// SARIF 2.1.0: unmet requirements and unmitigated threats.
    Sarif,
    /// Markdown report: principles, requirements, threats, evidence.
    Markdown,
    /// One self-contained HTML file: the data-flow diagram (SVG), principles,
    /// threats, requirements and the evidence index.
    Html,
    /// Open Threat Model (OTM 0.2.0) JSON: zones, components, flows and the derived
    /// threats, for threat-modelling tools (`rampart init --from-otm` reads it back).
    Otm,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// Project directory holding rampart.toml.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AssessFormat::Human)]
    pub format: AssessFormat,
    /// Write the assessment here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit with status 1 when less than this percentage of the applicable
    /// requirements is met or attested.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub fail_under: Option<f64>,
    /// Compare with an earlier `rampart assess --format json` output: what improved
    /// and what regressed (in the human summary, and as `diff` in JSON).
    #[arg(long, value_name = "OLD.json")]
    pub diff: Option<PathBuf>,
    /// Sign the assessment: with `--format json --out FILE`, also write FILE.dsse.json,
    /// an in-toto statement (subject: the system's artefacts and their SHA-256;
    /// predicate: the assessment) in a DSSE envelope. Check it with `rampart
    /// verify-attestation FILE --key PUBLIC.pem`.
    #[arg(long, value_name = "KEY.pem")]
    pub sign: Option<PathBuf>,
    /// Append the assessment's SHA-256 (with --out: of the file written) to the
    /// audit ledger of `[ledger] path`, route `assess`, so the record of what was
    /// assessed is tamper-evident.
    #[arg(long)]
    pub append_ledger: bool,
}

#[derive(Debug, Args)]
pub struct VerifyAttestationArgs {
    /// The assessment JSON that was signed.
    pub assessment: PathBuf,
    /// The public key.
    #[arg(long, value_name = "PUBLIC.pem")]
    pub key: PathBuf,
    /// The envelope (default: ASSESSMENT.dsse.json).
    #[arg(long, value_name = "FILE")]
    pub envelope: Option<PathBuf>,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a percentage from 0 to 100")),
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Readable text.
    Human,
    /// JSON with a versioned schema (docs/schemas/scan-report-v1.schema.json for scan).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
}

/// Output formats of commands without findings to put in SARIF (sign, verify, guard
/// check): only the formats they really write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Readable text.
    Human,
    /// JSON.
    Json,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal, NO_COLOR is unset and TERM is not `dumb`.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (directories recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Exit with status 1 when a finding at or above this severity exists. Add
    /// `unrecognized` and/or `skipped`, comma-separated, to also fail when a file's
    /// content was not recognised or an entry was not read (e.g. `high,unrecognized`;
    /// `unrecognized` alone keeps the default severity, high).
    #[arg(long, value_name = "SEVERITY[,VERDICT…]", default_value = "high", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// Follow every symbolic link found inside directories (paths given here are always
    /// followed; without this, links to files inside the scanned tree or into a Hugging
    /// Face cache's blobs are judged and other links are listed as skipped).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Read the policy from the `[scan]` table of this rampart.toml (allow, exclude,
    /// baseline); the options below add to it.
    #[arg(long, value_name = "rampart.toml")]
    pub config: Option<PathBuf>,
    /// Allow a pickle global of your own code, `module.name` (repeatable). Names that
    /// run code or reach the system (os.system, builtins.eval, subprocess.*, …) are
    /// refused.
    #[arg(long = "allow", value_name = "MODULE.NAME")]
    pub allow: Vec<String>,
    /// Do not scan paths matching this glob (repeatable); they are listed as skipped.
    /// Without `/` it matches a file or folder name at any depth.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Baseline of accepted findings (TOML, or JSON by extension): each with the path
    /// or sha256, the rule, a reason, an owner and an expiry date. Replaces the
    /// config's baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule code (e.g. PKL001) or name (e.g. dangerous-global), threat id (THR001) or
    /// requirement id (SD-3.4).
    pub rule: String,
}

/// Formats of the rule list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule.
    Human,
    /// The registry as JSON.
    Json,
    /// The full documentation of every rule (the source of docs/rules.md).
    Markdown,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

/// When `rampart scan` exits with status 1: findings at or above a severity, and
/// optionally files with the verdicts `unrecognized` or `skipped`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailOn {
    /// Findings at or above this severity fail.
    pub severity: Severity,
    /// These verdicts fail too.
    pub verdicts: Vec<Verdict>,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    let mut severity = None;
    let mut verdicts = Vec::new();
    for part in s.split(',').map(str::trim) {
        match part.to_ascii_lowercase().as_str() {
            "unrecognized" | "unrecognised" => verdicts.push(Verdict::Unrecognized),
            "skipped" => verdicts.push(Verdict::Skipped),
            _ => {
                if severity.is_some() {
                    return Err(format!("`{s}` names more than one severity"));
                }
                severity = Some(
                    parse_severity(part)
                        .map_err(|e| format!("{e}; or a verdict: unrecognized, skipped"))?,
                );
            }
        }
    }
    Ok(FailOn {
        severity: severity.unwrap_or(Severity::High),
        verdicts,
    })
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
        .map_err(|e: rampart_core::severity::UnknownSeverity| e.to_string())
}

/// Hashing options shared by `sign` and `hash`.
#[derive(Debug, Args)]
pub struct HashingArgs {
    /// Digest algorithm of files or shards.
    #[arg(long = "hash", value_name = "ALGORITHM", default_value = "sha256", value_parser = ["sha256", "blake2b", "blake3"])]
    pub algorithm: String,
    /// Hash files in shards of this many bytes (`path:start:end` items) instead of whole.
    #[arg(long, value_name = "BYTES", conflicts_with = "shards")]
    pub shard_size: Option<u64>,
    /// Hash in shards of upstream's default size (1e9 bytes).
    #[arg(long)]
    pub shards: bool,
    /// Model-relative paths to leave out (whole path components).
    #[arg(long = "ignore-paths", value_name = "PATH", num_args = 1..)]
    pub ignore_paths: Vec<String>,
    /// Do not ignore `.git`, `.gitattributes`, `.github` and `.gitignore`.
    #[arg(long)]
    pub no_ignore_git_paths: bool,
    /// Follow symbolic links to files (links to directories are skipped). Off by default.
    #[arg(long)]
    pub allow_symlinks: bool,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Model directory or file.
    pub model: PathBuf,
    /// Private key (PEM: PKCS#8, SEC1 or encrypted PKCS#8).
    #[arg(long, value_name = "KEY.pem")]
    pub key: PathBuf,
    /// Where to write the signature.
    #[arg(long, default_value = "model.sig")]
    pub signature: PathBuf,
    /// File holding the passphrase of an encrypted key (or set RAMPART_KEY_PASSPHRASE).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Signing certificate (PEM) for the key: embeds a certificate chain instead of a key hint.
    #[arg(long, value_name = "LEAF.pem")]
    pub certificate: Option<PathBuf>,
    /// Further certificates of the chain (PEM), in order.
    #[arg(long, value_name = "CERT.pem", num_args = 1.., requires = "certificate")]
    pub certificate_chain: Vec<PathBuf>,
    /// Reuse digests of unchanged files (same size, mtime, ctime and inode) from a
    /// previous signature by the same key and its JSON manifest (extension).
    #[arg(long, value_name = "OLD.sig")]
    pub reuse: Option<PathBuf>,
    #[command(flatten)]
    pub hashing: HashingArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Model directory or file.
    pub model: PathBuf,
    /// Public key (PEM) the model was signed with.
    #[arg(
        long,
        value_name = "PUB.pem",
        required_unless_present = "root",
        conflicts_with = "root"
    )]
    pub key: Option<PathBuf>,
    /// Trusted root certificates (PEM) for certificate signatures.
    #[arg(long, value_name = "ROOT.pem", num_args = 1..)]
    pub root: Vec<PathBuf>,
    /// The signature to check.
    #[arg(long, default_value = "model.sig")]
    pub signature: PathBuf,
    /// Extra model-relative paths to leave out.
    #[arg(long = "ignore-paths", value_name = "PATH", num_args = 1..)]
    pub ignore_paths: Vec<String>,
    /// Also ignore `.git` and friends (the signature's own ignore list always applies).
    #[arg(long)]
    pub ignore_git_paths: bool,
    /// Verify only these model-relative files (extension).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub files: Vec<String>,
    /// Restore differing signed files from this backup copy when the copy matches the
    /// signature (extension).
    #[arg(long, value_name = "DIR")]
    pub restore_from: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct HashArgs {
    /// Model directory or file.
    pub model: PathBuf,
    /// Where to write the JSON manifest (stdout when absent).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Reuse digests of unchanged files from this manifest.
    #[arg(long, value_name = "MANIFEST.json")]
    pub reuse: Option<PathBuf>,
    #[command(flatten)]
    pub hashing: HashingArgs,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Write a new EC key pair: the private key with mode 0600, the public key beside it.
    Generate(KeyGenerateArgs),
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// Curve.
    #[arg(long, default_value = "p256", value_parser = ["p256", "p384", "p521"])]
    pub curve: String,
    /// Private key file to create (never overwritten).
    #[arg(long, default_value = "rampart-key.pem")]
    pub out: PathBuf,
    /// Public key file (default: the private key's name with `.pub.pem`).
    #[arg(long, value_name = "FILE")]
    pub public: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BomArgs {
    /// Project directory holding rampart.toml.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// CycloneDX specification version.
    #[arg(long, default_value = "1.6", value_parser = ["1.6", "1.7"])]
    pub spec: String,
    /// Write the BOM (or, with --check, the report) here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Check documentation, hashes and review dates instead of writing the BOM.
    #[arg(long)]
    pub check: bool,
    /// Output format of --check.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// With --check: exit 1 when a finding at or above this severity exists.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_severity)]
    pub fail_on: Severity,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Project directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite an existing rampart.toml.
    #[arg(long)]
    pub force: bool,
    /// Take the data-flow model (trust zones, components, flows) from an Open Threat
    /// Model file (`rampart assess --format otm` writes one) instead of proposing one.
    /// With --force on an existing rampart.toml, everything else in it is kept (its
    /// comments are not).
    #[arg(long, value_name = "FILE.otm.json")]
    pub from_otm: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Write a signed incident bundle for a time window.
    Export(IncidentExportArgs),
    /// Check an incident bundle offline: signature, proofs, configuration hash.
    Verify(IncidentVerifyArgs),
}

#[derive(Debug, Args)]
pub struct IncidentExportArgs {
    /// The project's rampart.toml (its [ledger] path and [gateway.monitor] are read).
    #[arg(long, default_value = "rampart.toml")]
    pub config: PathBuf,
    /// First time included (RFC 3339).
    #[arg(long)]
    pub from: String,
    /// Last time included (RFC 3339).
    #[arg(long)]
    pub to: String,
    /// Only the entries of this key id.
    #[arg(long, value_name = "KEY_ID")]
    pub key: Option<String>,
    /// Only the entries this rule fired on.
    #[arg(long, value_name = "RULE")]
    pub rule: Option<String>,
    /// Checkpoint signing key (from `rampart audit keygen`): signs a fresh checkpoint
    /// and the bundle.
    #[arg(long, value_name = "FILE", env = "RAMPART_CHECKPOINT_KEY")]
    pub checkpoint_key: PathBuf,
    /// An earlier signed checkpoint of this ledger that the bundle's reader already
    /// holds (repeatable): the bundle carries the consistency proof from it to the
    /// bundle's checkpoint, and export fails when the ledger does not extend it.
    #[arg(long, value_name = "NOTE")]
    pub anchor: Vec<PathBuf>,
    /// Leave the AI-BOM out of the bundle (by default the system's CycloneDX AI-BOM
    /// is built from the configuration's folder and included).
    #[arg(long)]
    pub no_bom: bool,
    /// Bundle file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct IncidentVerifyArgs {
    /// The bundle.
    pub file: PathBuf,
    /// Verifier key (string `name+id+key` or a file holding it).
    #[arg(long, value_name = "VKEY")]
    pub key: String,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// The ledger a subcommand works on.
#[derive(Debug, Args)]
pub struct LedgerDbArgs {
    /// Ledger database (SQLite).
    #[arg(long, default_value = "rampart-ledger.sqlite", env = "RAMPART_LEDGER")]
    pub db: PathBuf,
}

/// The key sealing stored bodies.
#[derive(Debug, Args)]
pub struct BodyKeyArgs {
    /// Key file sealing stored bodies (XChaCha20-Poly1305, mode 0600).
    #[arg(long, value_name = "FILE")]
    pub body_key: Option<PathBuf>,
}

/// Writing entries: bodies and the checkpoint key.
#[derive(Debug, Args)]
pub struct AuditWriteArgs {
    #[command(flatten)]
    pub ledger: LedgerDbArgs,
    #[command(flatten)]
    pub body: BodyKeyArgs,
    /// Store request and response bodies given with the entries (off by default).
    #[arg(long)]
    pub store_bodies: bool,
    /// Checkpoint signing key (signed-note private key, from `rampart audit keygen`).
    #[arg(long, value_name = "FILE", env = "RAMPART_CHECKPOINT_KEY")]
    pub checkpoint_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditCheckpointArgs {
    #[command(flatten)]
    pub ledger: LedgerDbArgs,
    /// Checkpoint signing key (signed-note private key, from `rampart audit keygen`).
    #[arg(long, value_name = "FILE", env = "RAMPART_CHECKPOINT_KEY")]
    pub checkpoint_key: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Append entries given as JSON lines on stdin (`{...entry, "bodies": {...}}`); prints
    /// each index once durable, then writes a signed checkpoint when a key is given.
    Append(AuditWriteArgs),
    /// Sign and store a checkpoint of the current tree head.
    Checkpoint(AuditCheckpointArgs),
    /// Recompute every leaf and the tree; name the first entry modified, removed or
    /// reordered. With --key, the latest stored checkpoint must also verify and match.
    Verify(AuditVerifyArgs),
    /// Write an evidence file for one entry: the entry, its inclusion proof and the
    /// signed checkpoint it is proven against.
    Prove(AuditProveArgs),
    /// Check an evidence file offline (no database): checkpoint signature, leaf hash,
    /// inclusion proof.
    VerifyProof(AuditVerifyProofArgs),
    /// Prove that the log only grew since an old checkpoint.
    Consistency(AuditConsistencyArgs),
    /// Export entries in a time range with proofs and the checkpoint (incident bundle).
    Export(AuditExportArgs),
    /// Print the last entries.
    Tail(AuditTailArgs),
    /// Serve the ledger's HTTP API: append (needs the token in RAMPART_LEDGER_TOKEN),
    /// head, signed checkpoint, evidence, inclusion and consistency proofs.
    Serve(AuditServeArgs),
    /// Delete bodies older than a date; hashes and proofs stay valid.
    Prune(AuditPruneArgs),
    /// Generate a checkpoint signing key (mode 0600) and print its verifier key.
    Keygen(AuditKeygenArgs),
}

#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub ledger: LedgerDbArgs,
    #[command(flatten)]
    pub body: BodyKeyArgs,
    /// Verifier key (string `name+id+key` or a file holding it).
    #[arg(long, value_name = "VKEY")]
    pub key: Option<String>,
    /// Checkpoint to hold the log to (default: the latest stored one).
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct AuditProveArgs {
    #[command(flatten)]
    pub ledger: LedgerDbArgs,
    /// Entry index.
    #[arg(long)]
    pub entry: u64,
    /// Evidence file to write (stdout when absent).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditVerifyProofArgs {
    /// Evidence file from `rampart audit prove` or `export`.
    pub file: PathBuf,
    /// Verifier key of the log (string or file).
    #[arg(long, value_name = "VKEY")]
    pub key: String,
}

#[derive(Debug, Args)]
pub struct AuditConsistencyArgs {
    #[command(flatten)]
    pub ledger: LedgerDbArgs,
    /// An older signed checkpoint.
    pub old_checkpoint: PathBuf,
    /// Verifier key of the log (string or file).
    #[arg(long, value_name = "VKEY")]
    pub key: String,
}

#[derive(Debug, Args)]
pub struct AuditExportArgs {
    #[command(flatten)]
    pub ledger: LedgerDbArgs,
    /// First time included (RFC 3339).
    #[arg(long)]
    pub since: String,
    /// Last time included (RFC 3339).
    #[arg(long)]
    pub until: String,
    /// Bundle file to write (stdout when absent).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditServeArgs {
    #[command(flatten)]
    pub write: AuditWriteArgs,
    /// Listen address.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: std::net::SocketAddr,
    /// Bearer token that appends must present (read from the environment, never a flag;
    /// without it the API is read-only).
    #[arg(long = "token-env", default_value = "RAMPART_LEDGER_TOKEN")]
    pub token_env: String,
    /// Opt-in: plain HTTP on a non-loopback address (weakens DP-1; put TLS in front).
    #[arg(long)]
    pub allow_plain_http: bool,
}

#[derive(Debug, Args)]
pub struct AuditTailArgs {
    #[command(flatten)]
    pub ledger: LedgerDbArgs,
    /// How many entries.
    #[arg(short = 'n', long, default_value_t = 10)]
    pub lines: u64,
}

#[derive(Debug, Args)]
pub struct AuditPruneArgs {
    #[command(flatten)]
    pub ledger: LedgerDbArgs,
    /// Delete bodies of entries older than this time (RFC 3339).
    #[arg(long)]
    pub older_than: String,
}

#[derive(Debug, Args)]
pub struct AuditKeygenArgs {
    /// Log origin / key name (e.g. `audit.example.com/support-bot`).
    #[arg(long)]
    pub name: String,
    /// Private key file to create.
    #[arg(long, default_value = "checkpoint.key")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct GatewayArgs {
    /// The system description holding [gateway] and [ledger].
    #[arg(long, default_value = "rampart.toml")]
    pub config: PathBuf,
    /// Run a mock OpenAI-compatible upstream instead (tests and benchmarks).
    #[arg(long, value_name = "ADDR")]
    pub mock_upstream: Option<String>,
    /// How the mock upstream answers chat completions: `default` (scripted test
    /// behaviour), `vulnerable` (follows injected instructions: a target for `rampart
    /// redteam`) or `hardened` (refuses everything).
    #[arg(long, value_enum, default_value_t = MockPersona::Default, requires = "mock_upstream")]
    pub persona: MockPersona,
    /// Log format on stderr: one JSON object per event, or readable text.
    #[arg(long, value_enum, default_value_t = LogFormat::Json)]
    pub log_format: LogFormat,
    /// Least severe events logged.
    #[arg(long, value_enum, default_value_t = LogLevel::Info)]
    pub log_level: LogLevel,
    /// Start even when an [[alerts]] webhook sink cannot be reached (it is then logged,
    /// counted and its deliveries retried). Without it such a sink refuses the start.
    #[arg(long)]
    pub allow_unreachable_sinks: bool,
}

#[derive(Debug, Args)]
pub struct RedteamArgs {
    /// The endpoint: a base URL (`http://host:port` or `…/v1`) or the full
    /// `…/chat/completions` URL.
    #[arg(long, value_name = "URL", required_unless_present_any = ["import_garak", "import_promptfoo"])]
    pub target: Option<String>,
    /// Instead of attacking a target, score a garak `report.jsonl` in the same result
    /// model (ASR per category, gates, every format).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["target", "import_promptfoo", "resume", "out"])]
    pub import_garak: Option<PathBuf>,
    /// Instead of attacking a target, score a promptfoo `results.json` (`promptfoo eval
    /// --output results.json`) in the same result model.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["target", "resume", "out"])]
    pub import_promptfoo: Option<PathBuf>,
    /// Environment variable holding the API key (sent as a bearer token).
    #[arg(long, value_name = "VAR")]
    pub api_key_env: Option<String>,
    /// Model name sent in each request.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub model: String,
    /// Probe packs to run: pack files (JSON Lines, the format of docs/redteam.md),
    /// `builtin` (every shipped pack) or `builtin:NAME` (one, e.g. `builtin:jailbreak`).
    /// Default: every shipped pack.
    #[arg(long, value_name = "PACK", num_args = 1..)]
    pub probes: Vec<String>,
    /// The system prompt of the assistant under test (default: a built-in customer
    /// service prompt). The run's canary and fake API key are appended to it.
    #[arg(long, value_name = "FILE")]
    pub system_prompt: Option<PathBuf>,
    /// Cases in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Most requests per second (default: no limit).
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// Most conversation turns sent (retries not counted); the cases that do not fit
    /// are reported as not run, and `--resume` runs them later.
    #[arg(long, value_name = "N")]
    pub max_requests: Option<u64>,
    /// Seconds allowed per request, answer included.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    /// Largest answer read, in bytes; a larger one is an error.
    #[arg(long, value_name = "BYTES", default_value_t = 4 << 20)]
    pub max_body: usize,
    /// Retries on 429, 5xx and connection errors (exponential backoff from 250 ms; a
    /// Retry-After on a 429 or 503 is waited for, and one longer than --timeout ends
    /// the retries).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Ask for streamed answers (server-sent events); a stream that does not end within
    /// `--timeout` or grows past `--max-body` is an error.
    #[arg(long)]
    pub stream: bool,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = RedteamFormat::Human)]
    pub format: RedteamFormat,
    /// Directory for the journal of every exchange (`exchanges.jsonl`, fsynced per
    /// line), the run's identity (`run.json`) and the JSON result (`result.json`).
    #[arg(long, value_name = "DIR", conflicts_with = "resume")]
    pub out: Option<PathBuf>,
    /// Exit 1 when a category's attack success rate exceeds RATE, or when it has
    /// probes without a verdict (`all=RATE` for every probe together). Repeatable.
    #[arg(long, value_name = "CAT=RATE")]
    pub fail_on_asr: Vec<String>,
    /// Seed of the generator: markers, planted secrets, homoglyphs and split points.
    /// Same seed, same packs: same requests and the same result.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Continue the run recorded in DIR (by `--out DIR`) without repeating finished
    /// probes; the seed is the recorded one.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// An OpenAI-compatible endpoint used as LLM judge, only for probes whose detector
    /// is `llm-judge` (none of the shipped ones): it answers YES or NO per answer.
    #[arg(long, value_name = "URL")]
    pub judge_url: Option<String>,
    /// Model name sent to the judge.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "default",
        requires = "judge_url"
    )]
    pub judge_model: String,
    /// Environment variable holding the judge's API key.
    #[arg(long, value_name = "VAR", requires = "judge_url")]
    pub judge_api_key_env: Option<String>,
    /// An earlier run's JSON result: show the ASR per category then and now, the cases
    /// that regressed (defended then, successful now) and those fixed.
    #[arg(long, value_name = "OLD_RESULTS")]
    pub baseline: Option<PathBuf>,
}

/// Output formats of `rampart redteam`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RedteamFormat {
    /// Readable text.
    Human,
    /// JSON: overall `asr`, a `categories` table, per-probe rates and every case.
    Json,
    /// SARIF 2.1.0: successful attacks as results.
    Sarif,
    /// JUnit XML: one test case per probe case.
    Junit,
    /// A self-contained HTML report with per-category bars.
    Html,
}

/// Behaviours of the mock upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MockPersona {
    /// Scripted test behaviour (`REPLY:`, `TOOL_CALL:`, …).
    Default,
    /// Follows injected instructions, leaks, calls the tools it is told to.
    Vulnerable,
    /// Refuses every request.
    Hardened,
}

/// Log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Readable text.
    Text,
}

/// Log levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    /// Failures only.
    Error,
    /// Failures and degradations (upstream errors, open circuits).
    Warn,
    /// Every request's outcome.
    Info,
    /// Everything.
    Debug,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key (printed once; only its hash is stored).
    Create(KeysCreateArgs),
    /// List keys (without secrets).
    List(KeysDbArgs),
    /// Revoke a key.
    Revoke(KeysIdArgs),
    /// Replace a key's secret (same id, tenant and scopes).
    Rotate(KeysIdArgs),
}

/// Which key database: the one the gateway of a `rampart.toml` reads, or an explicit file.
#[derive(Debug, Args)]
pub struct KeysDbArgs {
    /// The gateway's system description: the key database is the one the gateway
    /// reads (`[gateway] keys`, default `rampart-keys.sqlite`, relative to the file's
    /// folder). Default: `rampart.toml` in the current folder.
    #[arg(long, conflicts_with = "db")]
    pub config: Option<PathBuf>,
    /// Key database file, instead of the one a `rampart.toml` names.
    #[arg(long)]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeysCreateArgs {
    #[command(flatten)]
    pub db: KeysDbArgs,
    /// Tenant.
    #[arg(long)]
    pub tenant: String,
    /// Models the key may use (default: all).
    #[arg(long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
    /// Tools the model may call for this key (`*`: every declared tool that is not
    /// high-risk; high-risk tools must be named). Default: none.
    #[arg(long = "tool", value_name = "TOOL")]
    pub tools: Vec<String>,
    /// Routes the key may call, e.g. `/v1/embeddings` (default: all).
    #[arg(long = "route", value_name = "ROUTE")]
    pub routes: Vec<String>,
    /// Requests per minute (default: the gateway's).
    #[arg(long, default_value_t = 0)]
    pub rpm: u32,
    /// Tokens per minute, as upstreams report usage (0 = no token quota).
    #[arg(long, default_value_t = 0)]
    pub tpm: u32,
    /// Lifetime in days (0 = no expiry).
    #[arg(long, default_value_t = 90)]
    pub days: u64,
}

#[derive(Debug, Args)]
pub struct KeysIdArgs {
    #[command(flatten)]
    pub db: KeysDbArgs,
    /// Key id (the part after `rk_`).
    pub id: String,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List every weakened setting and the guideline it weakens; exit 1 when one is not opted into.
    Check(ConfigCheckArgs),
}

#[derive(Debug, Args)]
pub struct ConfigCheckArgs {
    /// The system description.
    #[arg(default_value = "rampart.toml")]
    pub config: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Also connect to each [[alerts]] webhook sink and refuse the configuration when
    /// one cannot be reached (off by default: the check is offline and repeatable).
    #[arg(long)]
    pub probe_sinks: bool,
}

#[derive(Debug, Subcommand)]
pub enum GuardCommand {
    /// Check one text (an argument, or `-` for stdin).
    Check(GuardCheckArgs),
    /// Scan a JSON Lines dataset: one result line per input line.
    Scan(GuardScanArgs),
    /// Measure precision, recall, F1 and false-positive rate per category on a
    /// labelled JSON Lines file.
    Eval(GuardEvalArgs),
}

#[derive(Debug, Args)]
pub struct GuardCheckArgs {
    /// The text, or `-` to read stdin.
    pub text: String,
    /// Role of the text: system, user, assistant, tool.
    #[arg(long, default_value = "user")]
    pub role: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Exit with status 1 when the verdict is this or more severe: `flag`, `redact`
    /// (secrets and personal data count) or `block`.
    #[arg(long, value_name = "DECISION", default_value = "block", value_parser = parse_fail_decision)]
    pub fail_on: rampart_core::Decision,
    #[command(flatten)]
    pub setup: GuardSetupArgs,
}

/// A `--fail-on` decision for `guard check` and `guard scan`.
fn parse_fail_decision(s: &str) -> Result<rampart_core::Decision, String> {
    match rampart_core::Decision::parse(s) {
        Some(rampart_core::Decision::Allow) | None => {
            Err(format!("{s:?}: expected flag, redact or block"))
        }
        Some(d) => Ok(d),
    }
}

/// How `rampart guard` builds its pipeline: the `[guard]` policy of a `rampart.toml`
/// and the optional ONNX classifier (CLS002).
#[derive(Debug, Args)]
pub struct GuardSetupArgs {
    /// Apply the `[guard]` table of this rampart.toml (allow-listed hosts, disabled
    /// detectors, actions per category or code, min_score); without it, the defaults.
    #[arg(long, value_name = "RAMPART_TOML")]
    pub config: Option<PathBuf>,
    /// Also score input with this ONNX classifier (CLS002; hashed n-gram input, see
    /// docs/guard.md). Needs a build with the cargo feature `onnx`.
    #[arg(long, value_name = "PATH")]
    pub onnx_model: Option<PathBuf>,
    /// Probability at which the ONNX classifier reports.
    #[arg(long, value_name = "P", default_value_t = 0.5, requires = "onnx_model")]
    pub onnx_threshold: f32,
    /// Use this CLS001 model file (written by scripts/guard/train.py) instead of the
    /// bundled one: a retrained model, or one fold of a leave-one-source-out run.
    #[arg(long, value_name = "PATH")]
    pub classifier: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GuardScanArgs {
    /// JSON Lines file (`-` for stdin).
    #[arg(long)]
    pub jsonl: PathBuf,
    /// Object field holding the text.
    #[arg(long, default_value = "text")]
    pub field: String,
    /// Object field holding the role the text is judged in: user (when absent),
    /// system, assistant, or tool/document for text that reaches the model as data.
    #[arg(long, default_value = "role")]
    pub role_field: String,
    /// Output format: one JSON object per input line, or one readable line per input
    /// line.
    #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
    pub format: ReportFormat,
    /// Exit with status 1 when a line's verdict is this or more severe: `flag`,
    /// `redact` (secrets and personal data count) or `block`.
    #[arg(long, value_name = "DECISION", default_value = "block", value_parser = parse_fail_decision)]
    pub fail_on: rampart_core::Decision,
    #[command(flatten)]
    pub setup: GuardSetupArgs,
}

#[derive(Debug, Args)]
pub struct GuardEvalArgs {
    /// Labelled JSON Lines file.
    #[arg(long)]
    pub jsonl: PathBuf,
    /// Object field holding the text.
    #[arg(long, default_value = "text")]
    pub field: String,
    /// Object field holding the label: a category (injection, jailbreak, secret, pii,
    /// exfiltration, obfuscation, ...), `attack` (injection or jailbreak) or `benign`.
    #[arg(long, default_value = "label")]
    pub label_field: String,
    /// Object field naming the line's source (corpus); lines without it count under
    /// "(unnamed)". Each source's recall and false-positive rate is reported, and the
    /// worst source.
    #[arg(long, default_value = "source")]
    pub source_field: String,
    /// Object field holding the role the text is judged in: user (when absent),
    /// system, assistant, or tool/document for text that reaches the model as data.
    #[arg(long, default_value = "role")]
    pub role_field: String,
    /// Object field listing the strings in the text that must not get through (the
    /// secrets or personal data, as they appear). A line with values counts as caught
    /// only when every occurrence of each is inside a redacted or blocked finding.
    #[arg(long)]
    pub values_field: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub setup: GuardSetupArgs,
}
