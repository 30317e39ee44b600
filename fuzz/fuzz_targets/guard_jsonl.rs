#![no_main]
//! `rampart guard scan --jsonl`: arbitrary bytes as JSON Lines input (long lines,
//! bad UTF-8, odd shapes) are judged or reported line by line, never a panic.
use std::sync::OnceLock;

use rampart_guard::{scan_jsonl, JsonlOptions, Pipeline, PipelineConfig, Policy};

fn pipeline() -> Option<&'static Pipeline> {
    static P: OnceLock<Option<Pipeline>> = OnceLock::new();
    P.get_or_init(|| {
        Pipeline::new(PipelineConfig {
            max_scan_bytes: 4096,
            ..PipelineConfig::default()
        })
        .ok()
    })
    .as_ref()
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(p) = pipeline() {
        let mut out = Vec::new();
        let _ = scan_jsonl(p, &Policy::default(), data, &mut out, &JsonlOptions::default());
    }
});
