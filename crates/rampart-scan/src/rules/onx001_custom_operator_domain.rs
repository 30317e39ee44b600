use std::collections::BTreeMap;

use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::onnx::OnnxIr;

declare_rule! {
    /// ## What it does
    /// Reports ONNX nodes whose operator domain is not a standard one (`ai.onnx`,
    /// `ai.onnx.ml`, the training domains, or ONNX Runtime's `com.microsoft`), and is
    /// not a function defined inside the model itself.
    ///
    /// ## Why is this dangerous?
    /// Custom-domain operators are implemented by native libraries that the user must
    /// register (`SessionOptions.register_custom_ops_library`). The model then runs
    /// third-party native code, and the file silently depends on it.
    ///
    /// ## Example
    /// A node `{op_type: "Exec", domain: "evil.custom"}`.
    ///
    /// ## Remediation
    /// Know which library implements the domain and where it comes from; prefer models
    /// built from standard operators.
    ///
    /// ## False positives
    /// Models built for specific runtimes with vendor operator sets (TensorRT plugins,
    /// OpenVINO extensions).
    ///
    /// ## References
    /// ONNX IR specification (operator sets and domains); guidelines SD-3, SD-4, DV-1.
    pub(crate) static RULE = {
        code: "ONX001",
        name: "custom-operator-domain",
        severity: Medium,
        guidelines: [Sd3, Sd4, Dv1],
        summary: "ONNX model uses operators from a non-standard domain (native code)",
    }
}

const STANDARD: &[&str] = &[
    "",
    "ai.onnx",
    "ai.onnx.ml",
    "ai.onnx.training",
    "ai.onnx.preview.training",
    "com.microsoft",
    "com.microsoft.nchwc",
    "com.microsoft.experimental",
    "org.pytorch.aten",
    "com.ms.internal.nhwc",
];

pub(crate) fn check(ir: &OnnxIr, ctx: &mut Ctx<'_>) {
    let mut by_domain: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in &ir.nodes {
        if STANDARD.contains(&node.domain.as_str()) {
            continue;
        }
        let local = format!("{}:{}", node.domain, node.op_type);
        if ir.functions.contains(&local) {
            continue;
        }
        let ops = by_domain.entry(node.domain.as_str()).or_default();
        if !ops.contains(&node.op_type.as_str()) {
            ops.push(&node.op_type);
        }
    }
    for (domain, ops) in by_domain {
        ctx.report(
            &RULE,
            format!(
                "model uses operators from the custom domain {domain:?}: {}",
                ops.join(", ")
            ),
            None,
            Some(domain.to_string()),
        );
    }
}
