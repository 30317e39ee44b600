use aho_corasick::AhoCorasick;
use rampart_core::declare_rule;

use super::{Detector, Engine, OUTPUT};
use crate::engine::RawHit;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a configured canary string (`PipelineConfig::canaries`) in model output,
    /// case-insensitively, including inside encoded segments.
    ///
    /// ## Why is this dangerous?
    /// A canary is a random marker placed in the system prompt; it appears in output
    /// only when the model repeats its hidden instructions.
    ///
    /// ## Example
    /// ```text
    /// system prompt: "... [canary:7f3a9c21e4] ..."   output: "My instructions say [canary:7f3a9c21e4] ..."
    /// ```
    ///
    /// ## Remediation
    /// Block the response; review the conversation for an extraction attack (INJ004).
    ///
    /// ## False positives
    /// None if the canary is random and long enough (16+ characters).
    ///
    /// ## References
    /// OWASP LLM07:2025 System Prompt Leakage; Rebuff canary words; guidelines SD-3
    /// (output guardrails), DP-2.
    pub(crate) static RULE = {
        code: "LEK001",
        name: "canary-token",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "Canary token from the system prompt in output",
    }
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Leakage,
    placeholder: "CANARY",
    roles: OUTPUT,
    weak: false,
    engine: Engine::Custom,
};

/// Compiles the canaries into one case-insensitive automaton (`None` when there are
/// none).
pub(crate) fn automaton(
    canaries: &[String],
) -> Result<Option<AhoCorasick>, aho_corasick::BuildError> {
    let pats: Vec<&str> = canaries
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty())
        .collect();
    if pats.is_empty() {
        return Ok(None);
    }
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(pats)
        .map(Some)
}

/// Finds the canaries in the (lowercase normalised) text in one pass.
pub(crate) fn check(ac: &AhoCorasick, lower: &str, out: &mut Vec<RawHit>) {
    for m in ac.find_iter(lower) {
        out.push(RawHit {
            detector: &DETECTOR,
            start: m.start(),
            end: m.end(),
            score: 1.0,
            note: "canary token from the system prompt".to_owned(),
        });
    }
}
