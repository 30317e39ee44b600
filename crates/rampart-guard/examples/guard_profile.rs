//! Rough per-stage timings (release build): which part of the pipeline costs what.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Instant;

use rampart_guard::classifier::Classifier;
use rampart_guard::normalize::normalize;
use rampart_guard::{Pipeline, PipelineConfig, Role};

// The benchmark's prompt text; only `PARAGRAPHS` is used here.
#[allow(dead_code)]
#[path = "../benches/corpus/mod.rs"]
mod corpus;

fn time(label: &str, n: usize, mut f: impl FnMut()) {
    let s = Instant::now();
    for _ in 0..n {
        f();
    }
    println!(
        "{label:<40} {:>8.1} us",
        s.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}

fn main() {
    let text = "Could you review the following Python function and suggest improvements for readability and performance? \
                Our quarterly report shows revenue grew 12% while costs rose 4%. Summarise the key points for the board. "
        .repeat(5);
    let text = &text[..1024];
    let p = Pipeline::new(PipelineConfig::default()).unwrap();
    let c = Classifier::bundled().unwrap();
    let n = 300;
    time("normalize", n, || {
        black_box(normalize(text));
    });
    let lower = normalize(text).lower.into_owned();
    time("classifier", n, || {
        black_box(c.probability(&lower));
    });
    // distinct texts with some non-ASCII words, as the bench's varied corpus
    let varied: Vec<String> = corpus::varied_prompts(1024, 300)
        .into_iter()
        .map(|t| normalize(&t).lower.into_owned())
        .collect();
    let mut i = 0;
    time("classifier (distinct texts)", 3000, || {
        i += 1;
        black_box(c.probability(&varied[i % varied.len()]));
    });
    time("check System (tokens, decoders, obf)", n, || {
        black_box(p.check(text, Role::System));
    });
    time("check Assistant (+output checks)", n, || {
        black_box(p.check(text, Role::Assistant));
    });
    time("check User (everything)", n, || {
        black_box(p.check(text, Role::User));
    });
    for para in corpus::PARAGRAPHS {
        let t = para.repeat(1 + 1024 / para.len());
        let label = format!("User: {}", &para[..20]);
        time(&label, 100, || {
            black_box(p.check(&t, Role::User));
        });
        time("   System", 100, || {
            black_box(p.check(&t, Role::System));
        });
    }
}
