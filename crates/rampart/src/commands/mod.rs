//! Command implementations: call the library, render, pick the exit status.

use std::io::{self, Write};
use std::time::Instant;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rampart_scan::policy::{apply_baseline, Baseline, Glob};
use rampart_scan::{rules, ScanOptions};

use crate::cli::{Command, OutputFormat, RulesArgs, RulesFormat, ScanArgs};
use crate::render::{self, Printer};
use crate::ExitStatus;

mod assess;
mod audit;
mod bom;
mod gateway;
mod guard;
mod incident;
mod redteam;
mod sign;

pub fn run(cli: crate::cli::Cli) -> Result<ExitStatus> {
    let p = Printer::new(&cli.output);
    match cli.command {
        Command::Scan(args) => scan(&args, &p),
        Command::Sign(args) => sign::sign(&args, &p),
        Command::Verify(args) => sign::verify(&args, &p),
        Command::Hash(args) => sign::hash(&args, &p),
        Command::Bom(args) => bom::bom(&args, &p),
        Command::Audit(args) => audit::run(&args, &p),
        Command::Incident(cmd) => incident::run(&cmd, &p),
        Command::Guard(cmd) => guard::run(&cmd, &p),
        Command::Gateway(args) => gateway::run(&args, &p),
        Command::Redteam(args) => redteam::run(&args, &p),
        Command::Keys(cmd) => gateway::keys(&cmd, &p),
        Command::Config(crate::cli::ConfigCommand::Check(args)) => gateway::config_check(&args),
        Command::Init(args) => bom::init(&args),
        Command::Key(crate::cli::KeyCommand::Generate(args)) => sign::key_generate(&args, &p),
        Command::Assess(args) => assess::run(&args),
        Command::VerifyAttestation(args) => assess::verify_attestation(&args),
        Command::Explain(args) => {
            if let Some(t) = rampart_design::threats::find(&args.rule) {
                write!(
                    io::stdout().lock(),
                    "{}",
                    rampart_design::render::explain_threat(t)
                )?;
                return Ok(ExitStatus::Success);
            }
            if let Some(r) = rampart_design::requirements::find(&args.rule) {
                write!(
                    io::stdout().lock(),
                    "{}",
                    rampart_design::render::explain_requirement(r)
                )?;
                return Ok(ExitStatus::Success);
            }
            let Some(rule) = registry()
                .into_iter()
                .find(|m| m.code.eq_ignore_ascii_case(&args.rule) || m.name == args.rule)
            else {
                bail!(
                    "no rule, threat or requirement named `{}` (see `rampart rules`)",
                    args.rule
                );
            };
            let mut out = io::stdout().lock();
            writeln!(
                out,
                "{} {} ({}; guidelines {})",
                rule.code,
                rule.name,
                rule.severity,
                render::guideline_list(rule.guidelines)
            )?;
            writeln!(out, "{}\n", rule.summary)?;
            write!(out, "{}", render::human::dedent_doc(rule.doc))?;
            Ok(ExitStatus::Success)
        }
        Command::Rules(args) => list_rules(&args),
    }
}

/// Every rule and detector of every tool: model scanning, AI-BOM checks, the guard's
/// detectors, then the codes the gateway records. Codes are unique across tools (a
/// test checks it).
fn registry() -> Vec<&'static rampart_core::RuleMeta> {
    let mut all = rules::all();
    all.extend(rampart_bom::rules::all());
    all.extend(rampart_guard::DETECTORS.iter().map(|d| d.meta));
    all.extend(rampart_gateway::rules::all());
    all.extend(rampart_redteam::detectors::DETECTORS.iter().copied());
    all
}

