#![no_main]
//! Checkpoints, signed notes and verifier keys as a witness or customer reads them.
use rampart_ledger::{Checkpoint, NoteSigner, NoteVerifier};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Checkpoint::from_text(&text);
    let _ = NoteVerifier::parse(&text);
    if let Ok(signer) = NoteSigner::from_seed("fuzz.example/log", &[7; 32]) {
        let v = signer.verifier();
        let _ = v.verify_note(&text);
        let _ = v.verify_checkpoint(&text, "fuzz.example/log");
    }
});
