//! GW004: Rate limits could not be checked; the request was refused.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records a request refused with `503 rate_limiter_unavailable` because the shared
    /// rate-limit store (Redis, `redis_url_env`) could not be reached. The gateway fails
    /// closed: it never serves a request whose limits it cannot check.
    ///
    /// ## Why is this dangerous?
    /// If limits were skipped whenever the store is down, an attacker could lift every
    /// key's limit by overloading or cutting off the store.
    ///
    /// ## Example
    /// Redis stops answering; each request is refused with `503` and rules `["GW004"]`;
    /// the `limiter_errors` metric rises.
    ///
    /// ## Remediation
    /// Restore the Redis server or the network path to it; the gateway recovers on its
    /// own once the store answers.
    ///
    /// ## False positives
    /// None: every GW004 is an outage of the rate-limit store.
    ///
    /// ## References
    /// Guidelines DP-2 (controls on the query interface), SD-3 (secure defaults).
    pub(crate) static RULE = {
        code: "GW004",
        name: "rate-limiter-unavailable",
        severity: High,
        guidelines: [Dp2, Sd3],
        summary: "Rate limits could not be checked; the request was refused",
    }
}
