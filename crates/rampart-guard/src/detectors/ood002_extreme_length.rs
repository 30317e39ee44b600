use rampart_core::declare_rule;

use super::{Detector, Engine, INPUT};
use crate::engine::RawHit;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports input longer than `PipelineConfig::max_chars` characters (default
    /// 32,768); the score rises to 0.9 at four times the limit.
    ///
    /// ## Why is this dangerous?
    /// Very long inputs carry many-shot jailbreaks and context-flooding attacks that
    /// push the system prompt out of the model's attention, and they drive cost.
    ///
    /// ## Example
    /// A 200,000-character prompt made of hundreds of fake dialogue turns.
    ///
    /// ## Remediation
    /// Flag (default policy); enforce a request-size limit at the gateway.
    ///
    /// ## False positives
    /// Legitimate long documents (contracts, logs) for a summarisation endpoint; raise
    /// `max_chars` there.
    ///
    /// ## References
    /// Anil et al., "Many-shot Jailbreaking" (2024); OWASP LLM10:2025 Unbounded
    /// Consumption; guidelines OM-2, DP-2.
    pub(crate) static RULE = {
        code: "OOD002",
        name: "extreme-length",
        severity: Low,
        guidelines: [Om2, Dp2],
        summary: "Input longer than the configured limit",
    }
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Ood,
    placeholder: "LONG",
    roles: INPUT,
    weak: false,
    engine: Engine::Custom,
};

/// Checks the length (in characters) of the original text.
pub(crate) fn check(chars: usize, max: usize, out: &mut Vec<RawHit>) {
    if max == 0 || chars <= max {
        return;
    }
    let over = chars as f32 / max as f32;
    out.push(RawHit {
        detector: &DETECTOR,
        start: max,
        end: chars,
        score: (0.5 + (over - 1.0) * 0.4 / 3.0).min(0.9),
        note: format!("{chars} characters, limit {max}"),
    });
}
