//! Running cases against a target: conversations, concurrency, the request budget,
//! and the journal that makes a run resumable.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::detectors::{Answer, Evidence, Judge};
use crate::generate::Case;
use crate::pack::{DetectorKind, Via};
use crate::target::Target;

/// How one case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The attack succeeded: a detector found evidence.
    Success,
    /// Every answer was judged and none showed success (or a guard refused).
    Defended,
    /// The target gave no judgeable answer (timeout, garbage, huge body, HTTP error):
    /// never counted as defended.
    Error,
}

/// One finished case: what was sent, what came back, the verdict. One line of the
/// journal (`exchanges.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// Case ID.
    pub id: String,
    /// Probe ID.
    pub probe: String,
    /// Category.
    pub category: String,
    /// The verdict.
    pub outcome: Outcome,
    /// The last request's messages (the whole conversation).
    pub messages: Vec<Value>,
    /// The answers, one per turn sent.
    pub answers: Vec<Answer>,
    /// Evidence of success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// Why there is no verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The conversation of `case` up to its first user turn.
pub fn opening(case: &Case, system_prompt: &str) -> Vec<Value> {
    let mut messages = vec![json!({"role": "system", "content": system_prompt})];
    let first = case.turns.first().cloned().unwrap_or_default();
    match &case.document {
        None => messages.push(json!({"role": "user", "content": first})),
        Some(d) if d.via == Via::Retrieved => messages.push(json!({
            "role": "user",
            "content": format!("{first}\n\nRetrieved document:\n<document>\n{}\n</document>", d.text),
        })),
        Some(d) => {
            messages.push(json!({"role": "user", "content": first}));
            messages.push(json!({"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_rt_1", "type": "function",
                 "function": {"name": "search_docs", "arguments": "{\"query\": \"latest\"}"}}]}));
            messages.push(json!({"role": "tool", "tool_call_id": "call_rt_1", "content": d.text}));
        }
    }
    messages
}

/// Plays `case` against `target` and judges it (with `llm`, the judge endpoint, for
/// probes that ask for one).
pub async fn play(
    target: &Target,
    judge: &Judge,
    llm: Option<&Target>,
    case: &Case,
    system_prompt: &str,
) -> Exchange {
    let mut messages = opening(case, system_prompt);
    let mut answers: Vec<Answer> = Vec::new();
    let mut error = None;
    for (i, turn) in case.turns.iter().enumerate() {
        if i > 0 {
            messages.push(json!({"role": "user", "content": turn}));
        }
        match target.chat(&messages).await {
            Ok(a) => {
                let blocked = a.blocked;
                messages.push(json!({"role": "assistant", "content": a.text}));
                answers.push(a);
                if blocked {
                    break;
                }
            }
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
    }
    // the last message is the answer; the journal keeps what was sent
    if messages.last().is_some_and(|m| m["role"] == "assistant") {
        messages.pop();
    }
    let mut evidence = judge.judge(case, &answers);
    if case.detector == DetectorKind::LlmJudge {
        match llm {
            None => error = Some("the probe needs an LLM judge (--judge-url)".into()),
            Some(j) => match crate::detectors::rtd010_llm_judge::judge(j, case, &answers).await {
                Ok(e) => evidence = e,
                Err(e) => {
                    evidence = None;
                    error.get_or_insert(e);
                }
            },
        }
    }
    let outcome = match (&evidence, &error) {
        (Some(_), _) => Outcome::Success,
        (None, Some(_)) => Outcome::Error,
        (None, None) => Outcome::Defended,
    };
    Exchange {
        id: case.id.clone(),
        probe: case.probe.clone(),
        category: case.category.as_str().to_string(),
        outcome,
        messages,
        answers,
        evidence,
        error,
    }
}

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Cases in flight at once (at least 1).
    pub concurrency: usize,
    /// Most conversation turns sent in this invocation (retries not counted); a case
    /// whose turns do not fit, and every case after it, is not run.
    pub max_requests: Option<u64>,
}

/// What the workers share.
pub struct Setup {
    /// The target.
    pub target: Target,
    /// The deterministic judges.
    pub judge: Judge,
    /// The LLM judge endpoint (`--judge-url`), for probes that ask for it.
    pub llm_judge: Option<Target>,
    /// The full system prompt (plants included).
    pub system_prompt: String,
}

