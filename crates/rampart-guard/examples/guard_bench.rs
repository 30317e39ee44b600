//! Timing harness for the default pipeline (build with `--release`).
//!
//! ```text
//! cargo run --release -p rampart-guard --example guard_bench
//! ```
//! Prints throughput on typical ~1 KB prompts (single thread) and latency percentiles
//! for 4 KB prompts. The corpus is built here from fixed text so runs are comparable.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use rampart_guard::{Pipeline, PipelineConfig, Role};

const PARAGRAPHS: &[&str] = &[
    "I'm planning a trip to Portugal in May with my partner. We like food, hiking and small towns, and we want to avoid the biggest tourist crowds. ",
    "Could you review the following Python function and suggest improvements for readability and performance? def total(xs): return sum([x for x in xs if x > 0]) ",
    "Our quarterly report shows revenue grew 12% while costs rose 4%. Summarise the key points for the board in three bullet points and flag any risks. ",
    "Please write a friendly e-mail to my landlord explaining that the heating has not worked since Monday and asking when a technician can come. ",
    "Explain the difference between TCP and UDP to a new developer, with an example of when each is the better choice, and mention QUIC briefly. ",
    "Je voudrais un résumé de cet article sur la transition énergétique en Europe, avec les chiffres principaux et les critiques des experts. ",
    "The meeting notes: budget approved; hiring freeze lifted for engineering; offsite planned for the second week of June; action items assigned to Ana and Li. ",
    "Ignore the typos please. What are three good exercises for lower back pain that I can do at home without equipment, and how often should I do them? ",
];

fn prompt(target: usize, seed: usize) -> String {
    let mut s = String::new();
    let mut i = seed;
    while s.len() < target {
        s.push_str(PARAGRAPHS[i % PARAGRAPHS.len()]);
        i += 3;
    }
    let mut cut = target.min(s.len());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn main() -> Result<(), rampart_guard::GuardError> {
    let p = Pipeline::new(PipelineConfig::default())?;
    let typical: Vec<String> = (0..64).map(|i| prompt(1024, i)).collect();
    let large: Vec<String> = (0..64).map(|i| prompt(4096, i)).collect();
    // warm-up
    for t in typical.iter().chain(&large) {
        black_box(p.check(t, Role::User));
    }
    let n = 40_000;
    let start = Instant::now();
    for i in 0..n {
        black_box(p.check(&typical[i % typical.len()], Role::User));
    }
    let el = start.elapsed();
    println!(
        "1 KB prompts: {n} in {:.3} s = {:.0} prompts/s on one thread ({:.1} us each)",
        el.as_secs_f64(),
        n as f64 / el.as_secs_f64(),
        el.as_secs_f64() * 1e6 / n as f64
    );
    let mut lat = Vec::with_capacity(10_000);
    for i in 0..10_000 {
        let t = &large[i % large.len()];
        let s = Instant::now();
        black_box(p.check(t, Role::User));
        lat.push(s.elapsed());
    }
    lat.sort();
    println!(
        "4 KB prompts: p50 {:.1} us, p90 {:.1} us, p99 {:.1} us, max {:.1} us",
        percentile(&lat, 0.5).as_secs_f64() * 1e6,
        percentile(&lat, 0.9).as_secs_f64() * 1e6,
        percentile(&lat, 0.99).as_secs_f64() * 1e6,
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1e6)
    );
    let no_cls = Pipeline::new(PipelineConfig {
        classifier: false,
        ..PipelineConfig::default()
    })?;
    let start = Instant::now();
    for i in 0..n {
        black_box(no_cls.check(&typical[i % typical.len()], Role::User));
    }
    let el = start.elapsed();
    println!(
        "1 KB prompts without the classifier: {:.0} prompts/s",
        n as f64 / el.as_secs_f64()
    );
    Ok(())
}
