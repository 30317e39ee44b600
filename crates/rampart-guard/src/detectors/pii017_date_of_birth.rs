use rampart_core::declare_rule;

use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a date of birth: a full date (day, month and year, in figures or with
/// the month's name) announced as one in English, German, French, Spanish, Italian,
/// Portuguese or Dutch ("DOB: 04/02/1981", "geb. 10.01.1992", "née le 16 juillet
/// 1941", "nació el 14 de abril de 1957", "Date et lieu de naissance : 20/08/1952",
/// "nato/a a Milano (MI) il 20/12/1960", "Nasc. 03/09/1985", "Nasci a 9 de junho de 1999", `"dateOfBirth":"1997-04-14"`,
/// `"fechaNacimiento": "1950-06-08"`), and the
/// dates in the birth-date column of a table or CSV (`nom,prenom,date_naissance`).
    ///
    /// ## Why is this dangerous?
    /// With a name, a date of birth identifies a person and is one of the answers
/// banks, insurers and health services ask to confirm who is calling.
    ///
    /// ## Example
    /// ```text
    /// Patient: <name>  DOB: 01/05/2024
    /// ```
    ///
    /// ## Remediation
    /// Redact, or keep the year only.
    ///
    /// ## False positives
    /// A date is reported only after a word for birth (or in a birth-date column), and
/// only with a year: appointment dates, "born in 1960" and birthdays without a year
/// are not. A famous person's birth date is reported like anyone's.
    ///
    /// ## References
    /// GDPR Art. 4(1) (personal data); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII017",
        name: "date-of-birth",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Date of birth (a full date after a word for birth, or in a birth-date column; 7 languages)",
    }
}

/// A full date: `04/02/1981`, `10.01.1992`, `17-09-1970`, `1997-04-14`, the US
/// `05/26/1990`,
/// `16 juillet 1941`, `14 de abril de 1957`, `1st September 1960`, `May 3, 1990`.
macro_rules! date {
    () => {
        r"(?i:[0-3]?[0-9][./-][0-3]?[0-9][./-](?:19|20)?[0-9]{2}|(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]|[0-3]?[0-9]\.?(?:º|er|st|nd|rd|th)?\s+(?:de\s+)?(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|januar|jänner|februar|märz|maerz|mai|juni|juli|oktober|dezember|janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|dezembro|januari|februari|maart|mei|augustus)\.?\s+(?:de\s+)?(?:19|20)[0-9]{2}|(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|januar|jänner|februar|märz|maerz|mai|juni|juli|oktober|dezember|janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|dezembro|januari|februari|maart|mei|augustus)\.?\s+[0-3]?[0-9](?:st|nd|rd|th)?,?\s+(?:19|20)[0-9]{2})"
    };
}

