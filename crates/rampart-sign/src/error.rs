//! Errors of hashing, signing and verification. Verification failures carry what
//! differs so that the message names the changed file, key or certificate.

use std::io;

/// Result alias.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed (the caller's environment is at fault).
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: io::Error,
    },
    /// A key or certificate could not be read or does not fit (the user's input).
    #[error("{0}")]
    Key(String),
    /// The signature does not verify: wrong key, or tampered payload.
    #[error("{0}")]
    Signature(String),
    /// The signature file is not a valid bundle (damaged or not OMS).
    #[error("signature file is malformed: {0}")]
    Format(String),
    /// The model on disk differs from what was signed.
    #[error("the model differs from its signature:\n{}", .0.iter().map(|d| format!("  - {d}")).collect::<Vec<_>>().join("\n"))]
    Mismatch(Vec<String>),
    /// A certificate chain does not lead to a trusted root.
    #[error("certificate chain rejected: {0}")]
    Chain(String),
}

impl Error {
    /// An I/O error with context.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}
