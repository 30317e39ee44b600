use rampart_core::declare_rule;

use super::util::{entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Google API key: `AIza` followed by 35 base-64url characters (Maps,
    /// Gemini, Firebase and other Google Cloud APIs).
    ///
    /// ## Why is this dangerous?
    /// An unrestricted key bills the owner's project and, for Gemini keys, reads its
    /// uploaded files and cached contents.
    ///
    /// ## Example
    /// ```text
    /// GEMINI_API_KEY=AIza<35 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; restrict or regenerate the key.
    ///
    /// ## False positives
    /// Placeholders are ignored. Browser keys meant to be public (Maps JavaScript with
    /// an HTTP-referrer restriction) are still reported: the detector cannot see the
    /// restriction.
    ///
    /// ## References
    /// Google Cloud API keys; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC010",
        name: "google-api-key",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "Google API key",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"AIza[0-9A-Za-z_\-]{35}",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !isolated(text, s, e, &[]) || is_placeholder(v) || entropy(v) < 3.8 {
        return None;
    }
    Some((0.97, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "GOOGLE_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
