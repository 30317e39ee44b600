//! Judging output text, whole or as it streams, in linear time and with the same
//! result either way.
//!
//! An [`OutputJudge`] takes the text of one answer field (the content of a choice,
//! its reasoning, a tool call's arguments) in pieces and hands back what may be
//! released. It judges the text in **windows whose positions depend on the text
//! alone**, never on how it was chunked: window *k* covers `[start, start +
//! overlap + step)`, and once it is judged everything before `end - overlap` is
//! final and released. A non-stream answer goes through the same judge in one
//! piece, so the streamed and the non-stream answer to the same upstream output are
//! judged the same, byte for byte (the property test in `tests/stream_property.rs`).
//!
//! Guarantees:
//! - **Linear**: each byte is judged in at most `(overlap + step) / step` windows
//!   (2 with the default hold-back), plus the re-judging of a window that grows
//!   (below): growth doubles the window, so a window that reaches `n` bytes cost at
//!   most `2n`, and it stops at [`MAX_WINDOW`] bytes.
//! - **No released byte is ever rewritten**: a finding that crosses the release
//!   point holds the release back to its start, and the next window starts there,
//!   so the finding is judged whole before any of it leaves.
//! - **No token is cut**: the release point never falls inside a run without
//!   whitespace, so a secret longer than the overlap (a long JWT, a base64 key) is
//!   judged whole in the next window, which starts where the run starts.
//! - **Longer matches than the overlap**: a finding that reaches the end of its
//!   window may go on (a PEM key whose `END` line is not in view yet), so the window
//!   grows and is judged again, up to [`MAX_WINDOW`]; past that the window is cut
//!   there, and a finding in it is redacted up to the cut.
//! - A block ends the judge: nothing more is released.

use rampart_guard::Redactions;

use crate::inspect::{Action, Hit, Verdict};

/// Largest window a growing finding may stretch to, in bytes.
pub const MAX_WINDOW: usize = 64 * 1024;

/// Prefix of every placeholder (caller data restored by the vault, or redacted output).
const PLACEHOLDER: &str = "[REDACTED:";

/// Judges one answer field.
#[derive(Debug)]
pub struct OutputJudge {
    text: String,
    /// Byte offset of the current window's start; everything before it is released.
    start: usize,
    /// Byte offset the text must reach before the current window is judged.
    end: usize,
    step: usize,
    overlap: usize,
    verdict: Verdict,
    map: Redactions,
    blocked: bool,
}

/// What the judge lets out, in order: text as the upstream wrote it (restore the
/// caller's own placeholders in it) and placeholders of redacted output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Upstream text, judged clean.
    Text(String),
    /// A placeholder standing for redacted output.
    Redacted(String),
}

