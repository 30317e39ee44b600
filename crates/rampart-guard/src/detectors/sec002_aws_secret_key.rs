use rampart_core::declare_rule;

use super::util::{classes, entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a 40-character AWS secret access key in an assignment or near the word
    /// `aws`/`secret` (`aws_secret_access_key = …`, `"SecretAccessKey": "…"`), and an
    /// AWS session token (the base64 of STS, which starts `IQoJb3JpZ2luX2Vj` or
    /// `FwoGZXIvYXdzE`).
    ///
    /// ## Why is this dangerous?
    /// With the access key ID it grants whatever the IAM principal may do.
    ///
    /// ## Example
    /// ```text
    /// aws_secret_access_key = 9drTJvcXLB89EXAMPLEKEYZ8h5m0Pz2uVqK3nWcR
    /// ```
    /// (with a random tail; the word EXAMPLE makes this one a placeholder).
    ///
    /// ## Remediation
    /// Redact; rotate the key pair.
    ///
    /// ## False positives
    /// Git SHAs and other hex strings (one or two character classes, low entropy), the
    /// documentation key `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` and placeholders are
    /// ignored. Without the context keyword no 40-character string is reported.
    ///
    /// ## References
    /// AWS credentials file format; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC002",
        name: "aws-secret-key",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "AWS secret access key or session token",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r"(?i:aws|secret)[ -~]{0,60}?(?P<v>[A-Za-z0-9/+]{40})",
        validate,
    },
    // a session token: the prefixes are the base64 of STS's fixed first bytes
    TokenRule {
        re: r"(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{100,4096}",
        validate: validate_session,
    },
];

fn validate_session(text: &str, s: usize, e: usize) -> Option<Hit> {
    isolated(text, s, e, b"/+").then_some((0.95, s, e))
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !isolated(text, s, e, b"/+=") || is_placeholder(v) {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_hexdigit()) || classes(v) < 3 || entropy(v) < 4.0 {
        return None;
    }
    Some((0.9, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "AWS_SECRET",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
