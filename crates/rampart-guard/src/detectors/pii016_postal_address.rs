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
    /// 1100-053 Lisboa`), Brazil (`Rua das Flores, 80 - casa 2 - Campinas/SP - CEP
    /// 13042-005`), the United Kingdom (`10 Downing Street, London SW1A 2AA`, `Flat 9,
    /// 58 Kingsway, Manchester M14 9YY`) and the United States (`1600 Pennsylvania
    /// Avenue NW, Washington, DC 20500`, `1110 N 5th St, Brooklyn, NY 11222`, `891
    /// Lakeview Terrace, Apt 4D, Seattle, WA 98108`). Read as well: German streets named
    /// with a preposition (`Am Sonnenhang 4`), a comma or `n.º` between a Romance street
    /// and its number (`Calle de Toledo, 8`, `Travessa do Carmo, n.º 135`), `130/B`,
    /// floors (`4ºA`, `7ºEsq`), towns of several words or with their province
    /// (`Frankfurt am Main`, `Firenze (FI)`).
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
    /// office" on its line, after the register words of a legal notice ("CIF",
    /// "Impressum", "SIRET", "P.IVA", "KvK", …), right after a noun naming a business
    /// ("Summit Ridge Bank (200 Park Avenue …)"), or under a short line naming one
    /// ("Gimnasio Activa Sport") — is reported below the default threshold: it is not a
    /// person's. A sentence that mentions a bank before a label ("my address for the
    /// bank: …") does not make the address a company's. A made-up example (`Calle de
    /// ejemplo, 00`, `Musterstraße 1`) is reported far below it.
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

/// The town after a continental postal code: `Köln`, `St. Gallen`, `Den Haag`, `Le
/// Mans`, `Frankfurt am Main`, `Freiburg im Breisgau`, `Mülheim an der Ruhr`, `Firenze
/// (FI)`, `Olbia SS`, `Hengelo OV`, `Frankfurt (Oder)`. A dot continues the town only
/// after an abbreviation of up to three letters (`St.`), so the sentence after `50968
/// Köln. E-Mail` is not part of it.
macro_rules! town {
    () => {
        concat!(
            r"(?:(?:\p{Lu}\p{Ll}{0,2}\.|Den|De|La|Le|Les|Los|Las|El|Il|San|Santa|Santo|São|Sankt|Bad|Saint|Sainte|Sint)[ \t]?)?\p{Lu}[\p{L}'-]*",
            r"(?:[ \t]+(?:am|an[ \t]+der|im|ob[ \t]+der|bei|sur|sous|en|de|del|di|do|da|la|le)[ \t]+\p{Lu}[\p{L}'-]*)?",
            r"(?:[ \t]*\((?:[A-Z]{2}|\p{Lu}\p{Ll}{2,5})\)|[ \t]+[A-Z]{2}(?-u:\b))?",
        )
    };
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
        r"[0-9]{4}[ \t]?[A-Z]{2}[ \t]+",
        town!(),
        // DE, FR, ES, IT; four digits for AT, CH, BE, LU, DK
        r"|(?:[A-Z]{1,2}-)?[0-9]{4,5}[ \t]+",
        town!(),
        // PT
        r"|[0-9]{4}-[0-9]{3}[ \t]+",
        town!(),
        // BR: the CEP ends the address (`… - Campinas/SP - CEP 13042-005`)
        r"|[0-9]{5}-[0-9]{3}(?-u:\b)",
        // UK
        r"|[A-Z]{1,2}[0-9][A-Z0-9]?[ \t]?[0-9][A-Z]{2}(?-u:\b)",
        // US
        r"|(?-u:\b)[A-Z]{2}[ \t]+[0-9]{5}(?:-[0-9]{4})?(?-u:\b)",
        r")"
    ),
    validate,
}];

