//! Signed checkpoints: C2SP `tlog-checkpoint` notes signed with Ed25519 per C2SP
//! `signed-note` (<https://c2sp.org/tlog-checkpoint>, <https://c2sp.org/signed-note>).
//!
//! A checkpoint's note text is three lines — origin, tree size in decimal, base64 root
//! hash — plus optional extension lines, each ending in a newline:
//!
//! ```text
//! rampart.example/audit
//! 20852163
//! CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
//!
//! — rampart.example/audit Az3grlgt…
//! ```
//!
//! After a blank line come signature lines: `— <key name> <base64(key ID || signature)>`,
//! where the key ID is `SHA-256(key name || 0x0A || 0x01 || public key)[:4]` and the
//! signature is Ed25519 over the note text (final newline included).
//!
//! Keys use the formats of Go's `golang.org/x/mod/sumdb/note`, so witnesses and tools
//! from that ecosystem read them:
//!
//! - verifier key (public): `<name>+<hex key ID>+<base64(0x01 || public key)>`
//! - signer key (secret, file mode 0600): `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`

use std::fmt;
use std::path::Path;

use base64::{engine::general_purpose::STANDARD, Engine};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::{random_bytes, read_secret_file, write_secret_file, KeyError};
use crate::merkle::{Hash, TreeHead};

/// Signature type byte of Ed25519 in signed notes.
pub const ED25519_TYPE: u8 = 0x01;

/// Most signature lines read from one note (the spec asks for at least 16).
pub const MAX_SIGNATURES: usize = 64;

/// Largest note accepted, in bytes.
pub const MAX_NOTE_BYTES: usize = 64 * 1024;

