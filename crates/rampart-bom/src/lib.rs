//! The AI-BOM: a CycloneDX 1.6/1.7 ML-BOM of an AI system built from its
//! `rampart.toml` and its artefacts (model files, datasets, prompts), with file hashes
//! reused from signing manifests, scanner findings as vulnerabilities, and
//! documentation checks (`rampart bom --check`) as findings with guideline IDs.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod artifacts;
pub mod bom;
pub mod init;
pub mod rules;

use std::path::Path;

use rampart_core::system::{today_utc, SystemDescription};
use rampart_core::{FileReport, Report};

pub use bom::{build, Bom, SpecVersion};

/// Runs the documentation and integrity checks on a built BOM.
pub fn check(system: &SystemDescription, bom: &Bom, today: Option<(i32, u32, u32)>) -> Report {
    let input = rules::CheckInput {
        system,
        artifacts: &bom.artifacts,
        unreadable: &bom.unreadable,
        today: today.unwrap_or_else(today_utc),
    };
    let findings = rules::run_all(&input);
    let file = FileReport::new(
        "rampart.toml".into(),
        "rampart-toml".into(),
        None,
        findings,
        false,
        None,
    );
    Report::new("bom-check", env!("CARGO_PKG_VERSION"), vec![file])
}

/// Reads `dir/rampart.toml`.
pub fn read_system(dir: &Path) -> Result<SystemDescription, rampart_core::system::SystemError> {
    SystemDescription::read(&dir.join("rampart.toml"))
}
