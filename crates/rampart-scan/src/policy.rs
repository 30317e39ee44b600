//! A team's scan policy (SD-3, DV-4): paths left out (`--exclude`), and a baseline of
//! accepted findings, each with a reason, an owner and an expiry date. The names a team
//! allows in pickles (`--allow`) are judged with the allow-list
//! ([`crate::formats::pickle::judge_with`]).
//!
//! # Baseline file
//!
//! TOML (or JSON when the file name ends in `.json`, same structure):
//!
//! ```toml
//! [[accept]]
//! path = "models/legacy.pkl"   # the path as reported, or a glob; or:
//! sha256 = "…"                 # the file's SHA-256 (either or both)
//! rule = "PKL003"
//! item = "myapp.models.Net"    # optional: only findings about this item
//! reason = "our own class, reviewed in SEC-123"
//! owner = "ml-platform@example.com"
//! expires = "2027-06-30"
//! ```
//!
//! A finding that an entry matches is moved to the file's `accepted` list: reported,
//! never counted for the verdict or the exit status. After `expires` the entry no
//! longer accepts it: the finding is counted again and its message says the acceptance
//! expired. An entry without `rule`, `reason`, `owner`, `expires` (a `YYYY-MM-DD` date)
//! or without `path`/`sha256` is an error naming the file and the entry.

use std::collections::HashMap;
use std::path::Path;

use rampart_core::{Acceptance, Finding, Report};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Longest glob pattern accepted.
const MAX_PATTERN: usize = 1024;
/// Largest baseline file read.
const MAX_BASELINE_BYTES: u64 = 4 << 20;

/// Why a policy could not be used (the user's file or argument is at fault).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The baseline file could not be read.
    #[error("cannot read baseline {path}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The baseline file is not valid TOML/JSON of the expected shape.
    #[error("baseline {path} is invalid: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An entry lacks a required field or has an invalid one.
    #[error("baseline {path}, entry {entry}{what}: {message}")]
    Entry {
        /// The file.
        path: String,
        /// 1-based index of the entry.
        entry: usize,
        /// ` (rule X, path Y)` when known.
        what: String,
        /// What is wrong.
        message: String,
    },
    /// An exclude pattern is unusable.
    #[error("exclude pattern {pattern:?}: {message}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// What is wrong.
        message: String,
    },
}

/// A glob over `/`-separated paths: `*` and `?` within a segment, `**` across segments.
/// A pattern without `/` matches a name at any depth.
#[derive(Debug, Clone)]
pub struct Glob {
    text: String,
    segments: Vec<String>,
    anywhere: bool,
}

impl Glob {
    /// Parses a pattern.
    pub fn new(pattern: &str) -> Result<Glob, PolicyError> {
        let bad = |message: &str| PolicyError::Pattern {
            pattern: pattern.to_string(),
            message: message.to_string(),
        };
        if pattern.is_empty() {
            return Err(bad("empty"));
        }
        if pattern.len() > MAX_PATTERN {
            return Err(bad("longer than 1024 bytes"));
        }
        let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
        let anywhere = !trimmed.contains('/');
        let segments = trimmed
            .trim_start_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>();
        if segments.is_empty() {
            return Err(bad("matches nothing"));
        }
        Ok(Glob {
            text: pattern.to_string(),
            segments,
            anywhere,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the pattern matches `path` (relative, `/`-separated).
    pub fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = path
            .trim_start_matches("./")
            .split(['/', '\\'])
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        if self.anywhere {
            let Some(seg) = self.segments.first() else {
                return false;
            };
            return parts.iter().any(|p| segment_matches(seg, p));
        }
        let pattern: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        path_matches(&pattern, &parts)
    }
}

/// Segment-by-segment match with `**` spanning any number of segments (iterative, so a
/// pattern of many `**` cannot recurse deeply: dynamic programming over positions).
fn path_matches(pattern: &[&str], parts: &[&str]) -> bool {
    // reach[j]: the first i pattern segments can match the first j path segments.
    let mut reach = vec![false; parts.len() + 1];
    reach[0] = true;
    for seg in pattern {
        let mut next = vec![false; parts.len() + 1];
        if *seg == "**" {
            let mut any = false;
            for j in 0..=parts.len() {
                any |= reach.get(j).copied().unwrap_or(false);
                if let Some(slot) = next.get_mut(j) {
                    *slot = any;
                }
            }
        } else {
            for j in 0..parts.len() {
                if reach.get(j).copied().unwrap_or(false)
                    && parts.get(j).is_some_and(|p| segment_matches(seg, p))
                {
                    if let Some(slot) = next.get_mut(j + 1) {
                        *slot = true;
                    }
                }
            }
        }
        reach = next;
    }
    reach.last().copied().unwrap_or(false)
}

/// `*` (any run) and `?` (one character) within one segment, without backtracking
/// blow-up (the classic two-pointer wildcard match).
fn segment_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    #[serde(default)]
    accept: Vec<RawEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    path: Option<String>,
    sha256: Option<String>,
    rule: Option<String>,
    item: Option<String>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<String>,
}

/// One accepted finding.
#[derive(Debug, Clone)]
pub struct BaselineEntry {
    path: Option<Glob>,
    sha256: Option<String>,
    rule: String,
    item: Option<String>,
    reason: String,
    owner: String,
    expires: String,
    expires_on: (i32, u32, u32),
}

/// A baseline file of accepted findings.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The file, as named.
    pub path: String,
    entries: Vec<BaselineEntry>,
}