/// Why a checkpoint or a key could not be made, read or verified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The note is not a well-formed signed note (bad framing, control characters,
    /// malformed signature line, too large): whoever produced it is at fault.
    #[error("malformed signed note: {0}")]
    MalformedNote(&'static str),
    /// The note text is not a checkpoint (missing lines, bad size, bad root).
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(&'static str),
    /// A key name or origin that the format forbids (empty, spaces, `+`, newlines).
    #[error("invalid key name or origin {0:?}")]
    BadName(String),
    /// A verifier or signer key string that is malformed.
    #[error("malformed key: {0}")]
    MalformedKey(&'static str),
    /// A signature from the trusted key did not verify: the note was altered or the
    /// signature forged. Reject the note.
    #[error("signature by {name} does not verify")]
    BadSignature {
        /// The key name.
        name: String,
    },
    /// No signature from the trusted key is on the note.
    #[error("no signature by trusted key {name} on the note")]
    NotSigned {
        /// The trusted key's name.
        name: String,
    },
    /// The checkpoint is signed by the trusted key but is for another log.
    #[error("checkpoint origin {found:?} is not the expected {expected:?}")]
    WrongOrigin {
        /// The origin expected.
        expected: String,
        /// The origin in the checkpoint.
        found: String,
    },
    /// A key file problem.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// A checkpoint: the signed statement of a log's tree head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity, e.g. `rampart.example/audit`.
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The root hash at that size.
    pub root: Hash,
    /// Extension lines (opaque, NOT RECOMMENDED by the spec; empty by default).
    pub extensions: Vec<String>,
}

fn check_line(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_control())
}

fn check_name(s: &str) -> Result<(), CheckpointError> {
    if s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
    {
        return Err(CheckpointError::BadName(s.chars().take(100).collect()));
    }
    Ok(())
}

impl Checkpoint {
    /// The checkpoint of `head` for the log `origin`.
    ///
    /// # Errors
    /// [`CheckpointError::BadName`] for an empty origin or one with control characters.
    pub fn new(origin: &str, head: TreeHead) -> Result<Self, CheckpointError> {
        if !check_line(origin) {
            return Err(CheckpointError::BadName(origin.chars().take(100).collect()));
        }
        Ok(Self {
            origin: origin.to_string(),
            size: head.size,
            root: head.root,
            extensions: Vec::new(),
        })
    }

    /// The tree head it states.
    #[must_use]
    pub fn tree_head(&self) -> TreeHead {
        TreeHead {
            size: self.size,
            root: self.root,
        }
    }

    /// The note text (what is signed), ending in a newline.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parses note text (as returned by [`NoteVerifier::verify_note`]) as a checkpoint.
    ///
    /// # Errors
    /// [`CheckpointError::MalformedCheckpoint`].
    pub fn from_text(text: &str) -> Result<Self, CheckpointError> {
        let bad = CheckpointError::MalformedCheckpoint;
        let body = text
            .strip_suffix('\n')
            .ok_or(bad("text must end in a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|l| check_line(l))
            .ok_or(bad("origin line"))?;
        let size_line = lines.next().ok_or(bad("missing tree size"))?;
        let size_ok = !size_line.is_empty()
            && size_line.bytes().all(|b| b.is_ascii_digit())
            && (size_line == "0" || !size_line.starts_with('0'));
        let size: u64 = size_ok
            .then(|| size_line.parse().ok())
            .flatten()
            .ok_or(bad("tree size must be decimal without leading zeros"))?;
        let root_line = lines.next().ok_or(bad("missing root hash"))?;
        let root: Hash = STANDARD
            .decode(root_line)
            .ok()
            .and_then(|v| Hash::try_from(v.as_slice()).ok())
            .ok_or(bad("root hash must be base64 of 32 bytes"))?;
        let extensions = lines
            .map(|l| {
                if check_line(l) {
                    Ok(l.to_string())
                } else {
                    Err(bad("empty extension line"))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            origin: origin.to_string(),
            size,
            root,
            extensions,
        })
    }
}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519_TYPE]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// An Ed25519 note signer: a key name and a secret key.
pub struct NoteSigner {
    name: String,
    key: SigningKey,
    id: [u8; 4],
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("key_id", &::hex::encode(self.id))
            .finish_non_exhaustive()
    }
}

impl NoteSigner {
    /// A signer from a 32-byte Ed25519 seed.
    ///
    /// # Errors
    /// [`CheckpointError::BadName`].
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, CheckpointError> {
        check_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_string(),
            key,
            id,
        })
    }

    /// A new random key named `name` (use the log's origin).
    ///
    /// # Errors
    /// [`CheckpointError::BadName`], [`KeyError::Random`].
    pub fn generate(name: &str) -> Result<Self, CheckpointError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        random_bytes(seed.as_mut())?;
        Self::from_seed(name, &seed)
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The matching verifier.
    #[must_use]
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    /// The secret key string `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    #[must_use]
    pub fn to_secret_string(&self) -> Zeroizing<String> {
        let mut material = Zeroizing::new(vec![ED25519_TYPE]);
        material.extend_from_slice(self.key.as_bytes());
        Zeroizing::new(format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            ::hex::encode(self.id),
            STANDARD.encode(material.as_slice())
        ))
    }

    /// Parses a secret key string (as written by [`NoteSigner::to_secret_string`] or by
    /// Go's `note.GenerateKey`).
    ///
    /// # Errors
    /// [`CheckpointError::MalformedKey`].
    pub fn from_secret_string(s: &str) -> Result<Self, CheckpointError> {
        let bad = CheckpointError::MalformedKey;
        let rest = s
            .trim_end()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(bad("signer key must start with PRIVATE+KEY+"))?;
        // The base64 key material may itself contain '+': split off two fields only.
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(material)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("signer key must be PRIVATE+KEY+name+id+key"));
        };
        let material = Zeroizing::new(
            STANDARD
                .decode(material)
                .map_err(|_| bad("signer key material is not base64"))?,
        );
        let (Some(&ED25519_TYPE), Ok(seed)) = (
            material.first(),
            <[u8; 32]>::try_from(material.get(1..).unwrap_or_default()),
        ) else {
            return Err(bad("signer key is not an Ed25519 key"));
        };
        let signer = Self::from_seed(name, &seed)?;
        if ::hex::encode(signer.id) != id.to_ascii_lowercase() {
            return Err(bad("signer key ID does not match the key"));
        }
        Ok(signer)
    }

    /// Writes the secret key to a new file with mode 0600.
    ///
    /// # Errors
    /// [`KeyError::Io`] (also when the file exists).
    pub fn save(&self, path: &Path) -> Result<(), CheckpointError> {
        let mut text = self.to_secret_string();
        text.push('\n');
        write_secret_file(path, text.as_bytes())?;
        Ok(())
    }

    /// Loads a secret key file, refusing one that group or others can access.
    ///
    /// # Errors
    /// [`CheckpointError::Key`] or [`CheckpointError::MalformedKey`].
    pub fn load(path: &Path) -> Result<Self, CheckpointError> {
        let raw = read_secret_file(path)?;
        let text = std::str::from_utf8(&raw)
            .map_err(|_| CheckpointError::MalformedKey("signer key file is not UTF-8"))?;
        Self::from_secret_string(text)
    }

    /// Signs note `text` (which must end in a newline) and returns the signed note.
    ///
    /// # Errors
    /// [`CheckpointError::MalformedNote`] for text that is not a valid note text.
    pub fn sign_note(&self, text: &str) -> Result<String, CheckpointError> {
        if !text.ends_with('\n') {
            return Err(CheckpointError::MalformedNote("text must end in a newline"));
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(CheckpointError::MalformedNote("control character in text"));
        }
        let sig = self.key.sign(text.as_bytes());
        let mut blob = Vec::with_capacity(68);
        blob.extend_from_slice(&self.id);
        blob.extend_from_slice(&sig.to_bytes());
        Ok(format!(
            "{text}\n\u{2014} {} {}\n",
            self.name,
            STANDARD.encode(blob)
        ))
    }

    /// Signs a checkpoint and returns the signed note.
    ///
    /// # Errors
    /// As [`NoteSigner::sign_note`].
    pub fn sign_checkpoint(&self, checkpoint: &Checkpoint) -> Result<String, CheckpointError> {
        self.sign_note(&checkpoint.to_text())
    }
}

