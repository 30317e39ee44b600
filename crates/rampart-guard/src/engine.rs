//! The two one-pass engines: phrase patterns scored per sentence, and token grammars
//! with validators.

use regex::{Regex, RegexSet, RegexSetBuilder};

use crate::detectors::{Detector, Engine, Validate, DETECTORS};
use crate::types::Role;

/// Pattern size limits: generous for our fixed patterns, but bounded.
const SIZE_LIMIT: usize = 64 << 20;

fn ascii_boundaries(re: &str) -> String {
    re.replace(r"\b", r"(?-u:\b)")
}

/// A raw hit before it becomes a [`crate::Finding`].
#[derive(Debug, Clone)]
pub(crate) struct RawHit {
    pub(crate) detector: &'static Detector,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) score: f32,
    pub(crate) note: String,
}

/// Compiles `pats` into one set (which patterns match) and one regex each (where).
fn compile(pats: &[String]) -> Result<(RegexSet, Vec<Regex>), regex::Error> {
    let set = RegexSetBuilder::new(pats)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()?;
    let regexes = pats
        .iter()
        .map(|p| {
            regex::RegexBuilder::new(p)
                .size_limit(SIZE_LIMIT)
                .dfa_size_limit(SIZE_LIMIT)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((set, regexes))
}

/// All phrase patterns of all phrase detectors, compiled into one set.
#[derive(Debug)]
pub(crate) struct PhraseEngine {
    set: RegexSet,
    regexes: Vec<Regex>,
    owner: Vec<(&'static Detector, f32)>,
}

impl PhraseEngine {
    pub(crate) fn new() -> Result<Self, regex::Error> {
        let mut pats = Vec::new();
        let mut owner = Vec::new();
        for d in DETECTORS {
            if let Engine::Phrases(phrases) = &d.engine {
                for p in *phrases {
                    pats.push(ascii_boundaries(p.re));
                    owner.push((*d, p.weight));
                }
            }
        }
        let (set, regexes) = compile(&pats)?;
        Ok(PhraseEngine {
            set,
            regexes,
            owner,
        })
    }

    /// Whether any phrase pattern matches (cheap pre-check).
    pub(crate) fn any(&self, lower: &str) -> bool {
        self.set.is_match(lower)
    }

    /// Scores each (detector, sentence) pair: `1 - Π(1 - w)` over the distinct
    /// patterns that matched in the sentence, scaled by a role factor.
    pub(crate) fn scan(&self, lower: &str, role: Role) -> Vec<RawHit> {
        let matched = self.set.matches(lower);
        if !matched.matched_any() {
            return Vec::new();
        }
        let bounds = sentence_starts(lower);
        // (detector code, sentence) -> (start, end, Π(1-w), patterns)
        let mut acc: Vec<SentenceHits> = Vec::new();
        for idx in matched.iter() {
            let (Some(re), Some(&(det, weight))) = (self.regexes.get(idx), self.owner.get(idx))
            else {
                continue;
            };
            if !det.roles.contains(&role) {
                continue;
            }
            let w = weight * role_factor(det, role);
            for m in re.find_iter(lower) {
                let sent = bounds
                    .partition_point(|&b| b <= m.start())
                    .saturating_sub(1);
                match acc
                    .iter_mut()
                    .find(|a| std::ptr::eq(a.0, det) && a.1 == sent)
                {
                    Some(a) => {
                        a.2 = a.2.min(m.start());
                        a.3 = a.3.max(m.end());
                        if !a.5.contains(&idx) {
                            a.5.push(idx);
                            a.4 *= 1.0 - w;
                        }
                    }
                    None => acc.push((det, sent, m.start(), m.end(), 1.0 - w, vec![idx])),
                }
            }
        }
        acc.into_iter()
            .map(|(det, sent, s, e, notp, pats)| {
                let from = bounds.get(sent).copied().unwrap_or(0);
                let to = bounds.get(sent + 1).copied().unwrap_or(lower.len());
                let factor = if is_mention(lower, from, to, s) {
                    MENTION_FACTOR
                } else {
                    1.0
                };
                (det, s, e, ((1.0 - notp) * factor).clamp(0.0, 1.0), pats)
            })
            .map(|(det, s, e, score, pats)| RawHit {
                detector: det,
                start: s,
                end: e,
                score,
                note: format!(
                    "{} ({} pattern{})",
                    det.meta.summary,
                    pats.len(),
                    if pats.len() == 1 { "" } else { "s" }
                ),
            })
            .collect()
    }
}

/// Hits of one detector in one sentence: detector, sentence, first start, last end,
/// `Π(1 - w)`, pattern indices.
type SentenceHits = (&'static Detector, usize, usize, usize, f32, Vec<usize>);

/// Score factor for a phrase that is quoted in a sentence about attacks ("is
/// 'ignore previous instructions' a common attack?"): the phrase is mentioned, not used.
const MENTION_FACTOR: f32 = 0.4;

/// Words that mark a sentence as talking about attacks rather than making one.
const META: &[&str] = &[
    "prompt injection",
    "injection attack",
    "jailbreak attack",
    "attacker",
    "attack",
    "example",
    "phrase",
    "filter",
    "detect",
    "classifier",
    "protect",
    "defend",
    "prevent",
    "mitigat",
    "such as",
    "contain",
    "blocklist",
    "what does",
    "what is",
    "research",
    "paper",
    "dataset",
];

/// Whether the match at `at` lies inside double quotes within the sentence
/// `lower[from..to]` and the sentence talks about attacks.
fn is_mention(lower: &str, from: usize, to: usize, at: usize) -> bool {
    let (Some(before), Some(sentence)) = (lower.get(from..at), lower.get(from..to)) else {
        return false;
    };
    let quotes = before
        .chars()
        .filter(|c| matches!(c, '"' | '“' | '”' | '«' | '»' | '„' | '「' | '」'))
        .count();
    quotes % 2 == 1 && META.iter().any(|m| sentence.contains(m))
}

fn role_factor(det: &Detector, role: Role) -> f32 {
    match (det.meta.code, role) {
        ("INJ003", Role::User) => 0.7,
        _ => 1.0,
    }
}

/// Byte offsets where sentences start: after `.`, `!`, `?`, `;` followed by
/// whitespace, after a newline, and after CJK full stops.
pub(crate) fn sentence_starts(text: &str) -> Vec<usize> {
    let mut out = vec![0];
    let b = text.as_bytes();
    for (i, c) in text.char_indices() {
        let next = i + c.len_utf8();
        let split = match c {
            '\n' => true,
            '.' | '!' | '?' | ';' => b.get(next).is_none_or(u8::is_ascii_whitespace),
            '。' | '！' | '？' | '；' => true,
            _ => false,
        };
        if split && next < b.len() {
            out.push(next);
        }
    }
    out
}

/// All token grammars of all token detectors.
#[derive(Debug)]
pub(crate) struct TokenEngine {
    set: RegexSet,
    regexes: Vec<(Regex, bool)>,
    owner: Vec<(&'static Detector, Validate)>,
}

impl TokenEngine {
    pub(crate) fn new() -> Result<Self, regex::Error> {
        let mut pats = Vec::new();
        let mut owner = Vec::new();
        for d in DETECTORS {
            if let Engine::Tokens(rules) = &d.engine {
                for r in *rules {
                    pats.push(ascii_boundaries(r.re));
                    owner.push((*d, r.validate));
                }
            }
        }
        let (set, regexes) = compile(&pats)?;
        let regexes = regexes
            .into_iter()
            .map(|re| {
                let has_v = re.capture_names().any(|n| n == Some("v"));
                (re, has_v)
            })
            .collect();
        Ok(TokenEngine {
            set,
            regexes,
            owner,
        })
    }

    pub(crate) fn scan(&self, text: &str, role: Role) -> Vec<RawHit> {
        let mut out = Vec::new();
        for idx in self.set.matches(text).iter() {
            let (Some((re, has_v)), Some(&(det, validate))) =
                (self.regexes.get(idx), self.owner.get(idx))
            else {
                continue;
            };
            if !det.roles.contains(&role) {
                continue;
            }
            let mut push = |s: usize, e: usize| {
                if let Some((score, s, e)) = validate(text, s, e) {
                    out.push(RawHit {
                        detector: det,
                        start: s,
                        end: e,
                        score,
                        note: det.meta.summary.to_owned(),
                    });
                }
            };
            if *has_v {
                for c in re.captures_iter(text) {
                    if let Some(v) = c.name("v").or_else(|| c.get(0)) {
                        push(v.start(), v.end());
                    }
                }
            } else {
                for m in re.find_iter(text) {
                    push(m.start(), m.end());
                }
            }
        }
        drop_weak_overlaps(&mut out);
        out
    }
}

/// Drops hits of weak detectors that overlap a hit of a stronger detector of the same
/// category, and exact duplicates.
fn drop_weak_overlaps(hits: &mut Vec<RawHit>) {
    let strong: Vec<(usize, usize, crate::Category)> = hits
        .iter()
        .filter(|h| !h.detector.weak)
        .map(|h| (h.start, h.end, h.detector.category))
        .collect();
    hits.retain(|h| {
        !h.detector.weak
            || !strong
                .iter()
                .any(|&(s, e, c)| c == h.detector.category && s < h.end && h.start < e)
    });
    hits.sort_by(|a, b| {
        (a.start, a.end, a.detector.meta.code).cmp(&(b.start, b.end, b.detector.meta.code))
    });
    hits.dedup_by(|a, b| {
        a.start == b.start && a.end == b.end && std::ptr::eq(a.detector, b.detector)
    });
    // a weak hit inside another hit of the same weak detector (e.g. two phone grammars)
    let snapshot: Vec<(usize, usize, &'static str)> = hits
        .iter()
        .map(|h| (h.start, h.end, h.detector.meta.code))
        .collect();
    hits.retain(|h| {
        !snapshot.iter().any(|&(s, e, c)| {
            c == h.detector.meta.code && s <= h.start && h.end <= e && (e - s) > (h.end - h.start)
        })
    });
}
