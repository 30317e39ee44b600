//! Criterion benchmark of the default pipeline (`Pipeline::check`, user role, one thread).
//!
//! ```text
//! cargo bench -p rampart-guard --bench pipeline
//! ```
//! Two corpora (`corpus/mod.rs`), each with ~1 KB prompts, 4 KB prompts, and ~1 KB
//! prompts with the classifier off:
//!
//! - `check`: 64 prompts cut from the same eight everyday paragraphs, checked over and
//!   over. The regex engines' lazy DFAs soon have every state cached: best case.
//! - `check_varied`: pools of distinct prompts (the paragraphs' words in pseudo-random
//!   order), each iteration taking the next batch, so the lazy DFAs keep building
//!   states as they do on diverse real text.
//!
//! Throughput is in prompts (criterion's `thrpt`, elements per second). Criterion
//! reports means with confidence intervals, so after the groups the harness times
//! single 4 KB checks and prints p50, p90, p99 and the maximum for both corpora (the
//! issue's latency target is p99 under 0.5 ms).
#![allow(clippy::print_stdout)]

#[path = "corpus/mod.rs"]
mod corpus;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, Criterion, Throughput};
use rampart_guard::{GuardError, Pipeline, PipelineConfig, Role};

/// Prompts per criterion iteration on the repeated corpus.
const BATCH: usize = 64;
/// Prompts per criterion iteration on the varied corpus (each check costs more).
const VARIED_BATCH: usize = 16;
/// Distinct prompts in each varied pool (a multiple of `VARIED_BATCH`).
const VARIED_POOL: usize = 2048;
/// Timed single checks for the percentiles: repeated corpus, varied corpus (each a
/// different prompt).
const LATENCY_SAMPLES: usize = 10_000;
const VARIED_LATENCY_SAMPLES: usize = 2_000;

fn check_all(p: &Pipeline, texts: &[String]) {
    for t in texts {
        black_box(p.check(black_box(t), Role::User));
    }
}

/// Benchmarks `p` on successive batches of `pool`, wrapping around.
fn bench_pool<M: criterion::measurement::Measurement>(
    g: &mut BenchmarkGroup<'_, M>,
    name: &str,
    p: &Pipeline,
    pool: &[String],
    batch: usize,
) {
    let batches: Vec<&[String]> = pool.chunks(batch).collect();
    let mut next = 0;
    g.bench_function(name, |b| {
        b.iter(|| {
            if let Some(texts) = batches.get(next % batches.len()) {
                check_all(p, texts);
            }
            next += 1;
        })
    });
}

fn throughput(c: &mut Criterion, default: &Pipeline, no_classifier: &Pipeline) {
    let typical = corpus::prompts(1024, BATCH);
    let large = corpus::prompts(4096, BATCH);
    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(BATCH as u64));
    bench_pool(&mut g, "1KB", default, &typical, BATCH);
    bench_pool(&mut g, "4KB", default, &large, BATCH);
    bench_pool(&mut g, "1KB_no_classifier", no_classifier, &typical, BATCH);
    g.finish();

    let typical = corpus::varied_prompts(1024, VARIED_POOL);
    let large = corpus::varied_prompts(4096, VARIED_POOL);
    let mut g = c.benchmark_group("check_varied");
    g.throughput(Throughput::Elements(VARIED_BATCH as u64));
    g.sample_size(30);
    bench_pool(&mut g, "1KB", default, &typical, VARIED_BATCH);
    bench_pool(&mut g, "4KB", default, &large, VARIED_BATCH);
    bench_pool(
        &mut g,
        "1KB_no_classifier",
        no_classifier,
        &typical,
        VARIED_BATCH,
    );
    g.finish();
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted
        .get(idx.min(sorted.len().saturating_sub(1)))
        .map_or(0.0, |d| d.as_secs_f64() * 1e6)
}

fn latency(label: &str, p: &Pipeline, texts: &[String], samples: usize) {
    let mut lat: Vec<Duration> = texts
        .iter()
        .cycle()
        .take(samples)
        .map(|t| {
            let start = Instant::now();
            black_box(p.check(black_box(t), Role::User));
            start.elapsed()
        })
        .collect();
    lat.sort();
    println!(
        "{label}: {samples} single checks: p50 {:.1} us, p90 {:.1} us, p99 {:.1} us, max {:.1} us",
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
    // As criterion decides: `cargo bench` passes `--bench`; `cargo test --benches` does
    // not (test mode, each benchmark run once), nor does `--list` time anything.
    let args: Vec<String> = std::env::args().collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    if flag("--bench") && !flag("--test") && !flag("--list") {
        let large = corpus::prompts(4096, BATCH);
        check_all(&default, &large); // warm-up
        latency("check/4KB", &default, &large, LATENCY_SAMPLES);
        let varied = corpus::varied_prompts(4096, VARIED_LATENCY_SAMPLES);
        latency(
            "check_varied/4KB",
            &default,
            &varied,
            VARIED_LATENCY_SAMPLES,
        );
    }
    Ok(())
}
