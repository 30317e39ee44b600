//! EXT001: A key sent more requests in the window than a normal client.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a request from a key (or client address) that has sent more than
    /// `[gateway.extraction] requests` requests within `window_secs`. The request is flagged
    /// (recorded in the ledger, logs and metrics) or, with `throttle = true`, refused with
    /// `429`. Off unless `[gateway.extraction]` is set.
    ///
    /// ## Why is this dangerous?
    /// Model extraction and training-data extraction need many queries; sustained volume
    /// from one key is the first signal.
    ///
    /// ## Example
    /// `requests = 1000`, `window_secs = 3600`: the 1,001st request within an hour.
    ///
    /// ## Remediation
    /// Set the threshold from the key's normal traffic; throttle once it is known.
    ///
    /// ## False positives
    /// Backend keys that serve many users send legitimately high volume: give them their
    /// own thresholds or keep the signal at flag.
    ///
    /// ## References
    /// Guidelines DP-2 (detect attempts to extract the model through the query
    /// interface), OM-2.
    pub(crate) static RULE = {
        code: "EXT001",
        name: "extraction-request-volume",
        severity: Medium,
        guidelines: [Dp2, Om2],
        summary: "A key sent more requests in the window than a normal client",
    }
}
