//! X.509 certificate chains for certificate-based OMS signatures: the leaf's key
//! signs the payload, the chain must lead to a trusted self-signed root, and the
//! leaf must be allowed to sign (KeyUsage digitalSignature or ExtendedKeyUsage
//! codeSigning). Validity is checked at the leaf's notBefore, as `model-signing`
//! does (a signature stays valid after the certificate expires). ECDSA chains only.

use der::{Decode, Encode};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};
use x509_cert::Certificate;

use crate::error::{Error, Result};
use crate::keys::VerifyingKey;

const OID_KEY_USAGE: &str = "2.5.29.15";
const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
const OID_CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
const MAX_CHAIN: usize = 10;

/// Reads every certificate of a PEM file (DER out).
pub fn read_pem_certificates(text: &str) -> Result<Vec<Vec<u8>>> {
    let certs = Certificate::load_pem_chain(text.as_bytes())
        .map_err(|e| Error::Key(format!("cannot read PEM certificates: {e}")))?;
    certs
        .iter()
        .map(|c| {
            c.to_der()
                .map_err(|e| Error::Key(format!("cannot encode certificate: {e}")))
        })
        .collect()
}

fn parse(der: &[u8]) -> Result<Certificate> {
    Certificate::from_der(der)
        .map_err(|e| Error::Chain(format!("certificate is not valid DER: {e}")))
}

fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate.subject.to_string()
}

/// The public key of a certificate.
pub fn public_key(cert_der: &[u8]) -> Result<VerifyingKey> {
    let cert = parse(cert_der)?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| Error::Chain(format!("bad public key: {e}")))?;
    VerifyingKey::from_spki_der(&spki)
}

fn extension<'a>(cert: &'a Certificate, oid: &str) -> Option<&'a [u8]> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id.to_string() == oid)
        .map(|e| e.extn_value.as_bytes())
}

/// Checks that `issuer` signed `cert`.
fn check_signature(cert: &Certificate, issuer: &Certificate) -> Result<()> {
    let bits = match cert.signature_algorithm.oid.to_string().as_str() {
        "1.2.840.10045.4.3.2" => 256,
        "1.2.840.10045.4.3.3" => 384,
        "1.2.840.10045.4.3.4" => 512,
        other => {
            return Err(Error::Chain(format!(
            "certificate {} uses signature algorithm {other}; only ECDSA with SHA-2 is supported",
            subject(cert)
        )))
        }
    };
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|e| Error::Chain(format!("cannot encode certificate: {e}")))?;
    let key_der = issuer
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| Error::Chain(format!("bad issuer key: {e}")))?;
    let key = VerifyingKey::from_spki_der(&key_der)?;
    let sig = cert.signature.raw_bytes();
    key.verify_digest(&sha2_digest(bits, &tbs), sig)
        .map_err(|_| {
            Error::Chain(format!(
                "certificate {} is not signed by {}",
                subject(cert),
                subject(issuer)
            ))
        })
}

/// The SHA-2 digest of `data` with the hash named by an ECDSA signature algorithm.
fn sha2_digest(bits: u16, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match bits {
        384 => sha2::Sha384::digest(data).to_vec(),
        512 => sha2::Sha512::digest(data).to_vec(),
        _ => sha2::Sha256::digest(data).to_vec(),
    }
}

fn valid_at(cert: &Certificate, at: std::time::Duration) -> Result<()> {
    let v = &cert.tbs_certificate.validity;
    if v.not_before.to_unix_duration() > at || v.not_after.to_unix_duration() < at {
        return Err(Error::Chain(format!(
            "certificate {} was not valid when the leaf certificate was issued ({} to {})",
            subject(cert),
            v.not_before,
            v.not_after
        )));
    }
    Ok(())
}

fn is_ca(cert: &Certificate) -> bool {
    extension(cert, OID_BASIC_CONSTRAINTS)
        .and_then(|b| BasicConstraints::from_der(b).ok())
        .is_some_and(|bc| bc.ca)
}

/// Verifies `chain` (DER, leaf first, then untrusted intermediates) against the
/// trusted `roots` (DER). Returns the leaf's public key.
pub fn verify_chain(chain: &[Vec<u8>], roots: &[Vec<u8>]) -> Result<VerifyingKey> {
    let Some(leaf_der) = chain.first() else {
        return Err(Error::Chain("the signature carries no certificate".into()));
    };
    if roots.is_empty() {
        return Err(Error::Chain(
            "no trusted root certificate given (--root)".into(),
        ));
    }
    let leaf = parse(leaf_der)?;
    let intermediates: Vec<Certificate> = chain
        .iter()
        .skip(1)
        .map(|d| parse(d))
        .collect::<Result<_>>()?;
    let trusted: Vec<Certificate> = roots.iter().map(|d| parse(d)).collect::<Result<_>>()?;
    let at = leaf.tbs_certificate.validity.not_before.to_unix_duration();

    // The leaf must be allowed to sign.
    let digital_signature = extension(&leaf, OID_KEY_USAGE)
        .and_then(|b| KeyUsage::from_der(b).ok())
        .is_some_and(|ku| ku.0.contains(KeyUsages::DigitalSignature));
    let code_signing = extension(&leaf, OID_EXT_KEY_USAGE)
        .and_then(|b| ExtendedKeyUsage::from_der(b).ok())
        .is_some_and(|eku| eku.0.iter().any(|o| o.to_string() == OID_CODE_SIGNING));
    if !digital_signature && !code_signing {
        return Err(Error::Chain(format!(
            "leaf certificate {} cannot be used for signing (needs KeyUsage digitalSignature or ExtendedKeyUsage codeSigning)",
            subject(&leaf)
        )));
    }

    let mut current = leaf.clone();
    for _ in 0..MAX_CHAIN {
        valid_at(&current, at)?;
        let current_der = current.to_der().map_err(|e| Error::Chain(e.to_string()))?;
        if roots.contains(&current_der)
            && current.tbs_certificate.issuer == current.tbs_certificate.subject
        {
            return public_key(leaf_der);
        }
        // Prefer a trusted issuer; otherwise climb through a supplied intermediate.
        let issuer = trusted
            .iter()
            .chain(intermediates.iter())
            .find(|c| {
                c.tbs_certificate.subject == current.tbs_certificate.issuer
                    && check_signature(&current, c).is_ok()
            })
            .cloned();
        let Some(issuer) = issuer else {
            return Err(Error::Chain(format!(
                "unable to find a trusted issuer for {} (issuer {})",
                subject(&current),
                current.tbs_certificate.issuer
            )));
        };
        if !is_ca(&issuer) {
            return Err(Error::Chain(format!(
                "issuer {} is not a certificate authority",
                subject(&issuer)
            )));
        }
        if issuer == current {
            return Err(Error::Chain(format!(
                "self-signed certificate {} is not trusted",
                subject(&current)
            )));
        }
        current = issuer;
    }
    Err(Error::Chain(format!(
        "certificate chain longer than {MAX_CHAIN}"
    )))
}
