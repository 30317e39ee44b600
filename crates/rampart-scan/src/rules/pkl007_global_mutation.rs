use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::pickle::PickleIr;

declare_rule! {
    /// ## What it does
    /// Reports a `BUILD` opcode applied directly to an imported class or function
    /// rather than to an object created from it.
    ///
    /// ## Why is this dangerous?
    /// `BUILD` with a `(None, {...})` state calls `setattr` on its target; aimed at an
    /// imported class it rewrites that class for the rest of the process, turning an
    /// allow-listed class into a gadget (monkey-patching a method that later code calls).
    ///
    /// ## Example
    /// ```text
    /// GLOBAL collections.OrderedDict; (None, {'__reduce_ex__': …}); BUILD
    /// ```
    ///
    /// ## Remediation
    /// Do not load the file.
    ///
    /// ## False positives
    /// None known: `pickle` never writes BUILD onto a class.
    ///
    /// ## References
    /// Python `pickle` documentation (`__setstate__` and slot state); guidelines SD-3,
    /// DV-1.
    pub(crate) static RULE = {
        code: "PKL007",
        name: "global-mutation",
        severity: Critical,
        guidelines: [Sd3, Dv1],
        summary: "Pickle rewrites attributes of an imported class or function",
    }
}

pub(crate) fn check(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for event in &ir.global_mutations {
        ctx.report(&RULE, event.message.clone(), Some(event.offset), None);
    }
}
