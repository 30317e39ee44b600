use std::collections::HashMap;

use rampart_core::declare_rule;

use super::{Detector, Engine, INPUT};
use crate::engine::RawHit;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports heavy repetition: a word or short phrase repeated 30 or more times in a
    /// row, a text of 200+ words with fewer than 10% distinct words, or a run of 200
    /// identical characters.
    ///
    /// ## Why is this dangerous?
    /// Repetition attacks ("repeat the word 'poem' forever") make models diverge and
    /// regurgitate training data; padding with repeated tokens floods the context.
    ///
    /// ## Example
    /// ```text
    /// poem poem poem poem poem … (500 times)
    /// ```
    ///
    /// ## Remediation
    /// Flag (default policy); cap output tokens.
    ///
    /// ## False positives
    /// Tables of numbers and generated test data may repeat; the thresholds are set
    /// well above ordinary prose.
    ///
    /// ## References
    /// Nasr et al., "Scalable Extraction of Training Data from (Production) Language
    /// Models" (2023); guidelines OM-2.
    pub(crate) static RULE = {
        code: "OOD004",
        name: "repetition",
        severity: Low,
        guidelines: [Om2],
        summary: "Heavy repetition of a word, phrase or character",
    }
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Ood,
    placeholder: "REPEAT",
    roles: INPUT,
    weak: false,
    engine: Engine::Custom,
};

/// Checks repetition in the lowercase normalised text.
pub(crate) fn check(lower: &str, out: &mut Vec<RawHit>) {
    if let Some((start, end)) = char_run(lower, 200) {
        out.push(RawHit {
            detector: &DETECTOR,
            start,
            end,
            score: 0.6,
            note: "a character repeated 200+ times".to_owned(),
        });
    }
    let words = words(lower);
    if words.len() < 30 {
        return;
    }
    let same = |i: usize, j: usize| match (words.get(i), words.get(j)) {
        (Some(a), Some(b)) => {
            a.key == b.key && lower.get(a.start..a.end) == lower.get(b.start..b.end)
        }
        _ => false,
    };
    for period in 1..=4usize {
        let mut run = 0usize;
        let mut run_start = 0usize;
        for i in period..words.len() {
            if same(i, i - period) {
                if run == 0 {
                    run_start = i - period;
                }
                run += 1;
            } else {
                if run / period >= 30 {
                    report(&words, run_start, i, run / period, out);
                    return;
                }
                run = 0;
            }
        }
        if run / period >= 30 {
            report(&words, run_start, words.len(), run / period, out);
            return;
        }
    }
    if words.len() >= 200 {
        // foldhash, seeded per process: SipHash was most of the cost on long texts
        let mut distinct: HashMap<&str, usize, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(words.len(), foldhash::fast::RandomState::default());
        for w in &words {
            *distinct
                .entry(lower.get(w.start..w.end).unwrap_or(""))
                .or_default() += 1;
        }
        if distinct.len() * 10 < words.len() {
            out.push(RawHit {
                detector: &DETECTOR,
                start: 0,
                end: lower.len(),
                score: 0.5,
                note: format!("{} distinct words in {}", distinct.len(), words.len()),
            });
        }
    }
}

/// The byte span of the first `n` characters of the first run of at least `n` equal
/// characters other than white space.
fn char_run(text: &str, n: usize) -> Option<(usize, usize)> {
    // A run of n equal characters of k bytes (k = 1..4) is periodic with period k, so
    // with a stride D that every k divides (a multiple of 12) and 2D <= n, some byte
    // i = 0, D, 2D, ... of the run has b[i] == b[i + D]. Only there is the run read,
    // character by character: every byte of every text was decoded before (ood004 was
    // the pipeline's third most expensive detector on 1 KB prompts).
    let stride = 12 * (n / 24).max(1);
    if n < 2 * stride {
        return char_run_scan(text, n);
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while let (Some(&a), Some(&b)) = (bytes.get(i), bytes.get(i + stride)) {
        if a == b {
            if let Some(found) = run_through(text, i, n) {
                return Some(found);
            }
        }
        i += stride;
    }
    None
}

/// The first `n` characters of the run of equal characters (not white space) that
/// holds byte `at`, when the run is that long.
fn run_through(text: &str, at: usize, n: usize) -> Option<(usize, usize)> {
    let mut at = at;
    while !text.is_char_boundary(at) {
        at = at.checked_sub(1)?;
    }
    let c = text.get(at..)?.chars().next()?;
    if c.is_whitespace() {
        return None;
    }
    let back: usize = text
        .get(..at)?
        .chars()
        .rev()
        .take_while(|&p| p == c)
        .map(char::len_utf8)
        .sum();
    let start = at - back;
    let run = text.get(start..)?.chars().take_while(|&p| p == c).take(n);
    let (count, len) = run.fold((0usize, 0usize), |(k, l), p| (k + 1, l + p.len_utf8()));
    (count == n).then_some((start, start + len))
}

/// [`char_run`] by reading every character (short runs, and the reference).
fn char_run_scan(text: &str, n: usize) -> Option<(usize, usize)> {
    let mut run = 0usize;
    let mut start = 0usize;
    let mut prev = None;
    let mut step = |i: usize, c: char, len: usize| {
        if prev == Some(c) && !c.is_whitespace() {
            run += 1;
        } else {
            run = 1;
            start = i;
        }
        prev = Some(c);
        (run == n).then_some((start, i + len))
    };
    if text.is_ascii() {
        // the same as the loop below, without decoding
        text.bytes()
            .enumerate()
            .find_map(|(i, b)| step(i, char::from(b), 1))
    } else {
        text.char_indices()
            .find_map(|(i, c)| step(i, c, c.len_utf8()))
    }
}

/// A maximal run of alphanumeric characters, with a key that differs whenever the
/// words' lengths or first seven bytes differ (most unequal words are told apart
/// without comparing their bytes).
struct Word {
    start: usize,
    end: usize,
    key: u64,
}

fn words(lower: &str) -> Vec<Word> {
    let word = |start: usize, end: usize| {
        let bytes = lower.as_bytes().get(start..end).unwrap_or_default();
        let mut k = [0u8; 8];
        for (d, s) in k.iter_mut().zip(bytes.iter().take(7)) {
            *d = *s;
        }
        let len = u64::try_from(bytes.len().min(255)).unwrap_or(255);
        Word {
            start,
            end,
            key: u64::from_le_bytes(k) | (len << 56),
        }
    };
    let mut v = Vec::with_capacity(lower.len() / 4);
    let mut start = None;
    let b = lower.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        // ASCII bytes are judged as they are; a multi-byte character once, at its
        // first byte
        let (alnum, len) = if c.is_ascii() {
            (c.is_ascii_alphanumeric(), 1)
        } else {
            let ch = lower.get(i..).and_then(|t| t.chars().next());
            (
                ch.is_some_and(char::is_alphanumeric),
                ch.map_or(1, char::len_utf8),
            )
        };
        if alnum {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            v.push(word(s, i));
        }
        i += len;
    }
    if let Some(s) = start {
        v.push(word(s, lower.len()));
    }
    v
}

