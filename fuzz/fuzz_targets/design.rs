#![no_main]
//! rampart-design's parsers: OTM documents (`rampart init --from-otm`), and threat
//! derivation over any rampart.toml that parses (the condition language must be total).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = rampart_design::otm::import(data);
    let text = String::from_utf8_lossy(data);
    if let Ok(system) = rampart_core::system::SystemDescription::parse(&text) {
        let _ = rampart_design::derive(&system);
    }
});
