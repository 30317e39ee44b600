use rampart_core::declare_rule;

use super::util::{classes, entropy, is_placeholder};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports the value of a session cookie or session identifier: a name ending in
    /// `session`, `sessid`, `session_id`, `session-token` or `sid`
    /// (`_gitlab_session=`, `PHPSESSID=`, `JSESSIONID=`, `ASP.NET_SessionId=`,
    /// `laravel_session=`, `sessionid=`, `next-auth.session-token=`, `connect.sid=`,
    /// `SID=`), followed by `=` (a `Cookie:` or `Set-Cookie:` header, `curl -b`, a
    /// query string) or by `:` in JSON, with a random value of 16 to 512 characters.
    ///
    /// ## Why is this dangerous?
    /// A live session cookie is the signed-in session itself: whoever holds it is the
    /// user until it expires, with no password and no second factor. Support tickets,
    /// HAR excerpts and `curl` commands pasted into a chat carry them.
    ///
    /// ## Example
    /// ```text
    /// Set-Cookie: _gitlab_session=15561d2a2a137bbd2d727776f9c85f4b; path=/; secure
    /// ```
    ///
    /// ## Remediation
    /// Redact; sign the session out (or rotate the application's session secret).
    ///
    /// ## False positives
    /// The value must look random: at least 16 characters, two character classes and
    /// Shannon entropy of 3 bits per character; placeholders (`<session>`, `xxxx`,
    /// `${SESSION}`) and words are not reported. A bare `sid` must stand as a name
    /// of its own (`connect.sid`, `; SID=`), not end a word or a longer name
    /// (`TWILIO_ACCOUNT_SID=` names an account, not a session).
    ///
    /// ## References
    /// OWASP Session Management Cheat Sheet; CWE-384; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC036",
        name: "session-cookie",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "The value of a session cookie or session identifier",
    }
}

/// The end of a session cookie's name, then `=` (or a JSON `":"`) and the value.
/// Written in its cases rather than under `(?i)`, so the engine anchors it at these
/// literals.
static RULES: &[TokenRule] = &[TokenRule {
    re: concat!(
        r#"(?:(?:[Ss]ession|SESSION|[Ss]ess|SESS)(?:[_\-.]?(?:[Ii][Dd]|[Tt]oken|TOKEN))?|sid|SID)"#,
        r#"(?:=|["']?[ \t]*:[ \t]*["'])(?P<v>[A-Za-z0-9%._\-+/=:]{16,})"#
    ),
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?.trim_end_matches(['.', ':']);
    let e = s + v.len();
    // the name before the `=`: a bare `sid` must not end a longer word (`Bessid`)
    let name_start = text
        .get(..s)?
        .trim_end_matches(['=', ':', ' ', '\t', '"', '\'']);
    let lower_end = name_start
        .get(name_start.len().saturating_sub(6)..)
        .unwrap_or("")
        .to_ascii_lowercase();
    if lower_end.ends_with("sid") && !lower_end.ends_with("sessid") {
        // `connect.sid`, `; SID=`, `{"sid": …}`; not `ACCOUNT_SID=` (a Twilio
        // account's name, not a session) nor the end of a word
        let before = name_start
            .len()
            .checked_sub(4)
            .and_then(|i| text.as_bytes().get(i));
        if before.is_some_and(|b| !b" \t\r\n;.,\"'{&?".contains(b)) {
            return None;
        }
    }
    let random = (16..=512).contains(&v.len())
        && !is_placeholder(v)
        && !v
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-' || b == b'.')
        && classes(v) >= 2
        && entropy(v) >= 3.0;
    random.then_some((0.8, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "SESSION",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
