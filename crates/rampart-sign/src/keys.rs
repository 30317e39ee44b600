//! EC keys for signing and verification: P-256, P-384 and P-521, from PEM files in
//! PKCS#8, SEC1 or encrypted PKCS#8 form (the passphrase is passed in by the caller,
//! who reads it from a file or the environment — never from a command-line flag).

use std::fs;
use std::io::Write;
use std::path::Path;

use ecdsa::signature::{Signer, Verifier};
use pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A supported curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    /// NIST P-256 (secp256r1), signatures over SHA-256.
    P256,
    /// NIST P-384 (secp384r1), signatures over SHA-384.
    P384,
    /// NIST P-521 (secp521r1), signatures over SHA-512.
    P521,
}

impl Curve {
    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "p256",
            Curve::P384 => "p384",
            Curve::P521 => "p521",
        }
    }

    /// Parses `p256`, `P-256`, `secp256r1`, `prime256v1` and the like.
    pub fn parse(s: &str) -> Option<Curve> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "p256" | "secp256r1" | "prime256v1" => Some(Curve::P256),
            "p384" | "secp384r1" => Some(Curve::P384),
            "p521" | "secp521r1" => Some(Curve::P521),
            _ => None,
        }
    }
}

/// A private key.
#[derive(Clone)]
pub enum SigningKey {
    /// P-256.
    P256(p256::ecdsa::SigningKey),
    /// P-384.
    P384(p384::ecdsa::SigningKey),
    /// P-521.
    P521(p521::ecdsa::SigningKey),
}

/// A public key.
#[derive(Clone)]
pub enum VerifyingKey {
    /// P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// P-384.
    P384(p384::ecdsa::VerifyingKey),
    /// P-521.
    P521(p521::ecdsa::VerifyingKey),
}

impl VerifyingKey {
    /// The uncompressed SEC1 point.
    fn sec1(&self) -> Vec<u8> {
        match self {
            VerifyingKey::P256(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            VerifyingKey::P384(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            VerifyingKey::P521(k) => k.to_encoded_point(false).as_bytes().to_vec(),
        }
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.curve() == other.curve() && self.sec1() == other.sec1()
    }
}

impl Eq for VerifyingKey {}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "VerifyingKey({}, {})",
            self.curve().name(),
            hex::encode(self.sec1())
        )
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, <redacted>)", self.curve().name())
    }
}

impl SigningKey {
    /// Generates a new key.
    pub fn generate(curve: Curve) -> SigningKey {
        let mut rng = rand_core::OsRng;
        match curve {
            Curve::P256 => SigningKey::P256(p256::ecdsa::SigningKey::random(&mut rng)),
            Curve::P384 => SigningKey::P384(p384::ecdsa::SigningKey::random(&mut rng)),
            Curve::P521 => SigningKey::P521(p521::ecdsa::SigningKey::random(&mut rng)),
        }
    }

    /// The key's curve.
    pub fn curve(&self) -> Curve {
        match self {
            SigningKey::P256(_) => Curve::P256,
            SigningKey::P384(_) => Curve::P384,
            SigningKey::P521(_) => Curve::P521,
        }
    }

