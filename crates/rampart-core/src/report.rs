//! The report every command produces: serde data, rendered by the CLI.
//!
//! # JSON wire format (schema version 1)
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "tool": {"name": "rampart", "version": "0.1.0"},
//!   "command": "scan",
//!   "files": [
//!     {
//!       "path": "models/adapter.bin",
//!       "format": "pytorch-zip",
//!       "size": 1234,
//!       "verdict": "malicious",
//!       "findings": [
//!         {
//!           "rule": "PKL001",
//!           "name": "dangerous-global",
//!           "severity": "critical",
//!           "message": "pickle calls `os.system` …",
//!           "guidelines": ["SD-3", "DV-1"],
//!           "location": {"member": "archive/data.pkl", "offset": 52}
//!         }
//!       ]
//!     }
//!   ],
//!   "summary": {"files": 1, "clean": 0, "suspicious": 0, "malicious": 1, "error": 0,
//!               "unrecognized": 0, "skipped": 0, "accepted": 0,
//!               "findings": {"critical": 1, "high": 0, "medium": 0, "low": 0, "info": 0}}
//! }
//! ```
//!
//! Fields are only ever added within a schema version; a removal or change of meaning
//! increments [`SCHEMA_VERSION`]. `location` fields are omitted when unknown; `error`
//! is present only when the file could not be read, `skipped` (the reason) only for
//! entries that were not read, `target` only for paths reached through a symbolic link,
//! `accepted` only for files with findings a baseline accepts (each a finding plus its
//! `acceptance`: `reason`, `owner`, `expires`, `baseline`).

use serde::Serialize;

use crate::{Guideline, RuleMeta, Severity};

/// Version of the JSON report format.
pub const SCHEMA_VERSION: u32 = 1;

/// Where in a file a finding was made. Binary files have no lines: a location is a
/// chain of archive members, a byte offset inside the innermost one, and an item name
/// (a tensor, a layer, a graph node, a metadata key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Archive member path, nested members joined with `!`, e.g. `outer.zip!archive/data.pkl`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Byte offset inside the member (or the file when `member` is absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// A named item inside the file: layer, node, tensor, metadata key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

impl Location {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.member.is_none() && self.offset.is_none() && self.item.is_none()
    }
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's stable code.
    pub rule: &'static str,
    /// The rule's name.
    pub name: &'static str,
    /// Severity (the rule's).
    pub severity: Severity,
    /// What was found, specific to this occurrence.
    pub message: String,
    /// Guideline principles the rule serves.
    pub guidelines: &'static [Guideline],
    /// Where it was found.
    #[serde(skip_serializing_if = "Location::is_empty")]
    pub location: Location,
}

impl Finding {
    /// A finding of `rule` with a message and location.
    pub fn new(rule: &RuleMeta, message: impl Into<String>, location: Location) -> Self {
        Finding {
            rule: rule.code,
            name: rule.name,
            severity: rule.severity,
            message: message.into(),
            guidelines: rule.guidelines,
            location,
        }
    }
}

/// Why a finding is accepted: an entry of a baseline file of accepted findings (DV-4
/// technical debt, with an owner and an expiry date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acceptance {
    /// Why the finding is accepted.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// Last day (`YYYY-MM-DD`) the acceptance holds.
    pub expires: String,
    /// The baseline file that accepts it.
    pub baseline: String,
}

/// A finding that a baseline accepts: still reported, never counted for the verdict or
/// the exit status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedFinding {
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// Why it is accepted.
    pub acceptance: Acceptance,
}

/// The judgement of one file. Only `clean` says "judged, and nothing found": a file
/// whose content was not recognised (`unrecognized`) or that was not read at all
/// (`skipped`) is never counted clean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Recognised, judged completely, nothing at or above low severity.
    Clean,
    /// Read, but its content is not a format the tool judges (including empty files,
    /// whose `format` is `empty`); nothing was judged, so nothing is vouched for.
    Unrecognized,
    /// Not read: a symbolic link that was not followed, a device, a FIFO, a socket.
    /// [`FileReport::skipped`] says why.
    Skipped,
    /// Findings of low or medium severity only.
    Suspicious,
    /// The file could not be read or judged completely, and nothing high was found in
    /// what could be.
    Error,
    /// At least one high or critical finding.
    Malicious,
}

/// The result for one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Path as given on the command line, joined with the relative path for directories.
    pub path: String,
    /// Format recognised from the content (`pickle`, `pytorch-zip`, `onnx`, …, `unknown`).
    pub format: String,
    /// Size in bytes, when the file could be opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The verdict derived from the findings (see [`Verdict`]).
    pub verdict: Verdict,
    /// Findings, in the order they were made.
    pub findings: Vec<Finding>,
    /// An I/O error that stopped the file from being read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why the entry was not read (verdict `skipped`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// For a path reached through a symbolic link: the file that was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Findings a baseline accepts (not counted for the verdict).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accepted: Vec<AcceptedFinding>,
    /// Part of the file could not be judged (a parse failure or a limit).
    #[serde(skip)]
    pub incomplete: bool,
    /// The content was not recognised (see [`FileReport::unrecognized`]).
    #[serde(skip)]
    pub unjudged: bool,
}

