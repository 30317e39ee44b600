//! GW002: A key or client address went over its request rate.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records a request refused with `429 rate_limit_exceeded` because its API key (or,
    /// without a key, its client address) went over its requests per minute, or because the
    /// client address went over `per_address_rpm`.
    ///
    /// ## Why is this dangerous?
    /// Rate limits on the query interface slow model extraction, credential stuffing and
    /// denial of wallet: an attacker who can send unlimited requests can probe the model,
    /// exhaust an upstream quota or run up its bill.
    ///
    /// ## Example
    /// A key with `rpm = 60` sends its 61st request within a minute: `429`, ledger entry
    /// with rules `["GW002"]`.
    ///
    /// ## Remediation
    /// Expected under load; if a legitimate client hits it, raise that key's `rpm` in the
    /// key store. Many GW002 from one key or address are worth a look (extraction, a leaked
    /// key).
    ///
    /// ## False positives
    /// Bursty but legitimate clients (batch jobs) sharing one key; give them their own
    /// key with its own limit.
    ///
    /// ## References
    /// Guidelines DP-2 (controls on the query interface), SD-3 (API controls).
    pub(crate) static RULE = {
        code: "GW002",
        name: "rate-limited",
        severity: Medium,
        guidelines: [Dp2, Sd3],
        summary: "A key or client address went over its request rate",
    }
}
