//! GW006: A key called a route outside its scopes.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records a request refused with `403 route_not_allowed` because its API key is not
    /// scoped to the route it called (for example a chat-only key calling `/v1/embeddings`).
    ///
    /// ## Why is this dangerous?
    /// Route scopes are least privilege: embeddings and completions expose the model in
    /// different ways (embeddings make inversion and extraction easier), and a key needs only
    /// the routes its client uses.
    ///
    /// ## Example
    /// A key with `routes = ["/v1/chat/completions"]` calls `/v1/embeddings`.
    ///
    /// ## Remediation
    /// Add the route to the key's scopes if the client needs it; otherwise find out who
    /// holds the key.
    ///
    /// ## False positives
    /// A client library that calls an extra route on start-up.
    ///
    /// ## References
    /// Guidelines SD-3 (least privilege), DP-1 (scoped keys).
    pub(crate) static RULE = {
        code: "GW006",
        name: "route-outside-scope",
        severity: Medium,
        guidelines: [Sd3, Dp1],
        summary: "A key called a route outside its scopes",
    }
}
