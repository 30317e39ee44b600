//! `rampart assess`.

use std::io::{self, Write};

use std::io::Read;

use anyhow::{Context, Result};
use rampart_design::{assess, render, Options};

use crate::cli::{AssessArgs, AssessFormat};
use crate::ExitStatus;

pub fn run(args: &AssessArgs) -> Result<ExitStatus> {
    let path = args.dir.join("rampart.toml");
    let system = rampart_bom::read_system(&args.dir)
        .with_context(|| format!("reading {}", path.display()))?;
    let mut assessment = assess(&args.dir, &system, Options::default());
    if let Some(old) = &args.diff {
        let bytes = read_bounded(old).with_context(|| format!("reading {}", old.display()))?;
        let d = rampart_design::diff(&bytes, &assessment)
            .map_err(|e| anyhow::anyhow!("--diff {}: {e}", old.display()))?;
        assessment.diff = Some(d);
    }
    let text = match args.format {
        AssessFormat::Human => render::human(&assessment),
        AssessFormat::Markdown => render::markdown(&assessment),
        AssessFormat::Html => render::html(&assessment, &system),
        AssessFormat::Json => serde_json::to_string_pretty(&assessment)? + "\n",
        AssessFormat::Sarif => serde_json::to_string_pretty(&render::sarif(&assessment))? + "\n",
    };
    match &args.out {
        Some(out) => rampart_sign::write_atomically(out, text.as_bytes())
            .with_context(|| format!("writing {}", out.display()))?,
        None => io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(match args.fail_under {
        Some(min) if assessment.score < min => {
            eprintln!(
                "rampart: {:.1}% of the applicable requirements met or attested, under --fail-under {min}%",
                assessment.score
            );
            ExitStatus::Findings
        }
        _ => ExitStatus::Success,
    })
}

fn read_bounded(path: &std::path::Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(rampart_design::MAX_DIFF_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}
