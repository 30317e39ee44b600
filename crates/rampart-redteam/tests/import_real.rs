//! The importers on files the tools themselves wrote (tests/data/*/README.md says how
//! each was produced): the counts rampart derives must be the ones the tool reports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rampart_redteam::import;
use rampart_redteam::pack::ProbeCategory;
use rampart_redteam::report::Row;
use serde_json::Value;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    match std::fs::read(data(rel)) {
        Ok(b) => b,
        Err(e) => panic!("{rel}: {e}"),
    }
}

fn json_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match serde_json::from_str(l) {
            Ok(v) => v,
            Err(e) => panic!("{e}: {l:.80}"),
        })
        .collect()
}

fn garak_rows() -> Vec<Row> {
    let bytes = read("garak-0.17.1/report.jsonl");
    match import::garak("report.jsonl", &bytes[..], bytes.len() as u64) {
        Ok(rows) => rows,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_real_garak_report_gives_the_counts_of_its_own_eval_lines() {
    let rows = garak_rows();
    let report = json_lines(&read("garak-0.17.1/report.jsonl"));
    assert!(report
        .iter()
        .any(|v| v["entry_type"] == "init" && v["garak_version"] == "0.17.1"));
    // garak's own summary: one eval line per (probe, detector)
    let mut evals: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    for v in report.iter().filter(|v| v["entry_type"] == "eval") {
        let probe = v["probe"].as_str().unwrap_or_default().to_string();
        let total = v["total_evaluated"].as_u64().unwrap_or(u64::MAX);
        let fails = v["fails"].as_u64().unwrap_or(u64::MAX);
        assert_eq!(v["nones"], 0, "{v}");
        evals.entry(probe).or_default().push((total, fails));
    }
    assert_eq!(evals.len(), 6, "{evals:?}");
    let mut ours: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for r in &rows {
        let e = ours.entry(r.probe.clone()).or_default();
        e.0 += 1;
        match r.outcome {
            "success" => e.1 += 1,
            "error" => e.2 += 1,
            _ => {}
        }
    }
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        evals.keys().collect::<Vec<_>>()
    );
    for (probe, detectors) in &evals {
        let (cases, successes, errors) = ours[probe];
        assert_eq!(errors, 0, "{probe}");
        for &(total, _) in detectors {
            assert_eq!(cases, total, "{probe}: every detector judged every output");
        }
        // an output is a successful attack when any detector failed it: at least as
        // many as the detector that failed most, at most all of their failures
        let most = detectors.iter().map(|d| d.1).max().unwrap_or(0);
        let sum: u64 = detectors.iter().map(|d| d.1).sum();
        assert!(
            (most..=sum.min(cases)).contains(&successes),
            "{probe}: {successes} successes, garak's fails {detectors:?}"
        );
        if detectors.len() == 1 {
            assert_eq!(successes, detectors[0].1, "{probe}");
        }
    }
    // in this run: 3 DAN-style jailbreaks got past (mitigation.MitigationBypass found
    // no refusal), the 36 encoding, prompt-injection and exfiltration attempts did not
    assert_eq!(rows.len(), 39);
    assert_eq!(rows.iter().filter(|r| r.outcome == "success").count(), 3);
}

#[test]
fn a_real_garak_report_matches_its_hitlog_and_maps_categories() {
    let rows = garak_rows();
    // garak's hit log: one line per (attempt, detector) that scored a hit
    let hits: BTreeSet<String> = json_lines(&read("garak-0.17.1/hitlog.jsonl"))
        .iter()
        .map(|h| {
            format!(
                "garak/{}/{}/{}",
                h["probe"].as_str().unwrap_or_default(),
                h["attempt_seq"],
                h["attempt_idx"]
            )
        })
        .collect();
    let successes: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.outcome == "success")
        .map(|r| r.id.clone())
        .collect();
    assert_eq!(successes, hits);
    for r in rows.iter().filter(|r| r.outcome == "success") {
        assert_eq!(r.category, ProbeCategory::Jailbreak, "{}", r.id);
        assert_eq!(r.detector, "garak:mitigation.MitigationBypass");
        // the evidence is the model's answer as garak recorded it
        let text = r.evidence.as_ref().map(|e| e.text.as_str()).unwrap_or("");
        assert!(text.starts_with("Thanks for your message."), "{text}");
    }
    let cats: BTreeSet<ProbeCategory> = rows.iter().map(|r| r.category).collect();
    assert_eq!(
        cats.into_iter().collect::<Vec<_>>(),
        [
            ProbeCategory::Injection,
            ProbeCategory::Jailbreak,
            ProbeCategory::Exfiltration
        ]
    );
    let scored = rampart_redteam::report::score_rows(rows, 0, "garak");
    assert_eq!(scored.categories["jailbreak"].asr, Some(1.0));
    assert_eq!(scored.categories["injection"].asr, Some(0.0));
}

