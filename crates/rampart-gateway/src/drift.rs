//! Drift of the inputs and the behaviour (OM-1, OM-2): per route and model, the
//! most recent requests are compared with the requests before them, feature by
//! feature, with the population stability index (PSI) over fixed bins.
//!
//! For each `(route, model)` the writer thread keeps two rings of request features:
//! the *recent* ring (the last `drift_recent_requests`) and the *baseline* (the
//! `drift_baseline_requests` before them; a request leaving the recent ring enters
//! it). Once the baseline holds at least as many requests as the recent ring is
//! long, and the recent ring is full, each feature's PSI is
//!
//! `PSI = Σ_bins (r − b) · ln(r / b)`
//!
//! with `r` and `b` the recent and baseline shares of a bin (each share floored at
//! 10⁻⁴ so an empty bin counts as rare, not impossible). By the usual convention
//! below 0.1 is stable, 0.1–0.25 a moderate shift and above 0.25 a significant one;
//! alert rules choose their own threshold. The windows count requests, not time, so
//! a quiet hour does not dilute them; they are kept in memory (a restart starts new
//! baselines) and bounded: at most [`MAX_GROUPS`] groups, fixed-size rings.
//!
//! Features and their bins:
//! - `input_length`: characters of the judged input: <16, <64, <256, <1024,
//!   <4096, more;
//! - `script`: the script most of the input's letters are in: Latin, Cyrillic,
//!   Greek, Arabic, Hebrew, Devanagari, CJK (Han, kana, Hangul), other, no letters;
//! - `block_rate`, `refusal_rate`, `tool_call_rate`: two bins each (the request was
//!   blocked; the answer was a refusal; the answer called a tool).

use std::collections::{HashMap, VecDeque};

use serde_json::{json, Value};

/// The drift metrics alert rules may name (label: optional, a model name).
pub const METRICS: &[&str] = &[
    "drift.input_length",
    "drift.script",
    "drift.block_rate",
    "drift.refusal_rate",
    "drift.tool_call_rate",
];

/// `(route, model)` groups tracked; more are not tracked.
pub const MAX_GROUPS: usize = 64;

const FEATURES: [(&str, usize); 5] = [
    ("input_length", 6),
    ("script", 9),
    ("block_rate", 2),
    ("refusal_rate", 2),
    ("tool_call_rate", 2),
];

/// Whether `metric` is a drift metric.
pub fn is_metric(metric: &str) -> bool {
    METRICS.contains(&metric)
}

/// One request's features (each a bin index).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    /// Bin of the input length.
    pub length: u8,
    /// Bin of the dominant script.
    pub script: u8,
    /// Blocked.
    pub blocked: bool,
    /// The answer refused.
    pub refusal: bool,
    /// The answer called a tool.
    pub tool_call: bool,
}

impl Features {
    fn bins(self) -> [usize; 5] {
        [
            usize::from(self.length),
            usize::from(self.script),
            usize::from(self.blocked),
            usize::from(self.refusal),
            usize::from(self.tool_call),
        ]
    }
}

/// Counts the script classes of a text's letters, adding to `counts` (for the
/// [`script_bin`] of a request's texts together).
pub fn count_scripts(text: &str, counts: &mut [u32; 8]) -> usize {
    let mut chars = 0;
    for c in text.chars() {
        chars += 1;
        if !c.is_alphabetic() {
            continue;
        }
        let class = match u32::from(c) {
            0x0041..=0x024F | 0x1E00..=0x1EFF => 0,
            0x0400..=0x052F => 1,
            0x0370..=0x03FF => 2,
            0x0600..=0x06FF | 0x0750..=0x077F => 3,
            0x0590..=0x05FF => 4,
            0x0900..=0x097F => 5,
            0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF => 6,
            _ => 7,
        };
        counts[class] = counts[class].saturating_add(1);
    }
    chars
}

