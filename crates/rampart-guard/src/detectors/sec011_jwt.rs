use rampart_core::declare_rule;

use super::util::isolated;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::decode::base64_decode;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a JSON Web Token: three base-64url parts whose header decodes to a JSON
    /// object with an `alg` member and whose payload decodes to a JSON object.
    ///
    /// ## Why is this dangerous?
    /// A JWT is a bearer credential: whoever holds an unexpired token is its subject.
    ///
    /// ## Example
    /// ```text
    /// Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.<signature>
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the session or rotate the signing key if the token is long-lived.
    ///
    /// ## False positives
    /// Strings that merely start with `eyJ` but do not decode to a JWT header are
    /// ignored. Expired tokens are still reported (the detector does not read `exp`).
    ///
    /// ## References
    /// RFC 7519 (JWT), RFC 7515 (JWS); guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC011",
        name: "json-web-token",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "JSON Web Token",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{16,}",
    validate,
}];

fn json_object(part: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = base64_decode(part, 16 * 1024)?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !isolated(text, s, e, b".") {
        return None;
    }
    let mut parts = v.split('.');
    let header = json_object(parts.next()?)?;
    if !header.get("alg").is_some_and(serde_json::Value::is_string) {
        return None;
    }
    json_object(parts.next()?)?;
    Some((0.95, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "JWT",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