impl Baseline {
    /// Reads and validates a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, PolicyError> {
        let name = path.display().to_string();
        let read_err = |source| PolicyError::Read {
            path: name.clone(),
            source,
        };
        let text = match rampart_core::bounded::read_to_string(path, MAX_BASELINE_BYTES) {
            Ok(text) => text,
            Err(rampart_core::bounded::BoundedReadError::TooLarge { .. }) => {
                return Err(PolicyError::Parse {
                    path: name,
                    message: format!("larger than {MAX_BASELINE_BYTES} bytes"),
                })
            }
            Err(rampart_core::bounded::BoundedReadError::Io { source, .. }) => {
                return Err(read_err(source))
            }
        };
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        Self::parse(&text, &name, json)
    }

    /// Parses and validates baseline text (`json` selects JSON, else TOML).
    pub fn parse(text: &str, name: &str, json: bool) -> Result<Baseline, PolicyError> {
        let parsed: Result<BaselineFile, String> = if json {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else {
            toml::from_str(text).map_err(|e| e.to_string())
        };
        let file = parsed.map_err(|message| PolicyError::Parse {
            path: name.to_string(),
            message,
        })?;
        let mut entries = Vec::with_capacity(file.accept.len());
        for (n, raw) in file.accept.into_iter().enumerate() {
            entries.push(validate(raw, name, n + 1)?);
        }
        Ok(Baseline {
            path: name.to_string(),
            entries,
        })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the baseline accepts nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn validate(raw: RawEntry, file: &str, entry: usize) -> Result<BaselineEntry, PolicyError> {
    let what = match (&raw.rule, &raw.path) {
        (Some(r), Some(p)) => format!(" (rule {r}, path {p})"),
        (Some(r), None) => format!(" (rule {r})"),
        (None, Some(p)) => format!(" (path {p})"),
        (None, None) => String::new(),
    };
    let err = |message: String| PolicyError::Entry {
        path: file.to_string(),
        entry,
        what: what.clone(),
        message,
    };
    let required = |v: Option<String>, field: &str| {
        v.filter(|s| !s.trim().is_empty())
            .ok_or_else(|| err(format!("`{field}` is required")))
    };
    let rule = required(raw.rule, "rule")?;
    let reason = required(raw.reason, "reason")?;
    let owner = required(raw.owner, "owner")?;
    let expires = required(raw.expires, "expires")?;
    let expires_on = rampart_core::system::parse_date(&expires)
        .ok_or_else(|| err(format!("`expires` {expires:?} is not a YYYY-MM-DD date")))?;
    if raw.path.is_none() && raw.sha256.is_none() {
        return Err(err("`path` or `sha256` is required".into()));
    }
    let sha256 = match raw.sha256 {
        Some(d) => {
            let d = d.trim().to_ascii_lowercase();
            if d.len() != 64 || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err("`sha256` is not 64 hexadecimal digits".into()));
            }
            Some(d)
        }
        None => None,
    };
    let path = raw
        .path
        .map(|p| Glob::new(&p))
        .transpose()
        .map_err(|e| err(e.to_string()))?;
    Ok(BaselineEntry {
        path,
        sha256,
        rule,
        item: raw.item,
        reason,
        owner,
        expires,
        expires_on,
    })
}

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct BaselineOutcome {
    /// Findings accepted.
    pub accepted: usize,
    /// Findings whose acceptance expired (counted again).
    pub expired: usize,
    /// 1-based indices of entries that matched no finding (stale acceptances).
    pub unused: Vec<usize>,
}