/// The bin of the dominant script (8: no letters).
pub fn script_bin(counts: &[u32; 8]) -> u8 {
    let (i, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
        .unwrap_or((8, &0));
    if *n == 0 {
        8
    } else {
        u8::try_from(i).unwrap_or(7)
    }
}

/// The bin of an input length in characters.
pub fn length_bin(chars: usize) -> u8 {
    match chars {
        0..16 => 0,
        16..64 => 1,
        64..256 => 2,
        256..1024 => 3,
        1024..4096 => 4,
        _ => 5,
    }
}

/// Whether an answer's text reads as a refusal (or carries the `refusal` field).
pub fn is_refusal(message: &Value) -> bool {
    if message["refusal"].as_str().is_some_and(|r| !r.is_empty()) {
        return true;
    }
    let Some(text) = message["content"].as_str() else {
        return false;
    };
    let start: String = text.chars().take(60).collect::<String>().to_lowercase();
    [
        "i can't",
        "i cannot",
        "i can’t",
        "i'm sorry",
        "i’m sorry",
        "sorry, i",
        "i am unable",
        "i'm unable",
        "i won't",
    ]
    .iter()
    .any(|p| start.starts_with(p))
}

#[derive(Debug, Default)]
struct Group {
    recent: VecDeque<Features>,
    baseline: VecDeque<Features>,
}

/// The windows of every group (owned by the writer thread).
#[derive(Debug)]
pub struct Tracker {
    recent: usize,
    baseline: usize,
    groups: HashMap<(String, String), Group>,
}

/// One feature's PSI in one group.
#[derive(Debug, Clone)]
pub struct GroupScore {
    /// The drift metric (`drift.script`, …).
    pub metric: String,
    /// The route.
    pub route: String,
    /// The model.
    pub model: String,
    /// The population stability index.
    pub psi: f64,
    /// The baseline's share of each bin.
    pub baseline: Vec<f64>,
    /// The recent requests' share of each bin.
    pub recent: Vec<f64>,
}

/// PSI per metric and group, published after each batch.
#[derive(Debug, Default, Clone)]
pub struct Scores {
    /// Every scored feature of every group with enough requests.
    pub by_group: Vec<GroupScore>,
}

impl Scores {
    /// The largest PSI of `metric` over the groups (of model `label`, if given); 0
    /// when no group has enough requests yet.
    pub fn get(&self, metric: &str, label: Option<&str>) -> f64 {
        self.by_group
            .iter()
            .filter(|g| g.metric == metric && label.is_none_or(|l| g.model == l))
            .map(|g| g.psi)
            .fold(0.0, f64::max)
    }

    /// What moved: the group with the largest PSI of `metric` and its distributions.
    pub fn detail(&self, metric: &str) -> Value {
        self.by_group
            .iter()
            .filter(|g| g.metric == metric)
            .max_by(|a, b| a.psi.total_cmp(&b.psi))
            .map_or(Value::Null, |g| {
                json!({"route": g.route, "model": g.model, "psi": g.psi,
                       "baseline_shares": g.baseline, "recent_shares": g.recent})
            })
    }
}

/// The PSI of two histograms over the same bins.
pub fn psi(baseline: &[u64], recent: &[u64]) -> f64 {
    let (nb, nr) = (
        baseline.iter().sum::<u64>().max(1) as f64,
        recent.iter().sum::<u64>().max(1) as f64,
    );
    baseline
        .iter()
        .zip(recent)
        .map(|(b, r)| {
            let (b, r) = ((*b as f64 / nb).max(1e-4), (*r as f64 / nr).max(1e-4));
            (r - b) * (r / b).ln()
        })
        .sum()
}

impl Tracker {
    /// Rings of `recent` and `baseline` requests per group (each at least 1).
    pub fn new(recent: usize, baseline: usize) -> Tracker {
        Tracker {
            recent: recent.max(1),
            baseline: baseline.max(1),
            groups: HashMap::new(),
        }
    }

    /// Adds one request's features.
    pub fn add(&mut self, route: &str, model: &str, f: Features) {
        let key = (route.to_string(), model.to_string());
        if !self.groups.contains_key(&key) && self.groups.len() >= MAX_GROUPS {
            return;
        }
        let g = self.groups.entry(key).or_default();
        g.recent.push_back(f);
        if g.recent.len() > self.recent {
            if let Some(old) = g.recent.pop_front() {
                g.baseline.push_back(old);
            }
            if g.baseline.len() > self.baseline {
                g.baseline.pop_front();
            }
        }
    }

    /// The PSI of every feature of every group with enough requests.
    pub fn scores(&self) -> Scores {
        let mut out = Scores::default();
        for ((route, model), g) in &self.groups {
            if g.recent.len() < self.recent || g.baseline.len() < self.recent.min(self.baseline) {
                continue;
            }
            for (i, (name, bins)) in FEATURES.iter().enumerate() {
                let hist = |ring: &VecDeque<Features>| {
                    let mut h = vec![0u64; *bins];
                    for f in ring {
                        if let Some(slot) = h.get_mut(f.bins()[i]) {
                            *slot += 1;
                        }
                    }
                    h
                };
                let (b, r) = (hist(&g.baseline), hist(&g.recent));
                let shares = |h: &[u64]| {
                    let n = h.iter().sum::<u64>().max(1) as f64;
                    h.iter()
                        .map(|x| (*x as f64 / n * 1000.0).round() / 1000.0)
                        .collect::<Vec<_>>()
                };
                out.by_group.push(GroupScore {
                    metric: format!("drift.{name}"),
                    route: route.clone(),
                    model: model.clone(),
                    psi: psi(&b, &r),
                    baseline: shares(&b),
                    recent: shares(&r),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(len: usize, text: &str, blocked: bool) -> Features {
        let mut c = [0; 8];
        count_scripts(text, &mut c);
        Features {
            length: length_bin(len),
            script: script_bin(&c),
            blocked,
            ..Features::default()
        }
    }

    #[test]
    fn a_stable_stream_scores_low_and_a_shift_high() {
        let mut t = Tracker::new(20, 40);
        for i in 0..60 {
            t.add(
                "/r",
                "m",
                f(30 + i % 20, "hello there, where is my order?", i % 10 == 0),
            );
        }
        let s = t.scores();
        assert!(s.get("drift.input_length", None) < 0.1, "{s:?}");
        assert!(s.get("drift.script", None) < 0.1);
        assert!(s.get("drift.block_rate", None) < 0.1);
        for _ in 0..20 {
            t.add(
                "/r",
                "m",
                f(40, "где мой заказ? пожалуйста, ответьте", false),
            );
        }
        let s = t.scores();
        assert!(s.get("drift.script", None) > 1.0, "{s:?}");
        assert!(s.get("drift.script", Some("m")) > 1.0);
        assert_eq!(s.get("drift.script", Some("other")), 0.0);
        assert!(
            s.detail("drift.script")["recent_shares"][1]
                .as_f64()
                .unwrap_or(0.0)
                > 0.9
        );
    }

    #[test]
    fn scripts_and_refusals_are_recognised() {
        let mut c = [0; 8];
        count_scripts("这是中文 with a few words", &mut c);
        assert_eq!(script_bin(&c), 0);
        let mut c = [0; 8];
        count_scripts("这是中文，没有别的字", &mut c);
        assert_eq!(script_bin(&c), 6);
        assert_eq!(script_bin(&[0; 8]), 8);
        assert!(is_refusal(
            &json!({"content": "I'm sorry, but I can't help with that."})
        ));
        assert!(is_refusal(&json!({"content": null, "refusal": "no"})));
        assert!(!is_refusal(&json!({"content": "Sure, here it is."})));
    }

    #[test]
    fn groups_are_bounded() {
        let mut t = Tracker::new(2, 2);
        for i in 0..(MAX_GROUPS + 10) {
            t.add("/r", &format!("m{i}"), Features::default());
        }
        assert_eq!(t.groups.len(), MAX_GROUPS);
    }
}
