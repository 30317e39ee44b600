use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports an International Bank Account Number: a country code, two check digits
    /// and the BBAN, printed compactly or in groups of four, whose length matches the
    /// country's and whose ISO 7064 mod-97 check equals 1.
    ///
    /// ## Why is this dangerous?
    /// A bank account number identifies its holder and is used in payment fraud.
    ///
    /// ## Example
    /// ```text
    /// IBAN: DE89 3704 0044 0532 0130 00
    /// ```
    ///
    /// ## Remediation
    /// Redact.
    ///
    /// ## False positives
    /// Strings of the right shape with a failing mod-97 check, unknown country codes or
    /// a wrong length are ignored.
    ///
    /// ## References
    /// ISO 13616-1:2020; SWIFT IBAN registry; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII004",
        name: "iban",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "IBAN with a valid mod-97 check",
    }
}

static RULES: &[TokenRule] = &[TokenRule {
    re: r"(?-u:\b)[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}",
    validate,
}];

/// IBAN lengths per country (SWIFT registry).
fn country_len(cc: &str) -> Option<usize> {
    Some(match cc {
        "NO" => 15,
        "BE" => 16,
        "DK" | "FI" | "FO" | "GL" | "NL" => 18,
        "MK" | "SI" => 19,
        "AT" | "BA" | "EE" | "KZ" | "LT" | "LU" | "XK" => 20,
        "CH" | "CR" | "HR" | "LI" | "LV" => 21,
        "BG" | "BH" | "DE" | "GB" | "GE" | "IE" | "ME" | "RS" | "VA" => 22,
        "GI" | "IL" | "IQ" | "TL" | "AE" => 23,
        "AD" | "CZ" | "ES" | "MD" | "PK" | "RO" | "SA" | "SE" | "SK" | "TN" | "VG" => 24,
        "PT" | "ST" => 25,
        "IS" | "TR" => 26,
        "FR" | "GR" | "IT" | "MC" | "MR" | "SM" => 27,
        "AL" | "AZ" | "BY" | "CY" | "DO" | "GT" | "HU" | "LB" | "PL" | "SV" => 28,
        "BR" | "EG" | "PS" | "QA" | "UA" => 29,
        "JO" | "KW" | "MU" => 30,
        "MT" | "SC" => 31,
        "LC" => 32,
        "RU" => 33,
        _ => return None,
    })
}

/// ISO 7064 MOD 97-10 over the rearranged IBAN.
pub(crate) fn mod97(iban: &[u8]) -> Option<u32> {
    let (head, tail) = (iban.get(..4)?, iban.get(4..)?);
    let mut r = 0u32;
    for &c in tail.iter().chain(head) {
        match c {
            b'0'..=b'9' => r = (r * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => r = (r * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return None,
        }
    }
    Some(r)
}

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let want = country_len(v.get(..2)?)?;
    // Take exactly `want` alphanumerics (the pattern may run into a following word).
    let mut compact = Vec::with_capacity(want);
    let mut end = s;
    for (i, c) in v.char_indices() {
        if compact.len() == want {
            break;
        }
        if c != ' ' {
            compact.push(c as u8);
        }
        end = s + i + c.len_utf8();
    }
    if compact.len() != want || mod97(&compact)? != 1 {
        return None;
    }
    if text
        .as_bytes()
        .get(end)
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        return None;
    }
    Some((0.95, s, end))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "IBAN",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
