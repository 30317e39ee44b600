//! Human-readable scan output.

use std::io::{self, Write};
use std::time::Duration;

use rampart_core::{FileReport, Report, Severity, Verdict};

use super::guideline_list;

/// ANSI styling, or none.
pub struct Style {
    color: bool,
}

impl Style {
    pub fn new(color: bool) -> Self {
        Style { color }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, &format!("{:<8}", s.as_str()))
    }

    fn verdict(&self, v: Verdict) -> String {
        match v {
            Verdict::Malicious => self.paint("1;31", "MALICIOUS"),
            Verdict::Suspicious => self.paint("33", "SUSPICIOUS"),
            Verdict::Error => self.paint("35", "ERROR"),
            Verdict::Clean => self.paint("32", "clean"),
            Verdict::Unrecognized => self.paint("34", "UNRECOGNIZED"),
            Verdict::Skipped => self.paint("34", "SKIPPED"),
        }
    }
}

/// Removes the leading space rustdoc keeps on each line of a doc comment.
pub fn dedent_doc(doc: &str) -> String {
    doc.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn file_block(
    out: &mut impl Write,
    file: &FileReport,
    style: &Style,
    judged: bool,
) -> io::Result<()> {
    if judged {
        writeln!(
            out,
            "{}  {}  {}",
            style.paint("1", &file.path),
            file.format,
            style.verdict(file.verdict)
        )?;
    } else {
        // A checked document (bom --check's rampart.toml), not a scanned artefact:
        // no malicious/suspicious verdict, only its findings.
        writeln!(out, "{}", style.paint("1", &file.path))?;
    }
    if let Some(target) = &file.target {
        writeln!(out, "  (symbolic link to {target})")?;
    }
    if let Some(why) = &file.skipped {
        writeln!(out, "  {}", style.paint("34", &format!("skipped: {why}")))?;
    }
    if file.verdict == Verdict::Unrecognized && file.findings.is_empty() {
        writeln!(
            out,
            "  {}",
            style.paint(
                "34",
                "content not recognised as a format rampart judges: not judged"
            )
        )?;
    }
    if let Some(err) = &file.error {
        writeln!(
            out,
            "  {}",
            style.paint("35", &format!("cannot read: {err}"))
        )?;
    }
    for f in &file.findings {
        writeln!(
            out,
            "  {} {} {}",
            style.severity(f.severity),
            style.paint("1", f.rule),
            f.message
        )?;
        let mut at = file.path.clone();
        if let Some(member) = &f.location.member {
            at.push('!');
            at.push_str(member);
        }
        if let Some(offset) = f.location.offset {
            at.push_str(&format!(" @ byte {offset}"));
        }
        if let Some(item) = &f.location.item {
            at.push_str(&format!(" [{item}]"));
        }
        writeln!(
            out,
            "           --> {at}  ({})",
            guideline_list(f.guidelines)
        )?;
    }
    for a in &file.accepted {
        writeln!(
            out,
            "  {} {} {} {}",
            style.paint("2", "accepted"),
            style.paint("1", a.finding.rule),
            a.finding.message,
            style.paint(
                "2",
                &format!(
                    "(until {} by {}: {}; {})",
                    a.acceptance.expires,
                    a.acceptance.owner,
                    a.acceptance.reason,
                    a.acceptance.baseline
                )
            )
        )?;
    }
    Ok(())
}

/// Renders a scan report.
pub fn scan_report(
    out: &mut impl Write,
    report: &Report,
    style: &Style,
    quiet: bool,
    verbose: bool,
    elapsed: Duration,
) -> io::Result<()> {
    for file in &report.files {
        let show = file.verdict != Verdict::Clean
            || !file.findings.is_empty()
            || !file.accepted.is_empty()
            || verbose;
        if show {
            file_block(out, file, style, report.command == "scan")?;
        }
    }
    let s = &report.summary;
    if quiet && s.malicious + s.suspicious + s.error + s.unrecognized + s.skipped == 0 {
        return Ok(());
    }
    let f = &s.findings;
    if report.command != "scan" {
        writeln!(
            out,
            "\n{} finding(s): {} critical, {} high, {} medium, {} low",
            f.critical + f.high + f.medium + f.low + f.info,
            f.critical,
            f.high,
            f.medium,
            f.low
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "\nScanned {} file{} in {:.2?}: {} malicious, {} suspicious, {} error, {} unrecognized, {} skipped, {} clean ({} critical, {} high, {} medium, {} low findings)",
        s.files,
        if s.files == 1 { "" } else { "s" },
        elapsed,
        s.malicious,
        s.suspicious,
        s.error,
        s.unrecognized,
        s.skipped,
        s.clean,
        f.critical,
        f.high,
        f.medium,
        f.low
    )?;
    if s.accepted > 0 {
        writeln!(
            out,
            "{} finding(s) accepted by the baseline (listed above, not counted)",
            s.accepted
        )?;
    }
    if !verbose && s.clean > 0 && !quiet {
        writeln!(out, "(clean files not listed; use -v to list them)")?;
    }
    Ok(())
}
