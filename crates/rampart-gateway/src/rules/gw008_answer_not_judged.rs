//! GW008: An upstream answer could not be judged, so it was withheld.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Records an upstream answer that the gateway could not judge and therefore did not
    /// release: a body that is not JSON, a compressed (`Content-Encoding`) body, or an
    /// answer or stream larger than the gateway reads (16 MiB). The client receives
    /// `502 upstream_error` (or, mid-stream, an error event), and the ledger keeps GW008.
    ///
    /// ## Why is this dangerous?
    /// Output the guard never saw could carry a leaked canary, a secret or a tool call
    /// nobody granted. Passing it through unjudged would make every output control
    /// optional for an upstream that answers in an unexpected shape.
    ///
    /// ## Example
    /// An upstream answers `200` with `Content-Encoding: gzip`: `502`, rules `["GW008"]`.
    ///
    /// ## Remediation
    /// Check the upstream: it should answer OpenAI-style JSON, uncompressed (the gateway
    /// asks for no compression), within the size cap.
    ///
    /// ## False positives
    /// An upstream that ignores `Accept-Encoding` and compresses anyway, or a legitimate
    /// answer over the cap.
    ///
    /// ## References
    /// Guidelines SD-3 (output guardrails), OM-1 (monitor the system's behaviour).
    pub(crate) static RULE = {
        code: "GW008",
        name: "answer-not-judged",
        severity: Medium,
        guidelines: [Sd3, Om1],
        summary: "An upstream answer could not be judged and was withheld",
    }
}
