#![no_main]
//! OMS / Sigstore bundles, their in-toto statements and the certificates they carry.
use rampart_sign::{certs, oms};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(b) = oms::parse_bundle(&text) {
        let _ = oms::parse_statement(&b.payload);
        for der in &b.certificates {
            let _ = certs::public_key(der);
        }
        let _ = certs::verify_chain(&b.certificates, &[]);
    }
    let _ = oms::parse_statement(data);
    if let Ok(ders) = certs::read_pem_certificates(&text) {
        for der in &ders {
            let _ = certs::public_key(der);
        }
    }
});
