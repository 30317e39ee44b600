use rampart_core::declare_rule;

use super::util::{named_nearby, standalone_number};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an Italian codice fiscale: six letters of surname and name, year, month
/// letter, day (plus 40 for women), the place code and a control letter, including the
/// letter-for-digit substitutions used for homonyms (omocodia), when the control letter
/// verifies.
    ///
    /// ## Why is this dangerous?
    /// The codice fiscale encodes name, date and place of birth and sex, and identifies the
/// person in every Italian tax, health and banking record. Personal data sent to an external model or
    /// returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// Codice fiscale: RSSMRA85T10A562S
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep identifiers out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// The fixed structure and the control letter rarely match by chance.
    ///
    /// ## References
    /// Decreto ministeriale 23 dicembre 1976; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII012",
        name: "it-codice-fiscale",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "Italian tax code (codice fiscale) with a valid control character",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[ABCDEHLMPRSTabcdehlmprst][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z](?-u:\b)",
    validate,
}];

/// Words that name the identifier when written before it.
const NAMES: &[&str] = &["codice fiscale", "cod. fisc", "c.f.", "cf "];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !standalone_number(text, s, e) {
        return None;
    }
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let upper = v.to_ascii_uppercase();
    let b = upper.as_bytes();
    if b.len() != 16 {
        return None;
    }
    // Digits and letters share one index: 0-9 and A-J are 0-9, K-Z are 10-25.
    let index = |c: u8| match c {
        b'0'..=b'9' => usize::from(c - b'0'),
        b'A'..=b'Z' => usize::from(c - b'A'),
        _ => 0,
    };
    let mut sum = 0u32;
    for (i, &c) in b[..15].iter().enumerate() {
        sum += if i % 2 == 0 {
            ODD[index(c)]
        } else {
            index(c) as u32
        };
    }
    let expected = b'A' + (sum % 26) as u8;
    // Plain words of 16 letters are not codes: the date part holds digits or
    // their substitutes.
    (expected == b[15] && b[6..8].iter().any(u8::is_ascii_digit)).then_some(())?;
    let score = if named_nearby(text, s, NAMES) {
        0.97
    } else {
        0.92
    };
    Some((score, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "IT_CODICE_FISCALE",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
