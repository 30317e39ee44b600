use rampart_core::declare_rule;

use super::pii019_record_field::{a_value, normalise, persons_field, ADDRESS_FIELDS};
use super::util::table_cells as cells;
use super::{Detector, Engine, ALL};
use crate::engine::RawHit;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports the cells of a table of people: a CSV export, a tab- or
    /// semicolon-separated paste or a Markdown table whose header row names a person's
    /// field (a family or given name, a full name, a date of birth; seven languages),
    /// or a name, an address field and a phone or e-mail column together. Every cell
    /// under a name, birth-date or address column (`Full Name`, `Street`, `City`,
    /// `ZIP`, `Geburtstag`, `Adresse`, …) is reported, row by row, for as long as the
    /// rows have the header's number of cells and do not read as a sentence.
    ///
    /// ## Why is this dangerous?
    /// A customer, member or patient list pasted into a chat for "clean this up" or
    /// "find duplicates" hands every person in it to the model provider at once.
    ///
    /// ## Example
    /// ```text
    /// "Full Name","Street","City","ZIP","Birthday"
    /// "Gloria Ruiz","4410 Bellaire Blvd","Houston","77401","1966-02-14"
    /// ```
    ///
    /// ## Remediation
    /// Redact; give the model the columns the task needs, or synthetic rows.
    ///
    /// ## False positives
    /// The header must be a row of short labels (letters, digits, spaces, `_ . / + -`,
    /// at most 40 characters each). A table with a name and an address column but no
    /// person's field and no phone or e-mail column (a list of offices or suppliers)
    /// is not reported, nor one person's record written as two columns of labels and
    /// values (PII019 reads those). Empty cells, blanks (`___`), `null`, placeholders
    /// and, under a birth-date column, cells without a digit are not reported. Phones
    /// and e-mail addresses in the table are their own rules' findings.
    ///
    /// ## References
    /// GDPR Art. 4(1) (personal data); RFC 4180 (CSV); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII021",
        name: "table-of-people",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Cells of a table whose header names a person's fields (CSV, TSV, Markdown)",
    }
}

/// The longest line read as a header or a row.
const MAX_LINE: usize = 4096;

/// The most columns a header may have.
const MAX_COLUMNS: usize = 64;

/// The longest header label.
const MAX_LABEL: usize = 40;

/// Contact columns (normalised): with a name and an address column, a contact list.
const CONTACT_FIELDS: &[&str] = &[
    "phone",
    "telephone",
    "tel",
    "mobile",
    "cell",
    "email",
    "mail",
    "telefon",
    "handy",
    "mobil",
    "telefono",
    "teléfono",
    "cellulare",
    "móvil",
    "movil",
    "telefone",
    "celular",
    "telemovel",
    "telemóvel",
    "telefoon",
    "mobiel",
    "téléphone",
    "portable",
    "correo",
    "courriel",
];

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// A person's name or date of birth, or an address part: reported.
    Person,
    Address,
    Contact,
    Other,
}

/// Reports the cells of every table of people in `text`.
///
/// Not a token rule: a table has a cell per person and field, and its header is found
/// by reading a line's cells, which no pattern with a literal to anchor on can do.
/// Lines without a tab, `;`, `,` or `|` are skipped at the cost of one byte search.
/// Every line is read at most twice (as a header candidate and as a row), so the work
/// is linear in the text; every cell of every row is reported, however long the table
/// (a redaction that stopped at a count would forward the rest).
pub(crate) fn check(text: &str, out: &mut Vec<RawHit>) {
    if memchr::memchr(b'\n', text.as_bytes()).is_none() {
        return;
    }
    let mut lines = Lines { text, at: 0 };
    while let Some((_, line)) = lines.next() {
        let Some((delim, columns)) = header(line) else {
            continue;
        };
        // a Markdown table's rule line under its header
        let mut rows = lines.clone();
        if delim == b'|' {
            if let Some((_, rule)) = rows.clone().next() {
                if rule.trim().trim_matches('|').trim().starts_with(['-', ':']) {
                    rows.next();
                }
            }
        }
        if rows
            .clone()
            .next()
            .is_some_and(|(_, row)| vertical_record(&columns, row, delim))
        {
            continue;
        }
        let mut consumed = rows.clone();
        while let Some((row_at, row)) = rows.next() {
            if row.len() > MAX_LINE {
                break;
            }
            let cells = cells(row, delim);
            if cells.len() != columns.len() || prose(row, &cells, &columns) {
                break;
            }
            for (&(s, e), &(kind, ref key)) in cells.iter().zip(&columns) {
                if !matches!(kind, Column::Person | Column::Address) {
                    continue;
                }
                let Some((s, e)) = unquoted(row, s, e) else {
                    continue;
                };
                if !row.get(s..e).is_some_and(|v| a_value(key, v)) {
                    continue;
                }
                out.push(RawHit {
                    detector: &DETECTOR,
                    start: row_at + s,
                    end: row_at + e,
                    score: 0.85,
                    note: format!("cell of a table of people (column {key})"),
                });
            }
            consumed = rows.clone();
        }
        lines = consumed;
    }
}

