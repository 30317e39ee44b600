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
    /// Lines (counted in `errors` too) that are JSON objects without the text field: when
    /// it is every line, the `--field` given is probably wrong.
    pub missing_field: usize,
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

/// Reads one line (without its `\n`) into `buf`, keeping at most `max` bytes: `None` at
/// the end of input, `Some(false)` when the line was longer (the rest of it is read
/// and dropped), `Some(true)` otherwise.
pub(crate) fn read_line_bounded<R: BufRead>(
    input: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut complete = true;
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(complete));
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if complete {
            if buf.len() + take > max {
                complete = false;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        input.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Some(complete));
        }
    }
}

/// Scans a JSON Lines stream and writes one result line per input line (see the
/// module documentation for the format). Lines are read bounded: one too long to hold
/// a text the pipeline judges whole, or not UTF-8, is an error line, never skipped
/// silently.
pub fn scan_jsonl<R: BufRead, W: Write>(
    pipeline: &Pipeline,
    policy: &Policy,
    input: R,
    mut output: W,
    opts: &JsonlOptions,
) -> Result<ScanSummary, GuardError> {
    let mut summary = ScanSummary::default();
    let mut input = input;
    // A text may be JSON-escaped up to six bytes per byte; a line longer than that
    // could not hold a text the pipeline judges whole, so it is not read into memory.
    let max_line = pipeline
        .max_text_bytes()
        .saturating_mul(6)
        .saturating_add(64 << 10);
    let mut buf = Vec::new();
    for index in 0.. {
        let Some(complete) = read_line_bounded(&mut input, &mut buf, max_line)? else {
            break;
        };
        let line = if complete {
            std::str::from_utf8(&buf).map_err(|_| "line is not UTF-8".to_owned())
        } else {
            Err(format!("line longer than {max_line} bytes: not judged"))
        };
        if line.as_ref().is_ok_and(|l| l.trim().is_empty()) {
            continue;
        }
        let line = line.map(str::trim_end);
        summary.lines += 1;
        let judged = line
            .and_then(|l| text_and_role(l, opts))
            .and_then(|(text, role)| {
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
                if error.starts_with("no field") {
                    summary.missing_field += 1;
                }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::pipeline::PipelineConfig;

    fn scan(input: &[u8]) -> (ScanSummary, Vec<serde_json::Value>) {
        let pipeline = Pipeline::new(PipelineConfig {
            max_scan_bytes: 1000,
            ..PipelineConfig::default()
        })
        .unwrap();
        let mut out = Vec::new();
        let summary = scan_jsonl(
            &pipeline,
            &Policy::default(),
            input,
            &mut out,
            &JsonlOptions::default(),
        )
        .unwrap();
        let lines = out
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        (summary, lines)
    }

    /// A line too long to hold a judged text is an error line (not read into memory,
    /// never "allow"), and the lines after it are still judged.
    #[test]
    fn an_overlong_line_is_an_error_and_the_scan_goes_on() {
        let long = format!("{{\"text\":\"{}\"}}\n", "a".repeat(200_000));
        let input = format!("{{\"text\":\"hi\"}}\n{long}{{\"text\":\"there\"}}\n");
        let (summary, lines) = scan(input.as_bytes());
        assert_eq!(summary.lines, 3);
        assert_eq!(summary.errors, 1);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["verdict"], "allow");
        assert!(lines[1]["error"].as_str().unwrap().contains("longer than"));
        assert_eq!(lines[1]["index"], 1);
        assert_eq!(lines[2]["verdict"], "allow");
        assert_eq!(lines[2]["index"], 2);
    }

    /// A line that is not UTF-8 is an error line; CRLF endings and a last line
    /// without a newline are read as usual.
    #[test]
    fn bad_bytes_and_line_endings() {
        let mut input = b"{\"text\":\"hi\"}\r\n".to_vec();
        input.extend_from_slice(b"{\"text\":\"\xff\xfe\"}\n");
        input.extend_from_slice(b"\n{\"text\":\"end\"}");
        let (summary, lines) = scan(&input);
        assert_eq!(summary.lines, 3);
        assert_eq!(summary.errors, 1);
        assert_eq!(lines[0]["verdict"], "allow");
        assert!(lines[1]["error"].as_str().unwrap().contains("UTF-8"));
        assert_eq!(lines[2]["index"], 3);
        assert_eq!(lines[2]["verdict"], "allow");
    }

    /// A text just over the judged window is refused by length, not cut.
    #[test]
    fn a_text_over_the_window_is_not_judged() {
        let input = format!("{{\"text\":\"{}\"}}\n", "b".repeat(1001));
        let (summary, lines) = scan(input.as_bytes());
        assert_eq!(summary.errors, 1);
        assert!(lines[0].get("verdict").is_none());
    }
}
