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
    // identical character runs
    let b = lower.as_bytes();
    let mut run = 1usize;
    for i in 1..b.len() {
        if b.get(i) == b.get(i - 1) && !b.get(i).is_some_and(u8::is_ascii_whitespace) {
            run += 1;
            if run == 200 {
                out.push(RawHit {
                    detector: &DETECTOR,
                    start: i + 1 - run,
                    end: i + 1,
                    score: 0.6,
                    note: "a character repeated 200+ times".to_owned(),
                });
            }
        } else {
            run = 1;
        }
    }
    let words: Vec<(usize, usize, &str)> = {
        let mut v = Vec::new();
        let mut start = None;
        for (i, c) in lower.char_indices() {
            if c.is_alphanumeric() {
                if start.is_none() {
                    start = Some(i);
                }
            } else if let Some(s) = start.take() {
                v.push((s, i, lower.get(s..i).unwrap_or("")));
            }
        }
        if let Some(s) = start {
            v.push((s, lower.len(), lower.get(s..).unwrap_or("")));
        }
        v
    };
    if words.len() < 30 {
        return;
    }
    // consecutive repeats of a period-1..4 pattern
    for period in 1..=4usize {
        let mut run = 0usize;
        let mut run_start = 0usize;
        for i in period..words.len() {
            if words.get(i).map(|w| w.2) == words.get(i - period).map(|w| w.2) {
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
        let mut distinct: HashMap<&str, usize> = HashMap::new();
        for w in &words {
            *distinct.entry(w.2).or_default() += 1;
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

fn report(
    words: &[(usize, usize, &str)],
    from: usize,
    to: usize,
    times: usize,
    out: &mut Vec<RawHit>,
) {
    let (Some(a), Some(b)) = (words.get(from), words.get(to.saturating_sub(1))) else {
        return;
    };
    out.push(RawHit {
        detector: &DETECTOR,
        start: a.0,
        end: b.1,
        score: if times >= 100 { 0.75 } else { 0.6 },
        note: format!("a word or phrase repeated {times} times in a row"),
    });
}
