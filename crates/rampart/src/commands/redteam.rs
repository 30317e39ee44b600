//! `rampart redteam`: load and check the packs (before any request), expand them from
//! the seed, run them against the target, score, render, gate.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use rampart_redteam::generate::{self, Plants};
use rampart_redteam::pack::{self, Pack};
use rampart_redteam::report::{self, Gate};
use rampart_redteam::run::{self, Journal, RunInfo, RunOptions};
use rampart_redteam::target::{Target, TargetConfig};

use crate::cli::{RedteamArgs, RedteamFormat};
use crate::render::Printer;
use crate::ExitStatus;

/// Largest system prompt file read.
const MAX_SYSTEM_PROMPT: u64 = 256 * 1024;

fn load_packs(specs: &[String]) -> Result<Vec<Pack>> {
    let builtin = pack::builtin().map_err(|e| anyhow!("{e}"))?;
    if specs.is_empty() {
        return Ok(builtin);
    }
    let mut out: Vec<Pack> = Vec::new();
    for spec in specs {
        if spec == "builtin" {
            out.extend(builtin.iter().cloned());
        } else if let Some(name) = spec.strip_prefix("builtin:") {
            let found = builtin.iter().find(|p| p.name == name).ok_or_else(|| {
                let names: Vec<&str> = builtin.iter().map(|p| p.name.as_str()).collect();
                anyhow!(
                    "--probes {spec}: no shipped pack named `{name}` ({})",
                    names.join(", ")
                )
            })?;
            out.push(found.clone());
        } else {
            out.push(pack::read(&PathBuf::from(spec)).map_err(|e| anyhow!("{e}"))?);
        }
    }
    // a probe ID may appear once in a run
    let mut seen = std::collections::HashMap::new();
    for p in &out {
        for (line, probe) in &p.probes {
            if let Some(prev) = seen.insert(probe.id.clone(), format!("{}:{line}", p.source)) {
                bail!(
                    "{}:{line}: id: {} is already defined at {prev}",
                    p.source,
                    probe.id
                );
            }
        }
    }
    Ok(out)
}

