//! Hashing, manifests and signatures for models and datasets: OpenSSF Model Signing
//! (OMS v1.0) compatible `sign` and `verify`, fast parallel hashing, and EC keys.
//!
//! ```no_run
//! use rampart_sign::{sign_model, verify_model, keys::SigningKey, SignOptions, VerifyOptions, Trust};
//! # fn main() -> rampart_sign::error::Result<()> {
//! let key = SigningKey::from_file("key.pem".as_ref(), None)?;
//! sign_model("model/".as_ref(), "model.sig".as_ref(), &key, &SignOptions::default())?;
//! let public = key.verifying_key();
//! verify_model("model/".as_ref(), "model.sig".as_ref(), &Trust::Key(public), &VerifyOptions::default())?;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cache;
pub mod certs;
pub mod error;
pub mod hashing;
pub mod keys;
pub mod manifest;
pub mod oms;
pub mod pyjson;
mod sign;

pub use sign::{
    check_bundle, manifest_path_for, read_certificate_files, read_passphrase, read_signature,
    restore_model, sign_model, sign_model_with_progress, verify_model, verify_model_with_progress,
    write_atomically, RestoreReport, SignOptions, Signed, Trust, Verified, VerifyOptions,
    MAX_SIGNATURE_BYTES,
};