fn list_rules(args: &RulesArgs) -> Result<ExitStatus> {
    let mut out = io::stdout().lock();
    match args.format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &registry())?;
            writeln!(out)?;
        }
        RulesFormat::Markdown => write!(out, "{}", render::rules_markdown(&registry()))?,
        RulesFormat::Human => {
            for rule in registry() {
                writeln!(
                    out,
                    "{:<7} {:<9} {:<28} {}",
                    rule.code,
                    rule.severity.as_str(),
                    rule.name,
                    rule.summary
                )?;
            }
            writeln!(out, "\nThreats (rampart assess; docs/threats.md):")?;
            for t in rampart_design::threats::THREATS {
                let g: Vec<&str> = t.guidelines.iter().map(|g| g.id()).collect();
                writeln!(
                    out,
                    "{:<7} {:<9} {:<28} {}",
                    t.id,
                    g.join(","),
                    t.name,
                    t.title
                )?;
            }
            writeln!(
                out,
                "\nRequirements (rampart assess; docs/requirements.md):"
            )?;
            for r in rampart_design::requirements::REQUIREMENTS {
                let how = match r.how {
                    rampart_design::requirements::How::Automated(_) => "automated",
                    rampart_design::requirements::How::Attested => "attested",
                };
                writeln!(out, "{:<7} {:<9} {}", r.id, how, r.title)?;
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// A progress bar on stderr, or nothing.
struct Bar(Option<ProgressBar>);

impl rampart_scan::Progress for Bar {
    fn start(&self, files: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(files as u64);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn file_done(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}

/// The scan policy from `--config`'s `[scan]` table and the command line.
fn scan_policy(args: &ScanArgs) -> Result<(ScanOptions, Option<Baseline>)> {
    let mut allow = Vec::new();
    let mut exclude = Vec::new();
    let mut baseline: Option<PathBuf> = None;
    if let Some(config) = &args.config {
        let system = rampart_core::system::SystemDescription::read(config)
            .with_context(|| format!("reading {}", config.display()))?;
        if let Some(table) = system.scan {
            allow.extend(table.allow.into_iter().map(|a| (a, "[scan] allow")));
            exclude.extend(table.exclude);
            let dir = config.parent().unwrap_or_else(|| Path::new("."));
            baseline = table.baseline.map(|b| dir.join(b));
        }
    }
    allow.extend(args.allow.iter().cloned().map(|a| (a, "--allow")));
    exclude.extend(args.exclude.iter().cloned());
    if let Some(b) = &args.baseline {
        baseline = Some(b.clone());
    }
    let mut options = ScanOptions {
        follow_symlinks: args.follow_symlinks,
        ..ScanOptions::default()
    };
    for (name, source) in allow {
        if let Some(why) = rampart_scan::formats::pickle::refuse_user_allow(&name) {
            bail!("{source} {name}: refused, this name cannot be allowed ({why})");
        }
        options.allow.insert(name);
    }
    for pattern in exclude {
        options.exclude.push(Glob::new(&pattern)?);
    }
    let baseline = baseline.map(|b| Baseline::read(&b)).transpose()?;
    Ok((options, baseline))
}

fn scan(args: &ScanArgs, p: &Printer) -> Result<ExitStatus> {
    let (options, baseline) = scan_policy(args)?;
    let started = Instant::now();
    let show_progress = !args.no_progress && p.progress();
    let bar = Bar(show_progress.then(|| {
        let bar = ProgressBar::hidden();
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} scanning [{bar:30}] {pos}/{len} files")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    }));
    let mut report = rampart_scan::scan_paths(&args.paths, &options, &bar);
    if let Some(bar) = &bar.0 {
        bar.finish_and_clear();
    }
    if let Some(baseline) = &baseline {
        let outcome = apply_baseline(&mut report, baseline, rampart_core::system::today_utc());
        if !outcome.unused.is_empty() {
            let list: Vec<String> = outcome.unused.iter().map(ToString::to_string).collect();
            writeln!(
                io::stderr(),
                "rampart: warning: baseline {}: entr{} {} matched no finding (stale acceptance?)",
                baseline.path,
                if list.len() == 1 { "y" } else { "ies" },
                list.join(", ")
            )?;
        }
    }
    let elapsed = started.elapsed();

    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        OutputFormat::Sarif => {
            let sarif = rampart_core::sarif::to_sarif(&report, &rules::all());
            serde_json::to_writer_pretty(&mut out, &sarif)?;
            writeln!(out)?;
        }
        OutputFormat::Human => {
            let style = render::human::Style::new(p.color());
            render::human::scan_report(&mut out, &report, &style, p.quiet(), p.verbose(), elapsed)?;
        }
    }
    out.flush()?;
    // The human report shows unreadable files on the same screen; a JSON or SARIF
    // report usually goes to a file, so say on stderr what could not be read.
    if args.format != OutputFormat::Human {
        for file in &report.files {
            if let Some(err) = &file.error {
                eprintln!("rampart: error: {}: {err}", file.path);
            }
        }
    }

    Ok(if report.has_io_errors() {
        ExitStatus::Error
    } else if report.has_findings_at(args.fail_on.severity)
        || args.fail_on.verdicts.iter().any(|v| report.has_verdict(*v))
    {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
