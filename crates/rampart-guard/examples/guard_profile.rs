//! Rough per-stage timings (release build): which part of the pipeline costs what.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Instant;

use rampart_guard::classifier::Classifier;
use rampart_guard::normalize::normalize;
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
    time("check System (tokens, decoders, obf)", n, || {
        black_box(p.check(text, Role::System));
    });
    time("check Assistant (+output checks)", n, || {
        black_box(p.check(text, Role::Assistant));
    });
    time("check User (everything)", n, || {
        black_box(p.check(text, Role::User));
    });
    for para in PARAGRAPHS {
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
