//! Shared vocabulary of rampart: the guideline IDs every finding names, severities,
//! findings and their locations, rule metadata, and the report that every command
//! renders as human text, JSON or SARIF.
//!
//! Producers (the scanner, later the BOM checker and the gateway) build a [`Report`];
//! renderers only read it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bounded;
pub mod date;
pub mod decision;
pub mod generated;
pub mod guideline;
pub mod reference;
pub mod report;
pub mod rule;
pub mod sarif;
pub mod severity;
pub mod system;

pub use decision::Decision;
pub use guideline::Guideline;
pub use report::{
    Acceptance, AcceptedFinding, FileReport, Finding, Location, Report, Summary, Verdict,
    SCHEMA_VERSION,
};
pub use rule::RuleMeta;
pub use severity::Severity;