    /// Reads a private key PEM: `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) or
    /// `ENCRYPTED PRIVATE KEY` (PKCS#8 with PBES2; needs `passphrase`).
    pub fn from_pem(pem: &str, passphrase: Option<&[u8]>) -> Result<SigningKey> {
        if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            let Some(passphrase) = passphrase else {
                return Err(Error::Key(
                    "the private key is encrypted: give its passphrase with --passphrase-file or RAMPART_KEY_PASSPHRASE"
                        .into(),
                ));
            };
            let (_, doc) = pkcs8::SecretDocument::from_pem(pem)
                .map_err(|e| Error::Key(format!("cannot read encrypted key: {e}")))?;
            let encrypted = pkcs8::EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
                .map_err(|e| Error::Key(format!("cannot read encrypted key: {e}")))?;
            let decrypted = encrypted.decrypt(passphrase).map_err(|_| {
                Error::Key("cannot decrypt the private key: wrong passphrase?".into())
            })?;
            return Self::from_pkcs8_der(decrypted.as_bytes());
        }
        if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
            if let Ok(k) = p256::SecretKey::from_sec1_pem(pem) {
                return Ok(SigningKey::P256(k.into()));
            }
            if let Ok(k) = p384::SecretKey::from_sec1_pem(pem) {
                return Ok(SigningKey::P384(k.into()));
            }
            if let Ok(k) = p521::SecretKey::from_sec1_pem(pem) {
                return p521::ecdsa::SigningKey::from_bytes(&k.to_bytes())
                    .map(SigningKey::P521)
                    .map_err(|e| Error::Key(format!("invalid P-521 key: {e}")));
            }
            return Err(Error::Key(
                "EC private key is not on P-256, P-384 or P-521".into(),
            ));
        }
        if pem.contains("-----BEGIN PRIVATE KEY-----") {
            let (_, doc) = pkcs8::SecretDocument::from_pem(pem)
                .map_err(|e| Error::Key(format!("cannot read PKCS#8 key: {e}")))?;
            return Self::from_pkcs8_der(doc.as_bytes());
        }
        Err(Error::Key(
            "not a PEM private key (expected PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)"
                .into(),
        ))
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey> {
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(der) {
            return Ok(SigningKey::P256(k.into()));
        }
        if let Ok(k) = p384::SecretKey::from_pkcs8_der(der) {
            return Ok(SigningKey::P384(k.into()));
        }
        if let Ok(k) = p521::SecretKey::from_pkcs8_der(der) {
            return p521::ecdsa::SigningKey::from_bytes(&k.to_bytes())
                .map(SigningKey::P521)
                .map_err(|e| Error::Key(format!("invalid P-521 key: {e}")));
        }
        Err(Error::Key(
            "PKCS#8 key is not an EC key on P-256, P-384 or P-521".into(),
        ))
    }

    /// Reads a private key file.
    pub fn from_file(path: &Path, passphrase: Option<&[u8]>) -> Result<SigningKey> {
        let pem = Zeroizing::new(
            rampart_core::bounded::read_to_string(path, rampart_core::bounded::MAX_KEY_BYTES)
                .map_err(|e| Error::io(format!("reading key {}", path.display()), e.into()))?,
        );
        Self::from_pem(&pem, passphrase)
    }

    /// The public half.
    pub fn verifying_key(&self) -> VerifyingKey {
        match self {
            SigningKey::P256(k) => VerifyingKey::P256(*k.verifying_key()),
            SigningKey::P384(k) => VerifyingKey::P384(*k.verifying_key()),
            SigningKey::P521(k) => VerifyingKey::P521(p521::ecdsa::VerifyingKey::from(k)),
        }
    }

    /// Signs `message` (hashed with the curve's hash) and returns a DER signature.
    pub fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        match self {
            SigningKey::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
            SigningKey::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
            SigningKey::P521(k) => {
                let sig: p521::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
        }
    }

    /// PKCS#8 PEM of the private key.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let encoded = match self {
            SigningKey::P256(k) => p256::SecretKey::from(k).to_pkcs8_pem(LineEnding::LF),
            SigningKey::P384(k) => p384::SecretKey::from(k).to_pkcs8_pem(LineEnding::LF),
            SigningKey::P521(k) => p521::SecretKey::from_bytes(&k.to_bytes())
                .map_err(|e| Error::Key(format!("invalid P-521 key: {e}")))?
                .to_pkcs8_pem(LineEnding::LF),
        };
        encoded.map_err(|e| Error::Key(format!("cannot encode the private key: {e}")))
    }
}

impl VerifyingKey {
    /// Reads a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM.
    pub fn from_pem(pem: &str) -> Result<VerifyingKey> {
        if let Ok(k) = p256::PublicKey::from_public_key_pem(pem) {
            return Ok(VerifyingKey::P256(k.into()));
        }
        if let Ok(k) = p384::PublicKey::from_public_key_pem(pem) {
            return Ok(VerifyingKey::P384(k.into()));
        }
        if let Ok(k) = p521::PublicKey::from_public_key_pem(pem) {
            return p521::ecdsa::VerifyingKey::from_sec1_bytes(&k.to_sec1_bytes())
                .map(VerifyingKey::P521)
                .map_err(|e| Error::Key(format!("invalid P-521 public key: {e}")));
        }
        Err(Error::Key(
            "not a PEM public key on P-256, P-384 or P-521 (expected -----BEGIN PUBLIC KEY-----)"
                .into(),
        ))
    }

    /// Reads a public key file.
    pub fn from_file(path: &Path) -> Result<VerifyingKey> {
        let pem = rampart_core::bounded::read_to_string(path, rampart_core::bounded::MAX_KEY_BYTES)
            .map_err(|e| Error::io(format!("reading key {}", path.display()), e.into()))?;
        Self::from_pem(&pem)
    }

