//! The Rust feature extraction matches the training script's: probabilities of the
//! texts recorded by `scripts/guard/train.py` in `data/classifier.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rampart_guard::classifier::Classifier;
use rampart_guard::normalize::normalize;

#[test]
fn probabilities_match_training_script() {
    let meta: serde_json::Value =
        serde_json::from_str(include_str!("../data/classifier.json")).unwrap();
    let c = Classifier::bundled().unwrap();
    assert!((c.threshold() as f64 - meta["threshold"].as_f64().unwrap()).abs() < 1e-6);
    for pair in meta["parity"].as_array().unwrap() {
        let text = pair[0].as_str().unwrap();
        let want = pair[1].as_f64().unwrap();
        let got = f64::from(c.probability(&normalize(text).lower));
        assert!(
            (got - want).abs() < 2e-3,
            "{text:?}: rust {got} python {want}"
        );
    }
}
