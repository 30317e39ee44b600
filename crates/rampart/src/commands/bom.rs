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
    let desc = discover::discover(&args.dir);
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
