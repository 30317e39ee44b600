//! EXT004: A key asked for log-probabilities more often than a normal client.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a request from a key that has asked for log-probabilities (`logprobs`,
    /// `top_logprobs`) in more than `logprob_requests` requests within the window.
    ///
    /// ## Why is this dangerous?
    /// Log-probabilities leak far more of a model than sampled text: they make
    /// distillation, membership inference and extraction of the output layer cheap.
    ///
    /// ## Example
    /// `logprob_requests = 50`: the 51st request with `"logprobs": true` in the window.
    ///
    /// ## Remediation
    /// Deny log-probabilities to keys that do not need them; throttle the rest.
    ///
    /// ## False positives
    /// Evaluation harnesses that score answers by log-probability.
    ///
    /// ## References
    /// Guidelines DP-2, OM-2.
    pub(crate) static RULE = {
        code: "EXT004",
        name: "extraction-logprob-harvesting",
        severity: Medium,
        guidelines: [Dp2, Om2],
        summary: "A key asked for log-probabilities more often than a normal client",
    }
}
