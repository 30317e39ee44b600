use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::safetensors::{Problem, SafetensorsIr};

declare_rule! {
    /// ## What it does
    /// Reports safetensors tensors whose byte ranges overlap, leave gaps, run past the
    /// data, disagree with dtype × shape, or leave bytes after the last tensor.
    ///
    /// ## Why is this dangerous?
    /// Overlapping or out-of-range tensors make loaders read memory they should not
    /// (several parsers have had bugs here); gaps and trailing bytes hide data that no
    /// tensor accounts for.
    ///
    /// ## Example
    /// Two tensors both at offsets `[0, 16]`.
    ///
    /// ## Remediation
    /// Obtain the file again and check its hash or signature.
    ///
    /// ## False positives
    /// None known from the reference writers.
    ///
    /// ## References
    /// safetensors format specification; guidelines DV-1, DV-2.
    pub(crate) static RULE = {
        code: "SFT002",
        name: "invalid-safetensors-layout",
        severity: Medium,
        guidelines: [Dv1, Dv2],
        summary: "safetensors tensor offsets overlap, leave gaps or mismatch their size",
    }
}

pub(crate) fn check(ir: &SafetensorsIr, ctx: &mut Ctx<'_>) {
    for (problem, message, item) in &ir.problems {
        if *problem == Problem::Layout {
            ctx.report(&RULE, message.clone(), None, item.clone());
        }
    }
}
