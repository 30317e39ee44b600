use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::keras::{is_gadget, is_keras_module, KerasIr};
use crate::formats::pickle::{judge, Judgement};

declare_rule! {
    /// ## What it does
    /// Reports a Keras config that tells Keras to import a class or function from a
    /// module outside Keras and TensorFlow.
    ///
    /// ## Why is this dangerous?
    /// Keras imports the named module and calls the named object with arguments from
    /// the config. With a module outside Keras this runs third-party code on load, and
    /// safe mode does not stop it (CVE-2025-1550).
    ///
    /// ## Example
    /// `{"module": "mypkg.layers", "class_name": "Custom", "config": {…}}`
    ///
    /// ## Remediation
    /// Confirm the module is yours and installed from a trusted source; otherwise do
    /// not load the model.
    ///
    /// ## False positives
    /// Models with custom layers from your own packages.
    ///
    /// ## References
    /// CVE-2025-1550 (Keras safe_mode bypass); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "KRS003",
        name: "foreign-module",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "Keras config imports an object from a module outside Keras",
    }
}

pub(crate) fn check(ir: &KerasIr, ctx: &mut Ctx<'_>) {
    for o in &ir.objects {
        if is_keras_module(&o.module) || is_gadget(&o.class_name) {
            continue;
        }
        if matches!(judge(&o.module, &o.class_name), Judgement::Dangerous(_)) {
            continue;
        }
        ctx.report(
            &RULE,
            format!(
                "config imports `{}.{}` from outside Keras",
                o.module, o.class_name
            ),
            None,
            Some(o.path.clone()),
        );
    }
}
