//! Decoding of protocol-0 text arguments: Python string literals (`STRING`) and
//! raw-unicode-escape (`UNICODE`).

/// Decodes the argument of `STRING`: a quoted Python bytes literal such as `'abc\n'`.
/// Returns `None` when it is not quoted as Python writes it.
pub(crate) fn python_string_literal(line: &[u8]) -> Option<String> {
    let (&first, rest) = line.split_first()?;
    let (&last, body) = rest.split_last()?;
    if !(first == last && (first == b'\'' || first == b'"')) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0usize;
    while let Some(&b) = body.get(i) {
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let esc = *body.get(i + 1)?;
        i += 2;
        match esc {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'\\' | b'\'' | b'"' => out.push(esc),
            b'\n' => {}
            b'x' => {
                let hex = body.get(i..i + 2)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            b'0'..=b'7' => {
                let mut value = u32::from(esc - b'0');
                let mut digits = 1;
                while digits < 3 {
                    match body.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                            digits += 1;
                        }
                        _ => break,
                    }
                }
                out.push(u8::try_from(value & 0xff).ok()?);
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    // Python 3 decodes STRING arguments as ASCII by default; latin-1 keeps every byte.
    Some(out.iter().map(|&b| char::from(b)).collect())
}

/// Decodes the argument of `UNICODE` (raw-unicode-escape: `\uXXXX` and `\UXXXXXXXX`
/// escapes, every other byte is a Latin-1 character).
pub(crate) fn raw_unicode_escape(line: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(line.len());
    let mut i = 0usize;
    while let Some(&b) = line.get(i) {
        if b == b'\\' {
            let width = match line.get(i + 1) {
                Some(b'u') => 4,
                Some(b'U') => 8,
                _ => 0,
            };
            if width > 0 {
                let hex = line.get(i + 2..i + 2 + width)?;
                let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                i += 2 + width;
                continue;
            }
        }
        out.push(char::from(b));
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_literals() {
        assert_eq!(python_string_literal(b"'os'").as_deref(), Some("os"));
        assert_eq!(
            python_string_literal(b"'a\\x41\\n\\101'").as_deref(),
            Some("aA\nA")
        );
        assert_eq!(python_string_literal(b"\"q\"").as_deref(), Some("q"));
        assert_eq!(python_string_literal(b"os"), None);
        assert_eq!(python_string_literal(b"'"), None);
        assert_eq!(python_string_literal(b"'\\x4'"), None);
        assert_eq!(
            raw_unicode_escape(b"s\\u0079stem").as_deref(),
            Some("system")
        );
        assert_eq!(
            raw_unicode_escape(b"\\U0001F600").as_deref(),
            Some("\u{1F600}")
        );
        assert_eq!(raw_unicode_escape(b"\\u00"), None);
    }
}
