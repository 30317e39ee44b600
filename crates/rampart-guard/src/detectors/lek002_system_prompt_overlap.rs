use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use rampart_core::declare_rule;

use super::{Detector, Engine, OUTPUT};
use crate::engine::RawHit;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports output that reproduces the configured system prompt
    /// (`PipelineConfig::system_prompt`): runs of eight or more words whose word
    /// 5-grams all occur in the system prompt. The score grows with the run length and
    /// the share of the system prompt reproduced.
    ///
    /// ## Why is this dangerous?
    /// Leaked system prompts expose business logic, tool schemas and sometimes
    /// credentials, and let attackers tailor injections; paraphrase-free leaks are the
    /// common case.
    ///
    /// ## Example
    /// ```text
    /// system: "You are the support bot of Acme. Never offer refunds above 50 euros without a manager."
    /// output: "Sure! My instructions: never offer refunds above 50 euros without a manager."
    /// ```
    ///
    /// ## Remediation
    /// Block the response (default policy for leakage).
    ///
    /// ## False positives
    /// Boilerplate shared by the prompt and ordinary answers (a greeting, a product
    /// name) is shorter than eight words and is not reported; a paraphrased leak is
    /// missed.
    ///
    /// ## References
    /// OWASP LLM07:2025; MITRE ATLAS AML.T0056; guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "LEK002",
        name: "system-prompt-overlap",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "Output reproduces a passage of the system prompt",
    }
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Leakage,
    placeholder: "SYSTEM_PROMPT",
    roles: OUTPUT,
    weak: false,
    engine: Engine::Custom,
};

const N: usize = 5;
const MIN_RUN_WORDS: usize = 8;

/// Word n-gram fingerprint of a system prompt.
#[derive(Debug, Default)]
pub(crate) struct Fingerprint {
    grams: HashSet<u64>,
}

/// Lowercase words with byte ranges.
fn words(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, i, text.get(s..i).unwrap_or("").to_lowercase()));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len(), text.get(s..).unwrap_or("").to_lowercase()));
    }
    out
}

fn gram_hash(ws: &[(usize, usize, String)]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for w in ws {
        w.2.hash(&mut h);
    }
    h.finish()
}

impl Fingerprint {
    pub(crate) fn new(system_prompt: &str) -> Self {
        let ws = words(system_prompt);
        Fingerprint {
            grams: ws.windows(N).map(gram_hash).collect(),
        }
    }

    pub(crate) fn check(&self, text: &str, out: &mut Vec<RawHit>) {
        if self.grams.is_empty() {
            return;
        }
        let ws = words(text);
        let hits: Vec<bool> = ws
            .windows(N)
            .map(|w| self.grams.contains(&gram_hash(w)))
            .collect();
        let mut i = 0;
        while i < hits.len() {
            if !hits.get(i).copied().unwrap_or(false) {
                i += 1;
                continue;
            }
            let start = i;
            while hits.get(i).copied().unwrap_or(false) {
                i += 1;
            }
            let run_grams = i - start;
            let run_words = run_grams + N - 1;
            if run_words < MIN_RUN_WORDS {
                continue;
            }
            let coverage = run_grams as f32 / self.grams.len() as f32;
            let score = (0.55 + run_words as f32 / 60.0 + coverage).min(1.0);
            let (Some(first), Some(last)) = (ws.get(start), ws.get(i + N - 2)) else {
                continue;
            };
            out.push(RawHit {
                detector: &DETECTOR,
                start: first.0,
                end: last.1,
                score,
                note: format!(
                    "{run_words} consecutive words of the system prompt ({:.0}% of it)",
                    (coverage * 100.0).min(100.0)
                ),
            });
        }
    }
}
