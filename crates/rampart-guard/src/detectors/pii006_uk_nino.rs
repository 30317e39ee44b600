use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a UK National Insurance number: two prefix letters (not D, F, I, Q, U or
    /// V; second not O), six digits and a suffix A–D, optionally spaced
    /// (`QQ 12 34 56 C` is HMRC's own example and is ignored).
    ///
    /// ## Why is this dangerous?
    /// The NI number identifies a person to HMRC and the DWP.
    ///
    /// ## Example
    /// ```text
    /// NI number AB 12 34 56 C
    /// ```
    ///
    /// ## Remediation
    /// Redact.
    ///
    /// ## False positives
    /// The unallocated prefixes BG, GB, KN, NK, NT, TN and ZZ and the `QQ` example
    /// prefix are ignored; lowercase strings are not matched.
    ///
    /// ## References
    /// HMRC National Insurance Manual NIM39110; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII006",
        name: "uk-national-insurance-number",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "UK National Insurance number",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?-u:\b)",
    validate,
}];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let prefix = v.get(..2)?;
    if matches!(prefix, "BG" | "GB" | "KN" | "NK" | "NT" | "TN" | "ZZ") {
        return None;
    }
    let spaces = v.matches(' ').count();
    if spaces != 0 && spaces != 4 {
        return None;
    }
    Some((0.85, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "NINO",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
