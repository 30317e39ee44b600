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
    /// "chiamami allo 02 12345678", "ligue-me para 912 345 678"), and mobile numbers by
    /// their national prefix and length (German `0151 37898782`, Dutch `06-84333361`,
    /// Italian `339/1343361`, Spanish, Portuguese, Belgian, Brazilian `(21) 90568-3807`);
    /// a mobile number written as one run of digits counts only after a word such as
    /// "call", "SMS", "richiamato" or "terugbellen", or in a table column whose header
    /// names a phone (`telephone`, `movil`, `Handy`). "fisso" and "fijo" label a
    /// landline.
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
    /// version numbers and digits inside card numbers or IBANs (valid or not) are not
    /// reported. Freephone, shared-cost and premium numbers (0800, 0808, 0900, 0180,
    /// +31 88, +44 845, +34 902, …) are a business's, not a person's: reported below the
    /// default threshold, like a number after "Zentrale", "Switchboard", "Hotline",
    /// "Klantenservice" or "centralino" on its line, and one ending in `0000`.
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
        re: r#"(?i:\b(?:tel(?:efon(?:o|nummer)?|éfono|efone|ephone|efoon(?:nummer)?)?|t[ée]l[ée]phone|phone|fon|tlf|fixo|fisso|fijo|festnetz|landline|handy|mobil(?:e|nummer)?|mobiel|portable|cellulare|cell|celular|m[óo]vil|telem[óo]vel|gsm|contacto|contato|contatto|kontakt)\b\.?)(?:\s*(?:nr|no|n[º°o]|num(?:ber|ero|éro)?)\.?)?["']?(?:\s+(?:is|ist|est|es|e|è|é|:))?\s*[:=]?\s*["']?(?P<v>\(?\+?[0-9][0-9 ()./\-]{5,18}[0-9])"#,
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
    // Mobile numbers in the national formats of the countries whose languages the guard
    // reads (0151 37898782, 0176-76011968, 06-84333361, 339/1343361, 674962896,
    // 964149058, (21) 90568-3807): the prefix and the digit count tell the country.
    TokenRule {
        re: r"(?-u:\b)(?:01[5-7][0-9]|0[67][0-9]|3[0-9]{2}|[679][0-9]{2}|04[5-9])[0-9 ./\-]{5,12}[0-9](?-u:\b)|\([1-9][0-9]\) ?9[0-9]{4}-?[0-9]{4}(?-u:\b)|(?-u:\b)[1-9][0-9] 9[0-9]{4}-[0-9]{4}(?-u:\b)",
        validate: validate_mobile,
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
    Some((scored(text, s, v, 0.85), s, e))
}

/// Words before a number that say a business answers it.
const BUSINESS_CUES: &[&str] = &[
    "zentrale",
    "switchboard",
    "hotline",
    "helpline",
    "klantenservice",
    "kundenservice",
    "customer service",
    "service client",
    "atención al cliente",
    "servizio clienti",
    "apoio ao cliente",
    "atendimento",
    "centralino",
    "infoline",
    "pressestelle",
    "press office",
    "ufficio stampa",
    "sede",
    "siège",
    "headquarters",
    "hauptsitz",
];

/// The score of a number at `s`: `personal(v, score)`, or 0.5 when a word before it
/// on its line says a business answers it ("Zentrale", "Switchboard", "Hotline",
/// "Klantenservice", "centralino"), or its last four digits are `0000` (a company's
/// switchboard, or a placeholder).
fn scored(text: &str, s: usize, v: &str, score: f32) -> f32 {
    let line = super::util::before(text, s, 40);
    let line = line.rsplit('\n').next().unwrap_or("");
    let d = digits(v);
    let zeros = d.len() >= 4 && d[d.len() - 4..].iter().all(|&x| x == 0);
    if zeros || BUSINESS_CUES.iter().any(|w| line.contains(w)) {
        0.5
    } else {
        personal(v, score)
    }
}