    /// Reads the public key of a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<VerifyingKey> {
        if let Ok(k) = p256::PublicKey::from_public_key_der(der) {
            return Ok(VerifyingKey::P256(k.into()));
        }
        if let Ok(k) = p384::PublicKey::from_public_key_der(der) {
            return Ok(VerifyingKey::P384(k.into()));
        }
        if let Ok(k) = p521::PublicKey::from_public_key_der(der) {
            return p521::ecdsa::VerifyingKey::from_sec1_bytes(&k.to_sec1_bytes())
                .map(VerifyingKey::P521)
                .map_err(|e| Error::Key(format!("invalid P-521 public key: {e}")));
        }
        Err(Error::Key(
            "public key is not an EC key on P-256, P-384 or P-521".into(),
        ))
    }

    /// The key's curve.
    pub fn curve(&self) -> Curve {
        match self {
            VerifyingKey::P256(_) => Curve::P256,
            VerifyingKey::P384(_) => Curve::P384,
            VerifyingKey::P521(_) => Curve::P521,
        }
    }

    /// DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Result<Vec<u8>> {
        let doc = match self {
            VerifyingKey::P256(k) => p256::PublicKey::from(k).to_public_key_der(),
            VerifyingKey::P384(k) => p384::PublicKey::from(k).to_public_key_der(),
            VerifyingKey::P521(k) => {
                p521::PublicKey::from_sec1_bytes(&k.to_encoded_point(false).to_bytes())
                    .map_err(|_| pkcs8::spki::Error::KeyMalformed)
                    .and_then(|p| p.to_public_key_der())
            }
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|e| Error::Key(format!("cannot encode the public key: {e}")))
    }

    /// PEM SubjectPublicKeyInfo.
    pub fn to_pem(&self) -> Result<String> {
        let der = self.to_spki_der()?;
        der::pem::encode_string("PUBLIC KEY", LineEnding::LF, &der)
            .map_err(|e| Error::Key(format!("cannot encode the public key: {e}")))
    }

    /// Verifies a DER ECDSA signature over an already computed digest (certificate
    /// signatures, whose hash is named by the certificate, not by the curve).
    pub fn verify_digest(&self, digest: &[u8], signature: &[u8]) -> Result<()> {
        use ecdsa::signature::hazmat::PrehashVerifier;
        let bad = |e: ecdsa::Error| Error::Signature(format!("signature does not verify: {e}"));
        match self {
            VerifyingKey::P256(k) => {
                let sig = p256::ecdsa::Signature::from_der(signature).map_err(bad)?;
                k.verify_prehash(digest, &sig).map_err(bad)
            }
            VerifyingKey::P384(k) => {
                let sig = p384::ecdsa::Signature::from_der(signature).map_err(bad)?;
                k.verify_prehash(digest, &sig).map_err(bad)
            }
            VerifyingKey::P521(k) => {
                let sig = p521::ecdsa::Signature::from_der(signature).map_err(bad)?;
                k.verify_prehash(digest, &sig).map_err(bad)
            }
        }
    }

    /// Verifies a DER (or fixed-size) ECDSA signature over `message`. High-S
    /// signatures are accepted, as OpenSSL and the reference implementation do.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let bad = |e: ecdsa::Error| Error::Signature(format!("signature does not verify: {e}"));
        match self {
            VerifyingKey::P256(k) => {
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .or_else(|_| p256::ecdsa::Signature::from_slice(signature))
                    .map_err(bad)?;
                k.verify(message, &sig).map_err(bad)
            }
            VerifyingKey::P384(k) => {
                let sig = p384::ecdsa::Signature::from_der(signature)
                    .or_else(|_| p384::ecdsa::Signature::from_slice(signature))
                    .map_err(bad)?;
                k.verify(message, &sig).map_err(bad)
            }
            VerifyingKey::P521(k) => {
                let sig = p521::ecdsa::Signature::from_der(signature)
                    .or_else(|_| p521::ecdsa::Signature::from_slice(signature))
                    .map_err(bad)?;
                k.verify(message, &sig).map_err(bad)
            }
        }
    }
}

/// Writes a new key pair: `path` (PKCS#8 PEM, mode 0600, created exclusively so an
/// existing key is never overwritten) and `path.pub` (or `public` when given).
pub fn generate_key_pair(curve: Curve, private: &Path, public: &Path) -> Result<VerifyingKey> {
    let key = SigningKey::generate(curve);
    let pem = key.to_pkcs8_pem()?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(private)
        .map_err(|e| Error::io(format!("creating {}", private.display()), e))?;
    file.write_all(pem.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(format!("writing {}", private.display()), e))?;
    let verifying = key.verifying_key();
    fs::write(public, verifying.to_pem()?)
        .map_err(|e| Error::io(format!("writing {}", public.display()), e))?;
    Ok(verifying)
}
