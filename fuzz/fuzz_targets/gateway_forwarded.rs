#![no_main]
//! The gateway's client address from X-Forwarded-For behind trusted proxies.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rampart_gateway::forwarded::fuzz_client_ip(data);
});
