use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::pickle::{looks_like_class, Judgement, PickleIr};

declare_rule! {
    /// ## What it does
    /// Reports a pickle that instantiates or references a class (or any name that is
    /// not called as a function) outside the allow-list.
    ///
    /// ## Why is this dangerous?
    /// Instantiating a class runs its constructor, `__setstate__` and `__reduce__`
    /// machinery: code that lives outside the file, in whatever package provides the
    /// class. The risk depends on that package, so this is a medium finding that asks
    /// for review rather than a verdict of malice.
    ///
    /// ## Example
    /// `NEWOBJ` of `sklearn.linear_model._logistic.LogisticRegression`, or a whole
    /// `torch.save(model)` of `__main__.Net`.
    ///
    /// ## Remediation
    /// Confirm that the classes belong to libraries you trust and intend to load. For
    /// PyTorch, save and share `state_dict()` (or safetensors) rather than whole modules.
    ///
    /// ## False positives
    /// Expected for scikit-learn, XGBoost and other library pickles, and for whole-model
    /// PyTorch pickles of your own classes.
    ///
    /// ## References
    /// MITRE ATLAS AML.T0011.000; guidelines SD-3, SD-4 (provenance when choosing a
    /// model), DV-1.
    pub(crate) static RULE = {
        code: "PKL003",
        name: "unknown-class",
        severity: Medium,
        guidelines: [Sd3, Sd4, Dv1],
        summary: "Pickle instantiates or references a class that is not on the allow-list",
    }
}

pub(crate) fn check(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for g in &ir.globals {
        if g.judgement() != Judgement::Unknown || (g.called && !looks_like_class(&g.name)) {
            continue;
        }
        let how = if g.called || g.instantiated {
            "instantiates"
        } else {
            "references"
        };
        ctx.report(
            &RULE,
            format!(
                "pickle {how} `{}`, which is not on the allow-list",
                g.display()
            ),
            Some(g.offset),
            Some(g.path()),
        );
    }
}
