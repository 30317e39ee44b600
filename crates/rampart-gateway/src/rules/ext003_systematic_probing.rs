//! EXT003: A key sent many near-duplicate prompts: a template swept over inputs.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a request from a key that has sent more than `near_duplicates` prompts
    /// within the window that are near-duplicates of one of its recent prompts but not
    /// identical: the estimated Jaccard similarity of their word-trigram sets is at least
    /// 0.5.
    ///
    /// ## Why is this dangerous?
    /// Systematic probing (one template, many fill-ins) is how decision boundaries and
    /// membership are mapped; ordinary clients rarely send dozens of near-identical prompts.
    ///
    /// ## Example
    /// "Is the account 10001 eligible for a refund?", "… 10002 …", "… 10003 …" and so on.
    ///
    /// ## Remediation
    /// Look at the key's traffic in the ledger; throttle if it is not a known batch job.
    ///
    /// ## False positives
    /// Templated application prompts (a form filled in by many users behind one key).
    ///
    /// ## References
    /// Guidelines DP-2, OM-2.
    pub(crate) static RULE = {
        code: "EXT003",
        name: "extraction-systematic-probing",
        severity: Medium,
        guidelines: [Dp2, Om2],
        summary: "A key sent many near-duplicate prompts: a template swept over inputs",
    }
}
