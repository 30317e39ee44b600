use rampart_core::declare_rule;

use super::util::{classes, entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::decode::base64_decode;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports HTTP Basic credentials: the base64 value of an `Authorization: Basic`
/// header that decodes to `user:password`, and the `user:password` of `curl -u` /
/// `--user` (the password part).
    ///
    /// ## Why is this dangerous?
    /// Base64 is an encoding, not a secret's protection: anyone who reads a pasted
/// request or command has the account's password.
    ///
    /// ## Example
    /// ```text
    /// Authorization: Basic <base64 of user:password>
    /// curl -u ci-user:'<password>' https://jenkins.example/job/deploy
    /// ```
    ///
    /// ## Remediation
    /// Redact; change the password or token.
    ///
    /// ## False positives
    /// A header value is reported only when it decodes to printable text with a `:`
/// and something on both sides; a `curl -u` password only when it is not a
/// placeholder or variable (`$PASS`, `<password>`) and looks random or mixes a letter
/// with a digit or symbol.
    ///
    /// ## References
    /// RFC 7617 (the Basic HTTP authentication scheme); guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC026",
        name: "basic-auth-credentials",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "HTTP Basic credentials (`Authorization: Basic <user:password in base64>`, `curl -u user:password`)",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r"\b(?:[Bb]asic|BASIC)\s+(?P<v>[A-Za-z0-9+/]{8,512}={0,2})",
        validate: validate_header,
    },
    TokenRule {
        re: r#"(?: -u ?| --user[ =])["']?[^\s:"']{1,64}:["']?(?P<v>[^\s"']{6,128})"#,
        validate: validate_user,
    },
];

fn validate_header(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !isolated(text, s, e, b"+/=") {
        return None;
    }
    let decoded = base64_decode(v, 384)?;
    let decoded = std::str::from_utf8(&decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    let printable = |t: &str| !t.is_empty() && t.chars().all(|c| !c.is_control());
    (printable(user) && printable(password) && !is_placeholder(password)).then_some((0.95, s, e))
}

fn validate_user(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if is_placeholder(v) || v.starts_with('$') {
        return None;
    }
    let mixed = v.chars().any(char::is_alphabetic) && !v.chars().all(char::is_alphanumeric);
    (mixed || (classes(v) >= 2 && entropy(v) >= 3.0)).then_some((0.85, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "BASIC_AUTH",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
