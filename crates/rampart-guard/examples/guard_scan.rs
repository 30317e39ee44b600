//! Reads JSON Lines (`{"text": ..., "role": ...}` or strings) on stdin and writes one
//! result line per input on stdout (the `rampart guard scan --jsonl` format).
//! Used by `scripts/guard/eval.py` and `bench/guard_peers.py`.
//!
//! ```text
//! cargo run -p rampart-guard --example guard_scan [-- --no-classifier] < in.jsonl > out.jsonl
//! ```
//!
//! The whole input is read before, and the output written after, the scan, so the
//! time reported on stderr (`N lines, M errors, scanned in S s`) is the in-process
//! scan alone: JSON parsing, the pipeline, the policy and serialising the results, but
//! not process start, pipeline construction or pipe I/O.
#![allow(clippy::print_stderr)]

use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use rampart_guard::{scan_jsonl, GuardError, JsonlOptions, Pipeline, PipelineConfig, Policy};

fn run(no_classifier: bool) -> Result<(), GuardError> {
    let cfg = PipelineConfig {
        classifier: !no_classifier,
        ..PipelineConfig::default()
    };
    let pipeline = Pipeline::new(cfg)?;
    let opts = JsonlOptions {
        messages: true,
        ..JsonlOptions::default()
    };
    let mut input = Vec::new();
    io::stdin().lock().read_to_end(&mut input)?;
    let mut output = Vec::with_capacity(input.len());
    let start = Instant::now();
    let summary = scan_jsonl(
        &pipeline,
        &Policy::default(),
        input.as_slice(),
        &mut output,
        &opts,
    )?;
    let elapsed = start.elapsed();
    io::stdout().lock().write_all(&output)?;
    eprintln!(
        "{} lines, {} errors, scanned in {:.6} s",
        summary.lines,
        summary.errors,
        elapsed.as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let no_classifier = std::env::args().any(|a| a == "--no-classifier");
    match run(no_classifier) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