/// `score` for a number a person may have; 0.5 (reported, not decisive) for a
/// freephone, shared-cost, premium or company number, which a business publishes.
fn personal(v: &str, score: f32) -> f32 {
    let d: String = digits(v).iter().map(|x| char::from(b'0' + x)).collect();
    let national = ["0800", "0808", "0900", "0180"];
    // country code, then the national prefixes of such numbers in that country
    let international: &[(&str, &[&str])] = &[
        (
            "1",
            &["800", "833", "844", "855", "866", "877", "888", "900"],
        ),
        ("31", &["88", "800", "900", "909"]),
        ("33", &["80"]),
        ("34", &["900", "901", "902"]),
        ("39", &["800", "803"]),
        (
            "44",
            &[
                "800", "808", "843", "844", "845", "870", "871", "300", "330", "333", "345", "370",
            ],
        ),
        ("49", &["800", "180", "900"]),
        ("351", &["800", "808", "707"]),
    ];
    let service = if v.trim_start_matches('(').starts_with('+') {
        international.iter().any(|(cc, prefixes)| {
            d.strip_prefix(cc)
                .is_some_and(|rest| prefixes.iter().any(|p| rest.starts_with(p)))
        })
    } else {
        national.iter().any(|p| d.starts_with(p))
            || (d.len() == 9
                && ["900", "901", "902", "800", "808", "707"]
                    .iter()
                    .any(|p| d.starts_with(p)))
            || (d.len() == 10
                && ["800", "833", "844", "855", "866", "877", "888", "900"]
                    .iter()
                    .any(|p| d.starts_with(p)))
    };
    if service {
        0.5
    } else {
        score
    }
}

/// Whether `s` follows the four-character groups of an IBAN written in groups
/// (`IT38 E053 8748 5844 0282 3784 400`): its tail is not a phone number, whether or
/// not the IBAN's check digits verify.
fn inside_iban(text: &str, s: usize) -> bool {
    let Some(head) = text.get(..s) else {
        return false;
    };
    let mut groups = head.strip_suffix(' ').unwrap_or(head).rsplit(' ');
    for _ in 0..9 {
        match groups.next() {
            Some(g)
                if {
                    let g = g.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
                    g.len() == 4 && g.bytes().all(|c| c.is_ascii_alphanumeric())
                } =>
            {
                let g = g.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
                let b = g.as_bytes();
                if b[..2].iter().all(u8::is_ascii_uppercase)
                    && b[2..].iter().all(u8::is_ascii_digit)
                {
                    return true;
                }
            }
            _ => return false,
        }
    }
    false
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
        && !inside_iban(text, s)
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
    Some((scored(text, s, v, 0.85), s, e))
}

fn validate_nanp(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    if digits(v).len() != 10 || !boundary_ok(text, s, e) {
        return None;
    }
    // Mixed separators like `555.123-4567` are rare in real numbers; dates never fit.
    Some((scored(text, s, v, 0.75), s, e))
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
    if tax_number(text, s) {
        return None;
    }
    Some((scored(text, s, v, 0.7), s, e))
}

/// Words before a number that say it is one to call or text (seven languages,
/// lowercase stems).
const CALL_CUES: &[&str] = &[
    "call",
    "ring",
    "phone",
    "mobile",
    "cell",
    "sms",
    "text",
    "whatsapp",
    "reach",
    "contact",
    "anruf",
    "ruf ",
    "rückruf",
    "unter",
    "erreich",
    "handy",
    "mobil",
    "telefon",
    "appel",
    "rappel",
    "joindre",
    "portable",
    "tél",
    "llam",
    "avis",
    "móvil",
    "movil",
    "teléfono",
    "chiam",
    "cellulare",
    "contatt",
    "ligar",
    "liga ",
    "ligue",
    // an invitation's RSVP: "Pedimos confirmação até 31 de julho — Joana 913 772 045"
    "confirm",
    "retorno",
    "telemóvel",
    "celular",
    "contacto",
    "bel ",
    "bellen",
    "gsm",
    "bereikbaar",
];

/// Words in a table's header that name a phone-number column (`telephone`, `movil`,
/// `Handynummer`, `cell_phone`): the bare numbers below it are phone numbers.
const PHONE_COLUMNS: &[&str] = &[
    "tel", "phone", "fon", "mobil", "móvil", "movil", "handy", "cell", "portable", "gsm",
];

