#![no_main]
//! PEM public and private keys (unencrypted: the passphrase path is covered by tests).
use rampart_sign::keys::{SigningKey, VerifyingKey};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = VerifyingKey::from_pem(&text);
    let _ = SigningKey::from_pem(&text, None);
});
