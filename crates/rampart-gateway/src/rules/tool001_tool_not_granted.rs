//! TOOL001: The model called a tool its key may not use.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a tool call in a model's answer that the request's API key has no grant
    /// for: its `tools` list names neither the tool nor `*` (and `*` covers only the
    /// tools declared in `rampart.toml`). The call is removed from the answer before
    /// the client sees it (decision `redact`; if no call is left the answer says which
    /// calls were refused); a streamed answer is cut off instead (decision `block`).
    ///
    /// ## Why is this dangerous?
    /// Tool calls are actions. A prompt injection that makes the model call a tool the
    /// client never needed (send an e-mail, run a query) is stopped here, whatever the model
    /// was persuaded to do.
    ///
    /// ## Example
    /// A support-bot key with `tools = ["lookup_order"]` gets an answer calling
    /// `refund_order`.
    ///
    /// ## Remediation
    /// Grant the tool on the key if the client needs it, and declare it in `rampart.toml`
    /// `[[tools]]`; otherwise look for the injection that produced the call.
    ///
    /// ## False positives
    /// A tool added to the application but not yet to the key's grants.
    ///
    /// ## References
    /// Guidelines SD-3 (tool and action allow-lists, least privilege).
    pub(crate) static RULE = {
        code: "TOOL001",
        name: "tool-not-granted",
        severity: High,
        guidelines: [Sd3],
        summary: "The model called a tool its key may not use",
    }
}
