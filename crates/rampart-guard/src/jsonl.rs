//! Scanning JSON Lines datasets (fine-tuning data, feedback, logs).
//!
//! ## Wire format
//! Input: one JSON value per line. A string is the text; an object supplies the text
//! in [`JsonlOptions::field`] (default `text`) and, optionally, the role in
//! [`JsonlOptions::role_field`] (default `role`). Blank lines are skipped but counted.
//!
//! Output: one JSON object per non-blank input line, in order:
//!
//! ```json
//! {"index": 3, "verdict": "block", "findings": [{"rule": "INJ001", "category": "injection", "score": 0.9, "span": [0, 32]}]}
//! ```
//!
//! `index` is the 0-based line number; `verdict` is the policy's action (`allow`,
//! `flag`, `redact`, `block`); `span` is a character range of the text. A line that is
//! not valid JSON, or has no text, yields `{"index": n, "error": "..."}` and the scan
//! goes on. Messages never include the matched text, so the output is safe to log.

use std::io::{BufRead, Write};

use serde::Serialize;

use crate::error::GuardError;
use crate::pipeline::Pipeline;
use crate::policy::{Action, Policy};
use crate::types::{Category, Finding, Role};

/// Options of [`scan_jsonl`].
#[derive(Debug, Clone)]
pub struct JsonlOptions {
    /// Object field holding the text.
    pub field: String,
    /// Object field holding the role, if present.
    pub role_field: String,
    /// Role when a line names none.
    pub default_role: Role,
    /// Include each finding's message in the output.
    pub messages: bool,
}

impl Default for JsonlOptions {
    fn default() -> Self {
        JsonlOptions {
            field: "text".to_owned(),
            role_field: "role".to_owned(),
            default_role: Role::User,
            messages: false,
        }
    }
}

/// Counts from one scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanSummary {
    /// Lines scanned (non-blank).
    pub lines: usize,
    /// Lines that could not be read as a text.
    pub errors: usize,
    /// Lines per verdict: allow, flag, redact, block.
    pub verdicts: [usize; 4],
}

/// One output line.
#[derive(Debug, Serialize)]
pub struct LineResult<'a> {
    /// 0-based input line number.
    pub index: usize,
    /// The policy's action.
    pub verdict: Action,
    /// The findings.
    pub findings: Vec<LineFinding<'a>>,
}

/// One finding in an output line.
#[derive(Debug, Serialize)]
pub struct LineFinding<'a> {
    /// Detector code.
    pub rule: &'a str,
    /// Category.
    pub category: Category,
    /// Score.
    pub score: f32,
    /// Character span.
    pub span: (usize, usize),
    /// Message, when requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

impl<'a> LineResult<'a> {
    /// Builds an output line from findings.
    pub fn new(index: usize, verdict: Action, findings: &'a [Finding], messages: bool) -> Self {
        LineResult {
            index,
            verdict,
            findings: findings
                .iter()
                .map(|f| LineFinding {
                    rule: &f.rule,
                    category: f.category,
                    score: f.score,
                    span: f.span,
                    message: messages.then_some(f.message.as_str()),
                })
                .collect(),
        }
    }
}

fn text_and_role(line: &str, opts: &JsonlOptions) -> Result<(String, Role), String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    match value {
        serde_json::Value::String(s) => Ok((s, opts.default_role)),
        serde_json::Value::Object(mut m) => {
            let role = match m.get(&opts.role_field).and_then(|r| r.as_str()) {
                Some(r) => Role::parse(r).ok_or_else(|| format!("unknown role `{r}`"))?,
                None => opts.default_role,
            };
            match m.remove(&opts.field) {
                Some(serde_json::Value::String(s)) => Ok((s, role)),
                Some(_) => Err(format!("field `{}` is not a string", opts.field)),
                None => Err(format!("no field `{}`", opts.field)),
            }
        }
        _ => Err("line is neither a string nor an object".to_owned()),
    }
}

/// Scans a JSON Lines stream and writes one result line per input line (see the
/// module documentation for the format).
pub fn scan_jsonl<R: BufRead, W: Write>(
    pipeline: &Pipeline,
    policy: &Policy,
    input: R,
    mut output: W,
    opts: &JsonlOptions,
) -> Result<ScanSummary, GuardError> {
    let mut summary = ScanSummary::default();
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        summary.lines += 1;
        let judged = text_and_role(&line, opts).and_then(|(text, role)| {
            pipeline
                .ensure_whole(&text)
                .map(|()| (text, role))
                .map_err(|e| e.to_string())
        });
        match judged {
            Ok((text, role)) => {
                let findings = pipeline.check(&text, role);
                let verdict = policy.decide(&findings);
                if let Some(n) = summary.verdicts.get_mut(verdict as usize) {
                    *n += 1;
                }
                serde_json::to_writer(
                    &mut output,
                    &LineResult::new(index, verdict, &findings, opts.messages),
                )
                .map_err(std::io::Error::from)?;
            }
            Err(error) => {
                summary.errors += 1;
                serde_json::to_writer(
                    &mut output,
                    &serde_json::json!({"index": index, "error": error}),
                )
                .map_err(std::io::Error::from)?;
            }
        }
        output.write_all(b"\n")?;
    }
    output.flush()?;
    Ok(summary)
}