/// Joins released parts, passing upstream text through `restore`.
pub fn join(parts: &[Part], restore: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(&restore(t)),
            Part::Redacted(r) => out.push_str(r),
        }
    }
    out
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl OutputJudge {
    /// A judge that holds back `holdback` bytes: matches up to that long are always
    /// seen whole. Windows advance by `holdback` too.
    pub fn new(holdback: usize) -> OutputJudge {
        let h = holdback.clamp(16, MAX_WINDOW / 4);
        OutputJudge {
            text: String::new(),
            start: 0,
            end: 2 * h,
            step: h,
            overlap: h,
            verdict: Verdict::allow(),
            map: Redactions::new(),
            blocked: false,
        }
    }

    /// The verdict so far: the strongest action and every rule that counted.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// Whether a block was found (nothing more is released).
    pub fn blocked(&self) -> bool {
        self.blocked
    }

    /// Everything received, as the upstream wrote it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Adds text; returns what is now final. `judge` reports the findings on one
    /// window (character spans of the window text).
    pub fn push(&mut self, s: &str, judge: &dyn Fn(&str) -> Vec<Hit>) -> Vec<Part> {
        self.text.push_str(s);
        self.advance(false, judge)
    }

    /// The text has ended: judges the rest and returns it.
    pub fn finish(&mut self, judge: &dyn Fn(&str) -> Vec<Hit>) -> Vec<Part> {
        self.advance(true, judge)
    }

    fn advance(&mut self, last: bool, judge: &dyn Fn(&str) -> Vec<Hit>) -> Vec<Part> {
        let mut out = Vec::new();
        loop {
            if self.blocked {
                return out;
            }
            let full = self.text.len() >= self.end;
            let rest = last && self.start < self.text.len();
            if !(full || rest) {
                return out;
            }
            let wend = if full {
                floor(&self.text, self.end)
            } else {
                self.text.len()
            };
            let window = self.text.get(self.start..wend).unwrap_or_default();
            let hits = to_bytes(window, judge(window));
            let size = wend - self.start;
            // the window's planned size (`size` may be a few bytes less: char boundary)
            let planned = self.end - self.start;
            // A finding that reaches the end of a full window may go on: judge the
            // window again once it has grown.
            if full && planned < MAX_WINDOW && hits.iter().any(|h| h.end == window.len()) {
                self.grow();
                continue;
            }
            for h in &hits {
                merge(&mut self.verdict, h.action, &h.rule);
            }
            if self.verdict.action == Action::Block {
                self.blocked = true;
                return out;
            }
            // Where this window's release stops (window-relative bytes).
            let mut cut = if full {
                floor(window, size.saturating_sub(self.overlap))
            } else {
                window.len()
            };
            let forced = full && planned >= MAX_WINDOW;
            if forced {
                cut = window.len();
            }
            if !forced {
                // Each rule can only move the cut back; repeat until none moves it.
                loop {
                    let before = cut;
                    // never release the start of a finding without its end
                    for h in &hits {
                        if h.start < cut && h.end > cut {
                            cut = h.start;
                        }
                    }
                    // never cut inside a run without whitespace: a token longer than
                    // the overlap (a long JWT, a key) may run on past the window's
                    // end, and its start must not leave before all of it is judged
                    cut = token_start(window, cut);
                    // never split a placeholder (it could not be restored)
                    if let Some(open) = window.get(..cut).and_then(|w| w.rfind('[')) {
                        let tail = window.get(open..cut).unwrap_or_default();
                        let placeholder =
                            tail.starts_with(PLACEHOLDER) || PLACEHOLDER.starts_with(tail);
                        if placeholder
                            && !tail.contains(']')
                            && cut - open <= 64
                            && cut < window.len()
                        {
                            cut = open;
                        }
                    }
                    if cut == before {
                        break;
                    }
                }
            }
            if cut == 0 && full {
                // nothing can be released yet: grow the window
                self.grow();
                continue;
            }
            let redact: Vec<(usize, usize, &'static str)> = hits
                .iter()
                .filter(|h| h.action == Action::Redact && h.start < cut && h.end > h.start)
                .map(|h| (h.start, h.end.min(cut), h.label))
                .collect();
            release(
                window.get(..cut).unwrap_or_default(),
                redact,
                &mut self.map,
                &mut out,
            );
            self.start += cut;
            self.end = self.start + self.overlap + self.step;
        }
    }
}

impl OutputJudge {
    /// Doubles the current window (geometric growth keeps re-judging linear: a
    /// window that grows to `n` bytes has cost at most `2n` in all).
    fn grow(&mut self) {
        let size = self.end.saturating_sub(self.start).max(self.step);
        self.end = self.start + (2 * size).min(MAX_WINDOW);
    }
}

/// The start of the whitespace-free run that `cut` falls inside (`cut` itself when
/// it falls between runs).
fn token_start(window: &str, cut: usize) -> usize {
    let (Some(before), Some(after)) = (window.get(..cut), window.get(cut..)) else {
        return cut;
    };
    let inside = before
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace())
        && after.chars().next().is_some_and(|c| !c.is_whitespace());
    if !inside {
        return cut;
    }
    before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// Converts character spans of `window` to byte spans.
fn to_bytes(window: &str, hits: Vec<Hit>) -> Vec<Hit> {
    if window.is_ascii() {
        return hits
            .into_iter()
            .map(|mut h| {
                h.end = h.end.min(window.len());
                h.start = h.start.min(h.end);
                h
            })
            .collect();
    }
    let offsets: Vec<usize> = window
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(window.len()))
        .collect();
    let at = |c: usize| offsets.get(c).copied().unwrap_or(window.len());
    hits.into_iter()
        .map(|mut h| {
            h.end = at(h.end);
            h.start = at(h.start).min(h.end);
            h
        })
        .collect()
}

