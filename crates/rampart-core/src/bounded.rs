//! Reading a whole file with a size bound.
//!
//! A bound taken from `metadata().len()` before reading is not one: a file can grow
//! between the two calls, and a FIFO or a device (`/dev/zero`) reports length 0 and
//! never ends. [`read`] reads at most one byte more than the bound and fails when that
//! byte arrives, so the memory it uses is bounded whatever the path names.

use std::io::Read;
use std::path::Path;

/// Why a bounded read failed.
#[derive(Debug, thiserror::Error)]
pub enum BoundedReadError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file holds more than the bound.
    #[error("{}: larger than {max} bytes", path.display())]
    TooLarge {
        /// The file.
        path: std::path::PathBuf,
        /// The bound.
        max: u64,
    },
}

impl BoundedReadError {
    /// Whether the file does not exist.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, BoundedReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// The most a configuration file (`rampart.toml`, a policy, a gateway config) may hold.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// The most a key, certificate or checkpoint file may hold.
pub const MAX_KEY_BYTES: u64 = 1 << 20;

impl From<BoundedReadError> for std::io::Error {
    /// The underlying I/O error; a file past its bound is `InvalidData` saying so.
    fn from(e: BoundedReadError) -> Self {
        match e {
            BoundedReadError::Io { source, .. } => source,
            BoundedReadError::TooLarge { max, .. } => std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("larger than {max} bytes"),
            ),
        }
    }
}

/// The whole content of `path`, which must be at most `max` bytes.
///
/// # Errors
/// [`BoundedReadError::Io`] when it cannot be opened or read,
/// [`BoundedReadError::TooLarge`] past `max` bytes; both name the file.
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, BoundedReadError> {
    let io = |source| BoundedReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(BoundedReadError::TooLarge {
            path: path.to_path_buf(),
            max,
        });
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
///
/// # Errors
/// As [`read`]; text that is not UTF-8 is an [`BoundedReadError::Io`] of kind
/// `InvalidData`.
pub fn read_to_string(path: &Path, max: u64) -> Result<String, BoundedReadError> {
    String::from_utf8(read(path, max)?).map_err(|_| BoundedReadError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_up_to_the_bound_and_refuses_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read(&f, 5).unwrap(), b"12345");
        let err = read(&f, 4).unwrap_err();
        assert!(matches!(err, BoundedReadError::TooLarge { max: 4, .. }));
        assert!(err.to_string().contains("larger than 4 bytes"));
        assert!(read(&dir.path().join("missing"), 9)
            .unwrap_err()
            .is_not_found());
        std::fs::write(&f, [0xff, 0xfe]).unwrap();
        assert!(read_to_string(&f, 9)
            .unwrap_err()
            .to_string()
            .contains("not UTF-8"));
    }

    /// A device that reports length 0 and never ends is cut at the bound.
    #[cfg(unix)]
    #[test]
    fn an_endless_device_is_cut_at_the_bound() {
        let err = read(Path::new("/dev/zero"), 1 << 16).unwrap_err();
        assert!(matches!(err, BoundedReadError::TooLarge { .. }));
    }
}
