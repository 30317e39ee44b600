//! TOOL003: A tool call's arguments are not JSON or violate the tool's schema.

use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a tool call whose arguments are not JSON or do not validate against the
    /// tool's `arguments_schema` (JSON Schema) in `rampart.toml`. The call is removed from
    /// the answer (decision `redact`; a streamed answer is cut off) with the first
    /// schema error.
    ///
    /// ## Why is this dangerous?
    /// Schema checks keep injected or hallucinated arguments (a path outside the allowed
    /// directory, an amount out of range, extra fields) from reaching the tool.
    ///
    /// ## Example
    /// `lookup_order` with schema `{"properties": {"order_id": {"pattern": "^[0-9]{8}$"}}}`
    /// called with `{"order_id": "1; DROP TABLE orders"}`.
    ///
    /// ## Remediation
    /// Fix the schema if it is too strict; otherwise look for the injection.
    ///
    /// ## False positives
    /// Schemas stricter than the tool itself (a new optional field not yet in the
    /// schema).
    ///
    /// ## References
    /// Guidelines SD-3 (tool and action allow-lists, input sanitising).
    pub(crate) static RULE = {
        code: "TOOL003",
        name: "tool-arguments-invalid",
        severity: Medium,
        guidelines: [Sd3],
        summary: "A tool call's arguments are not JSON or violate the tool's schema",
    }
}
