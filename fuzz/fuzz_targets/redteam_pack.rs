#![no_main]
//! `rampart redteam --probes FILE`: arbitrary bytes as a probe pack are parsed (bounded
//! size, lines and line length) and expanded, or refused with file, line and field;
//! never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| rampart_redteam::fuzzing::fuzz_pack(data));
