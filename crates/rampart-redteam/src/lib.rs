//! rampart redteam: adversarial evaluation of an OpenAI-compatible AI endpoint as a
//! release gate (guideline DP-4, "Release AI responsibly").
//!
//! - [`pack`] — probe packs: versioned JSON Lines files shipped in `packs/` and
//!   embedded, or the user's own; parsed with bounds, refused with file, line and field.
//! - [`generate`] — the deterministic generator: probes × payloads × encodings, the
//!   run's planted canary, secret and personal data, and each case's marker, all from
//!   the seed.
//! - [`target`] — the HTTP client: timeouts, body cap, retries with backoff, rate.
//! - [`run`] — conversations, concurrency, the request budget, the resumable journal.
//! - [`detectors`] — the deterministic judges (`RTD001`…), each with evidence spans.
//! - [`report`] — ASR with Wilson intervals, the gate, JSON/SARIF/JUnit/HTML/human,
//!   the comparison with a baseline run.
//! - [`import`] — garak and promptfoo results in the same model.
//!
//! ```
//! use rampart_redteam::{generate, pack};
//! let packs = pack::builtin()?;
//! let plants = generate::Plants::new(42);
//! let cases = generate::expand(&packs, 42, &plants);
//! assert!(cases.iter().any(|c| c.id.starts_with("RT-INJ-001/")));
//! # Ok::<(), pack::PackError>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod detectors;
pub mod generate;
pub mod import;
pub mod pack;
pub mod report;
pub mod run;
pub mod target;

#[doc(hidden)]
pub mod fuzzing {
    //! Entry points for `cargo fuzz`; not a stable interface.

    /// Parses arbitrary bytes as a pack and expands it.
    pub fn fuzz_pack(data: &[u8]) {
        if let Ok(p) = crate::pack::parse("fuzz.jsonl", data) {
            let plants = crate::generate::Plants::new(1);
            let _ = crate::generate::expand(&[p], 1, &plants);
        }
    }

    /// Arbitrary bytes as the files and headers a run reads from elsewhere: a garak
    /// `report.jsonl` and a promptfoo `results.json` to import, and a target's
    /// `Retry-After` header. Never a panic; a wait is never negative.
    pub fn fuzz_import(data: &[u8]) {
        let _ = crate::import::garak("fuzz.jsonl", data, data.len() as u64);
        let _ = crate::import::promptfoo("fuzz.json", data);
        let text = String::from_utf8_lossy(data);
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
        let _ = crate::target::parse_retry_after(&text, now);
    }
}

use std::fmt::Write as _;

/// `docs/redteam.md`: the shipped packs, their probes and the detectors, generated
/// from the pack files and the registry.
pub fn docs_markdown() -> String {
    let mut out = String::from(
        "# rampart redteam: probe packs and detectors\n\n\
         Generated from `crates/rampart-redteam/packs/*.jsonl` and the detector registry by \
         `cargo test -p rampart-redteam` (`UPDATE_DOCS=1` rewrites it); do not edit by hand.\n\n\
         `rampart redteam --target URL` sends every probe to an OpenAI-compatible chat \
         endpoint and judges each answer deterministically. Packs are JSON Lines: a header \
         line `{\"pack\", \"version\", \"title\", \"description\"}` then one probe per line \
         (fields: `id`, `category`, `atlas`, `owasp`, `goal`, `lang`, `turns`, `document` \
         `{via: tool|retrieved, text}`, `payloads`, `encodings`, `detector`, `tool`, \
         `tool_args`, `min_chars`, `rubric`). Placeholders: `{MARKER}`, `{SECRET}`, `{EMAIL}`, \
         `{PHONE}`, `{EXFIL}`, `{PAYLOAD}`. Encodings: plain, base64, rot13, leet, \
         homoglyph, split, translation; a probe with payloads expands into one case per \
         payload and encoding (`RT-INJ-001/p2/rot13`).\n\n\
         A payload is a string, or an object `{\"text\": …, \"translations\": {\"de\": …, \
         \"fr\": …}}`. The `translation` encoding is data, not a service: it sends one of \
         the payload's own translations, chosen from the seed (the case's `lang` is the \
         one chosen). Languages: de, fr, es, it, pt, nl; a translation must keep the \
         placeholders of the text and cannot be in the probe's own language, and a \
         probe listing `translation` must translate every payload, or the pack is \
         refused at load (`pack.jsonl:LINE: payloads[N].translations: …`).\n\n\
         Requests: `--timeout` per request, `--retries` on 429, 5xx and connection \
         errors with exponential backoff; a `Retry-After` (seconds or an HTTP date) on a \
         429 or 503 is waited for when it is longer than the backoff, and one longer \
         than `--timeout` ends the retries (the case is an error naming it).\n\n\
         ASR = successes / (successes + defended). A case whose target gave no judgeable \
         answer (timeout, garbage, a body over the cap, an HTTP error after retries) is an \
         `error`: never counted as defended, and a `--fail-on-asr` gate on its category \
         fails. A request refused by a guard (`content_policy_violation`) is defended. \
         The `llm-judge` detector (RTD010) is opt-in: only probes that declare it and a \
         `rubric` use it, and only with `--judge-url`; no shipped probe does.\n",
    );
    let packs = match pack::builtin() {
        Ok(p) => p,
        Err(e) => return format!("{out}\nerror: {e}\n"),
    };
    let plants = generate::Plants::new(0);
    let cases = generate::expand(&packs, 0, &plants);
    let _ = writeln!(
        out,
        "\n{} packs, {} probes, {} cases per run.\n",
        packs.len(),
        packs.iter().map(|p| p.probes.len()).sum::<usize>(),
        cases.len()
    );
    for p in &packs {
        let file = p.source.trim_start_matches("builtin:");
        let _ = writeln!(out, "## {} (`{file}`, version {})\n", p.title, p.version);
        out.push_str("| ID | category | ATLAS | OWASP | lang | detector | cases | goal |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for (_, probe) in &p.probes {
            let n = probe.payloads.len().max(1) * probe.encodings.len();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} ({}) | {} | {} |",
                probe.id,
                probe.category,
                probe.atlas,
                probe.owasp,
                probe.lang,
                detectors::meta(probe.detector).code,
                probe.detector.as_str(),
                n,
                probe.goal.replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    out.push_str("## Detectors\n\n| code | name | severity | summary |\n|---|---|---|---|\n");
    for d in detectors::DETECTORS {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            d.code,
            d.name,
            d.severity.as_str(),
            d.summary
        );
    }
    out.push_str("\n`rampart explain CODE` prints a detector's documentation.\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn docs_redteam_md_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/redteam.md");
        let r = rampart_core::generated::check(
            &path,
            &super::docs_markdown(),
            "UPDATE_DOCS",
            "UPDATE_DOCS=1 cargo test -p rampart-redteam",
        );
        assert_eq!(r, Ok(()));
    }
}
