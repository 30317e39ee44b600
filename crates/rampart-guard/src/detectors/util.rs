//! Helpers shared by the token validators.

/// Shannon entropy of `s` in bits per character.
pub(crate) fn entropy(s: &str) -> f32 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

/// Number of character classes present: lowercase, uppercase, digit, other.
pub(crate) fn classes(s: &str) -> u8 {
    let mut l = false;
    let mut u = false;
    let mut d = false;
    let mut o = false;
    for b in s.bytes() {
        match b {
            b'a'..=b'z' => l = true,
            b'A'..=b'Z' => u = true,
            b'0'..=b'9' => d = true,
            _ => o = true,
        }
    }
    u8::from(l) + u8::from(u) + u8::from(d) + u8::from(o)
}

/// Words and shapes that mark a documentation placeholder rather than a credential:
/// `sk-xxxx`, `AKIAIOSFODNN7EXAMPLE`, `your-api-key-here`, `<token>`, `${SECRET}`,
/// long runs of one character and counting sequences.
pub(crate) fn is_placeholder(value: &str) -> bool {
    const WORDS: &[&str] = &[
        "example",
        "xxxx",
        "your",
        "here",
        "dummy",
        "sample",
        "placeholder",
        "redacted",
        "fake",
        "changeme",
        "change_me",
        "replace",
        "insert",
        "****",
        "....",
        "...",
        "1234567890",
        "abcdefgh",
        "0123456789",
        "token_here",
        "secret_here",
        "test_key",
        "not_a_real",
        "notreal",
        "invalid",
        // "replace / fill in" in the other languages of the guard
        "ersetzen",
        "eintragen",
        "ändern",
        "remplacer",
        "remplir",
        "reemplazar",
        "rellenar",
        "sostituire",
        "inserire",
        "substituir",
        "preencher",
        "vervangen",
        "invullen",
    ];
    let lower = value.to_ascii_lowercase();
    if WORDS.iter().any(|w| lower.contains(w)) || template_slot(value) {
        return true;
    }
    // a run of 5+ identical characters
    let mut run = 1;
    let mut prev = None;
    for b in lower.bytes() {
        if Some(b) == prev && b.is_ascii_alphanumeric() {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else {
            run = 1;
        }
        prev = Some(b);
    }
    false
}

/// Whether `value` holds a template or variable slot rather than characters of its
/// own: `<token>`, `{{ secret }}`, `${API_KEY}`, `$(cat key)`, `%(pw)s`, or a whole
/// value that is a shell variable (`$DB_PASSWORD`, `$password`). A lone `<`, `{` or `$`
/// inside a random password (`Q*<Vyy]a#7s`, `l{fJhvOd`, `$Pizzaiolo2012`) is not one.
fn template_slot(value: &str) -> bool {
    let b = value.as_bytes();
    let pair = |open: u8, close: u8| {
        b.iter()
            .position(|&c| c == open)
            .is_some_and(|i| b[i + 1..].contains(&close))
    };
    if pair(b'<', b'>')
        || pair(b'{', b'}')
        || ["${", "$(", "%(", "{{"].iter().any(|t| value.contains(t))
    {
        return true;
    }
    // a whole value `$NAME` in one case: a variable, not `$Pizzaiolo2012`
    value.strip_prefix('$').is_some_and(|name| {
        !name.is_empty()
            && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
            && (!name.bytes().any(|c| c.is_ascii_lowercase())
                || !name.bytes().any(|c| c.is_ascii_uppercase()))
            && !name.bytes().all(|c| c.is_ascii_digit())
    })
}

/// Whether a (lowercased) value names where a secret is kept instead of holding it:
/// `os.environ[…]`, `getenv(…)`, `process.env.X`, `secrets.X`, `vault:…`.
pub(crate) fn names_a_store(lower: &str) -> bool {
    ["process.env", "environ", "getenv", "secrets.", "vault:"]
        .iter()
        .any(|w| lower.contains(w))
}

/// True when the byte before `start` and the byte at `end` are not part of a token
/// made of `alphabet`-like characters (letters, digits, `_`, `-`, plus `extra`).
pub(crate) fn isolated(text: &str, start: usize, end: usize, extra: &[u8]) -> bool {
    let b = text.as_bytes();
    let tok = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || extra.contains(&c);
    let before = start
        .checked_sub(1)
        .and_then(|i| b.get(i))
        .is_none_or(|&c| !tok(c));
    let after = b.get(end).is_none_or(|&c| !tok(c));
    before && after
}

/// True when `start..end` is a number of its own: not inside a longer token, and not
/// part of a dotted, slashed or comma-grouped number (`1.234.567`, `12/34`, `1,234`),
/// while a sentence's closing `.` or `,` after it, and a CSV row's commas
/// (`IDCARD_DE,W3YN6T2722,SUCCESS`), are fine.
pub(crate) fn standalone_number(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let glue = |c: u8| matches!(c, b'.' | b'/' | b',');
    // a comma glues digits (`1,234,567`); after a letter it is a CSV cell's end
    let glued = |c: u8, d: u8| {
        if c == b',' {
            d.is_ascii_digit()
        } else {
            d.is_ascii_alphanumeric()
        }
    };
    let prev = start.checked_sub(1).and_then(|i| b.get(i)).copied();
    let prev2 = start.checked_sub(2).and_then(|i| b.get(i)).copied();
    let next = b.get(end).copied();
    let next2 = b.get(end + 1).copied();
    let before_ok = match prev {
        None => true,
        Some(c) if glue(c) => !prev2.is_some_and(|d| glued(c, d)),
        Some(c) => !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-'),
    };
    let after_ok = match next {
        None => true,
        Some(c) if glue(c) => !next2.is_some_and(|d| glued(c, d)),
        Some(c) => !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-'),
    };
    before_ok && after_ok
}

/// The ASCII digits of `s`.
pub(crate) fn digits(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// Luhn checksum.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Whether one of `words` (lowercase) appears in the 60 bytes before `pos`: the word a
/// person writes before an identifier (`DNI`, `Steuer-ID`, `BSN`).
pub(crate) fn named_nearby(text: &str, pos: usize, words: &[&str]) -> bool {
    let ctx = before(text, pos, 60);
    words.iter().any(|w| ctx.contains(w))
}

/// The score of an identifier whose check digits verify: decisive (0.95) when a word
/// naming it stands before it (within 60 bytes, earlier on its line within 200 bytes,
/// or in its table column's header), and below the default policy's threshold (0.5)
/// when not, since a bare number of the same length passes its check by chance.
pub(crate) fn identifier_score(text: &str, pos: usize, names: &[&str]) -> f32 {
    let in_named_column =
        || column_header(text, pos).is_some_and(|h| names.iter().any(|w| h.contains(w)));
    let named_on_its_line = || {
        let ctx = before(text, pos, 200);
        let line = ctx.rsplit('\n').next().unwrap_or("");
        names.iter().any(|w| line.contains(w))
    };
    if named_nearby(text, pos, names) || named_on_its_line() || in_named_column() {
        0.95
    } else {
        0.5
    }
}

/// The header of the table column that `pos` lies in, lowercased: for a row of a CSV,
/// TSV, semicolon or Markdown table (`|`), the cell at the same position in the first
/// line of the block of rows above it that share its delimiter count (at least one
/// such row, and a cell of at most 40 characters: a line of prose with a comma has
/// neither). A person writes
/// "SSN" or "nif" once, in the header, and the numbers many rows below it. Looks back
/// at most 200 lines of at most `MAX_ROW` bytes each (so a text of many numbers costs
/// linear time); `None` outside a table.
pub(crate) fn column_header(text: &str, pos: usize) -> Option<String> {
    const MAX_ROW: usize = 2048;
    let head = text.get(..pos)?;
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text.get(pos..)?.find('\n').map_or(text.len(), |i| pos + i);
    if line_end - line_start > MAX_ROW {
        return None;
    }
    let line = text.get(line_start..line_end)?;
    let delimiter = [',', ';', '\t', '|']
        .into_iter()
        .max_by_key(|d| line.matches(*d).count())
        .filter(|d| line.contains(*d))?;
    let count = line.matches(delimiter).count();
    let column = text.get(line_start..pos)?.matches(delimiter).count();
    let mut header = None;
    let mut rows = text.get(..line_start)?.lines().rev();
    for _ in 0..200 {
        match rows.next() {
            Some(row) if row.len() <= MAX_ROW && row.matches(delimiter).count() == count => {
                header = Some(row)
            }
            _ => break,
        }
    }
    // a line with no row of its shape above it is prose with a comma, not a table
    let cell = header?.split(delimiter).nth(column)?.trim();
    // a column's name is a word or two, not a sentence
    (cell.chars().count() <= 40).then(|| cell.to_lowercase())
}

/// The part of the token `start..end` after `prefix` when the token stands alone and
/// that part looks random (not a placeholder, at least `min_entropy` bits per
/// character and `min_classes` character classes): what a secret's tail looks like.
pub(crate) fn random_tail<'t>(
    text: &'t str,
    start: usize,
    end: usize,
    prefix: &str,
    min_entropy: f32,
    min_classes: u8,
) -> Option<&'t str> {
    let v = text.get(start..end)?;
    let tail = v.strip_prefix(prefix).unwrap_or(v);
    let random = isolated(text, start, end, &[])
        && !is_placeholder(tail)
        && entropy(tail) >= min_entropy
        && classes(tail) >= min_classes;
    random.then_some(tail)
}

