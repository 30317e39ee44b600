use rampart_core::declare_rule;

use super::util::{digits, identifier_score, standalone_number};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Dutch burgerservicenummer: nine digits (also written `1234.56.789`) that pass
/// the eleven test (weights 9 to 2, and -1 for the last digit).
    ///
    /// ## Why is this dangerous?
    /// The BSN identifies a person in every Dutch government, health and tax record. Personal data sent to an external model or
    /// returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// Mijn BSN is 1112.22.333 (one that passes the eleven test)
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep identifiers out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// Nine digits pass the test about one time in eleven: without a nearby word such as
/// `BSN`, `burgerservicenummer` or `sofinummer` it is reported at a score that does not
/// decide.
    ///
    /// ## References
    /// Wet algemene bepalingen burgerservicenummer; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII015",
        name: "nl-bsn",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "Dutch citizen service number (BSN) passing the eleven test",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)(?:[0-9]{4}\.[0-9]{2}\.[0-9]{3}|[0-9]{3} [0-9]{3} [0-9]{3}|[0-9]{9})(?-u:\b)",
    validate,
}];

/// Words that name the identifier when written before it.
const NAMES: &[&str] = &["bsn", "burgerservice", "sofi"];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !standalone_number(text, s, e) {
        return None;
    }
    let d = digits(v);
    if d.len() != 9 || d.iter().all(|&x| x == 0) {
        return None;
    }
    let sum: i32 = d[..8]
        .iter()
        .zip((2..=9i32).rev())
        .map(|(&x, w)| i32::from(x) * w)
        .sum::<i32>()
        - i32::from(d[8]);
    (sum % 11 == 0).then_some(())?;
    Some((identifier_score(text, s, NAMES), s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "NL_BSN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
