#![no_main]
//! The gateway's SSE line splitter under any chunking.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rampart_gateway::fuzzing::fuzz_sse_lines(data);
});