/// Whether a row that has the header's number of cells is a sentence after the table
/// ("Thanks, that was all."): a cell under a person's column with more than five words,
/// or with two words or more ending in `.`, `!` or `?`.
fn prose(row: &str, cells: &[(usize, usize)], columns: &[(Column, String)]) -> bool {
    cells.iter().zip(columns).any(|(&(s, e), (kind, _))| {
        let v = row.get(s..e).unwrap_or("").trim();
        let words = v.split_whitespace().count();
        *kind == Column::Person && (words > 5 || (words >= 2 && v.ends_with(['.', '!', '?'])))
    })
}

/// Lines of a text with their byte offsets; `\r` is left to the cells' trimming.
#[derive(Clone)]
struct Lines<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Iterator for Lines<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<(usize, &'t str)> {
        let rest = self.text.get(self.at..).filter(|r| !r.is_empty())?;
        let len = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let start = self.at;
        self.at += len + 1;
        Some((start, rest.get(..len)?))
    }
}

/// The delimiter and the columns of `line` when it is the header of a table of
/// people.
fn header(line: &str) -> Option<(u8, Vec<(Column, String)>)> {
    if line.len() > MAX_LINE {
        return None;
    }
    let b = line.as_bytes();
    let delim = if line.trim_start().starts_with('|') {
        b'|'
    } else {
        [b'\t', b';', b',']
            .into_iter()
            .find(|&d| memchr::memchr(d, b).is_some())?
    };
    let cells = cells(line, delim);
    if cells.len() < 2 || cells.len() > MAX_COLUMNS {
        return None;
    }
    let mut columns = Vec::with_capacity(cells.len());
    for (s, e) in cells {
        let label = unquoted(line, s, e).and_then(|(s, e)| line.get(s..e))?;
        let label_like = label.len() <= MAX_LABEL
            && label.chars().next().is_some_and(char::is_alphabetic)
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '.' | '/' | '+' | '-'));
        if !label_like {
            return None;
        }
        let key = normalise(label);
        columns.push((kind_of(&key), key));
    }
    let has = |k: Column| columns.iter().any(|(c, _)| *c == k);
    let people = has(Column::Person) || (has(Column::Address) && has(Column::Contact));
    people.then_some((delim, columns))
}

/// What the column labelled `key` (normalised) holds.
fn kind_of(key: &str) -> Column {
    if persons_field(key) {
        Column::Person
    } else if ADDRESS_FIELDS.contains(&key) {
        Column::Address
    } else if CONTACT_FIELDS.contains(&key) {
        Column::Contact
    } else {
        Column::Other
    }
}

/// Whether a two-column "header" is the first field of one person's record written
/// as a two-column table (`| Segundo apellido | Cárdenas |` over `| Teléfono | 611
/// 295 830 |`): the row under it opens with a field's label as well. PII019 reads
/// such a record field by field; read as a table, its labels were reported and its
/// values passed.
fn vertical_record(columns: &[(Column, String)], row: &str, delim: u8) -> bool {
    if columns.len() != 2 {
        return false;
    }
    let cells = cells(row, delim);
    let first = cells
        .first()
        .and_then(|&(s, e)| unquoted(row, s, e))
        .and_then(|(s, e)| row.get(s..e));
    cells.len() == 2 && first.is_some_and(|label| kind_of(&normalise(label)) != Column::Other)
}

/// A cell's value: without surrounding blanks and one pair of double quotes.
fn unquoted(line: &str, s: usize, e: usize) -> Option<(usize, usize)> {
    let v = line.get(s..e)?;
    let lead = v.len() - v.trim_start().len();
    let v = v.trim();
    let (mut s, mut e) = (s + lead, s + lead + v.len());
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        s += 1;
        e -= 1;
    }
    (s < e).then_some((s, e))
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "PERSON",
    roles: ALL,
    weak: false,
    engine: Engine::Custom,
};
