//! The detector pipeline: built once, shared by every request.

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::classifier::Classifier;
use crate::decode::{Budget, Decoders};
use crate::detectors::{
    cls001_injection_classifier, exf003_link_outside_allow_list, lek001_canary_token,
    lek002_system_prompt_overlap, obf001_invisible_characters, obf002_lookalike_characters,
    obf003_encoded_payload, ood001_gibberish, ood002_extreme_length, ood003_script_mix,
    ood004_repetition, INPUT,
};
use crate::engine::{PhraseEngine, RawHit, TokenEngine};
use crate::error::GuardError;
use crate::normalize::normalize;
use crate::policy::{Action, Policy, Verdict};
use crate::redact::{redact, Redactions};
use crate::types::{Category, Finding, Message, Role};

/// Configuration of a [`Pipeline`]. `Default` is the secure default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PipelineConfig {
    /// The system prompt, for leakage checks on output (LEK002).
    pub system_prompt: Option<String>,
    /// Canary strings planted in the system prompt (LEK001). Use 16+ random characters.
    pub canaries: Vec<String>,
    /// Hosts that output may link to (EXF003); subdomains match.
    pub allowed_hosts: Vec<String>,
    /// Run the statistical classifier (CLS001).
    pub classifier: bool,
    /// Override the classifier's calibrated threshold (probability).
    pub classifier_threshold: Option<f32>,
    /// An operator-supplied ONNX classifier (CLS002); needs the cargo feature `onnx`,
    /// and building the pipeline fails without it.
    pub onnx: Option<crate::onnx::OnnxConfig>,
    /// Inputs longer than this many characters are reported (OOD002); 0 disables.
    pub max_chars: usize,
    /// How many layers of encoding are peeled (base64 inside base64 is depth 2).
    pub max_decode_depth: u8,
    /// Total decoded bytes allowed per message.
    pub max_decoded_bytes: usize,
    /// Only the first this-many bytes of a text are scanned (bounded work).
    pub max_scan_bytes: usize,
    /// Detector codes (or code prefixes) that are switched off.
    pub disabled: Vec<String>,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            system_prompt: None,
            canaries: Vec::new(),
            allowed_hosts: Vec::new(),
            classifier: true,
            classifier_threshold: None,
            onnx: None,
            max_chars: 32 * 1024,
            max_decode_depth: 2,
            max_decoded_bytes: 64 * 1024,
            max_scan_bytes: 1 << 20,
            disabled: Vec::new(),
        }
    }
}

/// Compiled detectors. Build once with [`Pipeline::new`] (tens of milliseconds: every
/// pattern is compiled here) and share it: it is `Send + Sync` and every method takes
/// `&self`.
#[derive(Debug)]
pub struct Pipeline {
    cfg: PipelineConfig,
    phrases: PhraseEngine,
    tokens: TokenEngine,
    decoders: Decoders,
    links: Regex,
    fingerprint: lek002_system_prompt_overlap::Fingerprint,
    canaries: Option<aho_corasick::AhoCorasick>,
    classifier: Option<Classifier>,
    onnx: Option<crate::onnx::OnnxClassifier>,
}

/// Categories whose presence inside a decoded segment is worth an OBF003 finding.
fn meaningful(c: Category) -> bool {
    !matches!(c, Category::Ood | Category::Obfuscation)
}

impl Pipeline {
    /// Compiles the detectors for `cfg`.
    pub fn new(cfg: PipelineConfig) -> Result<Self, GuardError> {
        let classifier = if cfg.classifier {
            let mut c = Classifier::bundled()?;
            if let Some(t) = cfg.classifier_threshold {
                c = c.with_threshold(t);
            }
            Some(c)
        } else {
            None
        };
        Ok(Pipeline {
            phrases: PhraseEngine::new()?,
            tokens: TokenEngine::new()?,
            decoders: Decoders::new()?,
            links: exf003_link_outside_allow_list::pattern()?,
            fingerprint: lek002_system_prompt_overlap::Fingerprint::new(
                cfg.system_prompt.as_deref().unwrap_or(""),
            ),
            canaries: lek001_canary_token::automaton(
                &cfg.canaries
                    .iter()
                    .map(|c| c.to_lowercase())
                    .collect::<Vec<_>>(),
            )
            .map_err(|e| GuardError::Config(format!("canaries: {e}")))?,
            classifier,
            onnx: cfg
                .onnx
                .as_ref()
                .map(crate::onnx::OnnxClassifier::load)
                .transpose()?,
            cfg,
        })
    }

    /// The configuration this pipeline was built with.
    pub fn config(&self) -> &PipelineConfig {
        &self.cfg
    }

    fn enabled(&self, code: &str) -> bool {
        !self
            .cfg
            .disabled
            .iter()
            .any(|d| code.starts_with(d.as_str()))
    }

    /// The longest text [`Pipeline::check`] judges whole: it reads only the first
    /// `max_scan_bytes`, so a longer text is an error for callers that must not take
    /// an unjudged tail as clean (the gateway ties its body limit to this window).
    pub fn max_text_bytes(&self) -> usize {
        self.cfg.max_scan_bytes
    }

