use rampart_core::declare_rule;

use super::util::{named_nearby, standalone_number};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Spanish DNI/NIF (eight digits and a letter) or NIE (`X`, `Y` or `Z`, seven
/// digits and a letter) whose control letter (number mod 23) verifies.
    ///
    /// ## Why is this dangerous?
    /// The DNI identifies a person in every Spanish administrative and banking record. Personal data sent to an external model or
    /// returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// Mi DNI es 48291736-P (with its verifying letter)
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep identifiers out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// Eight digits and a letter pass one time in 23; the textbook example `12345678Z` is
/// ignored. Without a nearby word such as `DNI`, `NIE` or `NIF` the score is lower.
    ///
    /// ## References
    /// Real Decreto 1553/2005; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII011",
        name: "es-dni-nie",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "Spanish national identity number (DNI/NIF) or foreigner number (NIE) with a valid letter",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)(?:[0-9]{8}|[XYZxyz]-?[0-9]{7})[- ]?[A-Za-z](?-u:\b)",
    validate,
}];

/// Words that name the identifier when written before it.
const NAMES: &[&str] = &["dni", "nie", "nif", "documento", "identidad"];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !standalone_number(text, s, e) {
        return None;
    }
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let upper = v.to_ascii_uppercase().replace(['-', ' '], "");
    if matches!(upper.as_str(), "12345678Z" | "00000000T" | "X0000000T") {
        return None;
    }
    let (body, letter) = upper.split_at(upper.len().checked_sub(1)?);
    let numeric = match body.as_bytes().first()? {
        b'X' => format!("0{}", body.get(1..)?),
        b'Y' => format!("1{}", body.get(1..)?),
        b'Z' => format!("2{}", body.get(1..)?),
        _ => body.to_string(),
    };
    let n: usize = numeric.parse().ok()?;
    (LETTERS.get(n % 23).copied() == letter.bytes().next()).then_some(())?;
    let score = if named_nearby(text, s, NAMES) {
        0.97
    } else {
        0.8
    };
    Some((score, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "ES_DNI",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
