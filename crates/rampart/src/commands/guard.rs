//! `rampart guard check | scan | eval`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};

use anyhow::{anyhow, Context, Result};
use rampart_core::system::SystemDescription;
use rampart_guard::{
    scan_jsonl, Action, JsonlOptions, OnnxConfig, Pipeline, PipelineConfig, Policy, Role,
};
use serde_json::{json, Value};

use crate::cli::{GuardCommand, GuardSetupArgs, ReportFormat};
use crate::ExitStatus;

fn pipeline(setup: &GuardSetupArgs) -> Result<(Pipeline, Policy)> {
    let mut cfg = PipelineConfig {
        onnx: setup.onnx_model.as_ref().map(|m| OnnxConfig {
            threshold: setup.onnx_threshold,
            ..OnnxConfig::new(m)
        }),
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

pub fn run(cmd: &GuardCommand) -> Result<ExitStatus> {
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
            Ok(match verdict.action {
                Action::Block => ExitStatus::Findings,
                _ => ExitStatus::Success,
            })
        }
        GuardCommand::Scan(a) => {
            let (pipeline, policy) = pipeline(&a.setup)?;
            let opts = JsonlOptions {
                field: a.field.clone(),
                ..JsonlOptions::default()
            };
            let stdout = io::stdout();
            // The error keeps its cause, so a closed stdout (`| head`) ends quietly.
            let summary = scan_jsonl(
                &pipeline,
                &policy,
                open_input(&a.jsonl)?,
                stdout.lock(),
                &opts,
            )
            .map_err(anyhow::Error::new)
            .with_context(|| format!("scanning {}", a.jsonl.display()))?;
            eprintln!(
                "{} lines: {} allow, {} flag, {} redact, {} block, {} unreadable",
                summary.lines,
                summary.verdicts[0],
                summary.verdicts[1],
                summary.verdicts[2],
                summary.verdicts[3],
                summary.errors
            );
            // a line that was not judged leaves the run incomplete: never "clean"
            Ok(if summary.errors > 0 {
                ExitStatus::Error
            } else if summary.verdicts[3] > 0 {
                ExitStatus::Findings
            } else {
                ExitStatus::Success
            })
        }
        GuardCommand::Eval(a) => {
            let (pipeline, policy) = pipeline(&a.setup)?;
            // label -> (tp, fn); category -> fp over lines whose label is another.
            let mut labels: BTreeSet<String> = BTreeSet::new();
            let mut rows: Vec<(String, BTreeSet<String>)> = Vec::new();
            for (n, line) in open_input(&a.jsonl)?.lines().enumerate() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let v: Value = serde_json::from_str(&line)
                    .with_context(|| format!("line {}: not JSON", n + 1))?;
                let text = v[&a.field]
                    .as_str()
                    .ok_or_else(|| anyhow!("line {}: no {:?} field", n + 1, a.field))?;
                let label = v[&a.label_field]
                    .as_str()
                    .ok_or_else(|| anyhow!("line {}: no {:?} label", n + 1, a.label_field))?
                    .to_lowercase();
                pipeline
                    .ensure_whole(text)
                    .with_context(|| format!("line {}", n + 1))?;
                let predicted: BTreeSet<String> = pipeline
                    .check(text, Role::User)
                    .iter()
                    .filter(|f| policy.counts(f) && policy.action_for(f) != Action::Allow)
                    .map(|f| f.category.as_str().to_string())
                    .collect();
                if label != "benign" {
                    labels.insert(label.clone());
                }
                rows.push((label, predicted));
            }
            let hit = |label: &str, predicted: &BTreeSet<String>| match label {
                "attack" => predicted.contains("injection") || predicted.contains("jailbreak"),
                l => predicted.contains(l),
            };
            let mut out = io::stdout().lock();
            writeln!(
                out,
                "{:<14} {:>6} {:>9} {:>7} {:>7} {:>7}",
                "category", "n", "precision", "recall", "f1", "fpr"
            )?;
            let mut table = BTreeMap::new();
            for label in &labels {
                let (mut tp, mut fnn, mut fp, mut tn) = (0u64, 0u64, 0u64, 0u64);
                for (l, p) in &rows {
                    match (l == label, hit(label, p)) {
                        (true, true) => tp += 1,
                        (true, false) => fnn += 1,
                        (false, true) => fp += 1,
                        (false, false) => tn += 1,
                    }
                }
                let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
                let precision = ratio(tp, tp + fp);
                let recall = ratio(tp, tp + fnn);
                let f1 = if precision + recall > 0.0 {
                    2.0 * precision * recall / (precision + recall)
                } else {
                    0.0
                };
                let fpr = ratio(fp, fp + tn);
                writeln!(
                    out,
                    "{label:<14} {:>6} {precision:>9.3} {recall:>7.3} {f1:>7.3} {fpr:>7.3}",
                    tp + fnn
                )?;
                table.insert(label.clone(), (precision, recall, f1, fpr));
            }
            let benign: Vec<&BTreeSet<String>> = rows
                .iter()
                .filter(|(l, _)| l == "benign")
                .map(|(_, p)| p)
                .collect();
            if !benign.is_empty() {
                let flagged = benign.iter().filter(|p| !p.is_empty()).count();
                writeln!(
                    out,
                    "benign lines flagged: {flagged}/{} ({:.2}%)",
                    benign.len(),
                    100.0 * flagged as f64 / benign.len() as f64
                )?;
            }
            Ok(ExitStatus::Success)
        }
    }
}
