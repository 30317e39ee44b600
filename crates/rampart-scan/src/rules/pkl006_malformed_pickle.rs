use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::pickle::PickleIr;

declare_rule! {
    /// ## What it does
    /// Reports a pickle that cannot be parsed to its end: a truncated stream, an invalid
    /// opcode, a stack underflow, a missing memo key. Everything before the failure has
    /// still been judged by the other pickle rules.
    ///
    /// ## Why is this dangerous?
    /// Pickle executes as it parses, so a payload placed before a deliberate parse error
    /// runs even though loading then fails — and scanners that give up on the first
    /// error miss it (the "broken pickle" technique). A malformed pickle is at least an
    /// integrity problem.
    ///
    /// ## Example
    /// `os.system` called by `REDUCE`, followed by the bytes `\xff\xff` instead of
    /// `STOP`.
    ///
    /// ## Remediation
    /// Treat the file as corrupted or tampered with; obtain it again from its publisher
    /// and verify its signature.
    ///
    /// ## False positives
    /// Files damaged in transit, or non-pickle data that starts like a pickle.
    ///
    /// ## References
    /// ReversingLabs, "nullifAI" (2025); guidelines SD-3, DV-1, DV-2.
    pub(crate) static RULE = {
        code: "PKL006",
        name: "malformed-pickle",
        severity: Medium,
        guidelines: [Sd3, Dv1, Dv2],
        summary: "Pickle stream cannot be parsed to its end",
    }
}

pub(crate) fn check(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for event in &ir.errors {
        ctx.report(
            &RULE,
            format!(
                "pickle cannot be parsed: {} (everything before it was judged)",
                event.message
            ),
            Some(event.offset),
            None,
        );
        ctx.mark_incomplete();
    }
}