fn report(words: &[Word], from: usize, to: usize, times: usize, out: &mut Vec<RawHit>) {
    let (Some(a), Some(b)) = (words.get(from), words.get(to.saturating_sub(1))) else {
        return;
    };
    out.push(RawHit {
        detector: &DETECTOR,
        start: a.start,
        end: b.end,
        score: if times >= 100 { 0.75 } else { 0.6 },
        note: format!("a word or phrase repeated {times} times in a row"),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: words are maximal runs of alphanumeric characters, compared
    /// as strings.
    fn reference_words(lower: &str) -> Vec<&str> {
        lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect()
    }

    fn hits(text: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        check(text, &mut out);
        out.into_iter().map(|h| (h.start, h.end, h.note)).collect()
    }

    /// The strided search finds the same run as reading every character: random
    /// texts of runs of one- to four-byte characters and white space, of every length
    /// around the threshold, at every offset.
    #[test]
    fn the_strided_run_search_agrees_with_reading_every_character() {
        let mut rng = fastrand::Rng::with_seed(11);
        let alphabet = ['a', 'b', ' ', '\n', 'é', 'ж', '€', '中', '😀', '\u{200B}'];
        for _ in 0..3_000 {
            let mut t = String::new();
            while t.chars().count() < rng.usize(0..900) {
                let c = alphabet[rng.usize(..alphabet.len())];
                let len = if rng.u8(..) < 20 {
                    rng.usize(150..260)
                } else {
                    rng.usize(1..12)
                };
                t.extend(std::iter::repeat_n(c, len));
            }
            for n in [2, 5, 30, 199, 200, 201] {
                assert_eq!(char_run(&t, n), char_run_scan(&t, n), "n={n} {t:?}");
            }
        }
    }

    #[test]
    fn words_are_maximal_alphanumeric_runs() {
        for text in [
            "poem poem, poem!",
            "naïve café — 東京タワー and ünïcödé_words 42x",
            "  leading and trailing  ",
            "a\u{200b}b c\u{301}d",
            "",
        ] {
            let got: Vec<&str> = words(text)
                .iter()
                .map(|w| text.get(w.start..w.end).unwrap())
                .collect();
            assert_eq!(got, reference_words(text), "{text:?}");
        }
    }

    #[test]
    fn repetition_is_found_where_it_is_and_not_in_prose() {
        // the same first seven bytes and length, different words: not a repetition
        let near: String = (0..80).map(|i| format!("abcdefg{i:03} ")).collect();
        assert!(hits(&near).is_empty(), "{near}");
        let same = "abcdefgh abcdefgh ".repeat(40);
        let h = hits(&same);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].2, "a word or phrase repeated 79 times in a row");
        // a phrase of four words, after some prose
        let text = format!("Hello there, please {}", "say the word now ".repeat(31));
        let h = hits(&text);
        assert_eq!(h.len(), 1, "{h:?}");
        assert_eq!(h[0].0, "Hello there, please ".len());
        assert_eq!(h[0].1, text.trim_end().len());
        // characters, and long texts with few distinct words
        assert_eq!(
            hits(&format!("ok {}", "é".repeat(250))),
            [(3, 3 + 400, "a character repeated 200+ times".to_owned())]
        );
        assert_eq!(hits(&"é".repeat(199)), []);
        assert_eq!(hits(&"x".repeat(250)).len(), 1);
        assert_eq!(hits(&format!("a{}b", " ".repeat(300))), []);
        let few: String = (0..300)
            .map(|i| ["alpha ", "beta ", "gamma ", "delta ", "pi "][i * 7 % 5])
            .collect();
        assert!(
            hits(&few).iter().any(|h| h.2 == "5 distinct words in 300"),
            "{:?}",
            hits(&few)
        );
        // ordinary prose
        let prose = "We met on Tuesday to go through the plan for the quarter; the team agreed \
                     to ship the new search first, then the billing changes, and to review \
                     the results in a month. Everyone had a chance to speak.";
        assert!(hits(&prose.repeat(3)).is_empty());
    }
}