/// Whether the words just before `s` name a tax or company number ("P.IVA
/// 01234567890", "USt-IdNr.", "NIF", "KvK"): an Italian VAT number is written like a
/// landline with its area code.
fn tax_number(text: &str, s: usize) -> bool {
    // found anywhere in the words before the number
    const PHRASES: &[&str] = &[
        "p.iva",
        "p. iva",
        "partita iva",
        "ust-id",
        "ustid",
        "steuernummer",
        "c.f.",
    ];
    // whole words only ("vat" is in "private", "cif" in "specific")
    const WORDS: &[&str] = &[
        "vat", "btw", "kvk", "cif", "nif", "nipc", "siret", "siren", "tva", "cnpj",
    ];
    let label = super::util::before(text, s, 16);
    PHRASES.iter().any(|w| label.contains(w))
        || label
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| WORDS.contains(&w))
}

/// Words before a number that say it is a reference, not a phone number (an Italian
/// mobile and an order number are both written `360-2236384`).
const REFERENCE_CUES: &[&str] = &[
    "order",
    "ordine",
    "bestell",
    "pedido",
    "commande",
    "encomenda",
    "booking",
    "buchung",
    "reserv",
    "prenotazione",
    "invoice",
    "rechnung",
    "factur",
    "fattura",
    "fatura",
    "kunden",
    "cliente",
    "customer",
    "client",
    "ticket",
    "vertrag",
    "contract",
    "contrat",
    "contratto",
    "konto",
    "account",
    "iban",
    "ref",
    "tracking",
    "sendung",
    "rastreio",
    "seguimiento",
    "serial",
    "serie",
    "matricola",
    "artikel",
    "article",
    "item",
    "sku",
    "nr.",
    "n.º",
    "n°",
];

/// A mobile number of one of the countries whose languages the guard reads: the
/// national mobile prefix with its country's digit count. Written in groups it is
/// reported as a phone number; as a bare run of digits, or in three groups of three
/// (how order numbers and BSNs are written too), only after a word such as "call",
/// "SMS", "richiamato", "avisen" or "terugbellen".
fn validate_mobile(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let d = digits(v);
    let starts = |p: &[u8]| d.starts_with(p);
    let brazil = v.starts_with('(') || v.get(2..4) == Some(" 9");
    let mobile = match d.len() {
        11 if brazil => true,
        11 | 12 => starts(&[0, 1, 5]) || starts(&[0, 1, 6]) || starts(&[0, 1, 7]),
        10 => {
            starts(&[0, 6])
                || starts(&[0, 7])
                || starts(&[3])
                || (starts(&[0, 4]) && d.get(2).is_some_and(|&x| x >= 5))
        }
        9 => {
            starts(&[3])
                || starts(&[6])
                || starts(&[7])
                || [[9, 1], [9, 2], [9, 3], [9, 6]].iter().any(|p| starts(p))
        }
        _ => false,
    };
    let separators = v.chars().filter(|c| " ./-".contains(*c)).count();
    let dotted_quad = v.split('.').count() == 4;
    let one_kind = [' ', '.', '/', '-']
        .iter()
        .filter(|c| v.contains(**c))
        .count()
        <= 1;
    // a US social security number's grouping (666-12-3456) is not a phone number's
    let ssn_shape = v.len() == 11 && v.split('-').map(str::len).eq([3, 2, 4]);
    if !mobile
        || dotted_quad
        || ssn_shape
        || v.contains("  ")
        || !(one_kind || brazil)
        || separators > 4
        || !boundary_ok(text, s, e)
    {
        return None;
    }
    let label = super::util::before(text, s, 16);
    if REFERENCE_CUES.iter().any(|w| label.contains(w)) || tax_number(text, s) {
        return None;
    }
    let three_by_three = d.len() == 9 && v.split(' ').count() == 3;
    let cued = || {
        let ctx = super::util::before(text, s, 50);
        CALL_CUES.iter().any(|w| ctx.contains(w))
            || super::util::column_header(text, s)
                .is_some_and(|h| PHONE_COLUMNS.iter().any(|w| h.contains(w)))
    };
    if (separators == 0 || three_by_three) && !cued() {
        return None;
    }
    Some((scored(text, s, v, 0.7), s, e))
}

/// Nine digits in one of the Spanish or Portuguese groupings.
fn validate_iberian(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    (digits(v).len() == 9 && boundary_ok(text, s, e)).then_some((scored(text, s, v, 0.7), s, e))
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