/// A street with its house number and the separator before the postal code (and, for
/// the UK and US forms, the town), ending where the code starts.
///
/// A word of a street's name is `\p{Lu}[\p{L}-]*`, not `{0,40}`: a counted Unicode
/// class is copied once per count: with five of them the pattern had 66,742 NFA
/// states, without them 11,981 (its lazy DFA did not fit its cache, so every search ran in the
/// PikeVM). The window of [`WINDOW`] bytes bounds the words anyway; a French street's
/// name and a town before a UK or US code are lazy, so they stay as short as the
/// address allows.
const STREET: &str = concat!(
    // a flat or unit before the number, and the building it is in: `Flat 2, 98
    // Oakfield Road`, `Flat 9, Halston Court, 2 Mill Lane`
    r"(?:(?:Flat|Apartment|Apt\.?|Unit)[ \t]+[0-9]{1,4}[A-Za-z]?,?[ \t]+",
    r"(?:(?:\p{Lu}[\p{L}'-]+[ \t]+){1,3}(?:Court|House|Mansions|Lodge|Tower|Hall|Buildings?|Apartments),?[ \t]+)?)?",
    r"(?:",
    // a street name ending in a street word, then the number: Lindenstraße 4,
    // Keizersgracht 123; after a title or a first name (Prins Hendriklaan 40, Jan
    // Pieter Heijestraat 131-II, Lange Nieuwstraat 7); Dutch and Belgian numbers
    // (`131-II`, `88-2`, `24 bus 3`)
    r"(?:(?:Prins|Prinses|Koning|Koningin|Lange|Korte|Nieuwe|Oude|Sint|Van|Jan|Burgemeester|Dokter|Graaf|Kleine|Große|Grosse|Alte|Neue|Obere|Untere|Hohe|Sankt)[ \t]+(?:\p{Lu}[\p{L}'.-]*[ \t]+)?)?",
    // streets named after a person are hyphenated, with the street word capitalised:
    // Karl-Marx-Straße 55, Konrad-Adenauer-Allee 3
    r"\p{Lu}[\p{L}-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|kai|markt|laan|straat|gracht|plein|kade|dijk|singel|steeg|einde|dreef|steenweg|-Straße|-Strasse|-Str\.|-Weg|-Gasse|-Platz|-Allee|-Ring|-Damm|-Ufer)",
    r"[ \t]+[0-9]{1,4}(?:[ \t]?[a-zA-Z]|-[0-9A-Z]{1,3})?(?:[ \t]+[Bb]us[ \t]+[0-9]{1,3})?(?-u:\b)",
    // an adjective and a street word apart: Kemptener Straße 31, Alte Landstraße 2
    r"|\p{Lu}[\p{L}-]+[ \t]+(?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer|Chaussee|Steig|Markt)",
    r"[ \t]+[0-9]{1,4}[ \t]?[a-zA-Z]?",
    // German streets named with a preposition: Am Sonnenhang 4, An der Alster 12, Am
    // Alten Markt 9
    r"|(?:Am|An[ \t]+der|An[ \t]+den|Auf[ \t]+der|Auf[ \t]+dem|Im|In[ \t]+der|In[ \t]+den|Zum|Zur|Unter[ \t]+den|Hinter[ \t]+der|Vor[ \t]+dem)",
    r"[ \t]+(?:\p{Lu}[\p{L}-]+[ \t]+)?\p{Lu}[\p{L}-]+[ \t]+[0-9]{1,3}[ \t]?[a-zA-Z]?",
    // a street word first, then the name and the number: Calle Mayor 5, Via Roma 10,
    // Calle de Toledo, 8; Via Roma 130/B; Travessa do Carmo, n.º 135; Av. Paulista, 1036
    r"|(?:Calle|C/|Avenida|Avda\.|Av\.|Plaza|Paseo|Carrer|Passeig|Avinguda|Ronda|Camino|Carretera|Glorieta|Rambla|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Strada|Contrada|Lungomare|Borgo|Rua|Rúa|Travessa|Praça|Alameda|Estrada|Rodovia|Rotonda)",
    r"[ \t]+(?:[\p{L}0-9'.]+,?[ \t]+){0,6}?(?:n[.ºo°]{1,2}[ \t]*)?[0-9]{1,4}(?:[ \t]?[a-zA-Z]|/[A-Za-z0-9]{1,3})?(?-u:\b)",
    // the number, a French street word and the name: 12 rue de la Paix
    r"|[0-9]{1,4}(?:[ \t]?(?:bis|ter|[a-zA-Z]))?,?[ \t]+(?:rue|avenue|boulevard|bd|chemin|impasse|allée|place|quai|route|cours|square|esplanade|passage|sentier|promenade|faubourg)",
    r"[ \t]+[\p{L}' -]{2}[\p{L}' -]*?",
    // the number, the name and an English street word: 10 Downing Street, 1110 N 5th
    // St, 891 Lakeview Terrace, Apt 4D
    r"|[0-9]{1,5}[ \t]+(?:(?:N|S|E|W|NE|NW|SE|SW)\.?[ \t]+)?(?:(?:\p{Lu}[\p{L}'-]+|[0-9]{1,3}(?:st|nd|rd|th))[ \t]+){1,3}",
    r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Court|Ct\.?|Way|Boulevard|Blvd\.?|Place|Pl\.?|Terrace|Close|Crescent|Gardens|Grove|Parkway|Pkwy\.?|Circle|Square|Mews|View|Rise|Walk|Row|Hill|Green|Park|Mount|Vale|Parade|Gate|Quay|Croft|Chase|Heights|Hollow)",
    r"(?:[ \t]+(?:NW|NE|SW|SE|N|S|E|W))?",
    r"(?:,?[ \t]+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|#)[ \t]*[0-9][0-9A-Za-z-]{0,5})?",
    // a French place without a street: `Lieu-dit Le Pech`, `Résidence Les Mimosas`,
    // `Hameau de Bel Air`
    r"|(?:Lieu-dit|Lieudit|Hameau|Résidence|Residence|Domaine)[ \t]+(?:(?:\p{Lu}|d['’]|de[ \t]|du[ \t]|des[ \t])[\p{L}'’-]*[ \t]*){1,4}",
    // after a flat, any name: `Flat 9, 58 Kingsway`
    r"|(?-u:\b)(?:Flat|Apartment|Apt\.?|Unit)[ \t]+[0-9]{1,4}[A-Za-z]?,[ \t]+[0-9]{1,5}[ \t]+(?:\p{Lu}[\p{L}'-]+[ \t]+){0,3}\p{Lu}[\p{L}'-]+",
    r")",
    // the floor, door or district after the number: `, 2. OG`, `, 3º B`, `, bajo`,
    // `, 2.º Esq.`, ` 7ºEsq` (`7oEsq` once NFKC has folded the `º`), ` 2 Esq`, Brazil's
    // `- casa 2 - Taquaral - Campinas/SP`
    r"(?:[ \t]*[,–-][ \t]*[^,\n–-]{1,30}?|[ \t]+[0-9]{1,2}[.ºª°oa][^,\n]{0,8}?|[ \t]+[0-9]{1,2}[ \t]+(?i:esq|dto|dt|frt|izq|izda|dcha|dch)\.?){0,5}",
    // the separator (Brazil's `CEP`), and the town of a UK or US address
    r"[ \t]*[,;–—·-]?[ \t]*(?:CEP:?[ \t]*)?\n?[ \t]*(?:\p{Lu}[\p{L}.' -]*?,?[ \t]+)?\z",
);

