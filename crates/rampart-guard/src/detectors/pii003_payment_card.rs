use rampart_core::declare_rule;

use super::util::{digits, luhn};
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a payment card number (PAN): 13–19 digits, optionally grouped by spaces
    /// or dashes, with a valid Luhn check digit and an issuer prefix (IIN) whose scheme
    /// allows that length: Visa, Mastercard (51–55, 2221–2720), American Express,
    /// Discover, JCB, Diners Club, UnionPay, Maestro.
    ///
    /// ## Why is this dangerous?
    /// Card numbers are regulated (PCI DSS) and enable fraud.
    ///
    /// ## Example
    /// ```text
    /// my card is 4539 1488 0343 6467, exp 04/27
    /// ```
    ///
    /// ## Remediation
    /// Redact; never store the PAN in prompts, logs or fine-tuning data.
    ///
    /// ## False positives
    /// Luhn-invalid numbers, numbers with an unknown prefix or a wrong length for the
    /// scheme, runs of one digit, and grouped numbers whose first group is not four
    /// digits (order numbers such as `302-4418273-9910`) are ignored; 17 to 19 digits
    /// in one run (trace IDs) are reported below the default threshold. Public test numbers (e.g.
    /// `4111 1111 1111 1111`) are reported: they cannot be told from real ones.
    ///
    /// ## References
    /// ISO/IEC 7812; PCI DSS 4.0 req. 3; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII003",
        name: "payment-card-number",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "Payment card number (Luhn-valid, known issuer prefix)",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[0-9](?:[ \-]?[0-9]){12,18}(?-u:\b)",
    validate,
}];

fn prefix(d: &[u8], n: usize) -> u32 {
    d.iter()
        .take(n)
        .fold(0u32, |acc, &x| acc * 10 + u32::from(x))
}

/// Whether the IIN and length belong to a known scheme.
fn scheme_ok(d: &[u8]) -> bool {
    let len = d.len();
    let p1 = prefix(d, 1);
    let p2 = prefix(d, 2);
    let p3 = prefix(d, 3);
    let p4 = prefix(d, 4);
    let p6 = prefix(d, 6);
    match () {
        () if p1 == 4 => matches!(len, 13 | 16 | 19),
        () if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => len == 16,
        () if p2 == 34 || p2 == 37 => len == 15,
        () if p4 == 6011
            || p2 == 65
            || (644..=649).contains(&p3)
            || (622_126..=622_925).contains(&p6) =>
        {
            (16..=19).contains(&len)
        }
        () if (3528..=3589).contains(&p4) => (16..=19).contains(&len),
        () if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => {
            (14..=19).contains(&len)
        }
        () if p2 == 62 || p2 == 81 => (16..=19).contains(&len),
        () if p2 == 50 || (56..=58).contains(&p2) || p1 == 6 => (12..=19).contains(&len),
        () => false,
    }
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let d = digits(v);
    // separators must be consistent: none, or only one kind
    if v.contains(' ') && v.contains('-') {
        return None;
    }
    // every scheme prints its first group as four digits (4-4-4-4, Amex's 4-6-5,
    // Diners' 4-6-4); an order number such as 302-4418273-9910 is grouped otherwise
    if v.contains([' ', '-']) && v.find([' ', '-']) != Some(4) {
        return None;
    }
    let b = text.as_bytes();
    if b.get(e) == Some(&b'.') && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if d.windows(2).all(|w| w.first() == w.get(1)) || !luhn(&d) || !scheme_ok(&d) {
        return None;
    }
    // 17 to 19 digits in one run are trace and span IDs far more often than one of
    // the rare long card numbers, which are printed in groups
    if d.len() > 16 && !v.contains([' ', '-']) {
        return Some((0.5, s, e));
    }
    Some((0.95, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "CARD",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
