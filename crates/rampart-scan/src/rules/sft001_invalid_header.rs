use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::safetensors::{Problem, SafetensorsIr};

declare_rule! {
    /// ## What it does
    /// Reports a safetensors file whose header is invalid: length over the 100 MB cap
    /// or past the end of the file, not JSON, unknown dtypes, missing shapes or
    /// offsets, metadata that is not a map of strings.
    ///
    /// ## Why is this dangerous?
    /// safetensors is safe because loaders trust nothing but a small, validated
    /// header. An invalid header means a damaged or crafted file, and a lenient loader
    /// may allocate or read according to it.
    ///
    /// ## Example
    /// A header length of 2^39 bytes in a 1 KB file.
    ///
    /// ## Remediation
    /// Obtain the file again and check its hash or signature.
    ///
    /// ## False positives
    /// Files written with dtypes newer than rampart knows.
    ///
    /// ## References
    /// safetensors format specification; guidelines DV-1, DV-2.
    pub(crate) static RULE = {
        code: "SFT001",
        name: "invalid-safetensors-header",
        severity: Medium,
        guidelines: [Dv1, Dv2],
        summary: "safetensors header is invalid",
    }
}

pub(crate) fn check(ir: &SafetensorsIr, ctx: &mut Ctx<'_>) {
    for (problem, message, item) in &ir.problems {
        if *problem == Problem::Header {
            ctx.report(&RULE, message.clone(), None, item.clone());
            ctx.mark_incomplete();
        }
    }
}
