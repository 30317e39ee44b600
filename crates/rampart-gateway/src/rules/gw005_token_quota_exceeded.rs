//! GW005: A key has used up its token quota.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records a request refused with `429 token_quota_exceeded` because its API key has
    /// used up its tokens per minute (`tpm`): the usage reported by the upstream is debited
    /// after each response, and a key is refused once its quota is spent.
    ///
    /// ## Why is this dangerous?
    /// Token quotas bound what one key can take from the model per minute: the cost of a
    /// leaked key, and the amount of output an extraction attempt can collect.
    ///
    /// ## Example
    /// A key with `tpm = 10000` that received 10,000 tokens of completions this minute
    /// sends another request.
    ///
    /// ## Remediation
    /// Raise the key's `tpm` if the use is legitimate; otherwise find out who holds the
    /// key.
    ///
    /// ## False positives
    /// Clients whose requests are legitimately long (summarising documents) on a key with
    /// a small quota.
    ///
    /// ## References
    /// Guidelines DP-2 (controls on the query interface).
    pub(crate) static RULE = {
        code: "GW005",
        name: "token-quota-exceeded",
        severity: Medium,
        guidelines: [Dp2],
        summary: "A key has used up its token quota",
    }
}
