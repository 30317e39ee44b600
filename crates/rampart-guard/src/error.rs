//! Errors of the guard crate.

/// What went wrong building a pipeline or scanning a stream.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GuardError {
    /// A detector pattern failed to compile (a bug in rampart, or a pattern supplied
    /// in the configuration).
    #[error("detector pattern failed to compile: {0}")]
    Pattern(#[from] regex::Error),
    /// The classifier model file is malformed (a corrupt or incompatible model file).
    #[error("classifier model is malformed: {0}")]
    Model(String),
    /// Reading the input or writing the output failed (the caller's I/O).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The configuration names an unknown category, action or role (the caller's
    /// configuration).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The text is longer than the pipeline judges (`max_scan_bytes`): it was not
    /// judged, and must not be taken as clean (the caller's input).
    #[error("the text is {bytes} bytes; the guard judges at most {max} bytes of one text (max_scan_bytes), so it was not judged")]
    TooLong {
        /// The text's length in bytes.
        bytes: usize,
        /// The pipeline's `max_scan_bytes`.
        max: usize,
    },
}
