//! Renderers for reports. JSON and SARIF come from `rampart-core`; this module holds
//! the human text renderer.

pub mod human;

use rampart_core::Guideline;

/// `SD-3, DV-1`.
pub fn guideline_list(guidelines: &[Guideline]) -> String {
    guidelines
        .iter()
        .map(|g| g.id())
        .collect::<Vec<_>>()
        .join(", ")
}