impl FileReport {
    /// Builds a file report, deriving the verdict. `incomplete` is true when some part
    /// of the file could not be judged (a parse failure or a resource limit).
    pub fn new(
        path: String,
        format: String,
        size: Option<u64>,
        findings: Vec<Finding>,
        incomplete: bool,
        error: Option<String>,
    ) -> Self {
        let verdict = Self::derive(&findings, incomplete, error.is_some(), false);
        FileReport {
            path,
            format,
            size,
            verdict,
            findings,
            error,
            skipped: None,
            target: None,
            accepted: Vec::new(),
            incomplete,
            unjudged: false,
        }
    }

    fn derive(findings: &[Finding], incomplete: bool, error: bool, unjudged: bool) -> Verdict {
        let worst = findings.iter().map(|f| f.severity).max();
        match worst {
            Some(s) if s >= Severity::High => Verdict::Malicious,
            _ if incomplete || error => Verdict::Error,
            Some(s) if s >= Severity::Low => Verdict::Suspicious,
            _ if unjudged => Verdict::Unrecognized,
            _ => Verdict::Clean,
        }
    }

    /// Moves the findings for which `accept` returns an acceptance to
    /// [`FileReport::accepted`] and derives the verdict again from the rest.
    pub fn accept(&mut self, mut accept: impl FnMut(&Finding) -> Option<Acceptance>) {
        if self.verdict == Verdict::Skipped {
            return;
        }
        let mut kept = Vec::with_capacity(self.findings.len());
        for finding in std::mem::take(&mut self.findings) {
            match accept(&finding) {
                Some(acceptance) => self.accepted.push(AcceptedFinding {
                    finding,
                    acceptance,
                }),
                None => kept.push(finding),
            }
        }
        self.findings = kept;
        self.verdict = Self::derive(
            &self.findings,
            self.incomplete,
            self.error.is_some(),
            self.unjudged,
        );
    }

    /// An entry that was listed but not read, with the reason (verdict `skipped`).
    pub fn skipped(path: String, format: String, reason: String) -> Self {
        FileReport {
            path,
            format,
            size: None,
            verdict: Verdict::Skipped,
            findings: Vec::new(),
            error: None,
            skipped: Some(reason),
            target: None,
            accepted: Vec::new(),
            incomplete: false,
            unjudged: false,
        }
    }

    /// Marks a file whose content was not recognised: a verdict that would have been
    /// `clean` becomes `unrecognized` (findings, errors and incompleteness keep theirs).
    pub fn unrecognized(mut self) -> Self {
        self.unjudged = true;
        if self.verdict == Verdict::Clean {
            self.verdict = Verdict::Unrecognized;
        }
        self
    }

    /// The most serious finding's severity.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Counts over a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files judged.
    pub files: usize,
    /// Files per verdict.
    pub clean: usize,
    /// See [`Verdict::Suspicious`].
    pub suspicious: usize,
    /// See [`Verdict::Malicious`].
    pub malicious: usize,
    /// See [`Verdict::Error`].
    pub error: usize,
    /// See [`Verdict::Unrecognized`].
    pub unrecognized: usize,
    /// See [`Verdict::Skipped`].
    pub skipped: usize,
    /// Findings per severity (accepted findings not included).
    pub findings: SeverityCounts,
    /// Findings a baseline accepts (listed per file under `accepted`).
    pub accepted: usize,
}

/// Number of findings of each severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    /// Critical findings.
    pub critical: usize,
    /// High findings.
    pub high: usize,
    /// Medium findings.
    pub medium: usize,
    /// Low findings.
    pub low: usize,
    /// Informational findings.
    pub info: usize,
}

/// The tool that produced a report.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// Always `rampart`.
    pub name: &'static str,
    /// The producing version.
    pub version: &'static str,
}

/// A complete report: what renderers consume.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Producer.
    pub tool: Tool,
    /// The command that produced it, e.g. `scan`.
    pub command: &'static str,
    /// One entry per file, sorted by path.
    pub files: Vec<FileReport>,
    /// Counts.
    pub summary: Summary,
}

