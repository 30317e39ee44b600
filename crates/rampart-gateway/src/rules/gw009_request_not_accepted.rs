//! GW009: A request body could not be accepted for judgement.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records an authenticated request refused before the guard could judge it: a body
    /// over `max_body_bytes` (413), one that took longer than 30 seconds to arrive
    /// (408), one that is not JSON, or one with a field the guard cannot judge (400,
    /// naming the field): token ids instead of text, a message role no API defines, or
    /// more strings than the gateway judges in one body.
    ///
    /// ## Why is this dangerous?
    /// Each is a way to reach the model with text the guard never read: token ids
    /// decode to any text, an odd role name can make a message skip a role-based
    /// check, and a body past the guard's window would be judged only in part.
    ///
    /// ## Example
    /// `{"model": "m", "prompt": [9906, 1917]}` on `/v1/completions`: `400`, message
    /// `prompt: token ids cannot be judged by the guard; send text`, rules `["GW009"]`.
    ///
    /// ## Remediation
    /// Send text; use the roles `system`, `developer`, `user`, `assistant`, `tool` or
    /// `function`; keep bodies under `max_body_bytes`.
    ///
    /// ## False positives
    /// Clients that send token ids on purpose (some evaluation harnesses).
    ///
    /// ## References
    /// Guidelines SD-3 (input sanitising), DP-1 (secure the infrastructure).
    pub(crate) static RULE = {
        code: "GW009",
        name: "request-not-accepted",
        severity: Low,
        guidelines: [Sd3, Dp1],
        summary: "A request body could not be accepted for judgement",
    }
}
