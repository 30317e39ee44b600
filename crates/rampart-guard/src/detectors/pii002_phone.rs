use rampart_core::declare_rule;

use super::util::digits;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a telephone number: E.164 international form (`+44 20 7946 0958`,
    /// `+14155550132`), North American `(415) 555-0132` / `415-555-0132`, UK national
    /// `020 7946 0958` / `07700 900123`, French `06 12 34 56 78` and Italian `06 1234
    /// 5678` forms, and a number in any national format when a label or a verb says it
    /// is one ("Tel.: 91 123 45 67", "mi teléfono es 912 345 678", "Handy: 0171 2345678",
    /// "chiamami allo 02 12345678", "ligue-me para 912 345 678").
    ///
    /// ## Why is this dangerous?
    /// A phone number identifies and reaches a person.
    ///
    /// ## Example
    /// ```text
    /// Call me on +33 6 12 34 56 78 after six.
    /// ```
    ///
    /// ## Remediation
    /// Redact.
    ///
    /// ## False positives
    /// Bare digit runs without separators or a `+` (order numbers, timestamps), dates,
    /// version numbers and digits inside card numbers or IBANs are not reported.
    ///
    /// ## References
    /// ITU-T E.164; GDPR Art. 4(1); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII002",
        name: "phone-number",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Telephone number",
    }
}

static RULES: &[TokenRule] = &[
    TokenRule {
        re: r"\+[1-9][0-9]{0,2}(?:[ .\-]?\(?[0-9]{1,4}\)?){1,6}[0-9]",
        validate: validate_e164,
    },
    TokenRule {
        re: r"\(?(?-u:\b)[2-9][0-9]{2}\)?[ .\-][2-9][0-9]{2}[ .\-][0-9]{4}(?-u:\b)|\([2-9][0-9]{2}\)[2-9][0-9]{2}-[0-9]{4}(?-u:\b)",
        validate: validate_nanp,
    },
    TokenRule {
        re: r"(?-u:\b)0(?:[1-9][0-9]{1,3}[ \-]?[0-9]{3,4}[ \-]?[0-9]{3,4}|[1-9](?:[ .][0-9]{2}){4})(?-u:\b)",
        validate: validate_national,
    },
    // A number in any national format (Spain's 91 123 45 67, Italy's 06 1234 5678,
    // Portugal's 21 123 4567, Brazil's (11) 3456-7890) labelled as a phone number in
    // one of the languages the guard reads.
    TokenRule {
        re: r"(?i:\b(?:tel(?:efon(?:o|nummer)?|éfono|efone|ephone|efoon(?:nummer)?)?|t[ée]l[ée]phone|phone|fon|tlf|fixo|festnetz|landline|handy|mobil(?:e|nummer)?|mobiel|portable|cellulare|cell|celular|m[óo]vil|telem[óo]vel|gsm)\b\.?)(?:\s*(?:nr|no|n[º°o]|num(?:ber|ero|éro)?)\.?)?(?:\s+(?:is|ist|est|es|e|è|é|:))?\s*[:=]?\s*(?P<v>\(?\+?[0-9][0-9 ()./\-]{5,18}[0-9])",
        validate: validate_labelled,
    },
    // "Call me on …" in the languages the guard reads: the verb labels the number.
    TokenRule {
        re: r"(?i:\b(?:call me (?:at|on)|ring me on|ruf(?:en sie)? mich (?:bitte )?(?:an )?unter|appel(?:ez|le)-moi (?:au|sur le)|chiamami (?:al|allo)|chiamatemi (?:al|allo)|ll[áa]ma(?:me|nos) al|ll[áa]meme al|lig(?:ue|a)-me (?:para|no)|bel (?:me|mij) (?:op|via))\b)\s*(?P<v>\(?\+?[0-9][0-9 ()./\-]{5,18}[0-9])",
        validate: validate_labelled,
    },
    // Spanish numbers as Spaniards group them (9 digits from 6, 7, 8 or 9: 622 19 48
    // 03, 96 374 11 58). A 3-3-3 grouping (647 203 918) is left to the labelled rule:
    // an order number or a BSN is written so too.
    TokenRule {
        re: r"(?-u:\b)(?:[6-9][0-9]{2}(?: [0-9]{2}){3}|[89][0-9] [0-9]{3}(?: [0-9]{2}){2})(?-u:\b)",
        validate: validate_iberian,
    },
    // Italian numbers with a two-digit area code (06 for Rome, 02 for Milan): 0, a
    // digit, then eight more in one or two groups.
    TokenRule {
        re: r"(?-u:\b)0[1-9][ \-](?:[0-9]{4}[ \-][0-9]{4}|[0-9]{8})(?-u:\b)",
        validate: validate_national,
    },
];

fn validate_labelled(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let n = digits(v).len();
    // Dates (12.03.2024) and times are not phone numbers, whatever the label says.
    let dotted_date = v.split('.').count() == 3 && v.split('.').all(|p| p.len() <= 4);
    if !(7..=13).contains(&n) || dotted_date || !boundary_ok(text, s, e) {
        return None;
    }
    Some((0.85, s, e))
}

fn boundary_ok(text: &str, s: usize, e: usize) -> bool {
    let b = text.as_bytes();
    let prev = s.checked_sub(1).and_then(|i| b.get(i)).copied();
    let next = b.get(e).copied();
    let bad =
        |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'/' || c == b'_');
    let dotted_next = next == Some(b'.') && b.get(e + 1).is_some_and(u8::is_ascii_digit);
    let dash_next = next == Some(b'-') && b.get(e + 1).is_some_and(u8::is_ascii_digit);
    !bad(prev)
        && !bad(next)
        && !dotted_next
        && !dash_next
        && prev != Some(b'.')
        && prev != Some(b'-')
}

fn validate_e164(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let n = digits(v).len();
    if !(8..=15).contains(&n) || !boundary_ok(text, s, e) {
        return None;
    }
    Some((0.85, s, e))
}

fn validate_nanp(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if digits(v).len() != 10 || !boundary_ok(text, s, e) {
        return None;
    }
    // Mixed separators like `555.123-4567` are rare in real numbers; dates never fit.
    Some((0.75, s, e))
}

fn validate_national(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let d = digits(v);
    if !(10..=11).contains(&d.len()) || !boundary_ok(text, s, e) {
        return None;
    }
    if !v.contains([' ', '-', '.']) && d.len() == 10 && d.get(1) != Some(&7) {
        // bare ten digits: only UK mobiles (07…) are distinctive enough
        return None;
    }
    Some((0.7, s, e))
}

/// Nine digits in one of the Spanish or Portuguese groupings.
fn validate_iberian(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    (digits(v).len() == 9 && boundary_ok(text, s, e)).then_some((0.7, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "PHONE",
    roles: ALL,
    weak: true,
    engine: Engine::Tokens(RULES),
};
