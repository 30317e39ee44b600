use rampart_core::declare_rule;

use super::util::{digits, identifier_score, standalone_number};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an 11-digit German tax identification number (steuerliche
/// Identifikationsnummer, written `12345678901` or `12 345 678 901`) whose ISO 7064
/// MOD 11,10 check digit verifies and whose digits follow the issuing rule (one digit
/// repeated two or three times in the first ten).
    ///
    /// ## Why is this dangerous?
    /// The tax ID identifies a person for life across every German tax record. Personal data sent to an external model or
    /// returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// Meine Steuer-ID ist 86 095 742 719.
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep identifiers out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// An 11-digit number passes the check one time in ten: without a nearby word such as
/// `Steuer-ID`, `IdNr` or `tax ID` it is reported at a score that does not decide.
    ///
    /// ## References
    /// § 139b Abgabenordnung; ISO/IEC 7064; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII008",
        name: "de-tax-id",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "German tax identification number (Steuer-IdNr) with a valid check digit",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[1-9](?: ?[0-9]){10}(?-u:\b)",
    validate,
}];

/// Words that name the identifier when written before it.
const NAMES: &[&str] = &[
    "steuer",
    "idnr",
    "tax id",
    "tax-id",
    "identifikationsnummer",
    "tin",
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !standalone_number(text, s, e) {
        return None;
    }
    let d = digits(v);
    if d.len() != 11 || d[0] == 0 {
        return None;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[usize::from(x)] += 1;
    }
    let repeated = counts.iter().filter(|&&c| c >= 2).count();
    if repeated != 1 || counts.iter().any(|&c| c > 3) {
        return None;
    }
    let mut product = 10u32;
    for &x in &d[..10] {
        let mut sum = (u32::from(x) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    (check == u32::from(d[10])).then_some(())?;
    Some((identifier_score(text, s, NAMES), s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "DE_TAX_ID",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
