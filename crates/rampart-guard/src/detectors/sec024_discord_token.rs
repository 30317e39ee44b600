use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Discord bot token (three dot-separated parts whose first is the base64 of
    /// the bot's numeric id) and a Discord webhook URL with its token, hidden whole.
    ///
    /// ## Why is this dangerous?
    /// A bot token controls the bot in every server it joined; a webhook URL posts messages
    /// into its channel as anyone.
    ///
    /// ## Example
    /// ```text
    /// https://discord.com/api/webhooks/<id>/<68-character token>
    /// ```
    ///
    /// ## Remediation
    /// Redact; reset the bot token in the developer portal, or delete the webhook.
    ///
    /// ## False positives
    /// Three-part tokens whose first part is not the base64 of a numeric id (other dotted
    /// identifiers) are ignored.
    ///
    /// ## References
    /// Discord developer documentation, "Authentication" and "Webhook resource";
    /// guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC024",
        name: "discord-token",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "Discord bot token or webhook URL",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r#"[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}"#,
        validate,
    },
    TokenRule {
        re: r#"https://(?:canary\.|ptb\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,68}"#,
        validate: validate_webhook,
    },
];

/// A webhook URL is hidden whole: its id and token together are what posts.
fn validate_webhook(text: &str, s: usize, e: usize) -> Option<Hit> {
    let token = s + text.get(s..e)?.rfind('/')? + 1;
    random_tail(text, token, e, "", 3.5, 2)?;
    Some((0.96, s, e))
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let tail = random_tail(text, s, e, "", 3.5, 2)?;
    // A bot token's first part is the base64 of the bot's numeric id.
    let id = tail.split('.').next().unwrap_or("");
    if !base64_of_digits(id) {
        return None;
    }
    Some((0.96, s, e))
}

/// Whether `s` is unpadded base64 of 17 to 20 ASCII digits (a Discord snowflake id).
fn base64_of_digits(s: &str) -> bool {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0u32;
    let mut out = Vec::new();
    for c in s.bytes() {
        let Some(v) = T.iter().position(|&t| t == c) else {
            return false;
        };
        bits = (bits << 6) | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    (17..=20).contains(&out.len()) && out.iter().all(u8::is_ascii_digit)
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "DISCORD_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
