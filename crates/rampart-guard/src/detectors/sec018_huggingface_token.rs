use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Hugging Face user access token: `hf_` followed by 34 letters.
    ///
    /// ## Why is this dangerous?
    /// A write token can push models and datasets as its owner: a poisoned model published
/// under a trusted name is a supply-chain attack.
    ///
    /// ## Example
    /// ```text
    /// HF_TOKEN=hf_<34 random letters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; invalidate the token in the Hugging Face settings.
    ///
    /// ## False positives
    /// Placeholders and words that merely start with `hf_` are ignored (the tail must be
/// random).
    ///
    /// ## References
    /// Hugging Face, "User access tokens"; guidelines SD-3, DP-2, DV-1.
    pub(crate) static RULE = {
        code: "SEC018",
        name: "huggingface-token",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "Hugging Face access token (`hf_`)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"hf_[A-Za-z]{34}"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "hf_", 3.8, 2)?;
    Some((0.97, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "HF_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