/// How far before the postal code the street may start.
const WINDOW: usize = 160;

/// [`STREET`], searched without its lazy DFA: every window is new text, and for this
/// pattern building DFA states cost more than the PikeVM's search (13% more
/// instructions on a mix of records).
fn street() -> Option<&'static regex_automata::meta::Regex> {
    static RE: std::sync::OnceLock<Option<regex_automata::meta::Regex>> =
        std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex_automata::meta::Regex::builder()
            .configure(regex_automata::meta::Config::new().hybrid(false))
            .build(STREET)
            .ok()
    })
    .as_ref()
}

/// The whole address, when a street with its number ends right before the postal code
/// and the street is not glued to a longer word.
fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let mut from = s.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = text.get(from..s)?;
    let found = street()?.find(window).map(|m| m.start()).or_else(|| {
        // a shipping label in capitals (`VIA SASSARI 77`, `SPOORSTRAAT 19 BUS 2`): the
        // street words are read in title case, at the same byte offsets
        let titled = title_cased(window)?;
        street()?.find(titled.as_str()).map(|m| m.start())
    });
    let start = from + found.or_else(|| one_word_street(window, text.get(s..e)?))?;
    let glued = text.get(..start)?.chars().next_back();
    if glued.is_some_and(char::is_alphanumeric) {
        return None;
    }
    let address = text.get(start..e)?.to_lowercase();
    let example = EXAMPLE_WORDS.iter().any(|w| address.contains(w));
    Some((
        if example {
            0.3
        } else if of_a_business(text, start) {
            0.5
        } else {
            0.85
        },
        start,
        e,
    ))
}

