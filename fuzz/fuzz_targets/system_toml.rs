#![no_main]
//! rampart.toml system descriptions, and their `[guard]` table applied to a pipeline
//! configuration and checked for weakenings.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(system) = rampart_core::system::SystemDescription::parse(&text) {
        if let Some(guard) = &system.guard {
            let mut cfg = rampart_guard::PipelineConfig::default();
            let _ = rampart_guard::settings::apply(guard, &mut cfg);
            let _ = rampart_guard::settings::weakenings(guard);
        }
    }
});
