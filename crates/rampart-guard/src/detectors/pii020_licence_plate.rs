use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a vehicle registration number after a word that announces one, in the
    /// languages the guard reads: "Kennzeichen DU-YA 1902", "immatriculation
    /// DN-318-PC", "matrícula 2391 HFT", "targa FB 317 ZN", "kenteken XJ-482-T",
    /// "registration WR21 HKV", "CA plate 8XKM417", "véhicule DN-318-PC", "kenteken van
    /// mijn auto is XJ-482-T". The plate is
    /// 5 to 9 capital letters and digits, both present, in up to four groups joined by
    /// a space or a hyphen: the shapes of the German, French, Spanish, Italian, Dutch,
    /// Belgian, Portuguese, British and American plates.
    ///
    /// ## Why is this dangerous?
    /// A registration number leads to the keeper's name and address through the
    /// registration authority; insurers, garages and parking services paste them with
    /// the rest of a customer's record.
    ///
    /// ## Example
    /// ```text
    /// Fahrzeug: Opel Astra, Kennzeichen DU-YA 1902, Kunde Herr Arslan
    /// ```
    ///
    /// ## Remediation
    /// Redact.
    ///
    /// ## False positives
    /// Only after one of the words, within a few characters: a model name or a part
    /// number elsewhere in the text is not read. A value of letters only, digits only,
    /// or with lowercase letters is not a plate ("Kennzeichen: unbekannt", "plate 2 of
    /// 3"), nor a specimen or a blank (`0000-XXX`, `AB-123-CD`). "Registration" of a company, a domain or a trademark is followed by other
    /// words, not a plate; a company registration number written like a plate
    /// (`HRB 12345`) after "registration" would be reported.
    ///
    /// ## References
    /// GDPR Art. 4(1) (a registration number identifies the keeper); guidelines SD-3,
    /// OM-2.
    pub(crate) static RULE = {
        code: "PII020",
        name: "licence-plate",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Vehicle registration number after a word for one (7 languages)",
    }
}

/// The words that announce a plate, written in their cases (a `(?i)` alternation loses
/// its literals and would run on every text), then a label's punctuation and up to four
/// lowercase words ("Kenteken van mijn auto is XJ-482-T", "plate number 7ABC123").
static RULES: &[TokenRule] = &[TokenRule {
    re: concat!(
        r"(?:Kennzeichen|kennzeichen|KENNZEICHEN|Nummernschild|nummernschild",
        r"|[Ii]mmatriculation|IMMATRICULATION|[Ii]mmatriculée?|[Pp]laque|[Vv]éhicule",
        r"|[Mm]atrícula|MATRÍCULA|[Mm]atricula|MATRICULA|[Tt]arga|TARGA|[Tt]argato|[Tt]argata",
        r"|[Kk]enteken|KENTEKEN|[Nn]ummerplaat|[Pp]laca|PLACA",
        r"|[Rr]egistration|REGISTRATION|[Rr]eg\.?[ \t]?[Nn]o\.?|[Pp]late|PLATE|VRN|VRM)",
        r"[ \t]*[:#.]?[ \t]*(?:[a-z]{1,8}[ \t]+){0,4}(?:(?:è|é|numéro|número|n[º°o]\.?)[ \t]*:?[ \t]*)?",
        r"(?P<v>[A-ZÄÖÜ0-9]{1,8}(?:[ -][A-Z0-9]{1,4}){0,3})",
    ),
    validate,
}];

/// Whether `v` has a plate's shape: 5 to 9 letters and digits, both present, in at
/// most four groups, standing apart from what follows.
fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let alnum = v.chars().filter(char::is_ascii_alphanumeric).count()
        + v.chars().filter(|c| matches!(c, 'Ä' | 'Ö' | 'Ü')).count();
    let letters = v.chars().any(char::is_alphabetic);
    let digits = v.chars().any(|c| c.is_ascii_digit());
    let next = text.get(e..).and_then(|r| r.chars().next());
    if !(5..=9).contains(&alnum)
        || !letters
        || !digits
        || next.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '@')
    {
        return None;
    }
    // a company's or a trade register's number (`HRB 12345`), a year with a letter
    // (`2024 A`) and a group of digits after a lone letter (`A 2024`) are not plates
    let groups: Vec<&str> = v.split([' ', '-']).collect();
    let register = ["HRB", "HRA", "RCS", "KVK", "VAT", "EIN", "CRN"]
        .iter()
        .any(|p| groups.first() == Some(p));
    let year_like = groups.len() == 2
        && groups.iter().any(|g| {
            g.len() == 4 && g.starts_with(['1', '2']) && g.chars().all(|c| c.is_ascii_digit())
        })
        && groups.iter().any(|g| g.len() == 1);
    // a specimen or a blank: `0000-XXX`, `AB-123-CD`, `AB000CD`
    let digits_of: String = v.chars().filter(char::is_ascii_digit).collect();
    let letters_of: String = v.chars().filter(|c| c.is_alphabetic()).collect();
    let specimen = digits_of.chars().all(|c| c == '0')
        || letters_of.chars().all(|c| c == 'X')
        || (letters_of == "ABCD" && ["123", "000"].contains(&digits_of.as_str()))
        || super::util::is_placeholder(v);
    if register || year_like || specimen {
        return None;
    }
    Some((0.8, s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "LICENCE_PLATE",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
