//! Entry points for the fuzz targets under `fuzz/` (not a public API). Each panics
//! when a property the gateway relies on does not hold.

use serde_json::Value;

use crate::inspect::{Action, Hit};
use crate::judge::{join, judge_whole, OutputJudge};
use crate::view::{self, Endpoint};

/// The request and answer views of arbitrary bytes: never a panic, and every piece
/// names a string of the body it came from.
pub fn fuzz_view(data: &[u8]) {
    let Ok(body) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for ep in [Endpoint::Chat, Endpoint::Completions, Endpoint::Embeddings] {
        let mut b = body.clone();
        if let Ok(v) = view::request(ep, &mut b) {
            assert!(v.pieces.len() <= view::MAX_PIECES);
            for p in &v.pieces {
                assert!(view::get(&b, &p.path).is_some_and(Value::is_string));
            }
        }
    }
    if let Ok(v) = view::answer(&body) {
        for p in &v.pieces {
            assert!(view::get(&body, &p.path).is_some_and(Value::is_string));
        }
        for lp in &v.logprobs {
            if let Some(l) = view::get(&body, lp) {
                let _ = view::logprob_texts(l);
            }
        }
    }
}

/// A toy judge: `KEY` followed by digits is redacted, `STOP` blocks.
fn toy(window: &str) -> Vec<Hit> {
    let chars: Vec<char> = window.chars().collect();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let at = |k: usize| chars.get(i + k).copied();
        if at(0) == Some('K') && at(1) == Some('E') && at(2) == Some('Y') {
            let mut e = i + 3;
            while chars.get(e).is_some_and(char::is_ascii_digit) {
                e += 1;
            }
            hits.push(Hit {
                rule: "KEY".into(),
                action: Action::Redact,
                start: i,
                end: e,
                label: "KEY",
            });
            i = e;
            continue;
        }
        if at(0) == Some('S') && at(1) == Some('T') && at(2) == Some('O') && at(3) == Some('P') {
            hits.push(Hit {
                rule: "STOP".into(),
                action: Action::Block,
                start: i,
                end: i + 4,
                label: "X",
            });
        }
        i += 1;
    }
    hits
}

/// The output judge on arbitrary text and chunking: the streamed result equals the
/// whole one, and no redacted `KEY` digit run leaves in a released part.
pub fn fuzz_judge(data: &[u8]) {
    let Some((&[holdback, cut_seed], rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let holdback = 16 + usize::from(holdback);
    let (whole_verdict, whole_parts) = judge_whole(&text, holdback, &toy);
    let mut j = OutputJudge::new(holdback);
    let mut parts = Vec::new();
    let step = 1 + usize::from(cut_seed % 37);
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + step).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        parts.extend(j.push(text.get(at..end).unwrap_or_default(), &toy));
        at = end;
    }
    parts.extend(j.finish(&toy));
    assert_eq!(j.verdict(), &whole_verdict);
    // windows depend on the text alone: the same parts, blocked or not
    assert_eq!(parts, whole_parts);
    let released = join(&parts, str::to_string);
    let digits_after_key = released
        .match_indices("KEY")
        .any(|(i, _)| released[i + 3..].starts_with(|c: char| c.is_ascii_digit()));
    assert!(!digits_after_key, "a redacted key left: {released:?}");
}

/// The SSE line splitter on arbitrary bytes and chunking: the same lines whatever
/// the chunks.
pub fn fuzz_sse_lines(data: &[u8]) {
    let Some((&step, rest)) = data.split_first() else {
        return;
    };
    let whole = crate::stream::split_lines(rest, rest.len().max(1));
    let chunked = crate::stream::split_lines(rest, 1 + usize::from(step % 64));
    assert_eq!(whole, chunked);
}
