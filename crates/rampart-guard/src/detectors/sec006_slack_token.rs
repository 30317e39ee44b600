use rampart_core::declare_rule;

use super::util::{is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Slack token (`xoxb-` bot, `xoxp-` user, `xoxa-`, `xoxr-` refresh,
    /// `xoxs-`, `xoxo-`) and Slack incoming-webhook URLs
    /// (`https://hooks.slack.com/services/T…/B…/…`).
    ///
    /// ## Why is this dangerous?
    /// Bot and user tokens read and post messages in the workspace; a webhook posts to a
    /// channel as the integration.
    ///
    /// ## Example
    /// ```text
    /// SLACK_BOT_TOKEN=xoxb-2048839210-4810230941-Xy7Qa0pLmN3rT5vW8zB1cD2e
    /// ```
    ///
    /// ## Remediation
    /// Redact; revoke the token or regenerate the webhook.
    ///
    /// ## False positives
    /// Placeholders (`xoxb-xxxx`, `xoxb-your-token`) are ignored.
    ///
    /// ## References
    /// Slack token types; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC006",
        name: "slack-token",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "Slack token or webhook URL",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r"xox[abposr]-[0-9]{6,}(?:-[0-9A-Za-z]{4,}){1,4}",
        validate,
    },
    TokenRule {
        re: r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}",
        validate,
    },
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !isolated(text, s, e, &[]) || is_placeholder(v) {
        return None;
    }
    Some((0.97, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "SLACK_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
