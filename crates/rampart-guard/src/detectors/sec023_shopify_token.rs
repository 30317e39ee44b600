use rampart_core::declare_rule;

use super::util::random_tail;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Shopify Admin API access token (`shpat_`), custom app token (`shpca_`),
/// private app password (`shppa_`) or shared secret (`shpss_`) followed by 32 hex digits.
    ///
    /// ## Why is this dangerous?
    /// An Admin API token reads and changes a shop's orders, customers and payments.
    ///
    /// ## Example
    /// ```text
    /// SHOPIFY_TOKEN=shpat_<32 hex digits>
    /// ```
    ///
    /// ## Remediation
    /// Redact; rotate the token or uninstall and reinstall the app.
    ///
    /// ## False positives
    /// Placeholders are ignored.
    ///
    /// ## References
    /// Shopify, "About access tokens"; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC023",
        name: "shopify-token",
        severity: Critical,
        guidelines: [Sd3, Dp2],
        summary: "Shopify access token or shared secret (`shpat_`, `shpca_`, `shppa_`, `shpss_`)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r#"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"#,
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    random_tail(text, s, e, "shpat_", 3.0, 1)?;
    Some((0.97, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "SHOPIFY_TOKEN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