/// An Ed25519 note verifier: a key name, key ID and public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    id: [u8; 4],
    key: VerifyingKey,
}

impl fmt::Display for NoteVerifier {
    /// The verifier key string `<name>+<hex id>+<base64(0x01 || public key)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut material = vec![ED25519_TYPE];
        material.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{}+{}",
            self.name,
            ::hex::encode(self.id),
            STANDARD.encode(material)
        )
    }
}

impl NoteVerifier {
    /// Parses a verifier key string `<name>+<hex id>+<base64(0x01 || public key)>`.
    ///
    /// # Errors
    /// [`CheckpointError::MalformedKey`], [`CheckpointError::BadName`].
    pub fn parse(vkey: &str) -> Result<Self, CheckpointError> {
        let bad = CheckpointError::MalformedKey;
        // The base64 key material may itself contain '+': split off two fields only.
        let mut parts = vkey.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(material)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("verifier key must be name+id+key"));
        };
        check_name(name)?;
        let material = STANDARD
            .decode(material)
            .map_err(|_| bad("verifier key material is not base64"))?;
        let (Some(&ED25519_TYPE), Ok(public)) = (
            material.first(),
            <[u8; 32]>::try_from(material.get(1..).unwrap_or_default()),
        ) else {
            return Err(bad("verifier key is not an Ed25519 key"));
        };
        let key =
            VerifyingKey::from_bytes(&public).map_err(|_| bad("invalid Ed25519 public key"))?;
        let want = key_id(name, &public);
        if ::hex::encode(want) != id.to_ascii_lowercase() || id.len() != 8 {
            return Err(bad("verifier key ID does not match the key"));
        }
        Ok(Self {
            name: name.to_string(),
            id: want,
            key,
        })
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Verifies a signed note and returns its text (final newline included).
    ///
    /// Signatures from other keys are ignored, as the spec requires; a signature by
    /// this key (same name and key ID) that does not verify rejects the note.
    ///
    /// # Errors
    /// [`CheckpointError::MalformedNote`], [`CheckpointError::BadSignature`],
    /// [`CheckpointError::NotSigned`].
    pub fn verify_note<'n>(&self, note: &'n str) -> Result<&'n str, CheckpointError> {
        let bad = CheckpointError::MalformedNote;
        if note.len() > MAX_NOTE_BYTES {
            return Err(bad("note too large"));
        }
        if note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(bad("control character in note"));
        }
        let split = note
            .rfind("\n\n")
            .ok_or(bad("no blank line before signatures"))?;
        let text = &note[..=split];
        let sigs = &note[split + 2..];
        let sigs = sigs
            .strip_suffix('\n')
            .ok_or(bad("signatures must end in a newline"))?;
        let mut verified = false;
        for (i, line) in sigs.split('\n').enumerate() {
            if i >= MAX_SIGNATURES {
                return Err(bad("too many signatures"));
            }
            let rest = line
                .strip_prefix("\u{2014} ")
                .ok_or(bad("signature line must start with an em dash and a space"))?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or(bad("signature line lacks a signature"))?;
            if name.is_empty() || b64.contains(' ') {
                return Err(bad("malformed signature line"));
            }
            let blob = STANDARD
                .decode(b64)
                .map_err(|_| bad("signature is not base64"))?;
            if blob.len() < 4 {
                return Err(bad("signature shorter than its key ID"));
            }
            if name != self.name || blob[..4] != self.id {
                continue; // Unknown key: ignored.
            }
            let sig =
                Signature::from_slice(&blob[4..]).map_err(|_| CheckpointError::BadSignature {
                    name: self.name.clone(),
                })?;
            self.key
                .verify(text.as_bytes(), &sig)
                .map_err(|_| CheckpointError::BadSignature {
                    name: self.name.clone(),
                })?;
            verified = true;
        }
        if !verified {
            return Err(CheckpointError::NotSigned {
                name: self.name.clone(),
            });
        }
        Ok(text)
    }

    /// Verifies a signed checkpoint from the log `origin` and returns it.
    ///
    /// # Errors
    /// As [`NoteVerifier::verify_note`], plus [`CheckpointError::MalformedCheckpoint`]
    /// and [`CheckpointError::WrongOrigin`].
    pub fn verify_checkpoint(
        &self,
        note: &str,
        origin: &str,
    ) -> Result<Checkpoint, CheckpointError> {
        let cp = Checkpoint::from_text(self.verify_note(note)?)?;
        if cp.origin != origin {
            return Err(CheckpointError::WrongOrigin {
                expected: origin.to_string(),
                found: cp.origin,
            });
        }
        Ok(cp)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::merkle::Rfc9162Hasher;

    /// The example of C2SP signed-note.md ("Verifier keys" → "Example"), C2SP/C2SP
    /// commit 5ba5ee830903e91240fc6f9f3a7a9293d49e69c9.
    const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

    #[test]
    fn spec_example_verifies() {
        let v = NoteVerifier::parse(SPEC_VKEY).unwrap();
        assert_eq!(v.to_string(), SPEC_VKEY);
        assert_eq!(
            v.verify_note(SPEC_NOTE).unwrap(),
            "This is an example message.\n"
        );
        let altered = SPEC_NOTE.replace("example message", "example massage");
        assert!(matches!(
            v.verify_note(&altered),
            Err(CheckpointError::BadSignature { .. })
        ));
        // A wrong key ID in the vkey is rejected when parsing.
        assert!(NoteVerifier::parse(&SPEC_VKEY.replace("530d903a", "530d903b")).is_err());
    }

    #[test]
    fn sign_verify_checkpoint() {
        let s = NoteSigner::from_seed("rampart.example/audit", &[7u8; 32]).unwrap();
        let head = TreeHead {
            size: 3,
            root: Rfc9162Hasher::hash_leaf(b"x"),
        };
        let cp = Checkpoint::new("rampart.example/audit", head).unwrap();
        let note = s.sign_checkpoint(&cp).unwrap();
        assert!(note.starts_with(&format!(
            "rampart.example/audit\n3\n{}\n\n\u{2014} rampart.example/audit ",
            STANDARD.encode(head.root)
        )));
        let v = NoteVerifier::parse(&s.verifier().to_string()).unwrap();
        let got = v.verify_checkpoint(&note, "rampart.example/audit").unwrap();
        assert_eq!(got.tree_head(), head);
        assert!(matches!(
            v.verify_checkpoint(&note, "other.example/log"),
            Err(CheckpointError::WrongOrigin { .. })
        ));
        // Ed25519 is deterministic: the same key signs the same text the same way.
        assert_eq!(s.sign_checkpoint(&cp).unwrap(), note);

        // Altered size or root.
        let altered = note.replacen("\n3\n", "\n4\n", 1);
        assert!(matches!(
            v.verify_note(&altered),
            Err(CheckpointError::BadSignature { .. })
        ));
        // Another key's signature alone: not signed by us.
        let other = NoteSigner::from_seed("rampart.example/audit", &[8u8; 32]).unwrap();
        let foreign = other.sign_checkpoint(&cp).unwrap();
        assert!(matches!(
            v.verify_note(&foreign),
            Err(CheckpointError::NotSigned { .. })
        ));
        // Cosigned by a witness: the unknown signature is ignored.
        let witness = NoteSigner::from_seed("witness.example/w1", &[9u8; 32]).unwrap();
        let wsig = witness.sign_note(&cp.to_text()).unwrap();
        let wline = wsig.rsplit_once("\n\n").unwrap().1;
        let cosigned = format!("{note}{wline}");
        assert_eq!(
            v.verify_checkpoint(&cosigned, "rampart.example/audit")
                .unwrap(),
            got
        );
        let wv = witness.verifier();
        assert_eq!(
            wv.verify_checkpoint(&cosigned, "rampart.example/audit")
                .unwrap(),
            got
        );
    }

    #[test]
    fn malformed_notes_and_checkpoints() {
        let s = NoteSigner::from_seed("log", &[1u8; 32]).unwrap();
        let v = s.verifier();
        for bad in [
            "",
            "text\n",
            "text\n\n",
            "text\n\n\u{2014} log AAAA",
            "text\n\n- log AAAAAAAA\n",
            "te\u{7}xt\n\n\u{2014} log AAAAAAAA\n",
            "text\n\n\u{2014} log !!!!\n",
            "text\n\n\u{2014} log AA==\n",
        ] {
            assert!(v.verify_note(bad).is_err(), "{bad:?}");
        }
        for bad in [
            "origin\n",
            "origin\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "origin\n1\nAAAA\n",
            "origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",
            "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ] {
            assert!(Checkpoint::from_text(bad).is_err(), "{bad:?}");
        }
        let ok = Checkpoint::from_text("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\n")
            .unwrap();
        assert_eq!(ok.tree_head(), TreeHead::empty());
        assert_eq!(ok.extensions, vec!["ext".to_string()]);
        assert!(NoteSigner::from_seed("has space", &[0; 32]).is_err());
        assert!(NoteSigner::from_seed("has+plus", &[0; 32]).is_err());
        assert!(s.sign_note("no newline").is_err());
    }

    #[test]
    fn keys_whose_base64_contains_plus_roundtrip() {
        let mut seen = 0;
        for seed in 0..64u8 {
            let s = NoteSigner::from_seed("log.example/x", &[seed; 32]).unwrap();
            let vkey = s.verifier().to_string();
            let secret = s.to_secret_string();
            if vkey.matches('+').count() > 2 || secret.matches('+').count() > 4 {
                seen += 1;
            }
            assert_eq!(NoteVerifier::parse(&vkey).unwrap(), s.verifier());
            let back = NoteSigner::from_secret_string(&secret).unwrap();
            assert_eq!(back.verifier(), s.verifier());
        }
        assert!(seen > 0, "no key exercised a '+' in its base64");
    }

    #[test]
    fn signer_key_file_roundtrip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.key");
        let s = NoteSigner::generate("rampart.example/audit").unwrap();
        s.save(&p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("PRIVATE+KEY+rampart.example/audit+"));
        let loaded = NoteSigner::load(&p).unwrap();
        assert_eq!(loaded.verifier(), s.verifier());
        assert!(s.save(&p).is_err());
        assert!(NoteSigner::from_secret_string(&text.replace("PRIVATE+KEY+", "")).is_err());
    }
}
