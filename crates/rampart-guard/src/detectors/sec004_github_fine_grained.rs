use rampart_core::declare_rule;

use super::util::{entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a GitHub fine-grained personal access token: `github_pat_`, 22 base-62
    /// characters, `_`, 59 base-62 characters.
    ///
    /// ## Why is this dangerous?
    /// It acts as its owner on the repositories and permissions it was granted.
    ///
    /// ## Example
    /// ```text
    /// token: github_pat_11ABCDE2Y0aBcDeFgHiJkL_<59 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the token.
    ///
    /// ## False positives
    /// Placeholders (`github_pat_xxxx…`) and low-entropy tails are ignored.
    ///
    /// ## References
    /// GitHub fine-grained personal access tokens; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC004",
        name: "github-fine-grained-token",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "GitHub fine-grained personal access token",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let tail = v.get(11..)?;
    if !isolated(text, s, e, &[]) || is_placeholder(tail) || entropy(tail) < 4.0 {
        return None;
    }
    Some((0.99, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "GITHUB_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
