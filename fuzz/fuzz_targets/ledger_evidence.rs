#![no_main]
//! Evidence files as `rampart audit verify-proof` reads them: parsed into typed
//! structs and checked (signature, leaf hashes, inclusion proofs) without panicking.
use rampart_ledger::evidence::{verify, Evidence};
use rampart_ledger::NoteSigner;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(evidence) = Evidence::parse(data) {
        if let Ok(signer) = NoteSigner::from_seed("fuzz.example/log", &[7; 32]) {
            let _ = verify(&evidence, &signer.verifier());
        }
    }
});
