use rampart_core::declare_rule;

use super::util::{digits, identifier_score, standalone_number};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Portuguese tax identification number (número de identificação fiscal): nine
/// digits starting with 1, 2, 3, 5, 6, 8 or 9 whose mod-11 check digit verifies.
    ///
    /// ## Why is this dangerous?
    /// The NIF identifies a person in every Portuguese tax and invoicing record. Personal data sent to an external model or
    /// returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// NIF: 245 871 039 (with its verifying digit)
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep identifiers out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// Nine digits pass the check about one time in eleven: without a nearby word such as
/// `NIF`, `contribuinte` or `fiscal` (before it, or as its table column's header) it
/// is reported at a score that does not decide. A NIF starting with 5, 6 or 9 belongs
/// to a company, a public body or another entity (the NIPC printed on invoices) and
/// never decides either.
    ///
    /// ## References
    /// Portal das Finanças, "Número de Identificação Fiscal"; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII013",
        name: "pt-nif",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "Portuguese tax number (NIF) with a valid check digit",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[1235689][0-9]{2} ?[0-9]{3} ?[0-9]{3}(?-u:\b)",
    validate,
}];

/// Words that name the identifier when written before it.
const NAMES: &[&str] = &["nif", "contribuinte", "fiscal", "tax number"];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !standalone_number(text, s, e) {
        return None;
    }
    let d = digits(v);
    if d.len() != 9 {
        return None;
    }
    let sum: u32 = d[..8]
        .iter()
        .zip((2..=9u32).rev())
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    let r = sum % 11;
    let check = if r < 2 { 0 } else { 11 - r };
    (check == u32::from(d[8])).then_some(())?;
    // A NIF starting with 5, 6 or 9 is a company's, a public body's or another
    // entity's (the NIPC on every Portuguese invoice): not a person's.
    if matches!(d.first(), Some(5 | 6 | 9)) {
        return Some((0.5, s, e));
    }
    Some((identifier_score(text, s, NAMES), s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "PT_NIF",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