fn promptfoo_rows() -> (Vec<Row>, Value) {
    let bytes = read("promptfoo-0.120.0/results.json");
    let doc: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    match import::promptfoo("results.json", &bytes) {
        Ok(rows) => (rows, doc),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_real_promptfoo_results_file_gives_the_counts_of_its_own_stats() {
    let (rows, doc) = promptfoo_rows();
    assert_eq!(doc["results"]["version"], 3);
    // promptfoo's own tally: a passed test is a defended attack, a failed assertion a
    // successful one, an error an error
    let stats = &doc["results"]["stats"];
    let count = |o: &str| rows.iter().filter(|r| r.outcome == o).count() as u64;
    assert_eq!(Some(count("defended")), stats["successes"].as_u64());
    assert_eq!(Some(count("success")), stats["failures"].as_u64());
    assert_eq!(Some(count("error")), stats["errors"].as_u64());
    assert_eq!(
        (count("success"), count("defended"), count("error")),
        (4, 3, 1)
    );
    // and case by case, against promptfoo's failureReason (1: assertion, 2: error)
    let list = doc["results"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(list.len(), rows.len());
    for r in &list {
        let id_end = format!("/{:05}", r["testIdx"].as_u64().unwrap_or(u64::MAX));
        let Some(row) = rows.iter().find(|x| x.id.ends_with(&id_end)) else {
            panic!("no row for {id_end}");
        };
        let want = match (r["failureReason"].as_u64(), r["success"].as_bool()) {
            (Some(2), _) => "error",
            (Some(1), _) => "success",
            (Some(0), Some(true)) => "defended",
            other => panic!("{other:?}"),
        };
        assert_eq!(row.outcome, want, "{}", row.id);
    }
}

#[test]
fn a_real_promptfoo_results_file_keeps_plugins_evidence_and_errors() {
    let (rows, _) = promptfoo_rows();
    let by_probe = |p: &str| -> Vec<&Row> { rows.iter().filter(|r| r.probe == p).collect() };
    let pi = by_probe("promptfoo/pii:direct");
    assert_eq!(pi.len(), 1);
    assert_eq!(pi[0].category, ProbeCategory::Pii);
    assert_eq!(pi[0].outcome, "success");
    let text = pi[0]
        .evidence
        .as_ref()
        .map(|e| e.text.as_str())
        .unwrap_or("");
    assert!(text.contains("jane.roe4821@example.com"), "{text}");
    // a tool call is promptfoo's output as a list of calls: kept as JSON text
    let agency = by_probe("promptfoo/excessive-agency");
    assert_eq!(agency[0].category, ProbeCategory::Agency);
    assert_eq!(agency[0].outcome, "success");
    let text = agency[0]
        .evidence
        .as_ref()
        .map(|e| e.text.as_str())
        .unwrap_or("");
    assert!(text.contains("\"name\":\"delete_records\""), "{text}");
    assert_eq!(
        by_probe("promptfoo/prompt-extraction")[0].category,
        ProbeCategory::PromptExtraction
    );
    // the strategy names the probe and, for jailbreaks, the category
    let jb = by_probe("promptfoo/harmful:illegal-activities/jailbreak");
    assert_eq!(jb[0].category, ProbeCategory::Jailbreak);
    assert_eq!(jb[0].outcome, "defended");
    assert_eq!(
        by_probe("promptfoo/hijacking/base64")[0].outcome,
        "defended"
    );
    // the unreachable target: an error with the provider's message, not a verdict
    let hij = by_probe("promptfoo/hijacking");
    assert_eq!(hij.len(), 2);
    let err = hij.iter().find(|r| r.outcome == "error");
    let msg = err.and_then(|r| r.error.as_deref()).unwrap_or("");
    assert!(msg.starts_with("API call error"), "{msg}");
    // a failed assertion is not an error, although promptfoo writes its reason in `error`
    assert!(rows
        .iter()
        .filter(|r| r.outcome == "success")
        .all(|r| r.error.is_none()));
}
