#![no_main]
//! rampart.toml system descriptions.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = rampart_core::system::SystemDescription::parse(&String::from_utf8_lossy(data));
});
