//! EXT002: A key asked more distinct prompts in the window than a normal client.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a request from a key that has sent more than `distinct_prompts` different
    /// prompts within the window (repeats of the same prompt do not count).
    ///
    /// ## Why is this dangerous?
    /// Extraction covers the input space: many distinct prompts from one key is a
    /// different shape from a client that asks the same few things often.
    ///
    /// ## Example
    /// `distinct_prompts = 500`: the 501st different prompt within the window.
    ///
    /// ## Remediation
    /// Set the threshold from the key's normal traffic.
    ///
    /// ## False positives
    /// Keys that forward end users' free-form questions.
    ///
    /// ## References
    /// Guidelines DP-2, OM-2.
    pub(crate) static RULE = {
        code: "EXT002",
        name: "extraction-prompt-breadth",
        severity: Medium,
        guidelines: [Dp2, Om2],
        summary: "A key asked more distinct prompts in the window than a normal client",
    }
}