/// Applies `baseline` to a finished report as of `today`: matching findings move to
/// each file's `accepted` list; findings matched only by expired entries stay, with
/// their message saying so. The summary is recounted.
pub fn apply_baseline(
    report: &mut Report,
    baseline: &Baseline,
    today: (i32, u32, u32),
) -> BaselineOutcome {
    let mut outcome = BaselineOutcome::default();
    let mut used = vec![false; baseline.entries.len()];
    let needs_digest = baseline.entries.iter().any(|e| e.sha256.is_some());
    let mut digests: HashMap<String, Option<String>> = HashMap::new();
    for file in &mut report.files {
        if file.findings.is_empty() {
            continue;
        }
        let digest = if needs_digest {
            let read = file.target.clone().unwrap_or_else(|| file.path.clone());
            digests
                .entry(read.clone())
                .or_insert_with(|| sha256_file(Path::new(&read)))
                .clone()
        } else {
            None
        };
        let path = file.path.clone();
        let mut decisions = Vec::with_capacity(file.findings.len());
        for finding in &file.findings {
            let mut decision = Decision::Keep;
            for (n, entry) in baseline.entries.iter().enumerate() {
                if !entry_matches(entry, finding, &path, digest.as_deref()) {
                    continue;
                }
                if let Some(flag) = used.get_mut(n) {
                    *flag = true;
                }
                if entry.expires_on >= today {
                    decision = Decision::Accept(Acceptance {
                        reason: entry.reason.clone(),
                        owner: entry.owner.clone(),
                        expires: entry.expires.clone(),
                        baseline: baseline.path.clone(),
                    });
                    break;
                }
                if matches!(decision, Decision::Keep) {
                    decision = Decision::Expired(format!(
                        " [accepted in {} by {} until {} ({}); that acceptance expired, so this is a finding again]",
                        baseline.path, entry.owner, entry.expires, entry.reason
                    ));
                }
            }
            decisions.push(decision);
        }
        for (finding, decision) in file.findings.iter_mut().zip(&decisions) {
            if let Decision::Expired(note) = decision {
                finding.message.push_str(note);
                outcome.expired += 1;
            }
        }
        // `accept` visits the findings in order, as `decisions` was built.
        let mut decisions = decisions.into_iter();
        file.accept(|_| match decisions.next() {
            Some(Decision::Accept(a)) => Some(a),
            _ => None,
        });
        outcome.accepted += file.accepted.len();
    }
    outcome.unused = used
        .iter()
        .enumerate()
        .filter(|(_, u)| !**u)
        .map(|(n, _)| n + 1)
        .collect();
    let files = std::mem::take(&mut report.files);
    *report = Report::new(report.command, report.tool.version, files);
    outcome
}

/// What the baseline says about one finding.
enum Decision {
    Keep,
    Accept(Acceptance),
    Expired(String),
}

fn entry_matches(entry: &BaselineEntry, f: &Finding, path: &str, digest: Option<&str>) -> bool {
    if entry.rule != f.rule {
        return false;
    }
    if let Some(item) = &entry.item {
        if f.location.item.as_deref() != Some(item.as_str()) {
            return false;
        }
    }
    let path_ok = entry.path.as_ref().is_none_or(|g| {
        g.matches(path) || g.as_str().trim_start_matches("./") == path.trim_start_matches("./")
    });
    let digest_ok = entry
        .sha256
        .as_deref()
        .is_none_or(|want| digest == Some(want));
    path_ok && digest_ok
}

fn sha256_file(path: &Path) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).ok()?;
    Some(
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let g = |p: &str| Glob::new(p).map_err(|e| e.to_string());
        assert!(g("*.pkl").is_ok_and(|g| g.matches("models/a/b.pkl")));
        assert!(g(".git").is_ok_and(|g| g.matches("repo/.git/objects/x")));
        assert!(g("models/**/*.bin").is_ok_and(|g| g.matches("models/a/b/c.bin")));
        assert!(g("models/**/*.bin").is_ok_and(|g| g.matches("models/c.bin")));
        assert!(g("models/*.bin").is_ok_and(|g| !g.matches("models/a/c.bin")));
        assert!(g("a?c").is_ok_and(|g| g.matches("x/abc")));
        assert!(g("").is_err());
        assert!(g("/").is_err());
        // many stars: linear work, no blow-up
        let long = "*a".repeat(200);
        assert!(g(&long).is_ok_and(|g| !g.matches(&"a".repeat(150))));
    }

    #[test]
    fn entries_need_reason_owner_and_expiry() {
        let ok = "[[accept]]\npath = \"m.pkl\"\nrule = \"PKL003\"\nreason = \"ours\"\nowner = \"ml\"\nexpires = \"2030-01-01\"\n";
        assert_eq!(
            Baseline::parse(ok, "b.toml", false).map(|b| b.len()).ok(),
            Some(1)
        );
        for (field, line) in [
            ("reason", "reason = \"ours\"\n"),
            ("owner", "owner = \"ml\"\n"),
            ("expires", "expires = \"2030-01-01\"\n"),
        ] {
            let text = ok.replace(line, "");
            let err = Baseline::parse(&text, "b.toml", false)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                err.contains("entry 1") && err.contains(field) && err.contains("b.toml"),
                "{err}"
            );
        }
        let bad_date = ok.replace("2030-01-01", "soon");
        assert!(Baseline::parse(&bad_date, "b.toml", false).is_err());
        let json = r#"{"accept": [{"sha256": "00", "rule": "PKL001", "reason": "r", "owner": "o", "expires": "2030-01-01"}]}"#;
        assert!(Baseline::parse(json, "b.json", true).is_err());
    }
}
