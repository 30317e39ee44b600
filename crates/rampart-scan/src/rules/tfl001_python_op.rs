use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::tensorflow::{nodes_with_ops, TfIr};

declare_rule! {
    /// ## What it does
    /// Reports TensorFlow graph nodes (in the main graph or the function library of a
    /// SavedModel or GraphDef) whose operation runs Python: `PyFunc`,
    /// `PyFuncStateless`, `EagerPyFunc`.
    ///
    /// ## Why is this dangerous?
    /// These operations call back into the Python interpreter of the process serving
    /// the model; a graph that uses them runs Python code chosen by whoever built it.
    ///
    /// ## Example
    /// A node `{name: "evil", op: "PyFunc", attr {token: "pyfunc_0"}}`.
    ///
    /// ## Remediation
    /// Rebuild the model without `tf.py_function`/`tf.numpy_function`; do not serve
    /// third-party graphs that contain them.
    ///
    /// ## False positives
    /// Your own models that wrap Python preprocessing in `tf.py_function`.
    ///
    /// ## References
    /// TensorFlow security guidance ("TensorFlow models are programs"); guidelines
    /// SD-3, DV-1.
    pub(crate) static RULE = {
        code: "TFL001",
        name: "python-op",
        severity: Critical,
        guidelines: [Sd3, Dv1],
        summary: "TensorFlow graph contains an operation that runs Python",
    }
}

const OPS: &[&str] = &["PyFunc", "PyFuncStateless", "EagerPyFunc"];

pub(crate) fn check(ir: &TfIr, ctx: &mut Ctx<'_>) {
    for (node, place) in nodes_with_ops(ir, OPS) {
        ctx.report(
            &RULE,
            format!(
                "node {:?}{place} is a {} operation, which runs Python",
                node.name, node.op
            ),
            None,
            Some(node.name.clone()),
        );
    }
}
