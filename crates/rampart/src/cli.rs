//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rampart_core::Severity;

/// rampart: the Guidelines for secure AI system development, as a tool.
#[derive(Debug, Parser)]
#[command(name = "rampart", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan model files and directories for code execution and tampering (SD-3, DV-1).
    Scan(ScanArgs),
    /// Print the documentation of a rule.
    Explain(ExplainArgs),
    /// List every rule.
    Rules(RulesArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Readable text.
    Human,
    /// JSON with a versioned schema (see docs/scan-json.md).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
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
    /// Exit with status 1 when a finding at or above this severity exists.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// Follow symbolic links found inside directories (paths given here are always followed).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Only print files with findings and the summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also list clean files.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule code (e.g. PKL001) or name (e.g. dangerous-global).
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

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
        .map_err(|e: rampart_core::severity::UnknownSeverity| e.to_string())
}
