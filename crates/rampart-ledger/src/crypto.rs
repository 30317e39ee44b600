//! Body encryption at rest (XChaCha20-Poly1305) and secret key files.
//!
//! A key file holds one line: the standard base64 of 32 random bytes. It is created
//! with mode 0600 and never overwritten; loading refuses a file that group or others can
//! read or write (on Unix), so a key copied carelessly is noticed.
//!
//! A sealed body is `nonce (24 bytes) || ciphertext || tag (16 bytes)`, with the entry's
//! leaf hash as associated data: a body moved to another entry fails to open.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

/// Why a key file could not be written or read, or a body could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key file could not be read or created (missing, exists already, no
    /// permission, disk full): the operator's environment.
    #[error("key file {path}: {source}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The key file can be read or written by group or others: the operator must
    /// `chmod 600` it (or make a new key).
    #[error("key file {path} has mode {mode:o}; it must not be accessible to group or others (chmod 600)")]
    InsecurePermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The key file's content is not what this tool writes (damaged, or another kind
    /// of key).
    #[error("key file {path} is malformed: {reason}")]
    Malformed {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        reason: &'static str,
    },
    /// The system's random number generator failed.
    #[error("random number generator failed: {0}")]
    Random(getrandom::Error),
    /// A sealed body did not open: wrong key, or the stored body was altered or moved
    /// to another entry.
    #[error("body does not decrypt: wrong key, or the stored body was altered")]
    Decrypt,
}

/// Fills `buf` from the operating system's random number generator.
///
/// # Errors
/// [`KeyError::Random`].
pub fn random_bytes(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::getrandom(buf).map_err(KeyError::Random)
}

/// Writes `contents` to a new file with mode 0600; fails if the file exists.
///
/// # Errors
/// [`KeyError::Io`].
pub fn write_secret_file(path: &Path, contents: &[u8]) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(contents).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok(())
}

/// Reads a secret file after checking that only its owner can access it (Unix).
///
/// # Errors
/// [`KeyError::Io`] or [`KeyError::InsecurePermissions`].
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::InsecurePermissions {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    match rampart_core::bounded::read(path, 64 * 1024) {
        Ok(bytes) => Ok(Zeroizing::new(bytes)),
        Err(rampart_core::bounded::BoundedReadError::TooLarge { .. }) => Err(KeyError::Malformed {
            path: path.to_path_buf(),
            reason: "larger than 64 KiB",
        }),
        Err(rampart_core::bounded::BoundedReadError::Io { source, .. }) => Err(io(source)),
    }
}

/// A 256-bit key that seals entry bodies with XChaCha20-Poly1305.
pub struct BodyKey {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for BodyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BodyKey(..)")
    }
}

const NONCE_LEN: usize = 24;

impl BodyKey {
    /// A new random key.
    ///
    /// # Errors
    /// [`KeyError::Random`].
    pub fn generate() -> Result<Self, KeyError> {
        let mut key = Zeroizing::new([0u8; 32]);
        random_bytes(key.as_mut())?;
        Ok(Self { key })
    }

    /// A key from its 32 bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            key: Zeroizing::new(bytes),
        }
    }

    /// Writes the key to a new file (mode 0600, base64 line).
    ///
    /// # Errors
    /// [`KeyError::Io`] (also when the file exists).
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let text = Zeroizing::new(format!("{}\n", STANDARD.encode(self.key.as_ref())));
        write_secret_file(path, text.as_bytes())
    }

    /// Loads a key written by [`BodyKey::save`].
    ///
    /// # Errors
    /// [`KeyError`] for an unreadable, insecure or malformed file.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let raw = read_secret_file(path)?;
        let malformed = |reason| KeyError::Malformed {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::str::from_utf8(&raw).map_err(|_| malformed("not UTF-8"))?;
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| malformed("not base64"))?,
        );
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| malformed("not 32 bytes"))?;
        Ok(Self::from_bytes(key))
    }

    /// Seals `plain` with a random nonce, binding it to `aad`.
    ///
    /// # Errors
    /// [`KeyError::Random`].
    pub fn seal(&self, plain: &[u8], aad: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut nonce = [0u8; NONCE_LEN];
        random_bytes(&mut nonce)?;
        let cipher = XChaCha20Poly1305::new(self.key.as_ref().into());
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
            // Encryption fails only for messages beyond 256 GiB; bodies are far smaller.
            .map_err(|_| KeyError::Decrypt)?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Opens a body sealed by [`BodyKey::seal`] with the same `aad`.
    ///
    /// # Errors
    /// [`KeyError::Decrypt`] for a wrong key, altered data or another `aad`.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let (nonce, ct) = sealed
            .split_at_checked(NONCE_LEN)
            .ok_or(KeyError::Decrypt)?;
        let cipher = XChaCha20Poly1305::new(self.key.as_ref().into());
        cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
            .map(Zeroizing::new)
            .map_err(|_| KeyError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn seal_open_and_tamper() {
        let k = BodyKey::generate().unwrap();
        let s = k.seal(b"secret prompt", b"leaf").unwrap();
        assert_eq!(k.open(&s, b"leaf").unwrap().as_slice(), b"secret prompt");
        assert!(matches!(k.open(&s, b"other"), Err(KeyError::Decrypt)));
        let mut t = s.clone();
        t[30] ^= 1;
        assert!(matches!(k.open(&t, b"leaf"), Err(KeyError::Decrypt)));
        assert!(matches!(k.open(&s[..10], b"leaf"), Err(KeyError::Decrypt)));
        let other = BodyKey::generate().unwrap();
        assert!(matches!(other.open(&s, b"leaf"), Err(KeyError::Decrypt)));
    }

    #[test]
    fn key_file_is_0600_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("body.key");
        let k = BodyKey::generate().unwrap();
        k.save(&p).unwrap();
        assert!(k.save(&p).is_err(), "never overwrites");
        let k2 = BodyKey::load(&p).unwrap();
        let s = k.seal(b"x", b"").unwrap();
        assert_eq!(k2.open(&s, b"").unwrap().as_slice(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
            fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                BodyKey::load(&p),
                Err(KeyError::InsecurePermissions { mode: 0o644, .. })
            ));
        }
    }
}
