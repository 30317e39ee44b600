use rampart_core::declare_rule;

use super::util::{is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an AWS access key ID: `AKIA` (long-term user key), `ASIA` (temporary STS
    /// key), `ABIA` or `ACCA` followed by 16 base-32 characters.
    ///
    /// ## Why is this dangerous?
    /// The key ID is one half of an AWS credential; where it appears, the secret key is
    /// usually next to it. In a prompt it is sent to a third party; in an answer it may
    /// come from training data or retrieved documents.
    ///
    /// ## Example
    /// ```text
    /// aws_access_key_id = AKIA2E0A8F3B244C9986
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves your boundary; rotate the key if it was exposed.
    ///
    /// ## False positives
    /// AWS's documentation key `AKIAIOSFODNN7EXAMPLE` and other placeholders are ignored.
    ///
    /// ## References
    /// AWS IAM identifiers (unique ID prefixes); guidelines SD-3 (egress data controls),
    /// DP-2 (protect confidential information).
    pub(crate) static RULE = {
        code: "SEC001",
        name: "aws-access-key-id",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "AWS access key ID",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !isolated(text, s, e, &[]) || is_placeholder(v) {
        return None;
    }
    Some((0.95, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "AWS_KEY_ID",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
