#![no_main]
//! The gateway's output judge: streamed and whole judgements agree.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rampart_gateway::fuzzing::fuzz_judge(data);
});
