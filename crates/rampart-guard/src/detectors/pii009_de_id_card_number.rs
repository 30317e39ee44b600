use rampart_core::declare_rule;

use super::util::{identifier_score, standalone_number};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports the document number of a German identity card (Personalausweis, since 2010)
/// or passport: nine characters from the letters `CFGHJKLMNPRTVWXYZ` and digits, starting
/// with a letter, and a check digit (weights 7, 3, 1) that verifies.
    ///
    /// ## Why is this dangerous?
    /// With the number, name and date of birth an identity can be verified or impersonated
/// in online identification flows. Personal data sent to an external model or
    /// returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// Ausweisnummer: L01X00T47 plus its check digit
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep identifiers out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// Ten-character codes pass the check one time in ten: without a nearby word such as
/// `Ausweis`, `Personalausweis`, `Reisepass` or `document number` it is reported at a
/// score that does not decide.
    ///
    /// ## References
    /// Personalausweisverordnung; ICAO Doc 9303 (check digits); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII009",
        name: "de-id-card-number",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "German identity card or passport document number with a valid check digit",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    // the check digit is sometimes written apart, as printed on the card's back
    re: r"(?-u:\b)[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8} ?[0-9](?-u:\b)",
    validate,
}];

/// Words that name the identifier when written before it.
const NAMES: &[&str] = &[
    "ausweis",
    "reisepass",
    "idcard",
    "id_card",
    "passport",
    "id card",
    "identity card",
    "document number",
    "dokumentennummer",
    "passnummer",
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !standalone_number(text, s, e) {
        return None;
    }
    let compact: Vec<u8> = v.bytes().filter(|&c| c != b' ').collect();
    let b = compact.as_slice();
    if b.len() != 10 || !b.iter().any(u8::is_ascii_digit) {
        return None;
    }
    let value = |c: u8| match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A'..=b'Z' => u32::from(c - b'A') + 10,
        _ => 0,
    };
    let sum: u32 = b[..9]
        .iter()
        .zip([7u32, 3, 1].iter().cycle())
        .map(|(&c, &w)| value(c) * w)
        .sum();
    (sum % 10 == value(b[9])).then_some(())?;
    Some((identifier_score(text, s, NAMES), s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "DE_ID_CARD",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
