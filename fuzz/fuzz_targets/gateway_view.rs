#![no_main]
//! The gateway's request and answer views of arbitrary JSON.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rampart_gateway::fuzzing::fuzz_view(data);
});
