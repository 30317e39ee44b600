use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::pickle::PickleIr;

declare_rule! {
    /// ## What it does
    /// Reports a `STACK_GLOBAL` whose module or name is not a literal string in the
    /// pickle but a value computed while loading, for example the result of
    /// `_codecs.encode('bf', 'rot13')` (which yields `os`).
    ///
    /// ## Why is this dangerous?
    /// The import target cannot be known without running the pickle, so any name could
    /// be imported and called. Legitimate pickles always import literal names; computing
    /// them is an evasion technique against scanners that read strings.
    ///
    /// ## Example
    /// ```text
    /// _codecs.encode('bf', 'rot13') → 'os'; 'system'; STACK_GLOBAL; REDUCE
    /// ```
    ///
    /// ## Remediation
    /// Do not load the file.
    ///
    /// ## False positives
    /// None known.
    ///
    /// ## References
    /// MITRE ATLAS AML.T0011.000; guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "PKL004",
        name: "dynamic-import",
        severity: Critical,
        guidelines: [Sd3, Dv1],
        summary: "Pickle imports a name computed while loading",
    }
}

pub(crate) fn check(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for event in &ir.dynamic_imports {
        ctx.report(&RULE, event.message.clone(), Some(event.offset), None);
    }
}
