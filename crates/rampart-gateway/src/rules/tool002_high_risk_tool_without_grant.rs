//! TOOL002: The model called a high-risk tool without an explicit grant.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a call to a tool marked `high_risk = true` in `rampart.toml` by a key
    /// whose `tools` list does not name it: high-risk tools need an explicit grant, and
    /// the wildcard `*` does not cover them. The call is removed from the answer
    /// (decision `redact`), or a streamed answer is cut off (decision `block`).
    ///
    /// ## Why is this dangerous?
    /// High-risk tools (payments, deletions, outbound messages) are opt-in: a catch-all
    /// grant written for convenience must not hand them to every client.
    ///
    /// ## Example
    /// A key with `tools = ["*"]` gets an answer calling `transfer_funds`, declared with
    /// `high_risk = true`.
    ///
    /// ## Remediation
    /// Name the tool in the key's `tools` list if this client is meant to use it.
    ///
    /// ## False positives
    /// None: the rule fires only on the configuration it describes.
    ///
    /// ## References
    /// Guidelines SD-3 (opt-in risky features, least privilege).
    pub(crate) static RULE = {
        code: "TOOL002",
        name: "high-risk-tool-without-grant",
        severity: High,
        guidelines: [Sd3],
        summary: "The model called a high-risk tool without an explicit grant",
    }
}
