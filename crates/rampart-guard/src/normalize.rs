//! Normalisation before detection.
//!
//! Detectors never see the raw text. [`normalize`] produces a case-preserving text and a
//! lowercase twin with the **same byte layout** (so a match in one is a match in the
//! other), after:
//!
//! - removing zero-width, bidi-control and other invisible format characters, and
//!   turning Unicode tag characters (U+E0020..U+E007E, "ASCII smuggling") back into the
//!   ASCII they hide;
//! - NFKC compatibility folding per character (fullwidth, mathematical and circled
//!   letters become plain letters);
//! - folding common Cyrillic and Greek homoglyphs to Latin, only inside words that
//!   already mix Latin with such letters (so Russian or Greek text stays intact).
//!
//! Every byte of the normalised text keeps the range of original characters it came
//! from, so findings report spans in the caller's text ([`Normalized::orig_span`]).
//! ASCII input takes a fast path with no allocation for the map; non-ASCII input that
//! normalisation leaves unchanged builds only the lowercase twin.

use std::borrow::Cow;
use std::cell::OnceCell;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Why a run of original characters was changed or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Zero-width or other invisible format characters (removed).
    Invisible,
    /// Bidirectional control characters (removed).
    Bidi,
    /// Unicode tag characters that encode hidden ASCII (decoded in place).
    Tag,
    /// Latin look-alike letters from another script inside a Latin word (folded).
    Homoglyph,
    /// Styled compatibility letters (fullwidth, mathematical, circled) folded by NFKC.
    Styled,
}

/// The normalised form of one text.
#[derive(Debug)]
pub struct Normalized<'a> {
    /// Normalised text, case preserved.
    pub text: Cow<'a, str>,
    /// Lowercase twin of `text` with the same byte offsets.
    pub lower: Cow<'a, str>,
    /// How byte offsets of `text` map to characters of the original.
    map: SpanMap,
    /// Number of characters in the original text.
    orig_chars: usize,
    /// Runs of original characters that normalisation changed, with the reason.
    pub changes: Vec<(Change, usize, usize)>,
}

/// Byte offsets of the normalised text to character offsets of the original.
#[derive(Debug)]
enum SpanMap {
    /// ASCII input, unchanged: byte index == char index.
    Identity,
    /// Non-ASCII input that normalisation left unchanged: the byte offset of each
    /// character, built on the first lookup (most texts have no finding).
    Unchanged(OnceCell<Vec<u32>>),
    /// Per byte of the normalised text: the original character range it came from.
    Table(Vec<(u32, u32)>),
}

impl Normalized<'_> {
    /// Maps a byte range of the normalised text to a character range of the original.
    pub fn orig_span(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.map {
            SpanMap::Identity => (start.min(self.orig_chars), end.min(self.orig_chars)),
            SpanMap::Unchanged(starts) => {
                let starts = starts
                    .get_or_init(|| self.text.char_indices().map(|(i, _)| i as u32).collect());
                // the character containing byte `start`; one past the one containing
                // byte `end - 1` (the number of characters starting before `end`)
                let starting_before = |at: usize| starts.partition_point(|&b| (b as usize) < at);
                let s = if start >= self.text.len() {
                    self.orig_chars
                } else {
                    starting_before(start + 1).saturating_sub(1)
                };
                let e = if end > start { starting_before(end) } else { s };
                (s, e.max(s))
            }
            SpanMap::Table(map) => {
                let s = map.get(start).map_or(self.orig_chars, |m| m.0 as usize);
                let e = if end > start {
                    map.get(end - 1).map_or(self.orig_chars, |m| m.1 as usize)
                } else {
                    s
                };
                (s, e.max(s))
            }
        }
    }

    /// Number of characters of the original text.
    pub fn orig_chars(&self) -> usize {
        self.orig_chars
    }
}

/// Classifies a character that carries no visible glyph.
fn invisible_kind(c: char) -> Option<Change> {
    match c {
        '\u{200B}'..='\u{200D}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{180E}'
        | '\u{00AD}'
        | '\u{034F}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{3164}'
        | '\u{FFA0}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}' => Some(Change::Invisible),
        '\u{200E}'
        | '\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Some(Change::Bidi),
        '\u{E0000}'..='\u{E007F}' => Some(Change::Tag),
        _ => None,
    }
}

