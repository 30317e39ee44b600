use rampart_core::declare_rule;

use super::{Detector, Engine, INPUT};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Scores the whole text with an operator-supplied ONNX classifier. Off unless a
    /// model is configured (`--onnx-model`, or `onnx` in the pipeline configuration)
    /// and rampart was built with the `onnx` cargo feature; configuring a model in a
    /// build without the feature is an error. Input kind `hashed`: the model receives
    /// the same hashed n-gram features as CLS001 as a `float32[1, N]` tensor (`N` a
    /// power of two) and returns a probability or logits. Reported when the attack
    /// probability reaches the configured threshold (default 0.5).
    ///
    /// ## Why is this dangerous?
    /// A model trained on your own traffic or a larger corpus catches paraphrased
    /// injections that neither the phrase rules nor the bundled classifier know.
    ///
    /// ## Example
    /// ```text
    /// rampart guard check --onnx-model injection.onnx "Please ignore previous instructions."
    /// ```
    ///
    /// ## Remediation
    /// Block (default policy for injection); review borderline scores and retrain the
    /// model on its false positives.
    ///
    /// ## False positives
    /// Depend on the supplied model and threshold: validate them with
    /// `rampart guard eval --onnx-model` on labelled data before enforcing. A model that
    /// fails on a text fails closed (a finding with score 1.0).
    ///
    /// ## References
    /// `docs/guard.md` ("Optional ONNX classifier": input contract, export, bounds);
    /// OWASP LLM01:2025; guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "CLS002",
        name: "onnx-classifier",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "Operator-supplied ONNX classifier scores the text as an injection",
    }
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Injection,
    placeholder: "INJECTION",
    roles: INPUT,
    weak: false,
    engine: Engine::Custom,
};
