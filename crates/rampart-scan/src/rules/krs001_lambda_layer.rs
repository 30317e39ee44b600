use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::keras::KerasIr;

declare_rule! {
    /// ## What it does
    /// Reports Keras `Lambda` layers in a `.keras` config or a legacy `.h5`
    /// `model_config`.
    ///
    /// ## Why is this dangerous?
    /// A Lambda layer's function is stored as marshalled Python bytecode that Keras
    /// rebuilds and runs when the model is loaded or called; it can do anything Python
    /// can. Keras 3 refuses it in safe mode, older Keras and `tf.keras` do not.
    ///
    /// ## Example
    /// `{"class_name": "Lambda", "config": {"function": {"class_name": "__lambda__",
    /// "config": {"code": "4wEAAAAAAAAA…"}}}}`
    ///
    /// ## Remediation
    /// Replace Lambda layers with subclassed layers whose code you ship and review;
    /// load third-party models with `safe_mode=True`.
    ///
    /// ## False positives
    /// Your own models that use Lambda layers for simple arithmetic: the finding then
    /// documents that the file carries code.
    ///
    /// ## References
    /// CVE-2024-3660 (Keras arbitrary code execution); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "KRS001",
        name: "lambda-layer",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "Keras model contains a Lambda layer with embedded Python code",
    }
}

pub(crate) fn check(ir: &KerasIr, ctx: &mut Ctx<'_>) {
    for l in &ir.lambdas {
        let what = if l.bytecode {
            "embedded Python bytecode"
        } else {
            "a function reference"
        };
        let names = if l.names.is_empty() {
            String::new()
        } else {
            format!(
                " using {}",
                l.names
                    .iter()
                    .take(12)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        ctx.report(
            &RULE,
            format!("Lambda layer {:?} carries {what}{names}", l.layer),
            None,
            Some(l.layer.clone()),
        );
    }
}
