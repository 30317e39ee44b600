#![no_main]
//! Audit entries as stored (canonical bytes) and as appended (JSON).
use rampart_ledger::AuditEntry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(e) = AuditEntry::from_canonical_bytes(data) {
        let _ = e.leaf_hash();
    }
    if let Ok(e) = serde_json::from_slice::<AuditEntry>(data) {
        let _ = e.canonical_bytes();
    }
});