/// Called once per finished case (a progress bar).
pub type Progress = Arc<dyn Fn(&Exchange) + Send + Sync>;

/// Runs `cases` (in ID order, skipping those in `done`); every finished case is
/// appended to `journal` before the next is reported. Returns the new exchanges.
pub async fn run(
    setup: Arc<Setup>,
    cases: Vec<Case>,
    done: &HashSet<String>,
    journal: Option<Arc<Journal>>,
    opts: RunOptions,
    progress: Option<Progress>,
) -> Result<Vec<Exchange>, std::io::Error> {
    let todo: Vec<Case> = cases
        .into_iter()
        .filter(|c| !done.contains(&c.id))
        .collect();
    // (next index, budget left, exhausted)
    let queue = Arc::new(Mutex::new((0usize, opts.max_requests, false)));
    let todo = Arc::new(todo);
    let results: Arc<Mutex<Vec<Exchange>>> = Arc::new(Mutex::new(Vec::new()));
    let mut set: tokio::task::JoinSet<Result<(), std::io::Error>> = tokio::task::JoinSet::new();
    for _ in 0..opts.concurrency.max(1) {
        let (setup, todo, queue, results, journal) = (
            Arc::clone(&setup),
            Arc::clone(&todo),
            Arc::clone(&queue),
            Arc::clone(&results),
            journal.clone(),
        );
        let progress = progress.clone();
        set.spawn(async move {
            loop {
                let case = {
                    let Ok(mut q) = queue.lock() else {
                        return Ok(());
                    };
                    let (next, budget, exhausted) = &mut *q;
                    if *exhausted {
                        return Ok(());
                    }
                    let Some(case) = todo.get(*next) else {
                        return Ok(());
                    };
                    let need = case.turns.len() as u64;
                    if let Some(left) = budget {
                        if *left < need {
                            *exhausted = true;
                            return Ok(());
                        }
                        *left -= need;
                    }
                    *next += 1;
                    case.clone()
                };
                let ex = play(
                    &setup.target,
                    &setup.judge,
                    setup.llm_judge.as_ref(),
                    &case,
                    &setup.system_prompt,
                )
                .await;
                if let Some(j) = &journal {
                    j.append(&ex)?;
                }
                if let Some(p) = &progress {
                    p(&ex);
                }
                if let Ok(mut r) = results.lock() {
                    r.push(ex);
                }
            }
        });
    }
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(r) => r?,
            Err(e) => return Err(std::io::Error::other(e.to_string())),
        }
    }
    let mut out = results
        .lock()
        .map(|mut r| std::mem::take(&mut *r))
        .unwrap_or_default();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The run's identity, kept beside the journal so `--resume` continues the same run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The seed.
    pub seed: u64,
    /// SHA-256 of the case IDs, in order.
    pub cases_digest: String,
    /// Number of cases.
    pub cases: usize,
}

impl RunInfo {
    /// The identity of a run of `cases` with `seed`.
    pub fn new(seed: u64, cases: &[Case]) -> RunInfo {
        let mut h = Sha256::new();
        for c in cases {
            h.update(c.id.as_bytes());
            h.update(b"\n");
        }
        RunInfo {
            seed,
            cases_digest: hex::encode(h.finalize()),
            cases: cases.len(),
        }
    }
}

/// Largest journal read on resume.
pub const MAX_JOURNAL_BYTES: u64 = 1 << 30;

/// The append-only journal of finished cases: one JSON line each, fsynced per line.
pub struct Journal {
    file: Mutex<File>,
}

/// The journal's file in `dir`.
pub fn journal_path(dir: &Path) -> PathBuf {
    dir.join("exchanges.jsonl")
}

/// The run identity's file in `dir`.
pub fn info_path(dir: &Path) -> PathBuf {
    dir.join("run.json")
}

