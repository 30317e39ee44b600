//! GW001: A guard detector failed on a request or response.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records a request or response on which a guard detector failed (panicked): the
    /// failure is contained, counted in the `detector_errors` metric and logged. The request
    /// is refused (fail closed, the default) or goes on with a flag when the operator set
    /// `fail_open = true`.
    ///
    /// ## Why is this dangerous?
    /// A detector that fails on some input is a way past the guard: an attacker who finds
    /// such an input could send anything after it if failures let requests through. A failure
    /// can also be a sign of hostile input aimed at the gateway itself.
    ///
    /// ## Example
    /// A ledger entry with decision `block` and rules `["GW001"]`; the client receives
    /// `400 content_policy_violation` (`502` when the detector failed on the model's
    /// answer).
    ///
    /// ## Remediation
    /// Keep the default (fail closed). Look at the request in the ledger and the
    /// `rampart::gateway` error log, and report the input: a detector must never fail.
    ///
    /// ## False positives
    /// None expected: every GW001 is a defect in rampart or its configuration.
    ///
    /// ## References
    /// Guidelines SD-3 (secure defaults, guardrails), OM-2 (monitor inputs).
    pub(crate) static RULE = {
        code: "GW001",
        name: "detector-failure",
        severity: High,
        guidelines: [Sd3, Om2],
        summary: "A guard detector failed on a request or response",
    }
}
