use rampart_core::declare_rule;

use super::util::{classes, entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an OpenAI API key: legacy user keys (`sk-` + 48 characters with the
    /// `T3BlbkFJ` marker), project keys (`sk-proj-…`), service-account keys
    /// (`sk-svcacct-…`) and admin keys (`sk-admin-…`).
    ///
    /// ## Why is this dangerous?
    /// Anyone holding it spends the owner's quota and reads the project's files,
    /// assistants and fine-tunes.
    ///
    /// ## Example
    /// ```text
    /// OPENAI_API_KEY=sk-proj-<long random base-64url string>
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the key in the provider's dashboard.
    ///
    /// ## False positives
    /// Placeholders (`sk-xxxx`, `sk-...`, `sk-your-key-here`), Anthropic keys (SEC009)
    /// and short or low-entropy values are ignored.
    ///
    /// ## References
    /// OpenAI API key formats; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC008",
        name: "openai-api-key",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "OpenAI API key",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if v.starts_with("sk-ant-") || !isolated(text, s, e, &[]) || is_placeholder(v) {
        return None;
    }
    let body = v.get(3..)?;
    if body.contains("T3BlbkFJ") && classes(body) >= 3 {
        return Some((0.99, s, e));
    }
    let scoped = ["proj-", "svcacct-", "admin-"]
        .iter()
        .any(|p| body.starts_with(p));
    let min_len = if scoped { 40 } else { 32 };
    if body.len() < min_len || classes(body) < 3 || entropy(body) < 4.0 {
        return None;
    }
    Some((if scoped { 0.97 } else { 0.85 }, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "OPENAI_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
