use rampart_core::declare_rule;

use super::util::{entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an Anthropic API or admin key: `sk-ant-api03-…`, `sk-ant-admin01-…` and
    /// related `sk-ant-` prefixes with a long base-64url body.
    ///
    /// ## Why is this dangerous?
    /// It spends the owner's quota and, for admin keys, manages the organisation.
    ///
    /// ## Example
    /// ```text
    /// ANTHROPIC_API_KEY=sk-ant-api03-<about 95 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the key in the console.
    ///
    /// ## False positives
    /// Placeholders (`sk-ant-xxxx`, `sk-ant-...`) and low-entropy bodies are ignored.
    ///
    /// ## References
    /// Anthropic API key format; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC009",
        name: "anthropic-api-key",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "Anthropic API key",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"sk-ant-[a-z]{2,6}[0-9]{2}-[A-Za-z0-9_\-]{32,}",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let body = v.get(7..)?;
    if !isolated(text, s, e, &[]) || is_placeholder(body) || entropy(body) < 4.0 {
        return None;
    }
    Some((if v.ends_with("AA") { 0.99 } else { 0.95 }, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "ANTHROPIC_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