/// A street of one word with its number (`Markt 9`, `Meir 24 bus 3`), which no street
/// word marks: read only before a Dutch postal code, whose letters make the address
/// certain (`Markt 9, 6211 CK Maastricht`), or with a Belgian box number (`Meir 24 bus
/// 3, 2000 Antwerpen`). Returns where it starts in `window`.
fn one_word_street(window: &str, code: &str) -> Option<usize> {
    static RE: std::sync::OnceLock<Option<(regex::Regex, regex::Regex)>> =
        std::sync::OnceLock::new();
    let (plain, boxed) = RE
        .get_or_init(|| {
            let end = r"[ \t]*,?[ \t]*\n?[ \t]*\z";
            let word = r"(?:^|[\s,;:(])(\p{Lu}\p{Ll}{2,}[ \t]+[0-9]{1,4}[a-z]?";
            Some((
                regex::Regex::new(&format!("{word}){end}")).ok()?,
                regex::Regex::new(&format!("{word}[ \t]+bus[ \t]+[0-9]{{1,3}}){end}")).ok()?,
            ))
        })
        .as_ref()?;
    let dutch = code.len() >= 7
        && code
            .as_bytes()
            .get(..4)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && code
            .get(4..)
            .map(str::trim_start)
            .is_some_and(|r| r.bytes().take(2).all(|b| b.is_ascii_uppercase()));
    let re = if dutch { plain } else { boxed };
    re.captures(window)?.get(1).map(|m| m.start())
}

/// `window` with every word's letters after its first in lower case, when it has a
/// word in capitals (three capital letters in a row) and lowering keeps every
/// letter's byte length (so offsets into the copy are offsets into `window`).
fn title_cased(window: &str) -> Option<String> {
    let capitals = window
        .as_bytes()
        .windows(3)
        .any(|w| w.iter().all(u8::is_ascii_uppercase));
    if !capitals {
        return None;
    }
    let mut out = String::with_capacity(window.len());
    let mut in_word = false;
    for c in window.chars() {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) if in_word && l.len_utf8() == c.len_utf8() => out.push(l),
            _ => out.push(c),
        }
        in_word = c.is_alphabetic();
    }
    (out.len() == window.len()).then_some(out)
}

/// Words that make an address a made-up example (`Calle de ejemplo, 00`, `Musterstraße
/// 1`): reported far below the threshold.
const EXAMPLE_WORDS: &[&str] = &[
    "example",
    "ejemplo",
    "exemple",
    "esempio",
    "exemplo",
    "voorbeeld",
    "muster",
    "beispiel",
];

