use rampart_core::declare_rule;

use super::util::{entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab token: personal (`glpat-`), deploy (`gldt-`), runner
    /// (`glrt-`), pipeline trigger (`glptt-`), CI build (`glcbt-`), feed (`glft-`) or
    /// SCIM/OAuth (`glsoat-`) tokens with 20 or more token characters.
    ///
    /// ## Why is this dangerous?
    /// It grants API access to the projects its owner can reach.
    ///
    /// ## Example
    /// ```text
    /// GITLAB_TOKEN=glpat-<20 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the token.
    ///
    /// ## False positives
    /// Placeholders (`glpat-xxxxxxxxxxxxxxxxxxxx`) and low-entropy values are ignored.
    ///
    /// ## References
    /// GitLab token prefixes documentation; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC005",
        name: "gitlab-token",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "GitLab access token",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"gl(?:pat|dt|rt|ptt|cbt|ft|soat)-[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let tail = v.split_once('-').map_or(v, |p| p.1);
    if !isolated(text, s, e, &[]) || is_placeholder(tail) || entropy(tail) < 3.5 {
        return None;
    }
    Some((0.97, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "GITLAB_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
