//! GW003: A key asked for a model outside its scopes.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records a request refused with `403 model_not_allowed` because its API key is not
    /// scoped to the model the request names.
    ///
    /// ## Why is this dangerous?
    /// Scoped keys are least privilege: a key issued for a small public model must not
    /// reach a fine-tuned model trained on internal data. Requests outside a key's scope are
    /// either a misconfigured client or someone trying a stolen key.
    ///
    /// ## Example
    /// A key with `models = ["support-bot"]` asks for `"model": "internal-finetune"`.
    ///
    /// ## Remediation
    /// If the client needs the model, add it to the key's scopes; otherwise find out who
    /// holds the key.
    ///
    /// ## False positives
    /// A client configured with the wrong model name.
    ///
    /// ## References
    /// Guidelines SD-3 (least privilege), DP-1 (scoped keys).
    pub(crate) static RULE = {
        code: "GW003",
        name: "model-outside-scope",
        severity: Medium,
        guidelines: [Sd3, Dp1],
        summary: "A key asked for a model outside its scopes",
    }
}
