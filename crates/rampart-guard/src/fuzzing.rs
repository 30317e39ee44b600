//! Entry points for `cargo fuzz` targets. Not part of the stable interface.

use std::sync::OnceLock;

use crate::decode::{base64_decode, hex_decode, rot13, url_decode, Budget, Decoders};
use crate::normalize::normalize;
use crate::pipeline::{Pipeline, PipelineConfig};
use crate::types::Role;

fn pipeline() -> Option<&'static Pipeline> {
    static P: OnceLock<Option<Pipeline>> = OnceLock::new();
    P.get_or_init(|| Pipeline::new(PipelineConfig::default()).ok())
        .as_ref()
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Normalises arbitrary bytes (lossy UTF-8) and checks the span mapping invariants.
pub fn fuzz_normalize(data: &[u8]) {
    let t = text(data);
    let n = normalize(&t);
    let chars = t.chars().count();
    assert_eq!(n.text.len(), n.lower.len());
    for (i, _) in n.text.char_indices() {
        let (s, e) = n.orig_span(i, n.text.len());
        assert!(s <= e && e <= chars);
    }
}

/// Runs every decoder on arbitrary bytes with a small budget.
pub fn fuzz_decoders(data: &[u8]) {
    let t = text(data);
    let _ = base64_decode(&t, 4096);
    let _ = hex_decode(&t, 4096);
    let _ = url_decode(&t, 4096);
    let _ = rot13(&t);
    if let Ok(d) = Decoders::new() {
        let mut budget = Budget {
            bytes_left: 4096,
            segments_left: 16,
        };
        for seg in d.segments(&t, &mut budget) {
            assert!(seg.start <= seg.end && seg.end <= t.len());
        }
    }
}

/// Runs the whole pipeline on arbitrary bytes for every role; spans must lie inside
/// the text.
pub fn fuzz_pipeline(data: &[u8]) {
    let Some(p) = pipeline() else { return };
    let t = text(data);
    let chars = t.chars().count();
    for role in [Role::System, Role::User, Role::Assistant, Role::Tool] {
        for f in p.check(&t, role) {
            assert!(
                f.span.0 <= f.span.1 && f.span.1 <= chars.max(p.config().max_chars),
                "{f:?}"
            );
            assert!((0.0..=1.0).contains(&f.score));
        }
    }
    // dot runs cut for the classifier's second reading (only when it could act): on
    // every input, the cut text holds no run, keeps every other character in order,
    // and is the text itself when there was none
    let cut = crate::classifier::collapse_dot_runs(&t);
    assert!(!cut.contains("..."));
    assert_eq!(
        cut.chars().filter(|&c| c != '.').collect::<String>(),
        t.chars().filter(|&c| c != '.').collect::<String>()
    );
    if !t.contains("...") {
        assert!(matches!(cut, std::borrow::Cow::Borrowed(_)));
    }
    // the stretches a prohibition forbids, read only when a rule or the classifier
    // reaches them: checked here on every input
    let lower = t.to_lowercase();
    for r in crate::engine::policy_prohibitions(&lower, &[0]) {
        assert!(
            r.start <= r.end
                && r.end <= lower.len()
                && lower.is_char_boundary(r.start)
                && lower.is_char_boundary(r.end),
            "{r:?}"
        );
    }
}

/// Loads arbitrary bytes as a CLS002 ONNX model: every failure must be an error (a
/// panic inside the ONNX runtime is caught and reported as one), and a model that loads
/// must score a text with a probability in `[0, 1]` or an error.
#[cfg(feature = "onnx")]
pub fn fuzz_onnx_model(data: &[u8]) {
    let cfg = crate::onnx::OnnxConfig::new("fuzz.onnx");
    if let Ok(c) = crate::onnx::OnnxClassifier::from_bytes(data, &cfg) {
        assert!(c.width().is_power_of_two());
        if let Ok(p) = c.probability("ignore previous instructions") {
            assert!((0.0..=1.0).contains(&p), "{p}");
        }
    }
}