/// Common Cyrillic and Greek letters that render like Latin ones.
pub(crate) fn confusable(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic lowercase
        'а' => 'a',
        'в' => 'b',
        'с' => 'c',
        'ԁ' => 'd',
        'е' => 'e',
        'һ' => 'h',
        'і' => 'i',
        'ј' => 'j',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' => 't',
        'ս' => 'u',
        'ѵ' => 'v',
        'ԝ' => 'w',
        'х' => 'x',
        'у' => 'y',
        // Cyrillic uppercase
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        'І' => 'I',
        'Ј' => 'J',
        'К' => 'K',
        'М' => 'M',
        'О' => 'O',
        'Р' => 'P',
        'Ѕ' => 'S',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        // Greek
        'α' => 'a',
        'ε' => 'e',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        'Ζ' => 'Z',
        // Latin-ish symbols
        'ı' => 'i',
        'ℓ' => 'l',
        _ => return None,
    })
}

fn is_styled(c: char) -> bool {
    matches!(c,
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}'
        | '\u{1D400}'..='\u{1D7FF}' | '\u{24B6}'..='\u{24E9}' | '\u{1F130}'..='\u{1F189}')
}

/// Lowercases a character only when that keeps its UTF-8 length (so byte offsets of the
/// lowercase twin match the case-preserving text).
fn lower_same_len(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
        _ => c,
    }
}

fn push_change(changes: &mut Vec<(Change, usize, usize)>, kind: Change, s: usize, e: usize) {
    if let Some(last) = changes.last_mut() {
        if last.0 == kind && last.2 == s {
            last.2 = e;
            return;
        }
    }
    changes.push((kind, s, e));
}

