use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a postal address: a street with its house number followed by a postal
    /// code and a town, in the forms used in Germany, Austria and Switzerland
    /// (`Hauptstraße 12, 10115 Berlin`), the Netherlands (`Keizersgracht 123, 1015 CJ
    /// Amsterdam`), France (`12 rue de la Paix, 75002 Paris`), Spain, Italy and Portugal
    /// (`Calle Mayor 5, 28013 Madrid`; `Via Roma 10, 00184 Roma`; `Rua Augusta 100,
    /// 1100-053 Lisboa`), the United Kingdom (`10 Downing Street, London SW1A 2AA`) and
    /// the United States (`1600 Pennsylvania Avenue NW, Washington, DC 20500`).
    ///
    /// ## Why is this dangerous?
    /// A home address next to a name locates a person. Personal data sent to an external
    /// model or returned to the wrong user is a disclosure.
    ///
    /// ## Example
    /// ```text
    /// Bitte liefern Sie an Anna Schmidt, Lindenstraße 4, 50674 Köln.
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; keep addresses out of prompts
    /// and training data.
    ///
    /// ## False positives
    /// Both halves must be there — a street word with a house number, then a postal
    /// code of the country's shape and a capitalised town — so a street name alone, a
    /// version number or a count of items is not reported. A business's published
    /// address — on the line after a company name with its legal form ("Bäckerei
    /// Sonnenkorn GmbH", "Tejo Sistemas, Lda."), or after "Siège", "Sede",
    /// "Firmensitz", "mit Sitz in", "gevestigd aan", "Hoofdkantoor" or "registered
    /// office" on its line — is
    /// reported below the default threshold: it is not a person's.
    ///
    /// ## References
    /// GDPR Art. 4(1) (an address identifies a person); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII016",
        name: "postal-address",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Postal address: street and house number with postal code and town",
    }
}

/// The postal code, searched in the text: what every address ends with, and what makes
/// the search cheap (digits first, so the regex rarely starts). The town follows the
/// code in continental forms (`50674 Köln`, `1015 CJ Amsterdam`, `1100-053 Lisboa`)
/// and precedes it in the UK and US ones (`London SW1A 2AA`, `Washington, DC 20500`),
/// where it is part of what [`STREET`] matches behind the code.
static RULES: &[TokenRule] = &[TokenRule {
    re: concat!(
        r"(?:",
        // NL (first: the next form would take the letters for the town)
        r"[0-9]{4}[ \t]?[A-Z]{2}[ \t]+\p{Lu}[\p{L}'-]*(?:\.[ \t]?\p{Lu}[\p{L}'-]*)?",
        // DE, FR, ES, IT; four digits for AT, CH, BE, LU, DK
        r"|(?:[A-Z]{1,2}-)?[0-9]{4,5}[ \t]+\p{Lu}[\p{L}'-]*(?:\.[ \t]?\p{Lu}[\p{L}'-]*)?",
        // PT
        r"|[0-9]{4}-[0-9]{3}[ \t]+\p{Lu}[\p{L}'-]*(?:\.[ \t]?\p{Lu}[\p{L}'-]*)?",
        // UK
        r"|[A-Z]{1,2}[0-9][A-Z0-9]?[ \t]?[0-9][A-Z]{2}(?-u:\b)",
        // US
        r"|[A-Z]{2}[ \t]+[0-9]{5}(?:-[0-9]{4})?(?-u:\b)",
        r")"
    ),
    validate,
}];

