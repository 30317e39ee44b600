#![no_main]
//! `rampart redteam --import-garak/--import-promptfoo` and a target's `Retry-After`:
//! arbitrary bytes are imported or refused with the file named; never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_redteam::fuzzing::fuzz_import(data));
