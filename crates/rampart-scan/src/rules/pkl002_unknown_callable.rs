use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::pickle::{looks_like_class, Judgement, PickleIr};

declare_rule! {
    /// ## What it does
    /// Reports a pickle that calls a function outside the allow-list of names known to
    /// be safe while loading a model, calls a value computed while loading (the result
    /// of another call), or uses an allow-listed callable outside the arguments that
    /// make it safe (for example `_codecs.encode` with a codec other than latin-1).
    ///
    /// ## Why is this dangerous?
    /// Deny-list scanners are bypassed by callables nobody listed: `pip.main`,
    /// `torch.utils.bottleneck`, an application's own helper that shells out. A model
    /// checkpoint needs only tensor and container reconstruction; any other function
    /// call runs third-party code on load.
    ///
    /// ## Example
    /// ```text
    /// \x80\x02cmylib.jobs\nrun_job\nX\x03\x00\x00\x00rm!\x85R.
    /// ```
    ///
    /// ## Remediation
    /// Find out what the function does before loading the file. If it is legitimate
    /// (your own code), load the file only in an isolated environment, or re-export the
    /// model as safetensors.
    ///
    /// ## False positives
    /// Pickles of application objects (scikit-learn estimators with custom reducers,
    /// your own classes' `__reduce__` functions) call functions outside the allow-list.
    /// The finding then asks you to confirm the function is yours.
    ///
    /// ## References
    /// picklescan bypasses GHSA-655q-fx9r-782v and CVE-2025-1716; MITRE ATLAS
    /// AML.T0011.000; guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "PKL002",
        name: "unknown-callable",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "Pickle calls a function that is not on the allow-list",
    }
}

pub(crate) fn check(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for g in &ir.globals {
        if g.judgement() == Judgement::Unknown && g.called && !looks_like_class(&g.name) {
            ctx.report(
                &RULE,
                format!(
                    "pickle calls `{}`, which is not on the allow-list",
                    g.display()
                ),
                Some(g.offset),
                Some(g.path()),
            );
        }
    }
    for event in ir.indirect_calls.iter().chain(&ir.misuse) {
        ctx.report(&RULE, event.message.clone(), Some(event.offset), None);
    }
}
