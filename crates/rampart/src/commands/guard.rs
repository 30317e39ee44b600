//! `rampart guard check | scan | eval`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};

use anyhow::{anyhow, Context, Result};
use rampart_core::system::SystemDescription;
use rampart_guard::{
    eval::{self, Evaluation},
    scan_jsonl, JsonlOptions, OnnxConfig, Pipeline, PipelineConfig, Policy, Role,
};
use serde_json::{json, Value};

use crate::cli::{GuardCommand, GuardSetupArgs, ReportFormat};
use crate::render::Printer;
use crate::ExitStatus;

fn pipeline(setup: &GuardSetupArgs) -> Result<(Pipeline, Policy)> {
    let mut cfg = PipelineConfig {
        onnx: setup.onnx_model.as_ref().map(|m| OnnxConfig {
            threshold: setup.onnx_threshold,
            ..OnnxConfig::new(m)
        }),
        classifier_model: setup.classifier.clone(),
        ..PipelineConfig::default()
    };
    let mut policy = Policy::default();
    if let Some(path) = &setup.config {
        let system = SystemDescription::read(path)
            .map_err(|e| anyhow!("reading {}: {e}", path.display()))?;
        if let Some(g) = &system.guard {
            policy = rampart_guard::settings::apply(g, &mut cfg)
                .map_err(|e| anyhow!("{}: {e}", path.display()))?;
        }
    }
    let p = Pipeline::new(cfg).map_err(|e| anyhow!("{e}"))?;
    Ok((p, policy))
}

/// A score as JSON with the digits it has as an `f32` (`0.9`, not the widened
/// `0.8999999761581421`).
fn score(x: f32) -> Value {
    x.to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn open_input(path: &std::path::Path) -> Result<Box<dyn BufRead>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(io::stdin())));
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        anyhow::bail!("{}: is a directory, not a JSON Lines file", path.display());
    }
    Ok(Box::new(BufReader::new(file)))
}

pub fn run(cmd: &GuardCommand, p: &Printer) -> Result<ExitStatus> {
    match cmd {
        GuardCommand::Check(a) => {
            let text = if a.text == "-" {
                let mut s = String::new();
                io::stdin().read_to_string(&mut s)?;
                s
            } else {
                a.text.clone()
            };
            let role = Role::parse(&a.role).ok_or_else(|| {
                anyhow!("unknown role {} (system, user, assistant, tool)", a.role)
            })?;
            let (pipeline, policy) = pipeline(&a.setup)?;
            // a text the guard would judge only in part is an error, never "allow"
            pipeline.ensure_whole(&text)?;
            let mut map = rampart_guard::Redactions::new();
            let verdict = pipeline.evaluate(&text, role, &policy, &mut map);
            let mut out = io::stdout().lock();
            match a.format {
                ReportFormat::Json => {
                    let findings: Vec<Value> = verdict
                        .findings
                        .iter()
                        .map(|f| json!({"rule": f.rule, "category": f.category.as_str(), "score": score(f.score), "span": [f.span.0, f.span.1], "message": f.message}))
                        .collect();
                    let mut v = json!({"verdict": verdict.action.as_str(), "findings": findings});
                    if let Some(r) = &verdict.redacted {
                        v["redacted"] = json!(r);
                    }
                    writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                }
                ReportFormat::Human => {
                    writeln!(out, "verdict: {}", verdict.action.as_str())?;
                    for f in &verdict.findings {
                        writeln!(
                            out,
                            "  {} {:<13} {:.2} chars {}..{}  {}",
                            f.rule,
                            f.category.as_str(),
                            f.score,
                            f.span.0,
                            f.span.1,
                            f.message
                        )?;
                    }
                    if let Some(r) = &verdict.redacted {
                        writeln!(out, "redacted: {r}")?;
                    }
                }
            }
            Ok(if verdict.action >= a.fail_on {
                ExitStatus::Findings
            } else {
                ExitStatus::Success
            })
        }
        GuardCommand::Scan(a) => {
            let (pipeline, policy) = pipeline(&a.setup)?;
            let opts = JsonlOptions {
                field: a.field.clone(),
                role_field: a.role_field.clone(),
                ..JsonlOptions::default()
            };
            let stdout = io::stdout();
            let out: Box<dyn Write> = match a.format {
                ReportFormat::Json => Box::new(stdout.lock()),
                ReportFormat::Human => Box::new(HumanLines::new(stdout.lock())),
            };
            // The error keeps its cause, so a closed stdout (`| head`) ends quietly.
            let summary = scan_jsonl(&pipeline, &policy, open_input(&a.jsonl)?, out, &opts)
                .map_err(anyhow::Error::new)
                .with_context(|| format!("scanning {}", a.jsonl.display()))?;
            p.note(format_args!(
                "{} lines: {} allow, {} flag, {} redact, {} block, {} unreadable",
                summary.lines,
                summary.verdicts[0],
                summary.verdicts[1],
                summary.verdicts[2],
                summary.verdicts[3],
                summary.errors
            ));
            if summary.lines > 0 && summary.missing_field == summary.lines {
                anyhow::bail!(
                    "{}: no line has the field {:?} (see --field)",
                    a.jsonl.display(),
                    a.field
                );
            }
            // a line that was not judged leaves the run incomplete: never "clean"
            Ok(if summary.errors > 0 {
                ExitStatus::Error
            } else if summary
                .verdicts
                .iter()
                .zip(rampart_core::Decision::ALL)
                .any(|(&n, d)| n > 0 && d >= a.fail_on)
            {
                ExitStatus::Findings
            } else {
                ExitStatus::Success
            })
        }
        GuardCommand::Eval(a) => {
            let (pipeline, policy) = pipeline(&a.setup)?;
            let fields = eval::Fields {
                text: &a.field,
                label: &a.label_field,
                source: &a.source_field,
                role: &a.role_field,
                values: a.values_field.as_deref(),
            };
            let eval = Evaluation::from_jsonl(&pipeline, &policy, open_input(&a.jsonl)?, &fields)
                .map_err(anyhow::Error::new)
                .with_context(|| a.jsonl.display().to_string())?;
            let mut out = io::stdout().lock();
            match a.format {
                ReportFormat::Json => {
                    let (flagged, benign) = eval.benign_flagged();
                    let (acted_on, _) = eval.benign_acted_on();
                    let report = json!({
                        "categories": eval.scores(),
                        "sources": eval.by_source(),
                        "worst": eval.worst(),
                        "benign": {"lines": benign, "flagged": flagged, "acted_on": acted_on},
                        "partly_hidden": eval.partly_hidden(),
                    });
                    serde_json::to_writer_pretty(&mut out, &report)?;
                    writeln!(out)?;
                }
                ReportFormat::Human => write_eval(&mut out, &eval)?,
            }
            Ok(ExitStatus::Success)
        }
    }
}

