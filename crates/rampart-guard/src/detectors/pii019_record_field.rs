use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports the values of a person's record written as fields: JSON members
    /// (`"nachname": "Eberhardt"`, `"line1": "44 Elm Hill Avenue"`,
    /// `"data_nascita": "1972-08-19"`), labelled form lines and two-column tables
    /// (`Achternaam: Doğan`, `| Primer apellido | Montoya |`) and the `N`, `FN`, `ADR`
    /// and `BDAY` properties of a vCard. A field names a family or given name, a full
    /// name or a date of birth (a person's field, in the seven languages the guard
    /// reads), or a street, town, postal code or name (an address field). What CRM
    /// lookups, booking systems and address books return to an agent is written so.
    ///
    /// ## Why is this dangerous?
    /// A record's fields together identify and locate a person; a tool result that
    /// carries them sends them to the model, and from there to wherever it writes.
    ///
    /// ## Example
    /// ```text
    /// {"vorname": "Florian", "nachname": "Eberhardt", "strasse": "Weißenburgstraße 5", "plz": "70180"}
    /// ```
    ///
    /// ## Remediation
    /// Redact; give the model the record's id and the fields the task needs.
    ///
    /// ## False positives
    /// A person's field is acted on (0.85). An address field (`street`, `city`, `zip`,
    /// `name`, `adresse`, `ort`, …) is acted on only in a record that also has a
    /// person's field within 600 bytes; alone (a company's `"name"`, a package's
    /// `"city"` setting) it is reported at 0.4, below the default threshold. Empty
    /// values, blanks to fill in (`______`), `null`, placeholders (`<name>`,
    /// `your-name`, `example`) and, for a
    /// date of birth, a value without a digit are not reported. A vCard property
    /// counts only after `BEGIN:VCARD`.
    ///
    /// ## References
    /// GDPR Art. 4(1) (personal data); RFC 6350 (vCard); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII019",
        name: "personal-record-field",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Field of a person's record (JSON member, labelled line or vCard property naming a name, birth date or address part)",
    }
}

static RULES: &[TokenRule] = &[
    // a JSON member whose value is a string
    TokenRule {
        re: r#""[\p{L}0-9_ -]{1,40}"[ \t]*:[ \t]*"(?P<v>[^"\\\n]{1,160})""#,
        validate: validate_json,
    },
    // a labelled line (`Nachname: Eberhardt`) or a two-column table row
    // (`| Primer apellido | Montoya |`)
    TokenRule {
        re: r"(?m)^[ \t>*|-]*[\p{L}][\p{L}0-9 _./+-]{0,38}[ \t]*(?::|\|)[ \t]*(?P<v>[^|\n]{1,160})",
        validate: validate_label,
    },
    // a vCard's name, address and birthday properties
    TokenRule {
        re: r"(?m)^(?:N|FN|ADR|BDAY)(?:;[^:\n]{0,80})?:(?P<v>[^\n]{1,300})",
        validate: validate_vcard,
    },
];

/// A person's fields, normalised (lowercase, without `_`, `-`, `.` and spaces).
const PERSON_FIELDS: &[&str] = &[
    "lastname",
    "surname",
    "familyname",
    "nachname",
    "familienname",
    "cognome",
    "apellido",
    "apellidos",
    "primerapellido",
    "segundoapellido",
    "achternaam",
    "sobrenome",
    "apelido",
    "firstname",
    "givenname",
    "forename",
    "vorname",
    "vornamen",
    "prenom",
    "prénom",
    "voornaam",
    "voornamen",
    "fullname",
    "nomecompleto",
    "nombrecompleto",
    "nomcomplet",
    "volledigenaam",
    "dateofbirth",
    "birthdate",
    "birthday",
    "dob",
    "geburtsdatum",
    "datanascita",
    "datadinascita",
    "fechanacimiento",
    "fechadenacimiento",
    "datanascimento",
    "datadenascimento",
    "geboortedatum",
    "datenaissance",
    "datedenaissance",
];

/// Fields that hold a date of birth (their value needs a digit).
const BIRTH_FIELDS: &[&str] = &[
    "dateofbirth",
    "birthdate",
    "birthday",
    "dob",
    "geburtsdatum",
    "datanascita",
    "datadinascita",
    "fechanacimiento",
    "fechadenacimiento",
    "datanascimento",
    "datadenascimento",
    "geboortedatum",
    "datenaissance",
    "datedenaissance",
];

/// Address and name fields: a person's only in a record with a person's field.
const ADDRESS_FIELDS: &[&str] = &[
    "street",
    "streetaddress",
    "address",
    "addressline1",
    "addressline2",
    "line1",
    "line2",
    "mailingaddress",
    "homeaddress",
    "strasse",
    "straße",
    "hausnummer",
    "adresse",
    "anschrift",
    "wohnadresse",
    "indirizzo",
    "residenza",
    "direccion",
    "dirección",
    "domicilio",
    "morada",
    "endereco",
    "endereço",
    "adres",
    "straat",
    "huisnummer",
    "city",
    "town",
    "ort",
    "wohnort",
    "stadt",
    "ville",
    "citta",
    "città",
    "ciudad",
    "localidad",
    "cidade",
    "localidade",
    "plaats",
    "woonplaats",
    "zip",
    "zipcode",
    "postalcode",
    "postcode",
    "plz",
    "postleitzahl",
    "cap",
    "codepostal",
    "codigopostal",
    "cp",
    "cep",
    "postcodewoonplaats",
    "postcodeplaats",
    "name",
    "nome",
    "nom",
    "nombre",
    "naam",
];

