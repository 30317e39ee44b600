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