    /// Errors with [`GuardError::TooLong`] when [`Pipeline::check`] would not judge
    /// all of `text` (see [`Pipeline::max_text_bytes`]).
    pub fn ensure_whole(&self, text: &str) -> Result<(), GuardError> {
        if text.len() > self.cfg.max_scan_bytes {
            return Err(GuardError::TooLong {
                bytes: text.len(),
                max: self.cfg.max_scan_bytes,
            });
        }
        Ok(())
    }

    /// Runs every detector that applies to `role` on `text`. Findings are sorted by
    /// span; spans are character ranges of `text`.
    pub fn check(&self, text: &str, role: Role) -> Vec<Finding> {
        let mut budget = Budget {
            bytes_left: self.cfg.max_decoded_bytes,
            segments_left: 64,
        };
        let mut cut = text.len().min(self.cfg.max_scan_bytes);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let scanned = text.get(..cut).unwrap_or("");
        let mut out = Vec::new();
        self.scan(scanned, role, 0, &mut budget, &mut out);
        if INPUT.contains(&role) {
            let chars = text.chars().count();
            let mut raw = Vec::new();
            ood002_extreme_length::check(chars, self.cfg.max_chars, &mut raw);
            out.extend(raw.into_iter().map(orig_finding));
        }
        out.retain(|f| self.enabled(&f.rule));
        out.sort_by(|a, b| a.span.cmp(&b.span).then_with(|| a.rule.cmp(&b.rule)));
        out
    }

    /// [`Pipeline::check`] for a [`Message`].
    pub fn check_message(&self, message: &Message) -> Vec<Finding> {
        self.check(&message.content, message.role)
    }

    /// Checks every message of a conversation; returns the findings per message.
    pub fn check_conversation(&self, messages: &[Message]) -> Vec<Vec<Finding>> {
        messages.iter().map(|m| self.check_message(m)).collect()
    }

    /// Checks `text` and applies `policy`: the verdict's action, every finding, and
    /// the redacted text (placeholders recorded in `map`) when the action is redact.
    pub fn evaluate(
        &self,
        text: &str,
        role: Role,
        policy: &Policy,
        map: &mut Redactions,
    ) -> Verdict {
        let findings = self.check(text, role);
        let action = policy.decide(&findings);
        let redacted = (action == Action::Redact).then(|| redact(text, &findings, policy, map));
        Verdict {
            action,
            findings,
            redacted,
        }
    }

