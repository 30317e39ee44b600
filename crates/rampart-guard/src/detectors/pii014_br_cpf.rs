use rampart_core::declare_rule;

use super::util::{digits, named_nearby, standalone_number};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a Brazilian CPF (cadastro de pessoas físicas): eleven digits, usually written
/// `123.456.789-09`, whose two mod-11 check digits verify.
    ///
    /// ## Why is this dangerous?
    /// The CPF identifies a person in every Brazilian tax, banking and health record. Personal data sent to an external model or
    /// returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// CPF: 529.982.247-25
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep identifiers out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// Numbers of one repeated digit (`111.111.111-11`) are ignored. Eleven plain digits
/// without the dots and dash, and without a nearby `CPF`, are reported at a score that
/// does not decide.
    ///
    /// ## References
    /// Receita Federal, "Cadastro de Pessoas Físicas"; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII014",
        name: "br-cpf",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "Brazilian individual taxpayer number (CPF) with valid check digits",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}(?-u:\b)",
    validate,
}];

/// Words that name the identifier when written before it.
const NAMES: &[&str] = &["cpf", "cadastro"];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if !standalone_number(text, s, e) {
        return None;
    }
    let d = digits(v);
    if d.len() != 11 || d.iter().all(|&x| x == d[0]) {
        return None;
    }
    let check = |n: usize| {
        let sum: u32 = d[..n]
            .iter()
            .zip((2..=n as u32 + 1).rev())
            .map(|(&x, w)| u32::from(x) * w)
            .sum();
        (sum * 10 % 11) % 10
    };
    (check(9) == u32::from(d[9]) && check(10) == u32::from(d[10])).then_some(())?;
    let formatted = v.contains('.') && v.contains('-');
    let score = if formatted || named_nearby(text, s, NAMES) {
        0.95
    } else {
        0.5
    };
    Some((score, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "BR_CPF",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