fn merge(v: &mut Verdict, action: Action, rule: &str) {
    v.action = v.action.max(action);
    if !v.rules.iter().any(|r| r == rule) {
        v.rules.push(rule.to_string());
    }
}

/// Emits `text` with the byte spans in `spans` replaced by placeholders
/// (overlapping spans merged).
fn release(
    text: &str,
    mut spans: Vec<(usize, usize, &'static str)>,
    map: &mut Redactions,
    out: &mut Vec<Part>,
) {
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut at = 0;
    let mut merged: Vec<(usize, usize, &'static str)> = Vec::new();
    for (s, e, l) in spans {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e, l)),
        }
    }
    for (s, e, label) in merged {
        if s > at {
            out.push(Part::Text(text.get(at..s).unwrap_or_default().to_string()));
        }
        let value = text.get(s..e).unwrap_or_default();
        out.push(Part::Redacted(map.placeholder(label, value)));
        at = e;
    }
    if at < text.len() {
        out.push(Part::Text(text.get(at..).unwrap_or_default().to_string()));
    }
}

/// Judges a whole text at once, exactly as a stream of it would be judged.
pub fn judge_whole(
    text: &str,
    holdback: usize,
    judge: &dyn Fn(&str) -> Vec<Hit>,
) -> (Verdict, Vec<Part>) {
    let mut j = OutputJudge::new(holdback);
    let mut parts = j.push(text, judge);
    parts.extend(j.finish(judge));
    (j.verdict.clone(), parts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Finds `SECRET[0-9]+` (redact) and `BLOCKME` (block), in character spans.
    fn toy(window: &str) -> Vec<Hit> {
        let chars: Vec<char> = window.chars().collect();
        let mut hits = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let rest: String = chars[i..].iter().take(7).collect();
            if rest.starts_with("SECRET") {
                let mut e = i + 6;
                while e < chars.len() && chars[e].is_ascii_digit() {
                    e += 1;
                }
                hits.push(Hit {
                    rule: "SEC".into(),
                    action: Action::Redact,
                    start: i,
                    end: e,
                    label: "SECRET",
                });
                i = e;
                continue;
            }
            if rest == "BLOCKME" {
                hits.push(Hit {
                    rule: "BLK".into(),
                    action: Action::Block,
                    start: i,
                    end: i + 7,
                    label: "X",
                });
            }
            i += 1;
        }
        hits
    }

    fn stream(text: &str, chunks: &[usize], holdback: usize) -> (Verdict, String) {
        let mut j = OutputJudge::new(holdback);
        let mut parts = Vec::new();
        let mut at = 0;
        for &n in chunks {
            let mut end = (at + n).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            parts.extend(j.push(&text[at..end], &toy));
            at = end;
        }
        parts.extend(j.push(&text[at..], &toy));
        parts.extend(j.finish(&toy));
        (j.verdict().clone(), join(&parts, str::to_string))
    }

    #[test]
    fn short_text_is_one_window() {
        let (v, parts) = judge_whole("hello SECRET123 bye", 256, &toy);
        assert_eq!(v.action, Action::Redact);
        assert_eq!(
            join(&parts, str::to_string),
            "hello [REDACTED:SECRET_1] bye"
        );
    }

    #[test]
    fn a_secret_longer_than_the_holdback_is_redacted_whole_when_streamed() {
        let secret = format!("SECRET{}", "7".repeat(300));
        let text = format!("{}{secret} tail", "a".repeat(100));
        for chunk in [1, 3, 17, 64, 1000] {
            let chunks = vec![chunk; text.len() / chunk + 1];
            let (v, out) = stream(&text, &chunks, 32);
            assert_eq!(v.action, Action::Redact, "chunk {chunk}");
            assert!(!out.contains('7'), "chunk {chunk}: {out}");
            assert!(out.ends_with("[REDACTED:SECRET_1] tail"), "{out}");
        }
    }

    #[test]
    fn nothing_is_released_before_a_later_block() {
        let text = format!("{}BLOCKME{}", "a".repeat(40), "b".repeat(500));
        let mut j = OutputJudge::new(32);
        let mut released = String::new();
        for c in text.as_bytes().chunks(5) {
            for p in j.push(std::str::from_utf8(c).unwrap(), &toy) {
                if let Part::Text(t) = p {
                    released.push_str(&t);
                }
            }
        }
        j.finish(&toy);
        assert!(j.blocked());
        assert!(!released.contains("BLOCK"), "{released}");
        assert!(released.len() <= 40);
    }

    #[test]
    fn work_is_linear_in_the_length() {
        use std::cell::Cell;
        let judged = Cell::new(0usize);
        let count = |w: &str| {
            judged.set(judged.get() + w.len());
            Vec::new()
        };
        let text = "word ".repeat(20_000);
        let mut j = OutputJudge::new(256);
        for c in text.as_bytes().chunks(4) {
            j.push(std::str::from_utf8(c).unwrap(), &count);
        }
        j.finish(&count);
        assert!(
            judged.get() <= 2 * text.len() + 1024,
            "{} bytes judged for {}",
            judged.get(),
            text.len()
        );
    }

    #[test]
    fn placeholders_are_not_split_across_releases() {
        let text = format!(
            "{}[REDACTED:EMAIL_1] and more{}",
            "a".repeat(60),
            "b".repeat(200)
        );
        for n in 1..40 {
            let mut j = OutputJudge::new(32);
            let mut parts = Vec::new();
            for c in text.as_bytes().chunks(n) {
                parts.extend(j.push(std::str::from_utf8(c).unwrap(), &toy));
            }
            parts.extend(j.finish(&toy));
            for p in &parts {
                if let Part::Text(t) = p {
                    let opens = t.matches("[REDACTED:").count();
                    let closes = t.matches(']').count();
                    assert_eq!(opens, closes, "{t}");
                }
            }
        }
    }

    /// Streamed in any chunking, a text is judged as it is whole: the same verdict
    /// and the same released text, blocked or not.
    #[test]
    fn any_chunking_is_judged_as_the_whole_text() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let frag = prop_oneof![
            6 => prop::sample::select(vec![
                "a", "the ", "word ", "é", "ü ", "日本", "🙂", "\n", "[", "]", "[REDACT",
                "SECRET", "7", "BLOCK", "ME",
            ])
            .prop_map(str::to_string),
            2 => (1usize..400).prop_map(|n| format!(" SECRET{} ", "9".repeat(n))),
            2 => Just("[REDACTED:EMAIL_1]".to_string()),
            1 => Just("BLOCKME".to_string()),
        ];
        let case = (
            prop::collection::vec(frag, 0..60),
            prop::collection::vec(1usize..50, 1..20),
            16usize..80,
        );
        let mut runner = TestRunner::new(Config {
            cases: 256,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&case, |(frags, sizes, holdback)| {
                let text = frags.concat();
                let chunks: Vec<usize> = sizes.iter().copied().cycle().take(text.len()).collect();
                let (v1, whole) = judge_whole(&text, holdback, &toy);
                let (v2, streamed) = stream(&text, &chunks, holdback);
                prop_assert_eq!(&v1, &v2, "{:?}", text);
                prop_assert_eq!(join(&whole, str::to_string), streamed, "{:?}", text);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn multibyte_text_and_spans() {
        let text = "ééé SECRET42 ü".repeat(50);
        let (v1, whole) = judge_whole(&text, 32, &toy);
        let (v2, streamed) = stream(&text, &[1; 2000], 32);
        assert_eq!(v1, v2);
        assert_eq!(join(&whole, str::to_string), streamed);
        assert!(!streamed.contains("42"));
    }
}
