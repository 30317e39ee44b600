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

/// The monitor's readers of bytes it did not write itself in this process: a saved
/// drift ring (the SQLite file may be damaged or edited), OTLP headers from the
/// environment and a `/metrics` exposition read back for export. Never a panic; a
/// restored tracker stays within its bounds and scores.
pub fn fuzz_monitor(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(h) = crate::otlp::parse_headers(&text) {
        assert!(h.len() <= 32);
    }
    let _ = crate::otlp::from_exposition(&text, 1, 2);
    // the bytes split into one group's recent and baseline rings
    let cut = data
        .first()
        .map_or(0, |b| usize::from(*b) * 4)
        .min(data.len());
    let (recent, baseline) = data.split_at(cut);
    let mut t = crate::drift::Tracker::new(4, 8);
    let restored = t.restore(vec![(
        "/v1/chat/completions".into(),
        "m".into(),
        recent.to_vec(),
        baseline.to_vec(),
    )]);
    assert!(restored <= 1);
    let _ = t.scores();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A saved drift ring with bytes flipped and cut, OTLP header strings and an
    /// exposition with damaged lines: what the fuzz target runs, on seeds.
    #[test]
    fn the_monitor_readers_survive_damaged_input() {
        let mut t = crate::drift::Tracker::new(4, 8);
        for i in 0..20u128 {
            let mut p = crate::drift::TextProfile::default();
            let chars = p.add("where is my order?");
            let mut s = crate::inspect::Scores::default();
            s.raise(crate::inspect::Scores::ATTACK, 0.3);
            t.add("/r", "m", p.features(chars, s), i + 1);
        }
        let saved = t.save();
        let (_, _, recent, baseline) = saved.into_iter().next().unwrap();
        let mut whole = vec![u8::try_from(recent.len() / 4).unwrap_or(255)];
        whole.extend_from_slice(&recent);
        whole.extend_from_slice(&baseline);
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        for round in 0..300 {
            let mut bytes = whole.clone();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = usize::try_from(state % bytes.len() as u64).unwrap();
            bytes[at] = u8::try_from(state >> 56).unwrap();
            if round % 3 == 0 {
                bytes.truncate(at);
            }
            fuzz_monitor(&bytes);
        }
        let m = crate::metrics::Metrics::default();
        let exposition = m.render(&[("u".into(), false)]);
        for cut in (0..exposition.len()).step_by(7) {
            fuzz_monitor(&exposition.as_bytes()[..cut]);
        }
        for h in ["a=b", "=", ",,,", "a=%zz", "a=%00", "\u{0}=1", "x=%E2%82"] {
            fuzz_monitor(h.as_bytes());
        }
    }
}
