use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Stripe webhook signing secret: `whsec_` followed by 32 or more random characters.
    ///
    /// ## Why is this dangerous?
    /// With the signing secret anyone can forge webhook events (payments, refunds) that the
/// application accepts as Stripe's.
    ///
    /// ## Example
    /// ```text
    /// STRIPE_WEBHOOK_SECRET=whsec_<32 random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; roll the endpoint's signing secret in the Stripe dashboard.
    ///
    /// ## False positives
    /// Placeholders (`whsec_...`, `whsec_xxxx`) are ignored.
    ///
    /// ## References
    /// Stripe, "Check the webhook signatures"; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC017",
        name: "stripe-webhook-secret",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "Stripe webhook signing secret (`whsec_`)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"whsec_[A-Za-z0-9+/]{32,}"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "whsec_", 3.5, 2)?;
    Some((0.97, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "STRIPE_WEBHOOK_SECRET",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
