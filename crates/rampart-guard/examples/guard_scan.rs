//! Reads JSON Lines (`{"text": ..., "role": ...}` or strings) on stdin and writes one
//! result line per input on stdout (the `rampart guard scan --jsonl` format).
//! Used by `scripts/guard/eval.py`.
//!
//! ```text
//! cargo run -p rampart-guard --example guard_scan [-- --no-classifier] < in.jsonl > out.jsonl
//! ```
#![allow(clippy::print_stderr)]

use std::io::{self, BufReader, BufWriter};
use std::process::ExitCode;

use rampart_guard::{scan_jsonl, JsonlOptions, Pipeline, PipelineConfig, Policy};

fn main() -> ExitCode {
    let no_classifier = std::env::args().any(|a| a == "--no-classifier");
    let cfg = PipelineConfig {
        classifier: !no_classifier,
        ..PipelineConfig::default()
    };
    let result = Pipeline::new(cfg).and_then(|p| {
        let opts = JsonlOptions {
            messages: true,
            ..JsonlOptions::default()
        };
        scan_jsonl(
            &p,
            &Policy::default(),
            BufReader::new(io::stdin().lock()),
            BufWriter::new(io::stdout().lock()),
            &opts,
        )
    });
    match result {
        Ok(summary) => {
            eprintln!("{} lines, {} errors", summary.lines, summary.errors);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