/// Normalises `text` (see the module documentation).
pub fn normalize(text: &str) -> Normalized<'_> {
    if text.is_ascii() {
        let lower = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        };
        return Normalized {
            text: Cow::Borrowed(text),
            lower,
            map: SpanMap::Identity,
            orig_chars: text.len(),
            changes: Vec::new(),
        };
    }
    // Non-ASCII text that nothing below would change (no invisible, styled or
    // look-alike character, every character its own NFKC form): only the lowercase
    // twin is built.
    let unchanged = text.chars().all(|c| {
        c.is_ascii()
            || (invisible_kind(c).is_none()
                && !is_styled(c)
                && confusable(c).is_none()
                && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes)
    });
    if unchanged {
        let mut orig_chars = 0;
        let lower = text
            .chars()
            .inspect(|_| orig_chars += 1)
            .map(lower_same_len)
            .collect();
        return Normalized {
            text: Cow::Borrowed(text),
            lower: Cow::Owned(lower),
            map: SpanMap::Unchanged(OnceCell::new()),
            orig_chars,
            changes: Vec::new(),
        };
    }

    let mut chars: Vec<(char, u32, u32)> = Vec::with_capacity(text.len());
    let mut changes = Vec::new();
    let mut orig_chars = 0usize;
    for (ci, c) in text.chars().enumerate() {
        orig_chars = ci + 1;
        let (s, e) = (ci as u32, ci as u32 + 1);
        if c.is_ascii() {
            chars.push((c, s, e));
            continue;
        }
        if let Some(kind) = invisible_kind(c) {
            push_change(&mut changes, kind, ci, ci + 1);
            if kind == Change::Tag {
                let hidden = (c as u32).wrapping_sub(0xE0000);
                if (0x20..0x7F).contains(&hidden) {
                    if let Some(h) = char::from_u32(hidden) {
                        chars.push((h, s, e));
                    }
                }
            }
            continue;
        }
        if is_styled(c) {
            push_change(&mut changes, Change::Styled, ci, ci + 1);
        }
        // most non-ASCII letters (accented Latin, CJK) are their own NFKC form: a table
        // lookup instead of building a normaliser per character
        if is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
            chars.push((c, s, e));
        } else {
            for d in std::iter::once(c).nfkc() {
                chars.push((d, s, e));
            }
        }
    }

    // Fold homoglyphs inside words that mix Latin letters with look-alikes.
    let mut i = 0;
    while i < chars.len() {
        if !chars.get(i).is_some_and(|c| c.0.is_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while chars.get(i).is_some_and(|c| c.0.is_alphanumeric()) {
            i += 1;
        }
        let word = chars.get(start..i).unwrap_or_default();
        let latin = word.iter().any(|c| c.0.is_ascii_alphabetic());
        let alien = word.iter().any(|c| confusable(c.0).is_some());
        let foreign_other = word
            .iter()
            .any(|c| !c.0.is_ascii() && confusable(c.0).is_none() && c.0.is_alphabetic());
        if latin && alien && !foreign_other {
            for slot in chars.get_mut(start..i).into_iter().flatten() {
                if let Some(f) = confusable(slot.0) {
                    push_change(
                        &mut changes,
                        Change::Homoglyph,
                        slot.1 as usize,
                        slot.2 as usize,
                    );
                    slot.0 = f;
                }
            }
        }
    }

    let mut out = String::with_capacity(text.len());
    let mut lower = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (c, s, e) in chars {
        out.push(c);
        lower.push(lower_same_len(c));
        for _ in 0..c.len_utf8() {
            map.push((s, e));
        }
    }
    changes.sort_by_key(|c| c.1);
    Normalized {
        text: Cow::Owned(out),
        lower: Cow::Owned(lower),
        map: SpanMap::Table(map),
        orig_chars,
        changes,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn orig_slice(text: &str, span: (usize, usize)) -> String {
        text.chars().skip(span.0).take(span.1 - span.0).collect()
    }

    #[test]
    fn ascii_is_identity() {
        let n = normalize("Ignore ALL previous");
        assert_eq!(n.text, "Ignore ALL previous");
        assert_eq!(n.lower, "ignore all previous");
        assert_eq!(n.orig_span(7, 10), (7, 10));
    }

    #[test]
    fn unchanged_non_ascii_maps_bytes_to_characters() {
        let t = "Café RÉSUMÉ naïve 日本語 ok";
        let n = normalize(t);
        assert!(matches!(n.text, Cow::Borrowed(_)));
        assert!(matches!(n.map, SpanMap::Unchanged(_)));
        assert_eq!(n.lower, "café résumé naïve 日本語 ok");
        assert_eq!(n.orig_chars(), t.chars().count());
        for word in ["RÉSUMÉ", "日本語", "ok", "Café"] {
            let b = n.text.find(word).unwrap();
            let (s, e) = n.orig_span(b, b + word.len());
            assert_eq!(orig_slice(t, (s, e)), word);
        }
        // a byte inside a character maps to that character
        let b = n.text.find('本').unwrap();
        assert_eq!(n.orig_span(b + 1, b + 2), n.orig_span(b, b + 3));
        // the same text with one zero-width character takes the general path and
        // agrees on every span
        let z = normalize("Café RÉSUMÉ naïve 日本語 ok\u{200B}");
        assert!(matches!(z.map, SpanMap::Table(_)));
        for word in ["RÉSUMÉ", "日本語", "ok"] {
            let b = n.text.find(word).unwrap();
            assert_eq!(
                n.orig_span(b, b + word.len()),
                z.orig_span(b, b + word.len())
            );
        }
    }

    #[test]
    fn zero_width_removed_and_mapped() {
        let t = "ig\u{200B}nore previous";
        let n = normalize(t);
        assert_eq!(n.text, "ignore previous");
        let (s, e) = n.orig_span(0, 6);
        assert_eq!(orig_slice(t, (s, e)), "ig\u{200B}nore");
        assert_eq!(n.changes, vec![(Change::Invisible, 2, 3)]);
    }

    #[test]
    fn homoglyphs_fold_only_in_mixed_words() {
        let n = normalize("іgnore аll рrevious; привет мир");
        assert_eq!(n.text, "ignore all previous; привет мир");
        assert!(n.changes.iter().all(|c| c.0 == Change::Homoglyph));
        assert_eq!(n.changes.len(), 3);
    }

    #[test]
    fn fullwidth_and_math_letters_fold() {
        let n = normalize("ｉｇｎｏｒｅ 𝐫𝐮𝐥𝐞𝐬");
        assert_eq!(n.text, "ignore rules");
        assert!(n.changes.iter().all(|c| c.0 == Change::Styled));
        // spans of the folded word point at the original styled characters
        assert_eq!(n.orig_span(7, 12), (7, 12));
    }

    #[test]
    fn tag_characters_are_revealed() {
        let hidden: String = "hi"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        let t = format!("ok{hidden}");
        let n = normalize(&t);
        assert_eq!(n.text, "okhi");
        assert_eq!(n.changes, vec![(Change::Tag, 2, 4)]);
    }

    #[test]
    fn lower_keeps_layout() {
        let n = normalize("ÉCOUTE İstanbul Straße");
        assert_eq!(n.text.len(), n.lower.len());
    }
}
