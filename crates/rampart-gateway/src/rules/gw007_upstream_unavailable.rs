//! GW007: No upstream model API answered the request.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records a request that the guard admitted but no upstream answered: every upstream
    /// serving the model failed, timed out or had its circuit breaker open. The client
    /// receives `502 upstream_error`; the ledger keeps the guard's decision with GW007.
    ///
    /// ## Why is this dangerous?
    /// Not an attack in itself, but a gap in service and in the record: the ledger shows
    /// which requests got no answer, and a run of GW007 is an incident to investigate (an
    /// upstream outage, or traffic pushing it over).
    ///
    /// ## Example
    /// The only upstream for `gpt-4o` refuses connections: `502`, rules `["GW007"]`.
    ///
    /// ## Remediation
    /// Check the upstream's health and the breaker settings (`breaker_failures`,
    /// `breaker_cooldown_secs`); add a second upstream for the model.
    ///
    /// ## False positives
    /// Client-side cancellations during an upstream's slow answer.
    ///
    /// ## References
    /// Guidelines OM-1 (monitor the system's behaviour), DP-3 (incident management).
    pub(crate) static RULE = {
        code: "GW007",
        name: "upstream-unavailable",
        severity: Medium,
        guidelines: [Om1, Dp3],
        summary: "No upstream model API answered the request",
    }
}