/// A street with its house number and the separator before the postal code (and, for
/// the UK and US forms, the town), ending where the code starts.
const STREET: &str = concat!(
    r"(?:",
    // a street name ending in a street word, then the number: Lindenstraße 4,
    // Keizersgracht 123
    r"\p{Lu}[\p{L}-]{0,40}(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|laan|straat|gracht|plein|kade|dijk|singel|steeg)",
    r"[ \t]+[0-9]{1,4}[ \t]?[a-zA-Z]?",
    // the floor or door after the number: `, 2. OG`, `, 3º B`, `, bajo`, `, 2.º Esq.`
    r"(?:,[ \t]*[^,\n]{1,14}?){0,3}",
    // a street word first, then the name and the number: Calle Mayor 5, Via Roma 10
    r"|(?:Calle|C/|Avenida|Avda\.|Plaza|Paseo|Carrer|Via|Viale|Piazza|Corso|Largo|Vicolo|Rua|Travessa|Praça|Alameda|Rotonda)",
    r"[ \t]+(?:[\p{L}0-9'.]+[ \t]+){0,4}?[0-9]{1,4}[ \t]?[a-zA-Z]?",
    r"(?:,[ \t]*[^,\n]{1,14}?){0,3}",
    // the number, a French street word and the name: 12 rue de la Paix
    r"|[0-9]{1,4}(?:[ \t]?(?:bis|ter|[a-zA-Z]))?,?[ \t]+(?:rue|avenue|boulevard|bd|chemin|impasse|allée|place|quai|route|cours)",
    r"[ \t]+[\p{L}' -]{2,40}?",
    // the number, the name and an English street word: 10 Downing Street
    r"|[0-9]{1,5}[ \t]+(?:\p{Lu}[\p{L}'-]+[ \t]+){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Drive|Court|Way|Boulevard|Blvd\.|Place|Terrace|Close|Crescent|Gardens)",
    r"(?:[ \t]+(?:NW|NE|SW|SE|N|S|E|W))?",
    r")",
    // the separator, and the town of a UK or US address
    r"[,;]?[ \t]*\n?[ \t]*(?:\p{Lu}[\p{L}.' -]{0,30},?[ \t]+)?\z",
);

/// How far before the postal code the street may start.
const WINDOW: usize = 160;

fn street() -> Option<&'static regex::Regex> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(STREET).ok()).as_ref()
}

/// The whole address, when a street with its number ends right before the postal code
/// and the street is not glued to a longer word.
fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let mut from = s.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = text.get(from..s)?;
    let m = street()?.find(window)?;
    let start = from + m.start();
    let glued = text.get(..start)?.chars().next_back();
    if glued.is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some((
        if of_a_business(text, start) {
            0.5
        } else {
            0.85
        },
        start,
        e,
    ))
}

/// The legal forms a company's name ends in, in the countries whose addresses are read.
const LEGAL_FORMS: &[&str] = &[
    "gmbh", "ag", "kg", "ohg", "ug", "e.v.", "sarl", "sas", "sa", "sàrl", "eurl", "sl", "s.l.",
    "s.a.", "slu", "spa", "s.p.a.", "srl", "s.r.l.", "lda", "lda.", "ltda", "ltda.", "bv", "b.v.",
    "nv", "n.v.", "ltd", "ltd.", "plc", "llc", "inc", "inc.", "corp", "corp.",
];

/// Words that announce a company's seat.
const SEAT_WORDS: &[&str] = &[
    "siège",
    "siege social",
    "mit sitz",
    "gevestigd",
    "sede",
    "firmensitz",
    "hauptsitz",
    "hoofdkantoor",
    "registered office",
    "headquarters",
    "head office",
];

/// Whether the address starting at `start` is a company's: the text before it on its
/// line names a seat, or the line before it (or the same line) ends in a company's
/// legal form.
fn of_a_business(text: &str, start: usize) -> bool {
    // the 200 bytes before the address are enough for a seat word or the line before
    let head = super::util::before(text, start, 200);
    let mut lines = head.rsplit('\n');
    let same = lines.next().unwrap_or("");
    let previous = lines.next().unwrap_or("");
    let ends_in_form = |line: &str| {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == ',' || c == '–' || c == '-')
            .filter(|w| !w.is_empty())
            .collect();
        words.iter().rev().take(3).any(|w| LEGAL_FORMS.contains(w))
    };
    SEAT_WORDS.iter().any(|w| same.contains(w))
        || ends_in_form(same)
        || (same.trim().is_empty() && ends_in_form(previous))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "POSTAL_ADDRESS",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
