//! Criterion benchmark of the default pipeline (`Pipeline::check`, user role, one thread).
//!
//! ```text
//! cargo bench -p rampart-guard --bench pipeline
//! ```
//! Groups: typical ~1 KB prompts, 4 KB prompts, and ~1 KB prompts with the classifier
//! off; each iteration checks a batch of 64 different prompts, so criterion's `thrpt`
//! figure is prompts per second. Criterion reports means with confidence intervals,
//! so after the groups the harness times 10,000 single 4 KB checks and prints their
//! p50, p90, p99 and maximum (the issue's latency target is p99 under 0.5 ms).
#![allow(clippy::print_stdout)]

#[path = "corpus/mod.rs"]
mod corpus;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use rampart_guard::{GuardError, Pipeline, PipelineConfig, Role};

/// Prompts per criterion iteration.
const BATCH: usize = 64;
/// Timed single checks for the percentile figures.
const LATENCY_SAMPLES: usize = 10_000;

fn check_all(p: &Pipeline, texts: &[String]) {
    for t in texts {
        black_box(p.check(black_box(t), Role::User));
    }
}

fn throughput(c: &mut Criterion, default: &Pipeline, no_classifier: &Pipeline) {
    let typical = corpus::prompts(1024, BATCH);
    let large = corpus::prompts(4096, BATCH);
    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("1KB", |b| b.iter(|| check_all(default, &typical)));
    g.bench_function("4KB", |b| b.iter(|| check_all(default, &large)));
    g.bench_function("1KB_no_classifier", |b| {
        b.iter(|| check_all(no_classifier, &typical))
    });
    g.finish();
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted
        .get(idx.min(sorted.len().saturating_sub(1)))
        .map_or(0.0, |d| d.as_secs_f64() * 1e6)
}

fn latency(p: &Pipeline) {
    let large = corpus::prompts(4096, BATCH);
    check_all(p, &large); // warm-up
    let mut lat: Vec<Duration> = large
        .iter()
        .cycle()
        .take(LATENCY_SAMPLES)
        .map(|t| {
            let start = Instant::now();
            black_box(p.check(black_box(t), Role::User));
            start.elapsed()
        })
        .collect();
    lat.sort();
    println!(
        "check/4KB latency over {LATENCY_SAMPLES} single checks: p50 {:.1} us, p90 {:.1} us, p99 {:.1} us, max {:.1} us",
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0),
    );
}

fn main() -> Result<(), GuardError> {
    let default = Pipeline::new(PipelineConfig::default())?;
    let no_classifier = Pipeline::new(PipelineConfig {
        classifier: false,
        ..PipelineConfig::default()
    })?;
    let mut c = Criterion::default().configure_from_args();
    throughput(&mut c, &default, &no_classifier);
    c.final_summary();
    // `cargo test --benches` and `--list` run the harness without timing anything.
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--test" || a == "--list") {
        latency(&default);
    }
    Ok(())
}
