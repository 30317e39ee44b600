use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::keras::KerasIr;

declare_rule! {
    /// ## What it does
    /// Reports objects registered under a package outside Keras (`registered_name`
    /// of the form `Package>Name`).
    ///
    /// ## Why is this dangerous?
    /// Loading the model needs that package's code; the model is only as trustworthy
    /// as the package. This is a documentation finding: know which code your model
    /// pulls in.
    ///
    /// ## Example
    /// `"registered_name": "MyPackage>CustomLayer"`
    ///
    /// ## Remediation
    /// Record the package and its version alongside the model (for example in the
    /// AI-BOM).
    ///
    /// ## False positives
    /// Expected for every model with custom layers.
    ///
    /// ## References
    /// Guidelines SD-4 (model provenance), DV-3 (document models).
    pub(crate) static RULE = {
        code: "KRS006",
        name: "custom-object",
        severity: Low,
        guidelines: [Sd4, Dv3],
        summary: "Keras model depends on a custom object from another package",
    }
}

pub(crate) fn check(ir: &KerasIr, ctx: &mut Ctx<'_>) {
    for (name, path) in &ir.registered {
        ctx.report(
            &RULE,
            format!("model needs the custom object {name:?} from outside Keras"),
            None,
            Some(path.clone()),
        );
    }
}
