#![no_main]
//! The monitor's saved drift rings, OTLP headers and the exposition read back for
//! export: arbitrary bytes never panic, and a restored tracker stays bounded.
libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_gateway::fuzzing::fuzz_monitor(data));