pub fn run(args: &RedteamArgs, p: &Printer) -> Result<ExitStatus> {
    // everything that can be refused is refused before the first request
    let gates: Vec<Gate> = args
        .fail_on_asr
        .iter()
        .map(|g| Gate::parse(g).map_err(|e| anyhow!("--fail-on-asr {e}")))
        .collect::<Result<_>>()?;
    if let Some(r) = args.rate {
        if !(r.is_finite() && r > 0.0) {
            bail!("--rate must be a positive number of requests per second");
        }
    }
    let baseline = match &args.baseline {
        None => None,
        Some(path) => {
            let bytes = rampart_core::bounded::read(path, report::MAX_BASELINE_BYTES as u64)?;
            report::check_baseline(&bytes)
                .map_err(|e| anyhow!("--baseline {}: {e}", path.display()))?;
            Some((path.clone(), bytes))
        }
    };
    if let Some(result) = import(args)? {
        return finish(args, result, baseline.as_ref(), None, &gates);
    }
    let Some(target_url) = &args.target else {
        bail!("--target is required");
    };
    let packs = load_packs(&args.probes)?;
    let base_prompt = match &args.system_prompt {
        None => generate::DEFAULT_SYSTEM_PROMPT.to_string(),
        Some(path) => rampart_core::bounded::read_to_string(path, MAX_SYSTEM_PROMPT)?,
    };
    let env_key = |flag: &str, var: &Option<String>| -> Result<Option<String>> {
        var.as_ref()
            .map(|v| std::env::var(v).map_err(|_| anyhow!("{flag} {v}: the variable is not set")))
            .transpose()
    };
    let api_key = env_key("--api-key-env", &args.api_key_env)?;
    let judge_key = env_key("--judge-api-key-env", &args.judge_api_key_env)?;
    if args.judge_url.is_none() {
        for p in &packs {
            for (line, probe) in &p.probes {
                if probe.detector == pack::DetectorKind::LlmJudge {
                    bail!(
                        "{}:{line}: detector: {} asks for an LLM judge: give --judge-url",
                        p.source,
                        probe.id
                    );
                }
            }
        }
    }
    let recorded = match &args.resume {
        Some(dir) => Some(
            run::read_info(dir)
                .map_err(|e| anyhow!(e))?
                .ok_or_else(|| {
                    anyhow!(
                        "--resume {}: no run.json (not a run directory)",
                        dir.display()
                    )
                })?,
        ),
        None => None,
    };
    let seed = match (&recorded, args.seed) {
        (Some(info), Some(s)) if info.seed != s => {
            bail!(
                "--seed {s} differs from the resumed run's seed {}",
                info.seed
            )
        }
        (Some(info), _) => info.seed,
        (None, s) => s.unwrap_or(0),
    };
    let plants = Plants::new(seed);
    let system_prompt = format!("{base_prompt}{}", plants.system_block());
    let cases = generate::expand(&packs, seed, &plants);
    let info = RunInfo::new(seed, &cases);
    if let Some(rec) = &recorded {
        if rec.cases_digest != info.cases_digest {
            bail!(
                "--resume: the packs differ from the resumed run's ({} cases then, {} now)",
                rec.cases,
                info.cases
            );
        }
    }
    let judge = rampart_redteam::detectors::Judge::new(&system_prompt, &plants)
        .map_err(|e| anyhow!("building the judge: {e}"))?;
    let mut cfg = TargetConfig::new(target_url);
    cfg.api_key = api_key;
    cfg.model.clone_from(&args.model);
    cfg.timeout = Duration::from_secs(args.timeout.max(1));
    cfg.max_body = args.max_body.max(1024);
    cfg.retries = args.retries;
    cfg.rate = args.rate;
    cfg.stream = args.stream;
    let llm_judge = match &args.judge_url {
        None => None,
        Some(url) => {
            let mut j = TargetConfig::new(url);
            j.api_key = judge_key;
            j.model.clone_from(&args.judge_model);
            j.timeout = cfg.timeout;
            j.retries = cfg.retries;
            Some(Target::new(j).map_err(|e| anyhow!("{e}"))?)
        }
    };
    let target = Target::new(cfg).map_err(|e| anyhow!("{e}"))?;

    let (journal, previous, dir) = match (&args.resume, &args.out) {
        (Some(dir), _) => {
            let (j, done) = Journal::resume(dir).map_err(|e| anyhow!(e))?;
            (Some(Arc::new(j)), done, Some(dir.clone()))
        }
        (None, Some(dir)) => {
            let j = Journal::create(dir, &info).map_err(|e| anyhow!(e))?;
            (Some(Arc::new(j)), Vec::new(), Some(dir.clone()))
        }
        (None, None) => (None, Vec::new(), None),
    };
    let done: HashSet<String> = previous.iter().map(|e| e.id.clone()).collect();
    p.note(format_args!(
        "redteam: {} cases from {} pack(s) against {} (seed {seed}; {} already done)",
        cases.len(),
        packs.len(),
        target.config().url,
        cases.iter().filter(|c| done.contains(&c.id)).count()
    ));

    let todo = cases.iter().filter(|c| !done.contains(&c.id)).count();
    let bar = p.progress().then(|| {
        let bar = indicatif::ProgressBar::new(todo as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} redteam [{bar:30}] {pos}/{len} cases {msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    });
    let progress: Option<run::Progress> = bar.clone().map(|bar| {
        let hits = Arc::new(std::sync::atomic::AtomicU64::new(0));
        Arc::new(move |ex: &run::Exchange| {
            if ex.outcome == run::Outcome::Success {
                let n = hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                bar.set_message(format!("({n} successful attacks)"));
            }
            bar.inc(1);
        }) as run::Progress
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let fresh = rt
        .block_on(run::run(
            Arc::new(run::Setup {
                target,
                judge,
                llm_judge,
                system_prompt,
            }),
            cases.clone(),
            &done,
            journal,
            RunOptions {
                concurrency: usize::from(args.concurrency),
                max_requests: args.max_requests,
            },
            progress,
        ))
        .context("writing the journal")?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut all = previous;
    all.extend(fresh);
    let mut result = report::score(&cases, &all, seed, &args.model);
    result.packs = packs.iter().map(report::PackInfo::of).collect();
    finish(args, result, baseline.as_ref(), dir.as_deref(), &gates)
}

/// The result of `--import-garak` or `--import-promptfoo`, if asked for.
fn import(args: &RedteamArgs) -> Result<Option<report::RunResult>> {
    let read = |path: &PathBuf| -> Result<Vec<u8>> {
        Ok(rampart_core::bounded::read(
            path,
            rampart_redteam::import::MAX_IMPORT_BYTES,
        )?)
    };
    let rows = if let Some(path) = &args.import_garak {
        let bytes = read(path)?;
        rampart_redteam::import::garak(
            &path.display().to_string(),
            bytes.as_slice(),
            bytes.len() as u64,
        )
        .map_err(|e| anyhow!(e))?
    } else if let Some(path) = &args.import_promptfoo {
        let bytes = read(path)?;
        rampart_redteam::import::promptfoo(&path.display().to_string(), &bytes)
            .map_err(|e| anyhow!(e))?
    } else {
        return Ok(None);
    };
    Ok(Some(report::score_rows(rows, 0, &args.model)))
}

/// Baseline, result file, rendering and gates.
fn finish(
    args: &RedteamArgs,
    mut result: report::RunResult,
    baseline: Option<&(PathBuf, Vec<u8>)>,
    dir: Option<&std::path::Path>,
    gates: &[Gate],
) -> Result<ExitStatus> {
    if let Some((path, bytes)) = baseline {
        result.baseline = Some(
            report::compare(&result, bytes)
                .map_err(|e| anyhow!("--baseline {}: {e}", path.display()))?,
        );
    }

    if let Some(dir) = dir {
        let path = dir.join("result.json");
        let text = serde_json::to_string_pretty(&result)? + "\n";
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let mut out = io::stdout().lock();
    match args.format {
        RedteamFormat::Human => write!(out, "{}", report::human(&result))?,
        RedteamFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &result)?;
            writeln!(out)?;
        }
        RedteamFormat::Sarif => {
            serde_json::to_writer_pretty(&mut out, &report::sarif(&result))?;
            writeln!(out)?;
        }
        RedteamFormat::Junit => write!(out, "{}", report::junit(&result))?,
        RedteamFormat::Html => write!(out, "{}", report::html(&result))?,
    }
    out.flush()?;
    drop(out);
    let mut failed = false;
    for g in gates {
        if let Err(why) = g.check(&result) {
            failed = true;
            eprintln!("rampart: gate failed: {why}");
        }
    }
    Ok(if failed {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