static RULES: &[TokenRule] = &[
    // a word for birth, up to 30 characters without a digit, then the date
    TokenRule {
        re: concat!(
            r#"(?-u:\b)(?:[Dd]ate\sof\sbirth|DATE\sOF\sBIRTH|[Bb]irth\sdate|BIRTH\sDATE|[Bb]irthdate|BIRTHDATE|[Bb]orn\son|BORN\sON|[Bb]orn|BORN|[Dd]ob|DOB|[Dd]\.o\.b\.|D\.O\.B\.|[Dd]ateofbirth|DATEOFBIRTH|[Dd]ateOfBirth|[Bb]irthDate|[Ff]echaNacimiento|[Ff]echaDeNacimiento|[Dd]ataNascimento|[Dd]ataDeNascimento|[Dd]ataNascita|[Dd]ataDiNascita|[Dd]ateNaissance|[Dd]ateDeNaissance|[Gg]eburtsDatum|[Gg]eboorteDatum|[Dd]ate_of_birth|DATE_OF_BIRTH|[Bb]irth_date|BIRTH_DATE|[Gg]eburtsdatum|GEBURTSDATUM|[Gg]eboren\sam|GEBOREN\sAM|[Gg]eboren|GEBOREN|[Gg]eb\.|GEB\.|[Dd]ate\sde\snaissance|DATE\sDE\sNAISSANCE|[Nn]é\sle|NÉ\sLE|[Nn]ée\sle|NÉE\sLE|[Nn]é\(e\)\sle|NÉ\(E\)\sLE|[Nn]é|NÉ|[Nn]ée|NÉE|[Nn]aissance|NAISSANCE|[Ff]echa\sde\snacimiento|FECHA\sDE\sNACIMIENTO|[Ff]echa\snacimiento|FECHA\sNACIMIENTO|[Ff]\.\snac\.|F\.\sNAC\.|[Nn]acido\sel|NACIDO\sEL|[Nn]acida\sel|NACIDA\sEL|[Nn]ació\sel|NACIÓ\sEL|[Nn]ací\sel|NACÍ\sEL|[Nn]ací|[Nn]acido|NACIDO|[Nn]acida|NACIDA|[Nn]acimiento|NACIMIENTO|[Dd]ata\sdi\snascita|DATA\sDI\sNASCITA|[Nn]ato\sil|NATO\sIL|[Nn]ata\sil|NATA\sIL|[Nn]ato|NATO|[Nn]ata|NATA|[Nn]ascita|NASCITA|[Dd]ata\sde\snascimento|DATA\sDE\sNASCIMENTO|[Nn]ascido\sa|NASCIDO\sA|[Nn]ascida\sa|NASCIDA\sA|[Nn]ascido\sem|NASCIDO\sEM|[Nn]ascida\sem|NASCIDA\sEM|[Nn]asceu\sem|NASCEU\sEM|[Nn]ascido|NASCIDO|[Nn]ascida|NASCIDA|[Nn]ascimento|NASCIMENTO|[Nn]asc\.|NASC\.|[Nn]asci\sa|[Nn]asci\sem|[Nn]asci|[Gg]eboortedatum|GEBOORTEDATUM|[Gg]eboren\sop|GEBOREN\sOP|[Gg]eb\.\sdatum|GEB\.\sDATUM)[\s:"'=.,(/][^\n0-9]{0,30}?(?P<v>"#,
            date!(),
            r")(?-u:\b)"
        ),
        validate,
    },
    // a table whose header names a birth-date column: the rows below it
    TokenRule {
        re: r"(?i:date_of_birth|dateofbirth|date of birth|birth_?date|(?-u:\b)dob(?-u:\b)|geburtsdatum|geb_datum|date_?(?:de_?)?naissance|fecha_?(?:de_?)?nacimiento|nacimiento|data_?(?:di_?)?nascita|nascita|data_?(?:de_?)?nascimento|nascimento|geboortedatum|birthday|geburtstag|anniversaire|cumpleaños|compleanno|aniversário|verjaardag)[^\n]*(?P<v>(?:\n[^\n]+){1,500})",
        validate: validate_table,
    },
];

/// The column names of a birth date in a table's header.
const COLUMNS: &[&str] = &[
    "date_of_birth",
    "dateofbirth",
    "date of birth",
    "dob",
    "birth_date",
    "birthdate",
    "geburtsdatum",
    "geb_datum",
    "date_naissance",
    "date_de_naissance",
    "date de naissance",
    "fecha_nacimiento",
    "fecha_de_nacimiento",
    "fecha de nacimiento",
    "nacimiento",
    "data_nascita",
    "data_di_nascita",
    "data di nascita",
    "nascita",
    "data_nascimento",
    "data_de_nascimento",
    "data de nascimento",
    "nascimento",
    "geboortedatum",
    "data nascita",
    "birthday",
    "geburtstag",
    "anniversaire",
    "cumpleaños",
    "compleanno",
    "aniversário",
    "verjaardag",
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    text.get(s..e)?;
    Some((0.85, s, e))
}

/// Whether a table cell holds a date (figures only: tables write dates so).
fn is_date(cell: &str) -> bool {
    let c = cell.trim().trim_matches(['"', '\'']);
    let parts: Vec<&str> = c.split(['/', '.', '-']).collect();
    parts.len() == 3
        && c.len() <= 10
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts.iter().any(|p| p.len() == 4 || p.len() == 2)
}

/// The dates in the header's birth-date column, in the rows of `s..e` up to the first
/// blank line: one span from the first to the last.
fn validate_table(text: &str, s: usize, e: usize) -> Option<Hit> {
    let header = text.get(..s)?.rsplit('\n').next()?;
    let delimiter = [',', ';', '\t', '|']
        .into_iter()
        .find(|d| header.contains(*d))?;
    let column = header.split(delimiter).position(|name| {
        let name = name.trim().trim_matches(['"', '\'']).to_lowercase();
        COLUMNS.contains(&name.as_str())
    })?;
    let mut span: Option<(usize, usize)> = None;
    let mut at = s;
    for line in text.get(s..e)?.split_inclusive('\n') {
        let row = line.trim_start_matches('\n');
        let row_start = at + (line.len() - row.len());
        at += line.len();
        if row.trim().is_empty() {
            if span.is_some() {
                break;
            }
            continue;
        }
        let mut offset = row_start;
        for (i, cell) in row.split(delimiter).enumerate() {
            if i == column && is_date(cell) {
                let lead = cell.len() - cell.trim_start().len();
                let (a, b) = (offset + lead, offset + cell.trim_end().len());
                span = Some(span.map_or((a, b), |(x, _)| (x, b)));
            }
            offset += cell.len() + delimiter.len_utf8();
        }
    }
    span.map(|(a, b)| (0.85, a, b))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "DATE_OF_BIRTH",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
