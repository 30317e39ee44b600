use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Mailgun private API key: `key-` followed by 32 random lowercase hex or
/// alphanumeric characters, or the newer form of 32 hex digits, `-`, 8 and `-`, 8
/// (`<32 hex>-<8 hex>-<8 hex>`).
    ///
    /// ## Why is this dangerous?
    /// The private key sends mail through the account's domains and reads its logs.
    ///
    /// ## Example
    /// ```text
    /// MAILGUN_API_KEY=key-<32 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; regenerate the key in Mailgun's API security settings.
    ///
    /// ## False positives
    /// Placeholders and low-entropy values are ignored. The entropy bar suits hex: 32
/// random hex digits average about 3.6 bits a character (at most 4), so a bar at 3.6
/// missed about half of real keys; it is 3.0.
    ///
    /// ## References
    /// Mailgun, "API keys"; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC025",
        name: "mailgun-key",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "Mailgun private API key (`key-` and 32 hex digits, or `<32 hex>-<8 hex>-<8 hex>`)",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r#"key-[0-9a-z]{32}"#,
        validate,
    },
    TokenRule {
        // the newer form has no prefix of its own: read after `api:` (Basic auth's user
        // name for Mailgun), the variable's name or the word Mailgun
        re: r#"(?:api:|MAILGUN_API_KEY=|[Mm]ailgun[^\n]{0,80}?)(?P<v>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})"#,
        validate,
    },
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let tail = random_tail(text, s, e, "key-", 3.0, 1)?;
    if !tail.bytes().any(|b| !b.is_ascii_alphabetic()) {
        return None;
    }
    Some((0.9, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "MAILGUN_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
