use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Docker Hub access token: `dckr_pat_` or `dckr_oat_` followed by 27 or more
/// random characters.
    ///
    /// ## Why is this dangerous?
    /// A token with write scope pushes images as its owner: a poisoned image of a model
/// server runs wherever it is pulled.
    ///
    /// ## Example
    /// ```text
    /// docker login -u me -p dckr_pat_<27 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; delete the token in Docker Hub's security settings.
    ///
    /// ## False positives
    /// Placeholders are ignored.
    ///
    /// ## References
    /// Docker, "Personal access tokens"; guidelines SD-3, DP-2, DV-1.
    pub(crate) static RULE = {
        code: "SEC020",
        name: "docker-hub-token",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "Docker Hub personal or organisation access token (`dckr_pat_`, `dckr_oat_`)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,}"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "dckr_pat_", 3.5, 2)?;
    Some((0.97, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "DOCKER_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
