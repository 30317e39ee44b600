use rampart_core::declare_rule;

use super::util::{before, digits};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a US Social Security number `AAA-GG-SSSS` (dashes or spaces), or nine
    /// bare digits right after `SSN`/`social security`. The area may not be 000, 666 or
    /// 900–999, the group not 00 and the serial not 0000.
    ///
    /// ## Why is this dangerous?
    /// The SSN is the key to US identity theft.
    ///
    /// ## Example
    /// ```text
    /// SSN: 512-84-3921
    /// ```
    ///
    /// ## Remediation
    /// Redact.
    ///
    /// ## False positives
    /// Numbers outside the SSA's valid ranges and the advertising numbers 078-05-1120,
    /// 219-09-9999 and 123-45-6789 are ignored. Space-separated forms score lower.
    ///
    /// ## References
    /// SSA, SSN randomization (2011); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII005",
        name: "us-ssn",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "US Social Security number",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r"(?-u:\b)[0-9]{3}[\- ][0-9]{2}[\- ][0-9]{4}(?-u:\b)",
        validate,
    },
    TokenRule {
        re: r"(?i:ssn|social security(?: number| no\.?)?|ss#)[^0-9\n]{0,20}(?P<v>[0-9]{9})(?-u:\b)",
        validate,
    },
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let d = digits(v);
    if d.len() != 9 {
        return None;
    }
    let n = |r: std::ops::Range<usize>| {
        d.get(r)
            .map(|x| x.iter().fold(0u32, |a, &b| a * 10 + u32::from(b)))
    };
    let (area, group, serial) = (n(0..3)?, n(3..5)?, n(5..9)?);
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return None;
    }
    if matches!(
        v.replace(' ', "-").as_str(),
        "078-05-1120" | "219-09-9999" | "123-45-6789"
    ) {
        return None;
    }
    let dashes = v.contains('-');
    if v.contains(' ') && dashes {
        return None;
    }
    let b = text.as_bytes();
    let prev = s.checked_sub(1).and_then(|i| b.get(i)).copied();
    if matches!(prev, Some(b'-' | b'.' | b'/' | b'+')) || b.get(e) == Some(&b'-') {
        return None;
    }
    let context = before(text, s, 40);
    let ctx = context.contains("ssn") || context.contains("social");
    let score = match (dashes || v.len() == 9, ctx) {
        (_, true) => 0.95,
        (true, false) => 0.85,
        (false, false) => 0.55,
    };
    Some((score, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "SSN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
