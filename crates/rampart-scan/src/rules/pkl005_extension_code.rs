use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::pickle::PickleIr;

declare_rule! {
    /// ## What it does
    /// Reports the `EXT1`, `EXT2` and `EXT4` opcodes, which import whatever name the
    /// loading process registered under an integer code with `copyreg.add_extension`.
    ///
    /// ## Why is this dangerous?
    /// The imported name is not in the file, so no scanner can judge it; which callable
    /// runs depends on the loading process. Model files never need the extension
    /// registry.
    ///
    /// ## Example
    /// ```text
    /// \x80\x02\x82\x01)R.   # EXT1 1, then call it
    /// ```
    ///
    /// ## Remediation
    /// Do not load the file.
    ///
    /// ## False positives
    /// Pickles written by applications that register extension codes themselves (rare).
    ///
    /// ## References
    /// Python `copyreg` documentation (extension registry); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "PKL005",
        name: "extension-code",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "Pickle imports a name through the extension registry",
    }
}

pub(crate) fn check(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for event in &ir.ext_codes {
        ctx.report(&RULE, event.message.clone(), Some(event.offset), None);
    }
}