/// The legal forms a company's name ends in, in the countries whose addresses are read.
const LEGAL_FORMS: &[&str] = &[
    "gmbh", "ag", "kg", "ohg", "ug", "e.v.", "sarl", "sas", "sa", "sàrl", "eurl", "sl", "s.l.",
    "s.a.", "slu", "spa", "s.p.a.", "srl", "s.r.l.", "lda", "lda.", "ltda", "ltda.", "bv", "b.v.",
    "nv", "n.v.", "ltd", "ltd.", "plc", "llc", "inc", "inc.", "corp", "corp.", "zn", "zn.",
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

/// Words of a company's legal notice or register entry (Impressum, aviso legal, mentions
/// légales): an address after them is the company's.
const REGISTER_WORDS: &[&str] = &[
    "cif",
    "ust-id",
    "ust-idnr",
    "handelsregister",
    "hrb",
    "impressum",
    "siret",
    "siren",
    "rcs",
    "mentions légales",
    "registro mercantil",
    "aviso legal",
    "p.iva",
    "partita iva",
    "note legali",
    "nipc",
    "cnpj",
    "kvk",
    "company no",
    "company number",
];

/// Nouns that name a business (a bank, an insurer, a hotel, a gym), in the languages
/// whose addresses are read: `Summit Ridge Bank (200 Park Avenue, …)`, `Gimnasio
/// Activa Sport` on the line before.
const BUSINESS_NOUNS: &[&str] = &[
    "bank",
    "banco",
    "banque",
    "insurance",
    "versicherung",
    "assurance",
    "assurances",
    "seguros",
    "assicurazioni",
    "verzekeringen",
    "hotel",
    "hôtel",
    "hostal",
    "albergo",
    "hospital",
    "klinik",
    "clinic",
    "clinique",
    "clínica",
    "clinica",
    "restaurant",
    "restaurante",
    "ristorante",
    "café",
    "museum",
    "musée",
    "museo",
    "university",
    "universität",
    "universidad",
    "università",
    "universidade",
    "gym",
    "gimnasio",
    "fitnessstudio",
    "palestra",
    "ginásio",
    "pharmacy",
    "apotheke",
    "pharmacie",
    "farmacia",
    "farmácia",
    "store",
    "shop",
    "boutique",
    "tienda",
    "negozio",
    "loja",
    "winkel",
    "company",
    "corporation",
    "group",
    "gruppe",
    "groupe",
    "grupo",
    "gruppo",
    "telecom",
    "energie",
    "energy",
    "energía",
];

/// Whether the address starting at `start` is a company's: the text before it on its
/// line names a seat; a legal notice's register words stand before it; the words
/// before it on its line end in a company's legal form or a noun that names a business
/// (`Summit Ridge Bank (`); or, when nothing but a label (`Domicilio:`) precedes it on
/// its line, the line before is a company's name (a legal form, or a short line with a
/// business noun that is not itself a label). Only the line right before: on a bill,
/// the supplier's name two lines up heads the customer's own address.
fn of_a_business(text: &str, start: usize) -> bool {
    // the 200 bytes before the address are enough for a seat word or the lines before
    let head = super::util::before(text, start, 200);
    fn words_of(line: &str) -> Vec<&str> {
        line.split(|c: char| {
            c.is_whitespace()
                || matches!(c, ',' | '–' | '—' | '-' | '·' | '(' | ')' | '|' | ':' | '"')
        })
        .filter(|w| !w.is_empty())
        .collect()
    }
    let legal_form = |words: &[&str]| words.iter().rev().take(3).any(|w| LEGAL_FORMS.contains(w));
    let noun = |w: &&str| BUSINESS_NOUNS.contains(w);
    // on the address's line: a legal form, or a business noun right before the address
    // (`Summit Ridge Bank (200 Park Avenue …`), not ending a label (`for the bank:`)
    let same_line_company = |line: &str| {
        let words = words_of(line);
        legal_form(&words) || (!line.trim_end().ends_with(':') && words.last().is_some_and(noun))
    };
    // a line of its own before the address: a company's name (`Gimnasio Activa
    // Sport`), not a sentence or a label (`mi dirección para el banco:`)
    let company_line = |line: &str| {
        let words = words_of(line);
        !line.trim_end().ends_with(':')
            && (legal_form(&words) || (words.len() <= 5 && words.iter().any(noun)))
    };
    let register = REGISTER_WORDS.iter().any(|w| {
        head.match_indices(w).any(|(i, _)| {
            let before = head.get(..i).and_then(|h| h.chars().next_back());
            let after = head.get(i + w.len()..).and_then(|h| h.chars().next());
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    });
    let mut lines = head.rsplit('\n');
    let same = lines.next().unwrap_or("");
    // what stands before the address on its line, without a label (`Domicilio:`)
    let bare = same.trim_end();
    let bare = match bare.strip_suffix(':') {
        Some(label) if label.split_whitespace().count() <= 3 => "",
        _ => bare,
    };
    SEAT_WORDS.iter().any(|w| same.contains(w))
        || register
        || same_line_company(bare)
        || (bare.trim().is_empty() && lines.next().is_some_and(company_line))
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