/// `pos` clamped to the text's length and moved down to a char boundary.
pub(crate) fn floor_boundary(text: &str, pos: usize) -> usize {
    let mut p = pos.min(text.len());
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

/// Lowercase text of the `n` bytes before `pos` (clamped to a char boundary).
pub(crate) fn before(text: &str, pos: usize, n: usize) -> String {
    let s = floor_boundary(text, pos.saturating_sub(n));
    text.get(s..pos).unwrap_or("").to_lowercase()
}

/// The first value written in groups of four after `pos`, within `window` bytes and
/// at most one line break: a chain of `groups` runs of exactly four `allowed`
/// characters joined by single spaces or hyphens (`mvke rlsa tpqz hwoc`,
/// `7KQM-3XWP-ZL4R-N2VD`), or one run of `solid` characters written together. Each
/// run must stand apart from other letters and digits (`schl` in `Schlüssel` does
/// not count). Returns the value's byte range.
///
/// Scanning a bounded window after a cue word, instead of a pattern like
/// `cue[^\n]{0,80}?value`, keeps the lazy DFA small: the counted Unicode gap made
/// it rebuild states on every text.
pub(crate) fn grouped_after(
    text: &str,
    pos: usize,
    window: usize,
    allowed: fn(char) -> bool,
    groups: std::ops::RangeInclusive<usize>,
    solid: std::ops::RangeInclusive<usize>,
) -> Option<(usize, usize)> {
    let end = floor_boundary(text, pos.saturating_add(window));
    let area = text.get(pos..end)?;
    // stop after the second line break
    let area = match area.match_indices('\n').nth(1) {
        Some((i, _)) => area.get(..i)?,
        None => area,
    };
    // maximal runs of allowed characters, standing apart from other alphanumerics
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<usize> = None;
    let mut prev: Option<char> = text.get(..pos).and_then(|h| h.chars().next_back());
    let mut spoiled = false;
    for (i, c) in area
        .char_indices()
        .chain(std::iter::once((area.len(), ' ')))
    {
        if i < area.len() && allowed(c) {
            if open.is_none() {
                open = Some(i);
                spoiled = prev.is_some_and(char::is_alphanumeric);
            }
        } else if let Some(o) = open.take() {
            let after = if i < area.len() {
                Some(c)
            } else {
                text.get(end..).and_then(|t| t.chars().next())
            };
            if !spoiled && !after.is_some_and(char::is_alphanumeric) {
                runs.push((pos + o, pos + i));
            }
        }
        prev = Some(c);
    }
    let b = text.as_bytes();
    let joined = |a: (usize, usize), n: (usize, usize)| {
        n.0 == a.1 + 1 && matches!(b.get(a.1), Some(b' ' | b'-'))
    };
    let mut i = 0;
    while let Some(&first) = runs.get(i) {
        if solid.contains(&(first.1 - first.0)) {
            return Some(first);
        }
        let mut j = i;
        while runs.get(j).is_some_and(|r| r.1 - r.0 == 4)
            && runs
                .get(j + 1)
                .is_some_and(|&n| n.1 - n.0 == 4 && runs.get(j).is_some_and(|&a| joined(a, n)))
        {
            j += 1;
        }
        if first.1 - first.0 == 4 && groups.contains(&(j - i + 1)) {
            return Some((first.0, runs.get(j)?.1));
        }
        i = j + 1;
    }
    None
}

/// The cells of `line` split at `delim` (byte ranges), with RFC 4180 quoting: a
/// delimiter inside double quotes is part of the cell. A Markdown row's outer pipes
/// open and close it rather than separate cells.
pub(crate) fn table_cells(line: &str, delim: u8) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let (mut from, mut to) = (0, b.len());
    while to > from && matches!(b.get(to - 1), Some(b'\r' | b' ' | b'\t')) && delim != b'\t' {
        to -= 1;
    }
    if delim == b'|' {
        while from < to && b.get(from) == Some(&b' ') {
            from += 1;
        }
        if b.get(from) == Some(&b'|') {
            from += 1;
        }
        if to > from && b.get(to - 1) == Some(&b'|') {
            to -= 1;
        }
    }
    let mut out = Vec::new();
    let mut start = from;
    let mut quoted = false;
    let mut i = from;
    while i < to {
        match b.get(i) {
            Some(b'"') if quoted && b.get(i + 1) == Some(&b'"') => i += 1,
            Some(b'"') if quoted => quoted = false,
            Some(b'"') if line.get(start..i).is_some_and(|p| p.trim().is_empty()) => {
                quoted = true;
            }
            Some(&c) if c == delim && !quoted => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, to));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_header_is_read_from_the_first_row_of_its_table() {
        let csv = "id;name;nif\n1;Ana;218830831\n2;Rui;112828175";
        let pos = csv.find("112828175").unwrap_or(0);
        assert_eq!(column_header(csv, pos).as_deref(), Some("nif"));
        let md = "| Name | SSN |\n|---|---|\n| Luis | 293-23-7816 |";
        let pos = md.find("293").unwrap_or(0);
        assert_eq!(column_header(md, pos).as_deref(), Some("ssn"));
        // prose is not a table, and a row longer than any table's is not read (a text of
        // many numbers on one huge line would otherwise cost quadratic time)
        assert_eq!(column_header("my number is 218830831", 13), None);
        let one_line = "Sou cliente TeleLuso (conta 300918273), com 2 boxes";
        assert_eq!(column_header(one_line, 28), None);
        let huge = format!("{}218830831", "a,".repeat(5_000));
        assert_eq!(column_header(&huge, huge.len() - 9), None);
    }

    #[test]
    fn helpers() {
        assert!(luhn(&digits("4111 1111 1111 1111")));
        assert!(!luhn(&digits("4111 1111 1111 1112")));
        assert!(is_placeholder("sk-xxxxxxxxxxxxxxxx"));
        assert!(is_placeholder("AKIAIOSFODNN7EXAMPLE"));
        assert!(is_placeholder("your-api-key-here"));
        assert!(!is_placeholder("wJalrXUtnFEMIK7MDENGbPxRfiCYzQ1q2w3e4r5t"));
        for slot in [
            "<token>",
            "{{ secret }}",
            "${API_KEY}",
            "$(cat key)",
            "$DB_PASSWORD",
            "$password",
            "%(pw)s",
        ] {
            assert!(is_placeholder(slot), "{slot}");
        }
        // a lone `<`, `{` or `$` is one of a random password's characters
        for password in [
            "Q*<Vyy]a#7sHi0Wy",
            "l{fJhvOdu34nAkY6[",
            "$Pizzaiolo2012",
            "Baxter2023$",
        ] {
            assert!(!is_placeholder(password), "{password}");
        }
        assert!(entropy("aaaa") < 0.01);
        assert!(entropy("abcd") > 1.99);
        assert_eq!(classes("aB3-"), 4);
        assert!(isolated("x AKIA y", 2, 6, &[]));
        assert!(!isolated("xAKIA y", 1, 5, &[]));
    }
}
