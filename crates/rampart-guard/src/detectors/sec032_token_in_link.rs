use rampart_core::declare_rule;

use super::util::{classes, entropy, floor_boundary, is_placeholder};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a link that carries a credential in its query or fragment: a magic
    /// sign-in link, a password-reset or invitation link, a pre-signed download link
    /// (`X-Amz-Signature`), or any URL with a random value under a parameter named
    /// `token`, `access_token`, `auth`, `key`, `apikey`, `secret`, `password`,
    /// `session`, `invite` and the like. The whole link is reported.
    ///
    /// ## Why is this dangerous?
    /// Whoever opens the link is signed in, resets the password, joins the workspace
    /// or downloads the file: the link is the credential. People paste such e-mails
    /// into a chat to ask whether they are a scam.
    ///
    /// ## Example
    /// ```text
    /// https://www.example.net/login/magic?token=Rz7pKq2WmX9vBn4TcL8eHy3Sd5&uid=30981277
    /// ```
    ///
    /// ## Remediation
    /// Redact; if the link was shared, expire it (sign out other sessions, revoke the
    /// invitation, rotate the key).
    ///
    /// ## False positives
    /// The value must look random: at least 16 characters, letters and digits mixed,
    /// not a placeholder (`YOUR_TOKEN`, `<token>`, `${TOKEN}`, `xxxx`). Pagination and
    /// form tokens are not in the name list (`pageToken`, `csrf_token` do not start a
    /// parameter named `token`), nor a CDN's signed asset links (`sig=`): only the
    /// cloud stores' pre-signed ones (`X-Amz-Signature`, `X-Goog-Signature`).
    ///
    /// ## References
    /// RFC 6750 §5.3 (do not pass bearer tokens in page URLs); OWASP ASVS V3;
    /// guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC032",
        name: "token-in-link",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "A sign-in, reset, invitation or pre-signed link with its token",
    }
}

/// A parameter with a credential's name (in three cases rather than under `(?i)`,
/// whose case variants are too many for the engine's literal search), in a query or
/// fragment; the value and the link around it are read by [`validate`] (a pattern spanning the whole link made
/// the lazy DFA rebuild its states on every text with a link).
static RULES: &[TokenRule] = &[TokenRule {
    re: concat!(
        r"[?&#;]",
        concat!(
            "(?:",
            "token|Token|TOKEN|",
            "access_token|Access_token|ACCESS_TOKEN|",
            "auth_token|Auth_token|AUTH_TOKEN|",
            "id_token|Id_token|ID_TOKEN|",
            "refresh_token|Refresh_token|REFRESH_TOKEN|",
            "login_token|Login_token|LOGIN_TOKEN|",
            "magic_token|Magic_token|MAGIC_TOKEN|",
            "session_token|Session_token|SESSION_TOKEN|",
            "reset_token|Reset_token|RESET_TOKEN|",
            "invite_token|Invite_token|INVITE_TOKEN|",
            "invitation_token|Invitation_token|INVITATION_TOKEN|",
            "verify_token|Verify_token|VERIFY_TOKEN|",
            "verification_token|Verification_token|VERIFICATION_TOKEN|",
            "confirmation_token|Confirmation_token|CONFIRMATION_TOKEN|",
            "otp|Otp|OTP|",
            "auth|Auth|AUTH|",
            "authkey|Authkey|AUTHKEY|",
            "key|Key|KEY|",
            "apikey|Apikey|APIKEY|",
            "api_key|Api_key|API_KEY|",
            "access_key|Access_key|ACCESS_KEY|",
            "secret|Secret|SECRET|",
            "client_secret|Client_secret|CLIENT_SECRET|",
            "password|Password|PASSWORD|",
            "passwd|Passwd|PASSWD|",
            "pwd|Pwd|PWD|",
            "pass|Pass|PASS|",
            "x-amz-signature|X-Amz-Signature|X-AMZ-SIGNATURE|",
            "x-goog-signature|X-Goog-Signature|X-GOOG-SIGNATURE|",
            "apiKey|accessToken|authToken|idToken|refreshToken|sessionId|sessionToken|",
            "session|Session|SESSION|",
            "sessionid|Sessionid|SESSIONID|",
            "session_id|Session_id|SESSION_ID|",
            "sid|Sid|SID|",
            "jwt|Jwt|JWT|",
            "invite|Invite|INVITE|",
            "invite_code|Invite_code|INVITE_CODE|",
            "magic|Magic|MAGIC|",
            "ticket|Ticket|TICKET",
            ")"
        ),
        "="
    ),
    validate,
}];

/// How far around the parameter the link's scheme and end are looked for, and the
/// longest value read.
const LINK_HEAD: usize = 420;
const LINK_TAIL: usize = 2000;

/// Characters of a parameter's value.
fn value_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._~%+/=-".contains(c)
}

fn validate(text: &str, _s: usize, e: usize) -> Option<Hit> {
    let rest = text.get(e..)?;
    let len = rest
        .char_indices()
        .take_while(|&(i, c)| i < LINK_TAIL && value_char(c))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let value = rest.get(..len)?.trim_end_matches(['.', ',']);
    let random = !is_placeholder(value)
        && value.len() >= 16
        && entropy(value) >= 3.3
        && classes(value) >= 2
        && value.bytes().any(|b| b.is_ascii_digit())
        && value.bytes().any(|b| b.is_ascii_alphabetic());
    if !random {
        return None;
    }
    // the link: its scheme within `LINK_HEAD` bytes before, with no space between
    let from = floor_boundary(text, e.saturating_sub(LINK_HEAD));
    let head = text.get(from..e)?;
    let start = from + head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = text.get(start..e)?.to_ascii_lowercase();
    let scheme = ["https://", "http://"]
        .iter()
        .filter_map(|p| word.find(p))
        .min()?;
    let start = start + scheme;
    // and its end: the end of the value, then the rest of the link
    let tail = text.get(e + len..)?;
    let more = tail
        .char_indices()
        .take_while(|&(i, c)| i < LINK_TAIL && !c.is_whitespace() && !"<>\"'`".contains(c))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let mut end = e + len + more;
    // a sentence's closing punctuation is not part of the link
    while end > e
        && text
            .as_bytes()
            .get(end - 1)
            .is_some_and(|b| b".,;:!?)]".contains(b))
    {
        end -= 1;
    }
    Some((0.8, start, end))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "SECRET_LINK",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
