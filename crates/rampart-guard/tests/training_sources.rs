//! The list of what CLS001 was trained and tuned on (`scripts/guard/sources.json`)
//! stays true: it names the same sources, with the same row counts, as the metadata
//! the training script wrote beside the bundled model, and no evaluation file of this
//! repository is on it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_sources_list_agrees_with_the_bundled_model() {
    let list = read(&root().join("scripts/guard/sources.json"));
    let meta = read(&root().join("crates/rampart-guard/data/classifier.json"));
    let sources = list["sources"].as_array().expect("a sources array");
    let trained = meta["sources"]
        .as_object()
        .expect("model metadata names its sources");
    let listed: Vec<&str> = sources
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    let mut in_model: Vec<&str> = trained.keys().map(String::as_str).collect();
    in_model.sort_unstable();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted, in_model,
        "sources.json and classifier.json name different sources: rerun scripts/guard/train.py"
    );
    for s in sources {
        let name = s["source"].as_str().unwrap();
        for field in ["attacks", "benign"] {
            assert_eq!(
                s[field], trained[name][field],
                "{name}: {field} differs between sources.json and the model's metadata"
            );
        }
        for field in ["package", "registry", "version", "licence"] {
            assert!(
                s[field].as_str().is_some_and(|v| !v.is_empty()),
                "{name}: no {field}"
            );
        }
        let files = s["files"].as_array().expect("files");
        assert!(!files.is_empty(), "{name}: no files");
    }
    let rows: u64 = sources
        .iter()
        .map(|s| s["attacks"].as_u64().unwrap() + s["benign"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(rows), meta["training_texts"].as_u64());
}

#[test]
fn no_evaluation_data_of_the_repository_is_trained_on() {
    let list = read(&root().join("scripts/guard/sources.json"));
    for s in list["sources"].as_array().unwrap() {
        for f in s["files"].as_array().unwrap() {
            let f = f.as_str().unwrap();
            assert!(
                !f.contains("tests/data"),
                "{}: evaluation file {f} is listed as training data",
                s["source"]
            );
        }
    }
    // and every evaluation set says it is evaluation only (the held-out set, and the
    // test half or the whole of each blind set)
    for (dir, phrase) in [
        (
            "heldout",
            "**Use it for evaluation only.** Do not train on it",
        ),
        (
            "blind-2026-12-05",
            "**`test.jsonl` is for evaluation only.**",
        ),
        ("blind-2026-12-05b", "**Use them for evaluation only.**"),
        (
            "blind-2026-12-05c",
            "**`test.jsonl` is for evaluation only.**",
        ),
        ("blind-2026-12-05d", "**Use it for evaluation only.**"),
        (
            "writers-2026-12-05h",
            "**`test.jsonl` is for evaluation only.**",
        ),
        (
            "blind-2026-12-06",
            "**`test.jsonl` is for evaluation only.**",
        ),
    ] {
        let readme = std::fs::read_to_string(
            root().join(format!("crates/rampart-guard/tests/data/{dir}/README.md")),
        )
        .unwrap_or_else(|e| panic!("{dir} documents itself: {e}"));
        assert!(
            readme.contains(phrase),
            "{dir}/README.md no longer says {phrase:?}"
        );
    }
}