impl Report {
    /// Builds a report from file results, sorting them by path and counting.
    pub fn new(command: &'static str, version: &'static str, mut files: Vec<FileReport>) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut summary = Summary {
            files: files.len(),
            ..Summary::default()
        };
        for file in &files {
            match file.verdict {
                Verdict::Clean => summary.clean += 1,
                Verdict::Suspicious => summary.suspicious += 1,
                Verdict::Malicious => summary.malicious += 1,
                Verdict::Error => summary.error += 1,
                Verdict::Unrecognized => summary.unrecognized += 1,
                Verdict::Skipped => summary.skipped += 1,
            }
            summary.accepted += file.accepted.len();
            for finding in &file.findings {
                let slot = match finding.severity {
                    Severity::Critical => &mut summary.findings.critical,
                    Severity::High => &mut summary.findings.high,
                    Severity::Medium => &mut summary.findings.medium,
                    Severity::Low => &mut summary.findings.low,
                    Severity::Info => &mut summary.findings.info,
                };
                *slot += 1;
            }
        }
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "rampart",
                version,
            },
            command,
            files,
            summary,
        }
    }

    /// True when any finding is at or above `threshold`.
    pub fn has_findings_at(&self, threshold: Severity) -> bool {
        self.files
            .iter()
            .any(|f| f.worst().is_some_and(|w| w >= threshold))
    }

    /// True when any file has the verdict `verdict`.
    pub fn has_verdict(&self, verdict: Verdict) -> bool {
        self.files.iter().any(|f| f.verdict == verdict)
    }

    /// True when any file could not be read.
    pub fn has_io_errors(&self) -> bool {
        self.files.iter().any(|f| f.error.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declare_rule;

    declare_rule! {
        /// test rule
        static CRIT = {
            code: "TST001", name: "test-critical", severity: Critical,
            guidelines: [Sd3], summary: "x",
        }
    }
    declare_rule! {
        /// test rule
        static MED = {
            code: "TST002", name: "test-medium", severity: Medium,
            guidelines: [Dv1], summary: "x",
        }
    }

    fn file(findings: Vec<Finding>, incomplete: bool) -> FileReport {
        FileReport::new(
            "f".into(),
            "pickle".into(),
            Some(1),
            findings,
            incomplete,
            None,
        )
    }

    #[test]
    fn verdicts_follow_the_worst_finding() {
        let loc = Location::default();
        assert_eq!(file(vec![], false).verdict, Verdict::Clean);
        assert_eq!(
            file(vec![Finding::new(&MED, "m", loc.clone())], false).verdict,
            Verdict::Suspicious
        );
        assert_eq!(
            file(vec![Finding::new(&MED, "m", loc.clone())], true).verdict,
            Verdict::Error
        );
        assert_eq!(
            file(
                vec![
                    Finding::new(&CRIT, "c", loc.clone()),
                    Finding::new(&MED, "m", loc)
                ],
                true
            )
            .verdict,
            Verdict::Malicious
        );
    }

    #[test]
    fn unrecognized_and_skipped_are_never_clean() {
        let loc = Location::default();
        assert_eq!(
            file(vec![], false).unrecognized().verdict,
            Verdict::Unrecognized
        );
        assert_eq!(
            file(vec![Finding::new(&MED, "m", loc)], false)
                .unrecognized()
                .verdict,
            Verdict::Suspicious
        );
        let report = Report::new(
            "scan",
            "0.0.0",
            vec![
                file(vec![], false).unrecognized(),
                FileReport::skipped("l".into(), "unknown".into(), "link".into()),
            ],
        );
        assert_eq!(report.summary.clean, 0);
        assert_eq!(report.summary.unrecognized, 1);
        assert_eq!(report.summary.skipped, 1);
        assert!(report.has_verdict(Verdict::Skipped));
        let json = serde_json::to_value(&report).unwrap_or_default();
        assert_eq!(json["files"][1]["skipped"], "link");
        assert_eq!(json["files"][0]["verdict"], "unrecognized");
    }

    #[test]
    fn accepted_findings_leave_the_verdict() {
        let loc = Location::default();
        let mut f = file(
            vec![
                Finding::new(&CRIT, "c", loc.clone()),
                Finding::new(&MED, "m", loc),
            ],
            false,
        );
        f.accept(|x| {
            (x.rule == "TST001").then(|| Acceptance {
                reason: "r".into(),
                owner: "o".into(),
                expires: "2099-01-01".into(),
                baseline: "b.toml".into(),
            })
        });
        assert_eq!(f.verdict, Verdict::Suspicious);
        assert_eq!(f.accepted.len(), 1);
        let report = Report::new("scan", "0.0.0", vec![f]);
        assert_eq!(report.summary.accepted, 1);
        assert_eq!(report.summary.findings.critical, 0);
        assert!(!report.has_findings_at(Severity::High));
        let json = serde_json::to_value(&report).unwrap_or_default();
        assert_eq!(json["files"][0]["accepted"][0]["rule"], "TST001");
        assert_eq!(json["files"][0]["accepted"][0]["acceptance"]["owner"], "o");
    }

    #[test]
    fn report_counts_and_thresholds() {
        let loc = Location::default();
        let report = Report::new(
            "scan",
            "0.0.0",
            vec![
                file(vec![Finding::new(&MED, "m", loc.clone())], false),
                file(vec![], false),
            ],
        );
        assert_eq!(report.summary.files, 2);
        assert_eq!(report.summary.findings.medium, 1);
        assert_eq!(report.summary.suspicious, 1);
        assert!(report.has_findings_at(Severity::Medium));
        assert!(!report.has_findings_at(Severity::High));
        let json = serde_json::to_value(&report).unwrap_or_default();
        assert_eq!(json["files"][0]["findings"][0]["guidelines"][0], "DV-1");
        assert_eq!(json["schema_version"], 1);
    }
}