/// The field name normalised for the lists above.
fn normalise(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' ' | '\t' | '/' | '+'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field names of JSON members, labelled lines and table rows.
fn field_names() -> Option<&'static regex::Regex> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r#""([\p{L}0-9_ -]{1,40})"[ \t]*:|(?m)^[ \t>*|-]*([\p{L}][\p{L}0-9 _./+-]{0,38}?)[ \t]*(?::|\|)"#,
        )
        .ok()
    })
    .as_ref()
}

/// Whether a person's field is named within 600 bytes of `pos`: the record around
/// an address field. Only field names count (a JSON key, a line's label, a table
/// row's first cell), not the same word in prose ("never ask for the date of birth").
fn in_a_persons_record(text: &str, pos: usize) -> bool {
    let from = super::util::floor_boundary(text, pos.saturating_sub(600));
    let to = super::util::floor_boundary(text, pos.saturating_add(600));
    let Some(re) = field_names() else {
        return false;
    };
    re.captures_iter(text.get(from..to).unwrap_or(""))
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .any(|name| PERSON_FIELDS.contains(&normalise(name.as_str()).as_str()))
}

/// The score of a value in field `key`, or `None` when the field is not a record's
/// or the value is empty, a placeholder or (for a birth date) has no digit.
fn score(text: &str, key: &str, s: usize, value: &str) -> Option<f32> {
    let key = normalise(key);
    let v = value.trim();
    let lower = v.to_lowercase();
    if v.chars().filter(|c| c.is_alphanumeric()).count() < 2
        // a blank form's field: `Calle ______ nº ___`
        || v.contains("___")
        || matches!(
            lower.as_str(),
            "null" | "none" | "true" | "false" | "n/a" | "na" | "unknown" | "-" | "tbd"
        )
        || super::util::is_placeholder(v)
    {
        return None;
    }
    if PERSON_FIELDS.contains(&key.as_str()) {
        if BIRTH_FIELDS.contains(&key.as_str()) && !v.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        return Some(0.85);
    }
    if ADDRESS_FIELDS.contains(&key.as_str()) {
        return Some(if in_a_persons_record(text, s) {
            0.85
        } else {
            0.4
        });
    }
    None
}

/// The value's span without surrounding blanks.
fn trimmed(text: &str, s: usize, e: usize) -> Option<(usize, usize)> {
    let v = text.get(s..e)?;
    let start = s + (v.len() - v.trim_start().len());
    let end = e - (v.len() - v.trim_end().len());
    (start < end).then_some((start, end))
}

/// A JSON member: the key is read back from the value's opening quote.
fn validate_json(text: &str, s: usize, e: usize) -> Option<Hit> {
    // `"key" : "` before the value
    let head = text.get(..s)?.strip_suffix('"')?.trim_end();
    let head = head.strip_suffix(':')?.trim_end().strip_suffix('"')?;
    let key = &head[head.rfind('"')? + 1..];
    let value = text.get(s..e)?;
    let (a, b) = trimmed(text, s, e)?;
    Some((score(text, key, s, value)?, a, b))
}

/// A labelled line or a table row: the label is what precedes the separator on the
/// line, without list or table marks.
fn validate_label(text: &str, s: usize, e: usize) -> Option<Hit> {
    let line_start = text.get(..s)?.rfind('\n').map_or(0, |i| i + 1);
    let head = text.get(line_start..s)?.trim_end();
    let label = head
        .strip_suffix(':')
        .or_else(|| head.strip_suffix('|'))?
        .trim_start_matches([' ', '\t', '>', '*', '|', '-'])
        .trim_end_matches(['*', ' ', '\t']);
    let value = text.get(s..e)?.trim_end_matches(['*', ' ', '\t']);
    let e = s + value.len();
    let (a, b) = trimmed(text, s, e)?;
    Some((score(text, label, s, value)?, a, b))
}

/// A vCard property: only inside a vCard; the value without the empty components'
/// separators (`;;12 Ladybarn Lane;Manchester;;M14 6WN`).
fn validate_vcard(text: &str, s: usize, e: usize) -> Option<Hit> {
    let from = super::util::floor_boundary(text, s.saturating_sub(4096));
    if !text
        .get(from..s)?
        .to_ascii_uppercase()
        .contains("BEGIN:VCARD")
    {
        return None;
    }
    let value = text.get(s..e)?;
    let start = s + (value.len() - value.trim_start_matches([';', ' ']).len());
    let end = e - (value.len() - value.trim_end_matches([';', ' ', '\r']).len());
    (start < end && text.get(start..end)?.chars().any(char::is_alphanumeric))
        .then_some((0.85, start, end))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "PERSONAL_DATA",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
