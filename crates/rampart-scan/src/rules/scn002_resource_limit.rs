use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports that a resource cap stopped part of the scan: pickle opcodes, stack or
    /// memo size, archive members, nesting depth, decompressed size or compression
    /// ratio. What lies beyond the cap was not judged.
    ///
    /// ## Why is this dangerous?
    /// Decompression bombs and pathological structures exhaust the memory or time of
    /// whatever opens them (scanners included), and can hide content past the point a
    /// tool gives up.
    ///
    /// ## Example
    /// A zip member declaring 200 MB of content compressed into 200 KB.
    ///
    /// ## Remediation
    /// Inspect the file by other means, or raise the limit deliberately if the file is
    /// trusted and legitimately large.
    ///
    /// ## False positives
    /// Very large but honest pickles (for example a pickled list of millions of items).
    ///
    /// ## References
    /// CWE-409 (improper handling of highly compressed data); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "SCN002",
        name: "resource-limit",
        severity: Medium,
        guidelines: [Sd3, Dv1],
        summary: "A resource limit stopped the scan before the whole file was judged",
    }
}
