use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file whose format was recognised from its content (zip, GGUF, HDF5,
    /// safetensors, NumPy, ONNX, Keras config, …) but whose structure is broken:
    /// truncated, inconsistent offsets, invalid encodings.
    ///
    /// ## Why is this dangerous?
    /// A malformed file cannot be fully judged, and parsers in loaders differ in how
    /// they recover from damage; published scanner bypasses rely on a scanner rejecting
    /// what a loader accepts. At best the file is corrupted.
    ///
    /// ## Example
    /// A PyTorch checkpoint cut off in the middle of its zip central directory.
    ///
    /// ## Remediation
    /// Obtain the file again from its publisher and check its hash or signature.
    ///
    /// ## False positives
    /// Incomplete downloads, or formats with vendor extensions rampart does not parse.
    ///
    /// ## References
    /// Guidelines DV-1 (secure your supply chain), DV-2 (protect your assets).
    pub(crate) static RULE = {
        code: "SCN001",
        name: "malformed-file",
        severity: Medium,
        guidelines: [Dv1, Dv2],
        summary: "File of a recognised format is malformed and was not fully judged",
    }
}