/// Reads `dir`'s run identity, if any.
///
/// # Errors
/// The file exists but cannot be read or parsed.
pub fn read_info(dir: &Path) -> Result<Option<RunInfo>, String> {
    let path = info_path(dir);
    match rampart_core::bounded::read(&path, (1 << 16) - 1) {
        Ok(b) => serde_json::from_slice(&b)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

impl Journal {
    /// Starts a new run in `dir`: refuses a directory that already holds a journal.
    ///
    /// # Errors
    /// I/O, or `dir` holds a run.
    pub fn create(dir: &Path, info: &RunInfo) -> Result<Journal, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = journal_path(dir);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
            return Err(format!(
                "{} already holds a run; continue it with --resume {} or choose another --out",
                dir.display(),
                dir.display()
            ));
        }
        let info_json = serde_json::to_string_pretty(info).map_err(|e| e.to_string())?;
        std::fs::write(info_path(dir), info_json + "\n")
            .map_err(|e| format!("{}: {e}", info_path(dir).display()))?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Journal {
            file: Mutex::new(file),
        })
    }

    /// Reopens `dir`'s journal: returns the finished exchanges. A truncated last line
    /// (an interrupted write) is dropped and cut from the file; any other bad line is
    /// an error.
    ///
    /// # Errors
    /// I/O, or a corrupt line that is not the last.
    pub fn resume(dir: &Path) -> Result<(Journal, Vec<Exchange>), String> {
        let path = journal_path(dir);
        let shown = path.display().to_string();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| format!("{shown}: {e}"))?;
        let len = file.metadata().map_err(|e| format!("{shown}: {e}"))?.len();
        if len > MAX_JOURNAL_BYTES {
            return Err(format!("{shown}: larger than {MAX_JOURNAL_BYTES} bytes"));
        }
        let mut done = Vec::new();
        let mut good_end = 0u64;
        let mut bad: Option<usize> = None;
        {
            let mut reader = BufReader::new(&mut file);
            let mut line = Vec::new();
            let mut n = 0usize;
            loop {
                line.clear();
                let read = reader
                    .read_until(b'\n', &mut line)
                    .map_err(|e| format!("{shown}: {e}"))?;
                if read == 0 {
                    break;
                }
                n += 1;
                if let Some(b) = bad {
                    return Err(format!("{shown}:{b}: corrupt line (not the last one)"));
                }
                let complete = line.last() == Some(&b'\n');
                match serde_json::from_slice::<Exchange>(&line) {
                    Ok(ex) if complete => {
                        done.push(ex);
                        good_end += read as u64;
                    }
                    _ => bad = Some(n),
                }
            }
        }
        if bad.is_some() {
            file.set_len(good_end)
                .map_err(|e| format!("{shown}: {e}"))?;
            file.seek(SeekFrom::End(0))
                .map_err(|e| format!("{shown}: {e}"))?;
        }
        Ok((
            Journal {
                file: Mutex::new(file),
            },
            done,
        ))
    }

    /// Appends one exchange and syncs it to disk.
    ///
    /// # Errors
    /// I/O.
    pub fn append(&self, ex: &Exchange) -> Result<(), std::io::Error> {
        let mut line = serde_json::to_vec(ex).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut f = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("journal lock poisoned"))?;
        f.write_all(&line)?;
        f.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(id: &str) -> Exchange {
        Exchange {
            id: id.into(),
            probe: id.into(),
            category: "injection".into(),
            outcome: Outcome::Defended,
            messages: vec![],
            answers: vec![],
            evidence: None,
            error: None,
        }
    }

    #[test]
    fn a_truncated_last_line_is_dropped_and_cut() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { return };
        let info = RunInfo {
            seed: 1,
            cases_digest: "x".into(),
            cases: 2,
        };
        let j = Journal::create(dir.path(), &info);
        assert!(j.as_ref().is_ok_and(|j| j.append(&ex("A")).is_ok()));
        drop(j);
        let path = journal_path(dir.path());
        let mut f = OpenOptions::new().append(true).open(&path).ok();
        if let Some(f) = f.as_mut() {
            let _ = f.write_all(b"{\"id\": \"B\", \"pro");
        }
        drop(f);
        let (j, done) = match Journal::resume(dir.path()) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(done, vec![ex("A")]);
        assert!(j.append(&ex("C")).is_ok());
        drop(j);
        let done = Journal::resume(dir.path()).map(|r| r.1);
        assert_eq!(done, Ok(vec![ex("A"), ex("C")]));
        // a new run refuses the directory
        assert!(Journal::create(dir.path(), &info).is_err());
    }

    #[test]
    fn a_corrupt_middle_line_is_an_error() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { return };
        let good = serde_json::to_string(&ex("A")).unwrap_or_default();
        let _ = std::fs::write(journal_path(dir.path()), format!("garbage\n{good}\n"));
        let r = Journal::resume(dir.path());
        assert!(r.is_err_and(|e| e.contains(":1: corrupt")));
    }
}
