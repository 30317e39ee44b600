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
    /// reads), or a street, town, postal code, place of birth or name (an address
    /// field). What CRM lookups, booking systems and address books return to an agent
    /// is written so.
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
    /// date of birth, a value without a digit are not reported. A vCard's properties
    /// count only between `BEGIN:VCARD` and `END:VCARD`; they are reported as one
    /// span, from the first value to the last.
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

/// The patterns find the separators and the vCard's frame; the field name and the
/// value are read by the validators. Counted Unicode classes around the name
/// (`"[\p{L}_ -]{1,40}"`) made the lazy DFA rebuild states on every text with a colon,
/// and a value group (`(?P<v>…)`) makes the engine run a capture search on every
/// colon: together 7% of the guard's speed. These patterns have neither.
static RULES: &[TokenRule] = &[
    // a JSON member whose value is a string: `"key": "value"`
    TokenRule {
        re: r#""[ \t]*:[ \t]*"[^"\\\n]+""#,
        validate: validate_json,
    },
    // a labelled line (`Nachname: Eberhardt`) or a two-column table row
    // (`| Primer apellido | Montoya |`): the separator
    TokenRule {
        re: r"[:|]",
        validate: validate_label,
    },
    // a vCard, from `BEGIN:VCARD` to `END:VCARD`
    TokenRule {
        re: r"BEGIN:VCARD(?s:.)*?END:VCARD",
        validate: validate_vcard,
    },
];

/// The longest value read in a field.
const MAX_VALUE: usize = 160;

/// The longest label read before a separator.
const MAX_LABEL: usize = 40;

/// Name fields of a person, normalised (lowercase, without `_`, `-`, `.` and spaces);
/// with [`BIRTH_FIELDS`] they are a person's fields.
pub(crate) const NAME_FIELDS: &[&str] = &[
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
];

/// Fields that hold a date of birth (their value needs a digit).
pub(crate) const BIRTH_FIELDS: &[&str] = &[
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
    "geburtstag",
];

/// Address and name fields: a person's only in a record with a person's field.
pub(crate) const ADDRESS_FIELDS: &[&str] = &[
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
    "códigopostal",
    "cp",
    "cep",
    "postcodewoonplaats",
    "postcodeplaats",
    "name",
    "nome",
    "nom",
    "nombre",
    "naam",
    // a place of birth
    "placeofbirth",
    "birthplace",
    "cityofbirth",
    "townofbirth",
    "geburtsort",
    "lieudenaissance",
    "lugardenacimiento",
    "luogodinascita",
    "comunedinascita",
    "localdenascimento",
    "naturalidade",
    "geboorteplaats",
];

/// The field name normalised for the lists above.
pub(crate) fn normalise(key: &str) -> String {
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

/// Whether `key` (normalised) is a person's field: a name or a date of birth.
pub(crate) fn persons_field(key: &str) -> bool {
    NAME_FIELDS.contains(&key) || BIRTH_FIELDS.contains(&key)
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
        .any(|name| persons_field(&normalise(name.as_str())))
}

/// The score of a value in field `key`, or `None` when the field is not a record's
/// or the value is empty, a placeholder or (for a birth date) has no digit.
fn score(text: &str, key: &str, s: usize, value: &str) -> Option<f32> {
    let key = normalise(key);
    if !a_value(&key, value) {
        return None;
    }
    if persons_field(&key) {
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

/// Whether `value` is a value of field `key` (normalised): not empty, a blank to fill
/// in, `null`, a placeholder or another field's name, and for a date of birth with a
/// digit.
pub(crate) fn a_value(key: &str, value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_lowercase();
    let empty = v.chars().filter(|c| c.is_alphanumeric()).count() < 2
        // a blank form's field: `Calle ______ nº ___`
        || v.contains("___")
        || matches!(
            lower.as_str(),
            "null" | "none" | "true" | "false" | "n/a" | "na" | "unknown" | "-" | "tbd"
        )
        || super::util::is_placeholder(v);
    // another field's name: the next cell of a table's header row (`| Vorname |
    // Nachname | Ort |`)
    let a_label = !empty && v.len() <= 40 && !v.bytes().any(|b| b.is_ascii_digit()) && {
        let norm = normalise(v);
        persons_field(&norm) || ADDRESS_FIELDS.contains(&norm.as_str())
    };
    let dated = !BIRTH_FIELDS.contains(&key) || v.chars().any(|c| c.is_ascii_digit());
    !empty && !a_label && dated
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
    // the match is `": "value"`: the value lies between the last two quotes
    let m = text.get(s..e)?;
    let open = m.get(1..)?.find('"')? + 2;
    let (s, e) = (s + open, e - 1);
    if e <= s || e - s > MAX_VALUE {
        return None;
    }
    // `"key" : "` before the value
    let head = text.get(..s)?.strip_suffix('"')?.trim_end();
    let head = head.strip_suffix(':')?.trim_end().strip_suffix('"')?;
    let from = super::util::floor_boundary(head, head.len().saturating_sub(MAX_LABEL + 1));
    let tail = head.get(from..)?;
    let key = &tail[tail.rfind('"')? + 1..];
    let value = text.get(s..e)?;
    let (a, b) = trimmed(text, s, e)?;
    Some((score(text, key, s, value)?, a, b))
}

/// A labelled line or a table row: the label is what precedes the separator on the
/// line (at most [`MAX_LABEL`] bytes, without list or table marks), the value what
/// follows it up to the line's end or the next `|`.
fn validate_label(text: &str, s: usize, e: usize) -> Option<Hit> {
    let from = super::util::floor_boundary(text, s.saturating_sub(MAX_LABEL + 8));
    let near = text.get(from..s)?;
    let line_start = match near.rfind('\n') {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => return None,
    };
    let label = text
        .get(line_start..s)?
        .trim_start_matches([' ', '\t', '>', '*', '|', '-'])
        .trim_end_matches(['*', ' ', '\t']);
    if label.is_empty()
        || label.len() > MAX_LABEL
        || !label.chars().next().is_some_and(char::is_alphabetic)
        || !label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '.' | '/' | '+' | '-'))
    {
        return None;
    }
    let rest = text.get(e..)?;
    let stop = rest.find(['\n', '|']).unwrap_or(rest.len());
    let limit = super::util::floor_boundary(rest, MAX_VALUE.min(stop));
    let value = rest.get(..limit)?.trim_end_matches(['*', ' ', '\t', '\r']);
    let (a, b) = trimmed(text, e, e + value.len())?;
    Some((score(text, label, a, value)?, a, b))
}

/// A vCard: one span from the first to the last value of its `N`, `FN`, `ADR` and
/// `BDAY` properties, without the empty components' separators
/// (`;;12 Ladybarn Lane;Manchester;;M14 6WN`).
fn validate_vcard(text: &str, s: usize, e: usize) -> Option<Hit> {
    let mut span: Option<(usize, usize)> = None;
    let mut at = s;
    for line in text.get(s..e)?.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let property = name.split(';').next().unwrap_or("").trim();
        if !matches!(property, "N" | "FN" | "ADR" | "BDAY") {
            continue;
        }
        let v0 = start + name.len() + 1;
        let a = v0 + (value.len() - value.trim_start_matches([';', ' ']).len());
        let b = v0 + value.trim_end_matches([';', ' ', '\r', '\n']).len();
        if a < b && text.get(a..b)?.chars().any(char::is_alphanumeric) {
            span = Some(span.map_or((a, b), |(x, _)| (x, b)));
        }
    }
    span.map(|(a, b)| (0.85, a, b))
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
