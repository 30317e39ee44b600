use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::keras::KerasIr;
use crate::formats::pickle::{judge, Judgement};

declare_rule! {
    /// ## What it does
    /// Reports a Keras config that references a module or function known to execute
    /// commands or code, or to reach files and the network (`os.system`,
    /// `subprocess.Popen`, `builtins.exec`, …).
    ///
    /// ## Why is this dangerous?
    /// Keras imports the module and calls the object with arguments taken from the
    /// config: the model file runs a command when it is loaded, safe mode or not.
    ///
    /// ## Example
    /// `{"module": "os", "class_name": "system", "config": {"command": "id"}}`
    ///
    /// ## Remediation
    /// Do not load the model.
    ///
    /// ## False positives
    /// None known.
    ///
    /// ## References
    /// CVE-2025-1550; MITRE ATLAS AML.T0011.000; guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "KRS004",
        name: "dangerous-module",
        severity: Critical,
        guidelines: [Sd3, Dv1],
        summary: "Keras config references a module that executes commands or code",
    }
}

pub(crate) fn check(ir: &KerasIr, ctx: &mut Ctx<'_>) {
    for o in &ir.objects {
        if let Judgement::Dangerous(why) = judge(&o.module, &o.class_name) {
            ctx.report(
                &RULE,
                format!(
                    "config makes Keras import and call `{}.{}` ({why})",
                    o.module, o.class_name
                ),
                None,
                Some(o.path.clone()),
            );
        }
    }
}
