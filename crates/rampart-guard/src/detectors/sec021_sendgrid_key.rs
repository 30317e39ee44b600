use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a SendGrid API key: `SG.`, 22 characters, `.`, 43 characters.
    ///
    /// ## Why is this dangerous?
    /// A mail-send key sends e-mail as the organisation's verified sender: phishing that
/// passes SPF and DKIM.
    ///
    /// ## Example
    /// ```text
    /// SENDGRID_API_KEY=SG.<22 characters>.<43 characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; delete the key in SendGrid's API key settings.
    ///
    /// ## False positives
    /// None known: the fixed shape with two random parts does not occur by chance.
    ///
    /// ## References
    /// Twilio SendGrid, "API keys"; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC021",
        name: "sendgrid-key",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "SendGrid API key (`SG.<22>.<43>`)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "SG.", 3.5, 2)?;
    Some((0.98, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "SENDGRID_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