/// `guard eval`'s readable report: per category, per source, the worst sources.
fn write_eval(out: &mut impl Write, eval: &Evaluation) -> io::Result<()> {
    writeln!(
        out,
        "{:<14} {:>6} {:>9} {:>7} {:>7} {:>7}",
        "category", "n", "precision", "recall", "f1", "fpr"
    )?;
    for s in eval.scores() {
        writeln!(
            out,
            "{:<14} {:>6} {:>9.3} {:>7.3} {:>7.3} {:>7.3}",
            s.label,
            s.tp + s.fn_,
            s.precision,
            s.recall,
            s.f1,
            s.fpr
        )?;
    }
    let (flagged, benign) = eval.benign_flagged();
    let (acted_on, _) = eval.benign_acted_on();
    if benign > 0 {
        writeln!(
            out,
            "benign lines flagged: {flagged}/{benign} ({:.2}%) for the labels evaluated; acted on for any category: {acted_on}/{benign}",
            100.0 * flagged as f64 / benign as f64
        )?;
    }
    let partly = eval.partly_hidden();
    if partly > 0 {
        writeln!(
            out,
            "lines acted on with a value left in the text (counted as missed): {partly}"
        )?;
    }
    let sources = eval.by_source();
    let figure = |part: u64, whole: u64, rate: Option<f64>| {
        rate.map_or_else(|| "-".to_string(), |r| format!("{part}/{whole} {r:.3}"))
    };
    writeln!(out)?;
    writeln!(out, "{:<36} {:>18} {:>18}", "source", "recall", "fpr")?;
    for s in &sources {
        writeln!(
            out,
            "{:<36} {:>18} {:>18}",
            s.source,
            figure(s.caught, s.positives, s.recall),
            figure(s.flagged, s.benign, s.fpr)
        )?;
    }
    let worst = eval.worst();
    if let Some(s) = &worst.recall {
        writeln!(
            out,
            "worst recall: {} ({})",
            s.source,
            figure(s.caught, s.positives, s.recall)
        )?;
    }
    if let Some(s) = &worst.fpr {
        writeln!(
            out,
            "worst false-positive rate: {} ({})",
            s.source,
            figure(s.flagged, s.benign, s.fpr)
        )?;
    }
    Ok(())
}

/// `guard scan --format human`: turns each JSON result line into a readable one
/// (`line 3: redact  SEC007 secret 0.98 chars 10..42`), as the lines are written.
struct HumanLines<W: Write> {
    out: W,
    pending: Vec<u8>,
}

impl<W: Write> HumanLines<W> {
    fn new(out: W) -> Self {
        HumanLines {
            out,
            pending: Vec::new(),
        }
    }

    fn render(&mut self, line: &[u8]) -> io::Result<()> {
        let v: Value = serde_json::from_slice(line).map_err(io::Error::other)?;
        let n = v["index"].as_u64().map_or(0, |i| i + 1);
        if let Some(err) = v["error"].as_str() {
            return writeln!(self.out, "line {n}: NOT JUDGED  {err}");
        }
        let verdict = v["verdict"].as_str().unwrap_or("?");
        let findings: Vec<String> = v["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|f| {
                        format!(
                            "{} {} {} chars {}..{}",
                            f["rule"].as_str().unwrap_or("?"),
                            f["category"].as_str().unwrap_or("?"),
                            f["score"],
                            f["span"][0],
                            f["span"][1]
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if findings.is_empty() {
            writeln!(self.out, "line {n}: {verdict}")
        } else {
            writeln!(self.out, "line {n}: {verdict}  {}", findings.join("; "))
        }
    }
}

impl<W: Write> Write for HumanLines<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = line.get(..end).unwrap_or_default();
            if !line.is_empty() {
                self.render(line)?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
