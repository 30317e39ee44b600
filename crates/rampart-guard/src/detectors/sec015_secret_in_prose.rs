use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a value announced as a credential in a sentence: "my API key is …", "the
/// password was …", "our token: …", when the value looks like one (mixed letters with digits
/// or symbols, no spaces).
    ///
    /// ## Why is this dangerous?
    /// Users paste credentials into chats and tickets in plain words; nothing in the value's
/// shape says what it is, only the sentence does.
    ///
    /// ## Example
    /// ```text
    /// hi, my api key is <a random value> so please use it
    /// ```
    ///
    /// ## Remediation
    /// Redact; rotate the credential — it has been shared with the model and its logs.
    ///
    /// ## False positives
    /// Ordinary words after the phrase ("the password is wrong", "my token is expired") are
/// ignored: the value must mix character classes and contain a digit or symbol.
    ///
    /// ## References
    /// OWASP Top 10 for LLM Applications 2025, LLM02 (sensitive information disclosure);
/// guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC015",
        name: "secret-in-prose",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "A password, key or token announced in prose (\"my API key is …\")",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"(?i:\b(?:my|our|the|his|her|their|your)\s+(?:[a-z]+\s+)?(?:api[ \-]?key|access[ \-]?key|secret[ \-]?key|key|token|password|passphrase|passcode|secret|pin|credentials?)\s*(?:is|was|are|=|:)\s*[:=]?\s*["\'`]?)(?P<v>[^\s"\'`,;]{8,64})"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let tail = random_tail(text, s, e, "", 2.8, 2)?;
    if !tail.bytes().any(|b| !b.is_ascii_alphabetic()) {
        return None;
    }
    Some((0.85, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "SECRET",
    roles: ALL,
    weak: true,
    engine: Engine::Tokens(RULES),
};
