use rampart_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an archive that rampart cannot open: 7z and RAR archives, and zip
    /// members with compression methods other than stored and deflate, whose content
    /// therefore could not be judged. (Compressed streams — gzip, zlib, bzip2, xz,
    /// lzma, LZ4, zstd, everything joblib and pandas write — are opened and judged
    /// within the decompression limits.)
    ///
    /// ## Why is this dangerous?
    /// Unopened content is unjudged content. Malicious models have been distributed in
    /// containers that common scanners could not open (PyTorch models compressed with
    /// 7z in the "nullifAI" campaign).
    ///
    /// ## Example
    /// `model.bin` that is a 7z archive holding a pickle.
    ///
    /// ## Remediation
    /// Unpack the archive with a trusted tool in an isolated place and scan its
    /// content, or ask the publisher for a standard format.
    ///
    /// ## False positives
    /// Honest archives in formats rampart does not open.
    ///
    /// ## References
    /// ReversingLabs, "nullifAI" (2025); guidelines SD-3, DV-1.
    pub(crate) static RULE = {
        code: "SCN003",
        name: "unsupported-archive",
        severity: Medium,
        guidelines: [Sd3, Dv1],
        summary: "Archive or compression format could not be opened and was not judged",
    }
}
