use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports the credential after `Bearer` (an `Authorization` header in a curl command, an HTTP
/// request, a log line or code), when it is long and random enough to be a token.
    ///
    /// ## Why is this dangerous?
    /// A bearer token is the credential itself: whoever holds it acts as its owner until it
/// expires or is revoked.
    ///
    /// ## Example
    /// ```text
    /// curl -H "Authorization: Bearer <32 or more random characters>" https://api.example.com
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke or rotate the token at its issuer.
    ///
    /// ## False positives
    /// Placeholders (`Bearer <token>`, `Bearer YOUR_TOKEN`) and short or low-entropy values are
/// ignored. A JWT is reported as SEC011 instead (this rule is weak where they overlap).
    ///
    /// ## References
    /// RFC 6750 (Bearer Token Usage); guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC014",
        name: "bearer-token",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "High-entropy bearer token in an Authorization header or a `Bearer` value",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"(?i:\bbearer)\s+(?P<v>[A-Za-z0-9\-._~+/]{20,}=*)"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "", 3.3, 2)?;
    Some((0.9, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "BEARER_TOKEN",
    roles: ALL,
    weak: true,
    engine: Engine::Tokens(RULES),
};
