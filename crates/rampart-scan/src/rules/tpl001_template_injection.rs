use rampart_core::declare_rule;

use crate::context::Ctx;
use crate::formats::template::TemplateIr;

declare_rule! {
    /// ## What it does
    /// Reports a Jinja chat template (GGUF `tokenizer.chat_template`, Hugging Face
    /// `tokenizer_config.json`) that reaches Python internals: dunder attributes such
    /// as `__class__`, `__globals__`, `__builtins__`, `__subclasses__` (also when built
    /// from strings or escapes), private attributes, the `attr` filter, or names such
    /// as `os` and `popen`.
    ///
    /// ## Why is this dangerous?
    /// Runtimes that render chat templates with an unsandboxed Jinja environment run
    /// the template as Python: walking from `()` through `__subclasses__()` to
    /// `os.popen` executes commands whenever a prompt is formatted. Chat templates
    /// only need message fields, loops and `raise_exception`.
    ///
    /// ## Example
    /// ```text
    /// {% for x in ().__class__.__base__.__subclasses__() %}…{{ x()._module.__builtins__['__import__']('os').popen('id') }}…
    /// ```
    ///
    /// ## Remediation
    /// Do not use the model's template; replace it with a reviewed one and render
    /// templates in a sandboxed environment (`ImmutableSandboxedEnvironment`).
    ///
    /// ## False positives
    /// None known in published chat templates.
    ///
    /// ## References
    /// CVE-2024-34359 (llama-cpp-python); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "TPL001",
        name: "template-injection",
        severity: Critical,
        guidelines: [Sd3, Dv1],
        summary: "Chat template reaches Python internals (server-side template injection)",
    }
}

pub(crate) fn check(ir: &TemplateIr, ctx: &mut Ctx<'_>) {
    for t in &ir.templates {
        if t.hits.is_empty() {
            continue;
        }
        let first: Vec<String> = t.hits.iter().take(4).map(|h| h.what.clone()).collect();
        let more = if t.hits.len() > 4 {
            format!(" (+{} more)", t.hits.len() - 4)
        } else {
            String::new()
        };
        ctx.report(
            &RULE,
            format!("chat template {:?} {}{more}", t.key, first.join("; ")),
            None,
            Some(format!(
                "{}@{}",
                t.key,
                t.hits.first().map_or(0, |h| h.offset)
            )),
        );
    }
}