    fn scan(&self, text: &str, role: Role, depth: u8, budget: &mut Budget, out: &mut Vec<Finding>) {
        let n = normalize(text);
        let input = INPUT.contains(&role);
        // detectors that report spans in original characters
        let mut orig: Vec<RawHit> = Vec::new();
        // detectors that report byte spans of the normalised text
        let mut raw: Vec<RawHit> = Vec::new();
        if depth == 0 {
            obf001_invisible_characters::check(text, &mut orig);
            obf002_lookalike_characters::check(&n, &mut orig);
        }
        // ROT13 of the whole text: only phrase patterns, only strong hits (below)
        let rot13 =
            depth == 0 && input && n.lower.bytes().filter(u8::is_ascii_alphabetic).count() >= 16;
        let mut rot13_hits = None;
        if input {
            let (hits, decoded) = self.phrases.scan(&n.lower, role, rot13);
            raw.extend(hits);
            rot13_hits = decoded;
        }
        raw.extend(self.tokens.scan(&n.text, role));
        if role == Role::Assistant {
            if let Some(ac) = &self.canaries {
                lek001_canary_token::check(ac, &n.lower, &mut raw);
            }
            self.fingerprint.check(&n.text, &mut raw);
            exf003_link_outside_allow_list::check(
                &self.links,
                &n.text,
                &self.cfg.allowed_hosts,
                &mut raw,
            );
        }
        if depth == 0 && input {
            ood001_gibberish::check(&n.text, &mut raw);
            ood003_script_mix::check(text, n.orig_chars(), &mut orig);
            ood004_repetition::check(&n.lower, &mut raw);
            if let Some(c) = &self.classifier {
                if self.enabled("CLS001") {
                    let rule_max = raw
                        .iter()
                        .filter(|h| {
                            matches!(
                                h.detector.category,
                                Category::Injection | Category::Jailbreak | Category::Exfiltration
                            )
                        })
                        .map(|h| h.score)
                        .fold(0.0f32, f32::max);
                    if let Some(hit) =
                        classifier_hit(c, &n.lower, n.orig_chars(), rule_max, n.text.len())
                    {
                        raw.push(hit);
                    }
                }
            }
            if let Some(m) = self.onnx.as_ref().filter(|_| self.enabled("CLS002")) {
                raw.extend(onnx_hit(m, &n.lower, n.text.len()));
            }
        }
        out.extend(orig.into_iter().map(orig_finding));
        out.extend(raw.into_iter().map(|h| {
            let span = n.orig_span(h.start, h.end);
            to_finding(h, span)
        }));

        if let Some(all) = rot13_hits {
            let hits: Vec<RawHit> = all.into_iter().filter(|h| h.score >= 0.6).collect();
            if let Some(best) = hits.iter().map(|h| h.score).reduce(f32::max) {
                let whole = (0, n.orig_chars());
                out.push(Finding {
                    rule: obf003_encoded_payload::RULE.code.to_owned(),
                    category: Category::Obfuscation,
                    score: best,
                    span: whole,
                    message:
                        "ROT13-encoded text contains an instruction-override or jailbreak phrase"
                            .to_owned(),
                });
                for h in hits {
                    let span = n.orig_span(h.start, h.end);
                    let mut f = to_finding(h, span);
                    f.message = format!("in ROT13-decoded text: {}", f.message);
                    out.push(f);
                }
            }
        }

        if depth >= self.cfg.max_decode_depth {
            return;
        }
        for seg in self.decoders.segments(&n.text, budget) {
            let mut inner = Vec::new();
            self.scan(&seg.decoded, role, depth + 1, budget, &mut inner);
            inner.retain(|f| meaningful(f.category));
            let Some(best) = inner.iter().map(|f| f.score).reduce(f32::max) else {
                continue;
            };
            let span = n.orig_span(seg.start, seg.end);
            let mut codes: Vec<&str> = inner.iter().map(|f| f.rule.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            out.push(Finding {
                rule: obf003_encoded_payload::RULE.code.to_owned(),
                category: Category::Obfuscation,
                score: best,
                span,
                message: format!(
                    "{}-encoded segment contains {}",
                    seg.encoding.as_str(),
                    codes.join(", ")
                ),
            });
            for mut f in inner {
                f.span = span;
                f.message = format!("in {}-decoded text: {}", seg.encoding.as_str(), f.message);
                out.push(f);
            }
        }
    }
}

/// Weight of a classifier score between the length threshold and the stand-alone
/// threshold: informational alone, a finding when combined with rule evidence.
const CLASSIFIER_SUPPORT: f32 = 0.25;

/// The classifier's finding, fused with the strongest phrase-rule score of the text.
fn classifier_hit(
    c: &Classifier,
    lower: &str,
    chars: usize,
    rule_max: f32,
    len: usize,
) -> Option<RawHit> {
    let p = c.probability(lower);
    let (score, how) = if p >= c.threshold_high() && substantive(lower) {
        (p, "on its own")
    } else if p >= c.threshold_for(chars) && rule_max >= 0.47 {
        (
            1.0 - (1.0 - CLASSIFIER_SUPPORT) * (1.0 - rule_max),
            "with rule evidence",
        )
    } else if p >= c.threshold_for(chars) {
        (CLASSIFIER_SUPPORT, "without rule evidence")
    } else {
        return None;
    };
    Some(RawHit {
        detector: &cls001_injection_classifier::DETECTOR,
        start: 0,
        end: len,
        score,
        note: format!("classifier probability {p:.3} ({how})"),
    })
}

/// Whether a text gives the classifier enough to judge on its own: at least three
/// words of two or more letters, and no single character making up half of it. Its
/// features are character n-grams weighted by the square root of their count, so a
/// separator line (`=====`), a run of one letter or a one-word message ("Ignore") is a
/// handful of n-grams repeated or alone, and their weights alone would decide. Such a
/// text can still support rule evidence; it cannot block by itself.
fn substantive(lower: &str) -> bool {
    let words = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .take(3)
        .count();
    if words < 3 {
        return false;
    }
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in lower.chars().filter(|c| !c.is_whitespace()) {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    counts.values().all(|&n| n * 2 < total)
}

/// CLS002's finding (whole text); a model that fails on a text fails closed.
fn onnx_hit(m: &crate::onnx::OnnxClassifier, lower: &str, len: usize) -> Option<RawHit> {
    let (score, note) = match m.probability(lower) {
        Ok(p) if p >= m.threshold() => (p, format!("ONNX classifier probability {p:.3}")),
        Ok(_) => return None,
        Err(e) => (1.0, format!("ONNX classifier failed on this text: {e}")),
    };
    Some(RawHit {
        detector: &crate::detectors::cls002_onnx_classifier::DETECTOR,
        start: 0,
        end: len,
        score,
        note,
    })
}

/// Converts a raw hit whose byte span was mapped to `span` (original characters).
fn to_finding(h: RawHit, span: (usize, usize)) -> Finding {
    Finding {
        rule: h.detector.meta.code.to_owned(),
        category: h.detector.category,
        score: (h.score * 1000.0).round() / 1000.0,
        span,
        message: h.note,
    }
}

/// Converts a raw hit whose start and end are already original characters.
fn orig_finding(h: RawHit) -> Finding {
    let span = (h.start, h.end);
    to_finding(h, span)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn pipeline_is_send_sync_and_builds() {
        assert_send_sync::<Pipeline>();
        Pipeline::new(PipelineConfig::default()).unwrap();
    }
}
