#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use rampart_guard::{Finding, Pipeline, PipelineConfig, Role};

pub fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::new(PipelineConfig::default()).unwrap())
}

/// Findings at or above the default policy threshold.
pub fn strong(text: &str, role: Role) -> Vec<Finding> {
    pipeline()
        .check(text, role)
        .into_iter()
        .filter(|f| f.score >= 0.6)
        .collect()
}

pub fn codes(text: &str, role: Role) -> Vec<String> {
    let mut c: Vec<String> = strong(text, role).into_iter().map(|f| f.rule).collect();
    c.dedup();
    c
}

pub fn slice(text: &str, span: (usize, usize)) -> String {
    text.chars().skip(span.0).take(span.1 - span.0).collect()
}

/// Standard base64 with padding (the tests' encoder; the crate only decodes).
pub fn b64(data: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
