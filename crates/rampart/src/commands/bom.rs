//! `rampart bom` and `rampart init`.

use std::io::{self, Write};

use anyhow::{bail, Context, Result};
use rampart_bom::{build, check, init as discover, read_system, SpecVersion};

use crate::cli::{BomArgs, InitArgs, OutputFormat};
use crate::render;
use crate::render::Printer;
use crate::ExitStatus;

pub fn bom(args: &BomArgs, p: &Printer) -> Result<ExitStatus> {
    let system = read_system(&args.dir)
        .with_context(|| format!("reading {}", args.dir.join("rampart.toml").display()))?;
    let spec = if args.spec == "1.7" {
        SpecVersion::V1_7
    } else {
        SpecVersion::V1_6
    };
    let bom = build(&args.dir, &system, spec);
    if args.check {
        let report = check(&system, &bom, None);
        let mut text = Vec::new();
        match args.format {
            OutputFormat::Json => serde_json::to_writer_pretty(&mut text, &report)?,
            OutputFormat::Sarif => {
                let sarif = rampart_core::sarif::to_sarif(&report, &rampart_bom::rules::all());
                serde_json::to_writer_pretty(&mut text, &sarif)?;
            }
            OutputFormat::Human => {
                // Colour only on a terminal, never into a file.
                let color = args.out.is_none() && p.color();
                let style = render::human::Style::new(color);
                render::human::scan_report(
                    &mut text,
                    &report,
                    &style,
                    false,
                    true,
                    std::time::Duration::ZERO,
                )?;
            }
        }
        text.push(b'\n');
        match &args.out {
            Some(path) => rampart_sign::write_atomically(path, &text)
                .with_context(|| format!("writing {}", path.display()))?,
            None => io::stdout().lock().write_all(&text)?,
        }
        return Ok(if report.has_findings_at(args.fail_on) {
            ExitStatus::Findings
        } else {
            ExitStatus::Success
        });
    }
    for (path, why) in &bom.unreadable {
        eprintln!("rampart: error: {path}: {why}");
    }
    let text = serde_json::to_string_pretty(&bom.json)? + "\n";
    match &args.out {
        Some(path) => {
            rampart_sign::write_atomically(path, text.as_bytes())?;
            p.note(format_args!(
                "wrote {} (CycloneDX {}; {} bytes hashed, the rest reused from signing manifests)",
                path.display(),
                spec.as_str(),
                bom.hashed_bytes
            ));
        }
        None => io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(if bom.unreadable.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

pub fn init(args: &InitArgs) -> Result<ExitStatus> {
    let path = args.dir.join("rampart.toml");
    if path.exists() && !args.force {
        bail!("{} exists (use --force to overwrite)", path.display());
    }
    let mut desc = match &args.from_otm {
        // bringing an edited diagram back: keep everything else of the existing file
        Some(_) if path.exists() => rampart_core::system::SystemDescription::parse(
            &std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?,
        )
        .map(|mut d| {
            d.zones.clear();
            d.components.clear();
            d.data_flows.clear();
            d
        })
        .with_context(|| format!("reading {}", path.display()))?,
        _ => discover::discover(&args.dir),
    };
    if let Some(otm) = &args.from_otm {
        let mut bytes = Vec::new();
        {
            use std::io::Read;
            std::fs::File::open(otm)
                .and_then(|f| {
                    f.take(rampart_design::otm::MAX_OTM_BYTES as u64 + 1)
                        .read_to_end(&mut bytes)
                })
                .with_context(|| format!("reading {}", otm.display()))?;
        }
        let (zones, components, flows) = rampart_design::otm::import(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: {e}", otm.display()))?;
        desc.zones = zones;
        desc.components = components;
        desc.data_flows = flows;
        let problems = desc.problems();
        if !problems.is_empty() {
            bail!("{}: {}", otm.display(), problems.join("; "));
        }
    }
    std::fs::write(&path, discover::render(&desc))
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "wrote {}: {} model(s), {} dataset(s), {} prompt(s) discovered; run `rampart bom --check {}` for what is left to document",
        path.display(),
        desc.models.len(),
        desc.datasets.len(),
        desc.prompts.len(),
        args.dir.display()
    );
    Ok(ExitStatus::Success)
}
