//! The guard's speed targets, on one thread of a release build (bench/guard.sh runs
//! it): distinct 1 KB prompts judged per second by the whole input pipeline (every
//! detector and the classifier), and the latency percentiles of 4 KB prompts.
//!
//!     cargo run --release -p rampart-guard --example guard_speed [SECONDS]
//!
//! Prompts are distinct (no cache can help) and mix English prose with non-ASCII
//! words, as `benches/corpus` builds them. Prints one JSON object.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use rampart_guard::{Pipeline, PipelineConfig, Role};

#[allow(dead_code)]
#[path = "../benches/corpus/mod.rs"]
mod corpus;

fn main() {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let budget = Duration::from_secs_f64(seconds);
    // construction: the default pipeline, and the one `rampart redteam` judges with
    // (no classifier), best of 5 each (the first pays for page faults)
    let build_ms = |cfg: &dyn Fn() -> PipelineConfig| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                black_box(Pipeline::new(cfg()).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::INFINITY, f64::min)
    };
    let new_default_ms = build_ms(&PipelineConfig::default);
    let new_no_classifier_ms = build_ms(&|| PipelineConfig {
        classifier: false,
        ..PipelineConfig::default()
    });
    let p = Pipeline::new(PipelineConfig::default()).unwrap();

    // throughput: distinct 1 KB prompts, one thread
    let small = corpus::varied_prompts(1024, 20_000);
    for t in small.iter().take(200) {
        black_box(p.check(t, Role::User));
    }
    let start = Instant::now();
    let mut judged = 0usize;
    while start.elapsed() < budget {
        for t in small.iter().skip(judged % small.len()).take(500) {
            black_box(p.check(t, Role::User));
        }
        judged += 500;
    }
    let per_second = judged as f64 / start.elapsed().as_secs_f64();

    // latency: distinct 4 KB prompts, each timed alone
    let large = corpus::varied_prompts(4096, 5_000);
    for t in large.iter().take(100) {
        black_box(p.check(t, Role::User));
    }
    let mut times = Vec::with_capacity(large.len());
    let start = Instant::now();
    for t in large.iter().cycle() {
        let s = Instant::now();
        black_box(p.check(t, Role::User));
        times.push(s.elapsed());
        if start.elapsed() >= budget && times.len() >= 1000 {
            break;
        }
    }
    times.sort_unstable();
    let pct = |q: f64| {
        let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
        times[i].as_secs_f64() * 1e3
    };
    println!(
        "{{\"prompts_1kb_per_second\": {per_second:.0}, \"latency_4kb_ms\": {{\"p50\": {:.3}, \"p99\": {:.3}, \"max\": {:.3}, \"n\": {}}}, \"pipeline_new_ms\": {{\"default\": {new_default_ms:.1}, \"no_classifier\": {new_no_classifier_ms:.1}}}}}",
        pct(0.50),
        pct(0.99),
        pct(1.0),
        times.len()
    );
}
