use rampart_core::declare_rule;

use super::util::{entropy, is_placeholder, isolated};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Stripe live secret key (`sk_live_…`) or restricted key (`rk_live_…`).
    ///
    /// ## Why is this dangerous?
    /// A live secret key creates charges, refunds and payouts on the account.
    ///
    /// ## Example
    /// ```text
    /// STRIPE_SECRET_KEY=sk_live_<24 or more random characters>
    /// ```
    ///
    /// ## Remediation
    /// Redact; roll the key in the Stripe dashboard.
    ///
    /// ## False positives
    /// Test-mode keys (`sk_test_`) are not reported; placeholders are ignored.
    ///
    /// ## References
    /// Stripe API keys documentation; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC007",
        name: "stripe-live-key",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "Stripe live secret or restricted key",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"[sr]k_live_[A-Za-z0-9]{24,}",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let tail = v.get(8..)?;
    if !isolated(text, s, e, &[]) || is_placeholder(tail) || entropy(tail) < 3.5 {
        return None;
    }
    Some((0.98, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "STRIPE_KEY",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
