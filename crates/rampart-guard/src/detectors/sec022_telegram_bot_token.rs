use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Telegram bot token: the bot's numeric id, `:`, and 35 characters starting
/// with `AA`.
    ///
    /// ## Why is this dangerous?
    /// The token controls the bot: read every message sent to it and send messages as it.
    ///
    /// ## Example
    /// ```text
    /// TELEGRAM_TOKEN=<8 to 10 digits>:AA<33 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the token with @BotFather (`/revoke`).
    ///
    /// ## False positives
    /// None known for this shape; placeholders are ignored.
    ///
    /// ## References
    /// Telegram Bot API, "Authorizing your bot"; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC022",
        name: "telegram-bot-token",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "Telegram bot token (`<bot id>:AA…`)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    // in a Bot API URL the token follows `bot` directly: `/bot<id>:AA…/sendMessage`
    re: r#"(?:(?-u:\b)|bot)(?P<v>[0-9]{8,10}:AA[A-Za-z0-9_\-]{33})(?-u:\b)"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let secret = v.split_once(':').map_or(v, |p| p.1);
    random_tail(text, s + (v.len() - secret.len()), e, "", 3.5, 2)?;
    Some((0.95, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "TELEGRAM_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
