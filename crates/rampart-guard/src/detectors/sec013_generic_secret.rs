use rampart_core::declare_rule;

use super::util::{classes, entropy, is_placeholder};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a high-entropy value assigned to a credential-like name
    /// (`password = "…"`, `api_key: …`, `"client_secret": "…"`, `token=…`) and the
    /// password in a connection URL (`postgres://user:PASSWORD@host`).
    ///
    /// ## Why is this dangerous?
    /// Configuration files, logs and stack traces pasted into a chat carry the
    /// credentials of the systems they configure.
    ///
    /// ## Example
    /// ```text
    /// DB_PASSWORD="tR9#vQ2!mZ7pL4xK"
    /// ```
    ///
    /// ## Remediation
    /// Redact; rotate the credential.
    ///
    /// ## False positives
    /// Values with fewer than two character classes or low Shannon entropy, variable
    /// references (`${DB_PASSWORD}`, `os.environ[...]`, `process.env.X`), identifiers
    /// and placeholders (`changeme`, `your-password-here`, `****`) are ignored. A
    /// value inside a typed key (SEC001–SEC012) is reported once, by the typed rule.
    ///
    /// ## References
    /// CWE-798 (use of hard-coded credentials); guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC013",
        name: "generic-secret-assignment",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "High-entropy secret assigned to a credential-like name",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r#"(?i:pass(?:word|wd|phrase)?|pwd|secret(?:[_\-]?key)?|api[_\-]?key|apikey|access[_\-]?key|(?:access|auth|api|bearer|refresh|session)[_\-]?token|token|client[_\-]?secret|private[_\-]?key|credentials?)["']?\s*(?::=|=>|[:=])\s*["'`]?(?P<v>[^\s"'`,;]{8,})"#,
        validate,
    },
    TokenRule {
        re: r"[a-z][a-z0-9+.\-]{1,20}://[^\s:/@]+:(?P<v>[^\s@/]{6,})@[A-Za-z0-9.\-]+",
        validate: validate_url,
    },
];

fn plausible(v: &str) -> bool {
    let template = v.contains("%(") || v.contains("%s") || (v.starts_with('%') && v.ends_with('%'));
    if is_placeholder(v) || v.contains('(') || v.contains('[') || template {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if [
        "process.env",
        "environ",
        "getenv",
        "secrets.",
        "vault:",
        "null",
        "none",
        "true",
        "false",
        "password",
        "undefined",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return false;
    }
    // identifiers and dotted names without digits: variable references
    if v.bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'.' || b == b'-')
    {
        return false;
    }
    let ent = entropy(v);
    let need = if v.len() >= 20 { 3.3 } else { 2.7 };
    classes(v) >= 2 && ent >= need
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?.trim_end_matches(['.', ')', '}', ']']);
    if v.len() > 128 || !plausible(v) {
        return None;
    }
    Some((0.8, s, s + v.len()))
}

fn validate_url(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if v.len() > 128
        || is_placeholder(v)
        || v.eq_ignore_ascii_case("password")
        || v.eq_ignore_ascii_case("pass")
    {
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
