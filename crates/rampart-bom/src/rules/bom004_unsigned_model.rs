use rampart_core::system::ModelSource;
use rampart_core::{declare_rule, Finding};

use super::{at, CheckInput};

declare_rule! {
    /// ## What it does
    /// Reports self-hosted and fine-tuned models that have no signature
    /// (`signature = "…"` produced by `rampart sign`).
    ///
    /// ## Why is this dangerous?
    /// Without a signature nobody downstream can check that the weights they load are
    /// the ones that were trained, reviewed and scanned.
    ///
    /// ## Example
    /// `path = "models/adapter.safetensors"` with no `signature`.
    ///
    /// ## Remediation
    /// `rampart sign models/ --key signing.pem` and record the signature path.
    ///
    /// ## False positives
    /// Models signed by other means (record them with a note).
    ///
    /// ## References
    /// Guidelines DP-2 (compute and share hashes and signatures), DV-1.
    pub(crate) static RULE = {
        code: "BOM004",
        name: "unsigned-model",
        severity: Low,
        guidelines: [Dp2, Dv1],
        summary: "A self-hosted model has no signature",
    }
}

pub(crate) fn check(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    for m in &input.system.models {
        if m.source != ModelSource::ExternalApi && m.path.is_some() && m.signature.is_none() {
            out.push(Finding::new(
                &RULE,
                format!("model {} has no signature", m.id),
                at(format!("models[{}]", m.id)),
            ));
        }
    }
}
