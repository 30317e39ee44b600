//! Drift of the inputs and the behaviour (OM-1, OM-2): per route and model, the
//! most recent requests are compared with the requests before them, feature by
//! feature, over fixed bins.
//!
//! For each `(route, model)` the monitor's writer thread keeps two rings of request
//! features: the *recent* ring (the last `drift_recent_requests`) and the
//! *baseline* (the `drift_baseline_requests` before them; a request leaving the
//! recent ring enters it). Once the baseline holds at least as many requests as the
//! recent ring is long, and the recent ring is full, each feature is scored. The
//! rings are saved in the monitor's SQLite file (table `drift`) once a minute and
//! when the gateway stops, and read back at start: a restart keeps its baselines.
//! They are bounded: at most [`MAX_GROUPS`] groups, fixed-size rings, and a saved
//! ring longer than its window or of the wrong record size is ignored.
//!
//! The statistic is the population stability index (PSI) for every feature but the
//! topic profile:
//!
//! `PSI = Σ_bins (r − b) · ln(r / b)`
//!
//! with `r` and `b` the recent and baseline shares of a bin (each share floored at
//! 10⁻⁴ so an empty bin counts as rare, not impossible). By the usual convention
//! below 0.1 is stable, 0.1–0.25 a moderate shift and above 0.25 a significant one.
//! The topic profile has 64 sparse bins, where PSI's floor would dominate; it is
//! scored with the Jensen–Shannon divergence (base 2, between 0 for the same
//! distribution and 1 for disjoint ones):
//!
//! `JS = ½ Σ r · log₂(r / m) + ½ Σ b · log₂(b / m)`, `m = (r + b) / 2`.
//!
//! Alert rules choose their own threshold. The windows count requests, not time, so
//! a quiet hour does not dilute them.
//!
//! Features and their bins:
//! - `input_length`: characters of the judged input: <16, <64, <256, <1024,
//!   <4096, more;
//! - `script`: the script most of the newest user text's letters are in (the last
//!   `user` message, else the last text of the request: the system prompt and the
//!   history repeat from request to request): Latin, Cyrillic, Greek, Arabic, Hebrew,
//!   Devanagari, CJK (Han, kana, Hangul), other, no letters;
//! - `block_rate`, `refusal_rate`, `tool_call_rate`, `error_rate`: two bins each
//!   (the request was blocked; the answer was a refusal; the answer called a tool;
//!   the request ended in an upstream error or an answer that could not be judged,
//!   rules GW007/GW008);
//! - `output_length`: output tokens (the upstream's count, else estimated from the
//!   answer's characters): 0, <16, <64, <256, <1024, more;
//! - `token_usage`: tokens in and out: <16, <64, <256, <1024, <4096, more;
//! - `rule_category`: the categories of the guard rules that fired on the request
//!   (the verdict carries rule codes, not scores): none, injection/jailbreak
//!   (`INJ`, `JBK`), personal data (`PII`), secrets (`SEC`), exfiltration or leaks
//!   (`EXF`, `LEK`, `OUT`), tools (`TOOL`), extraction (`EXT`), classifiers and
//!   obfuscation (`OOD`, `CLS`, `OBF`), other; a request counts once in each
//!   category that fired;
//! - `topic`: a hashed word-bigram profile of the newest user text: words (letters and digits,
//!   lowercased) are hashed, each pair of neighbouring words into one of 64 buckets;
//!   a request counts once in each bucket one of its bigrams fell in (the first
//!   [`TOPIC_MAX_WORDS`] words are read);
//! - `score_attack`, `score_data`, `score_exfiltration`: the guard's highest score on
//!   the request's input per group of categories (injection, jailbreak and
//!   obfuscation; secrets and personal data; exfiltration and leakage), findings
//!   under the policy's `min_score` included: no finding, <0.25, <0.5, <0.75, higher.
//!
//! When a rule on a drift metric fires, its detail names the group that moved, the
//! bin that grew most, and up to [`EXAMPLES`] recent requests in that bin by request
//! id (the alert resolves them to ledger entry indices; ids only, never text).

use std::collections::{HashMap, VecDeque};

use serde_json::{json, Value};

/// The drift metrics alert rules may name (label: optional, a model name).
pub const METRICS: &[&str] = &[
    "drift.input_length",
    "drift.script",
    "drift.block_rate",
    "drift.refusal_rate",
    "drift.tool_call_rate",
    "drift.error_rate",
    "drift.output_length",
    "drift.token_usage",
    "drift.rule_category",
    "drift.topic",
    "drift.score_attack",
    "drift.score_data",
    "drift.score_exfiltration",
];

/// `(route, model)` groups tracked; more are not tracked.
pub const MAX_GROUPS: usize = 64;
/// Example requests an alert's detail names.
pub const EXAMPLES: usize = 5;
/// Words of one text hashed into the topic profile.
pub const TOPIC_MAX_WORDS: usize = 4096;
/// Buckets of the topic profile.
pub const TOPIC_BUCKETS: usize = 64;
/// Bins of `rule_category`.
const CATEGORIES: usize = 9;

/// `(name, bins, multi-hot)`: a multi-hot feature counts a request in every bin set.
const FEATURES: [(&str, usize); 13] = [
    ("input_length", 6),
    ("script", 9),
    ("block_rate", 2),
    ("refusal_rate", 2),
    ("tool_call_rate", 2),
    ("error_rate", 2),
    ("output_length", 6),
    ("token_usage", 6),
    ("rule_category", CATEGORIES),
    ("topic", TOPIC_BUCKETS),
    ("score_attack", SCORE_BINS),
    ("score_data", SCORE_BINS),
    ("score_exfiltration", SCORE_BINS),
];
const RULE_CATEGORY: usize = 8;
/// Bins of every feature together.
const ALL_BINS: usize = 6 + 9 + 2 + 2 + 2 + 2 + 6 + 6 + CATEGORIES + TOPIC_BUCKETS + 3 * SCORE_BINS;
const TOPIC: usize = 9;
/// The first of the three score features (attack, data, exfiltration).
const SCORES: usize = 10;
/// Bins of a score feature: no finding, <0.25, <0.5, <0.75, higher.
const SCORE_BINS: usize = 5;

/// Whether `metric` is a drift metric.
pub fn is_metric(metric: &str) -> bool {
    METRICS.contains(&metric)
}

/// One request's features (bin indexes, and bit sets for the multi-hot ones).
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
    /// Upstream error or unjudgeable answer.
    pub error: bool,
    /// Bin of the output tokens.
    pub output: u8,
    /// Bin of the tokens in and out.
    pub tokens: u8,
    /// Rule categories that fired (bit `i`: bin `i`; bit 0: none fired).
    pub categories: u16,
    /// Topic buckets hit (bit `i`: bucket `i`).
    pub topics: u64,
    /// Bins of the guard's highest scores (attack, data, exfiltration).
    pub scores: [u8; 3],
}

/// Calls `f` with the index of each bit set in `set`, lowest first.
fn each_bit(mut set: u64, mut f: impl FnMut(usize)) {
    while set != 0 {
        f(set.trailing_zeros() as usize);
        set &= set - 1;
    }
}

/// Bytes of one saved [`Features`] record.
const RECORD: usize = 16;

impl Features {
    /// Calls `f` with each bin of feature `i` the request falls in.
    fn each_bin(self, i: usize, mut f: impl FnMut(usize)) {
        match i {
            0 => f(usize::from(self.length)),
            1 => f(usize::from(self.script)),
            2 => f(usize::from(self.blocked)),
            3 => f(usize::from(self.refusal)),
            4 => f(usize::from(self.tool_call)),
            5 => f(usize::from(self.error)),
            6 => f(usize::from(self.output)),
            7 => f(usize::from(self.tokens)),
            RULE_CATEGORY => {
                let set = if self.categories == 0 {
                    1
                } else {
                    self.categories
                };
                each_bit(u64::from(set), f);
            }
            TOPIC => each_bit(self.topics, f),
            _ => f(usize::from(
                self.scores
                    .get(i.saturating_sub(SCORES))
                    .copied()
                    .unwrap_or(0),
            )),
        }
    }

    /// Adds (or takes away) the request's bins of every feature in `h`, the bins
    /// of all features laid end to end.
    fn tally(self, h: &mut [u64; ALL_BINS], add: bool) {
        let mut offset = 0;
        for (i, (_, bins)) in FEATURES.iter().enumerate() {
            self.each_bin(i, |b| {
                if let Some(slot) = h.get_mut(offset + b.min(bins - 1)) {
                    *slot = if add {
                        slot.saturating_add(1)
                    } else {
                        slot.saturating_sub(1)
                    };
                }
            });
            offset += bins;
        }
    }

    /// Whether the request falls in `bin` of feature `i`.
    fn in_bin(self, i: usize, bin: usize) -> bool {
        let mut hit = false;
        self.each_bin(i, |b| hit |= b == bin);
        hit
    }

    /// Sets what the record of a request adds: blocked, error, token bins and rule
    /// categories (off the request path, in the monitor's writer thread).
    pub fn complete(&mut self, blocked: bool, rules: &[String], tokens: (u64, u64)) {
        self.blocked = blocked;
        self.error = rules.iter().any(|r| {
            r == crate::server::NO_UPSTREAM_RULE || r == crate::server::UNJUDGED_ANSWER_RULE
        });
        self.output = output_bin(tokens.1);
        self.tokens = token_bin(tokens.0.saturating_add(tokens.1));
        self.categories = rules
            .iter()
            .map(|r| 1u16 << category(r))
            .fold(0, |a, b| a | b);
    }

    fn to_bytes(self) -> [u8; RECORD] {
        let mut b = [0u8; RECORD];
        b[0] = self.length;
        b[1] = self.script;
        b[2] = u8::from(self.blocked)
            | u8::from(self.refusal) << 1
            | u8::from(self.tool_call) << 2
            | u8::from(self.error) << 3;
        b[3] = self.output;
        b[4] = self.tokens;
        // the three score bins in one byte (5 × 5 × 5 = 125 values); records saved
        // before the scores existed have 0 here: no finding
        let [a, d, x] = self.scores.map(|s| s.min(4));
        b[5] = a * 25 + d * 5 + x;
        b[6..8].copy_from_slice(&self.categories.to_le_bytes());
        b[8..16].copy_from_slice(&self.topics.to_le_bytes());
        b
    }

    fn from_bytes(b: &[u8]) -> Option<Features> {
        let b: &[u8; RECORD] = b.try_into().ok()?;
        Some(Features {
            length: b[0],
            script: b[1],
            blocked: b[2] & 1 != 0,
            refusal: b[2] & 2 != 0,
            tool_call: b[2] & 4 != 0,
            error: b[2] & 8 != 0,
            output: b[3],
            tokens: b[4],
            scores: if b[5] < 125 {
                [b[5] / 25, b[5] / 5 % 5, b[5] % 5]
            } else {
                [0; 3]
            },
            categories: u16::from_le_bytes([b[6], b[7]]),
            topics: u64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]),
        })
    }
}

/// The `rule_category` bin of a rule code (its letter prefix).
pub fn category(rule: &str) -> usize {
    let prefix = rule
        .split(|c: char| !c.is_ascii_uppercase())
        .next()
        .unwrap_or("");
    match prefix {
        "INJ" | "JBK" => 1,
        "PII" => 2,
        "SEC" => 3,
        "EXF" | "LEK" | "OUT" => 4,
        "TOOL" => 5,
        "EXT" => 6,
        "OOD" | "CLS" | "OBF" => 7,
        _ => 8,
    }
}

/// What the request path learns of a request's input texts in the pass that counts
/// their characters: the scripts of its letters and its topic buckets.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextProfile {
    scripts: [u32; 8],
    topics: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// ASCII bytes: the lowercase byte of a letter or digit, 0 for anything else.
static ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_uppercase() {
            b + 32
        } else if b.is_ascii_lowercase() || b.is_ascii_digit() {
            b
        } else {
            0
        };
        i += 1;
    }
    t
};

impl TextProfile {
    /// Reads one text; returns its characters. One pass over the bytes: an ASCII
    /// byte costs a table lookup and, inside a word, one xor and one multiply (no
    /// UTF-8 decoding, no case tables); other characters are decoded and classed.
    pub fn add(&mut self, text: &str) -> usize {
        let bytes = text.as_bytes();
        let (mut chars, mut words, mut latin) = (0usize, 0usize, 0u32);
        let (mut word, mut in_word, mut prev) = (FNV_OFFSET, false, None::<u64>);
        let mut topics = self.topics;
        let mut end_word = |word: u64, prev: &mut Option<u64>| {
            if let Some(p) = *prev {
                let h = (p.rotate_left(29) ^ word).wrapping_mul(FNV_PRIME);
                topics |= 1 << (h >> 58);
            }
            *prev = Some(word);
        };
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            chars += 1;
            if b < 0x80 {
                i += 1;
                let v = ASCII[usize::from(b)];
                if v != 0 {
                    if words < TOPIC_MAX_WORDS {
                        word = (word ^ u64::from(v)).wrapping_mul(FNV_PRIME);
                        in_word = true;
                    }
                    latin += u32::from(v >= b'a');
                    continue;
                }
            } else {
                let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
                    break;
                };
                i += c.len_utf8();
                if c.is_alphanumeric() {
                    if words < TOPIC_MAX_WORDS {
                        for l in c.to_lowercase() {
                            word = (word ^ u64::from(u32::from(l))).wrapping_mul(FNV_PRIME);
                        }
                        in_word = true;
                    }
                    if c.is_alphabetic() {
                        let class = match u32::from(c) {
                            0x0041..=0x024F | 0x1E00..=0x1EFF => 0,
                            0x0400..=0x052F => 1,
                            0x0370..=0x03FF => 2,
                            0x0600..=0x06FF | 0x0750..=0x077F => 3,
                            0x0590..=0x05FF => 4,
                            0x0900..=0x097F => 5,
                            0x3040..=0x30FF
                            | 0x3400..=0x4DBF
                            | 0x4E00..=0x9FFF
                            | 0xAC00..=0xD7AF => 6,
                            _ => 7,
                        };
                        self.scripts[class] = self.scripts[class].saturating_add(1);
                    }
                    continue;
                }
            }
            if in_word {
                end_word(word, &mut prev);
                words += 1;
                word = FNV_OFFSET;
                in_word = false;
            }
        }
        if in_word {
            end_word(word, &mut prev);
        }
        self.topics = topics;
        self.scripts[0] = self.scripts[0].saturating_add(latin);
        chars
    }

    /// The request's features from its texts, their characters and the guard's
    /// highest scores on them.
    pub fn features(&self, chars: usize, scores: crate::inspect::Scores) -> Features {
        Features {
            length: length_bin(chars),
            script: script_bin(&self.scripts),
            topics: self.topics,
            scores: scores.0.map(score_bin),
            ..Features::default()
        }
    }
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

/// The bin of a score in hundredths (0: no finding).
fn score_bin(hundredths: u8) -> u8 {
    match hundredths {
        0 => 0,
        1..25 => 1,
        25..50 => 2,
        50..75 => 3,
        _ => 4,
    }
}

fn output_bin(tokens: u64) -> u8 {
    match tokens {
        0 => 0,
        1..16 => 1,
        16..64 => 2,
        64..256 => 3,
        256..1024 => 4,
        _ => 5,
    }
}

fn token_bin(tokens: u64) -> u8 {
    match tokens {
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

/// A request id as a number (`req-` and up to 32 hex digits); 0 for any other.
pub fn request_number(id: &str) -> u128 {
    id.strip_prefix("req-")
        .filter(|h| !h.is_empty() && h.len() <= 32)
        .and_then(|h| u128::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

#[derive(Debug)]
struct Group {
    /// Features and the request's number (for examples).
    recent: VecDeque<(Features, u128)>,
    baseline: VecDeque<Features>,
    /// The bins of the rings, kept as requests come and go (scores read them
    /// without going over the rings).
    hist_recent: Box<[u64; ALL_BINS]>,
    hist_baseline: Box<[u64; ALL_BINS]>,
}

impl Default for Group {
    fn default() -> Group {
        Group {
            recent: VecDeque::new(),
            baseline: VecDeque::new(),
            hist_recent: Box::new([0; ALL_BINS]),
            hist_baseline: Box::new([0; ALL_BINS]),
        }
    }
}

impl Group {
    fn push(&mut self, f: Features, id: u128, recent: usize, baseline: usize) {
        f.tally(&mut self.hist_recent, true);
        self.recent.push_back((f, id));
        if self.recent.len() > recent {
            if let Some((old, _)) = self.recent.pop_front() {
                old.tally(&mut self.hist_recent, false);
                old.tally(&mut self.hist_baseline, true);
                self.baseline.push_back(old);
            }
        }
        if self.baseline.len() > baseline {
            if let Some(old) = self.baseline.pop_front() {
                old.tally(&mut self.hist_baseline, false);
            }
        }
    }
}

/// The windows of every group (owned by the writer thread).
#[derive(Debug)]
pub struct Tracker {
    recent: usize,
    baseline: usize,
    groups: HashMap<(String, String), Group>,
}

/// One feature's score in one group.
#[derive(Debug, Clone)]
pub struct GroupScore {
    /// The drift metric (`drift.script`, …).
    pub metric: String,
    /// The route.
    pub route: String,
    /// The model.
    pub model: String,
    /// The score: PSI, or the Jensen–Shannon divergence for `drift.topic`.
    pub psi: f64,
    /// The baseline's share of each bin.
    pub baseline: Vec<f64>,
    /// The recent requests' share of each bin.
    pub recent: Vec<f64>,
    /// The bin whose share grew most.
    pub grown_bin: usize,
    /// Recent requests in that bin, newest first (request numbers).
    pub examples: Vec<u128>,
}

/// Scores per metric and group, published after each batch.
#[derive(Debug, Default, Clone)]
pub struct Scores {
    /// Every scored feature of every group with enough requests.
    pub by_group: Vec<GroupScore>,
}

impl Scores {
    /// The largest score of `metric` over the groups (of model `label`, if given); 0
    /// when no group has enough requests yet.
    pub fn get(&self, metric: &str, label: Option<&str>) -> f64 {
        self.by_group
            .iter()
            .filter(|g| g.metric == metric && label.is_none_or(|l| g.model == l))
            .map(|g| g.psi)
            .fold(0.0, f64::max)
    }

    /// The group with the largest score of `metric`.
    pub fn top(&self, metric: &str) -> Option<&GroupScore> {
        self.by_group
            .iter()
            .filter(|g| g.metric == metric)
            .max_by(|a, b| a.psi.total_cmp(&b.psi))
    }

    /// What moved: the group with the largest score of `metric`, its distributions
    /// and the bin that grew most.
    pub fn detail(&self, metric: &str) -> Value {
        self.top(metric).map_or(Value::Null, |g| {
            json!({"route": g.route, "model": g.model, "psi": g.psi,
                   "statistic": if g.metric == "drift.topic" { "jensen-shannon" } else { "psi" },
                   "grown_bin": g.grown_bin,
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

/// The Jensen–Shannon divergence (base 2) of two histograms over the same bins: 0
/// when either is empty.
pub fn jensen_shannon(baseline: &[u64], recent: &[u64]) -> f64 {
    let (nb, nr) = (
        baseline.iter().sum::<u64>() as f64,
        recent.iter().sum::<u64>() as f64,
    );
    if nb == 0.0 || nr == 0.0 {
        return 0.0;
    }
    let half = |p: f64, m: f64| {
        if p > 0.0 {
            0.5 * p * (p / m).log2()
        } else {
            0.0
        }
    };
    baseline
        .iter()
        .zip(recent)
        .map(|(b, r)| {
            let (b, r) = (*b as f64 / nb, *r as f64 / nr);
            let m = (b + r) / 2.0;
            half(r, m) + half(b, m)
        })
        .sum::<f64>()
        .clamp(0.0, 1.0)
}

/// One group's rings as saved: `(route, model, recent, baseline)`, `recent` in
/// records of 32 bytes (features and request number), `baseline` of 16.
pub type SavedGroup = (String, String, Vec<u8>, Vec<u8>);

impl Tracker {
    /// Rings of `recent` and `baseline` requests per group (each at least 1).
    pub fn new(recent: usize, baseline: usize) -> Tracker {
        Tracker {
            recent: recent.max(1),
            baseline: baseline.max(1),
            groups: HashMap::new(),
        }
    }

    /// Adds one request's features (`id`: its request number, 0 for none).
    pub fn add(&mut self, route: &str, model: &str, f: Features, id: u128) {
        let key = (route.to_string(), model.to_string());
        if !self.groups.contains_key(&key) && self.groups.len() >= MAX_GROUPS {
            return;
        }
        let group = self.groups.entry(key).or_default();
        group.push(f, id, self.recent, self.baseline);
    }

    /// The rings of every group, to save.
    pub fn save(&self) -> Vec<SavedGroup> {
        self.groups
            .iter()
            .map(|((route, model), g)| {
                let mut recent = Vec::with_capacity(g.recent.len() * 2 * RECORD);
                for (f, id) in &g.recent {
                    recent.extend_from_slice(&f.to_bytes());
                    recent.extend_from_slice(&id.to_le_bytes());
                }
                let mut baseline = Vec::with_capacity(g.baseline.len() * RECORD);
                for f in &g.baseline {
                    baseline.extend_from_slice(&f.to_bytes());
                }
                (route.clone(), model.clone(), recent, baseline)
            })
            .collect()
    }

    /// Restores saved rings; a group whose rings are malformed is skipped, rings
    /// longer than the windows keep their newest requests, and at most
    /// [`MAX_GROUPS`] groups are read. Returns the groups restored.
    pub fn restore(&mut self, saved: Vec<SavedGroup>) -> usize {
        let mut n = 0;
        for (route, model, recent, baseline) in saved {
            if self.groups.len() >= MAX_GROUPS {
                break;
            }
            if recent.len() % (2 * RECORD) != 0 || baseline.len() % RECORD != 0 {
                continue;
            }
            let mut g = Group::default();
            let skip = (baseline.len() / RECORD).saturating_sub(self.baseline);
            for f in baseline
                .chunks_exact(RECORD)
                .skip(skip)
                .filter_map(Features::from_bytes)
            {
                f.tally(&mut g.hist_baseline, true);
                g.baseline.push_back(f);
            }
            let skip = (recent.len() / (2 * RECORD)).saturating_sub(self.recent);
            for r in recent.chunks_exact(2 * RECORD).skip(skip) {
                let (f, id) = r.split_at(RECORD);
                let (Some(f), Ok(id)) = (Features::from_bytes(f), <[u8; 16]>::try_from(id)) else {
                    continue;
                };
                f.tally(&mut g.hist_recent, true);
                g.recent.push_back((f, u128::from_le_bytes(id)));
            }
            self.groups.insert((route, model), g);
            n += 1;
        }
        n
    }

    /// The score of every feature of every group with enough requests.
    pub fn scores(&self) -> Scores {
        let mut out = Scores::default();
        for ((route, model), g) in &self.groups {
            if g.recent.len() < self.recent || g.baseline.len() < self.recent.min(self.baseline) {
                continue;
            }
            let mut offset = 0;
            for (i, (name, bins)) in FEATURES.iter().enumerate() {
                let b = &g.hist_baseline[offset..offset + bins];
                let r = &g.hist_recent[offset..offset + bins];
                offset += bins;
                let shares = |h: &[u64]| {
                    let n = h.iter().sum::<u64>().max(1) as f64;
                    h.iter().map(|x| *x as f64 / n).collect::<Vec<_>>()
                };
                let (sb, sr) = (shares(b), shares(r));
                let grown_bin = sr
                    .iter()
                    .zip(&sb)
                    .map(|(r, b)| r - b)
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map_or(0, |x| x.0);
                let examples = g
                    .recent
                    .iter()
                    .rev()
                    .filter(|(f, id)| *id != 0 && f.in_bin(i, grown_bin))
                    .take(EXAMPLES)
                    .map(|x| x.1)
                    .collect();
                let round = |v: Vec<f64>| {
                    v.into_iter()
                        .map(|x| (x * 1000.0).round() / 1000.0)
                        .collect()
                };
                out.by_group.push(GroupScore {
                    metric: format!("drift.{name}"),
                    route: route.clone(),
                    model: model.clone(),
                    psi: if i == TOPIC {
                        jensen_shannon(b, r)
                    } else {
                        psi(b, r)
                    },
                    baseline: round(sb),
                    recent: round(sr),
                    grown_bin,
                    examples,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn f(text: &str, blocked: bool) -> Features {
        let mut p = TextProfile::default();
        let chars = p.add(text);
        let mut f = p.features(chars, crate::inspect::Scores::default());
        f.blocked = blocked;
        f
    }

    #[test]
    fn a_stable_stream_scores_low_and_a_shift_high() {
        let mut t = Tracker::new(20, 40);
        for i in 0..60 {
            let text = format!("hello there, where is my order number {i}?");
            t.add("/r", "m", f(&text, i % 10 == 0), i as u128 + 1);
        }
        let s = t.scores();
        assert!(s.get("drift.input_length", None) < 0.1, "{s:?}");
        assert!(s.get("drift.script", None) < 0.1);
        assert!(s.get("drift.block_rate", None) < 0.1);
        for i in 0..20 {
            t.add(
                "/r",
                "m",
                f("где мой заказ? пожалуйста, ответьте", false),
                1000 + i,
            );
        }
        let s = t.scores();
        assert!(s.get("drift.script", None) > 1.0, "{s:?}");
        assert!(s.get("drift.script", Some("m")) > 1.0);
        assert_eq!(s.get("drift.script", Some("other")), 0.0);
        let top = s.top("drift.script").unwrap();
        assert!(top.recent[1] > 0.9, "{top:?}");
        // what moved: the Cyrillic bin, with the newest Russian requests as examples
        assert_eq!(top.grown_bin, 1);
        assert_eq!(top.examples, vec![1019, 1018, 1017, 1016, 1015]);
        assert_eq!(s.detail("drift.script")["grown_bin"], 1);
    }

    /// Probing under the block threshold: the same ordinary traffic, but the guard
    /// starts scoring the inputs as weak attacks; nothing is blocked, the attack
    /// score moves, the other scores do not.
    #[test]
    fn sub_threshold_attack_scores_are_a_shift() {
        let with = |attack: f32| {
            let mut p = TextProfile::default();
            let chars = p.add("please summarise the attached order history");
            let mut s = crate::inspect::Scores::default();
            if attack > 0.0 {
                s.raise(crate::inspect::Scores::ATTACK, attack);
            }
            p.features(chars, s)
        };
        let mut t = Tracker::new(20, 40);
        for i in 0..60 {
            t.add("/r", "m", with(if i % 10 == 0 { 0.1 } else { 0.0 }), i + 1);
        }
        let s = t.scores();
        assert!(s.get("drift.score_attack", None) < 0.1, "{s:?}");
        for i in 0..20 {
            t.add("/r", "m", with(0.4), 1000 + i);
        }
        let s = t.scores();
        assert!(s.get("drift.score_attack", None) > 0.25, "{s:?}");
        assert!(s.get("drift.block_rate", None) < 0.1, "{s:?}");
        assert_eq!(s.get("drift.score_data", None), 0.0);
        assert_eq!(s.get("drift.score_exfiltration", None), 0.0);
        let top = s.top("drift.score_attack").unwrap();
        assert_eq!(top.examples.first(), Some(&1019));
    }

    #[test]
    fn score_bins_survive_the_record() {
        let mut s = crate::inspect::Scores::default();
        s.raise(crate::inspect::Scores::ATTACK, 0.3);
        s.raise(crate::inspect::Scores::DATA, 0.9);
        s.raise(crate::inspect::Scores::EXFILTRATION, 0.6);
        let f = TextProfile::default().features(3, s);
        assert_eq!(f.scores, [2, 4, 3]);
        assert_eq!(Features::from_bytes(&f.to_bytes()), Some(f));
        // a record from before the scores (byte 5 was 0), and a hostile byte
        let mut b = f.to_bytes();
        b[5] = 0;
        assert_eq!(Features::from_bytes(&b).map(|g| g.scores), Some([0; 3]));
        b[5] = 200;
        assert_eq!(Features::from_bytes(&b).map(|g| g.scores), Some([0; 3]));
        assert_eq!(score_bin(0), 0);
        assert_eq!(score_bin(1), 1);
        assert_eq!(score_bin(25), 2);
        assert_eq!(score_bin(100), 4);
    }

    #[test]
    fn a_topic_change_moves_the_topic_profile_and_a_rephrasing_does_not() {
        let orders = [
            "where is my order, it has not arrived yet",
            "my parcel is late, can you track the order",
            "the delivery address on my order is wrong",
            "can I return the shoes I ordered last week",
        ];
        let chemistry = [
            "how do I synthesise the compound from its precursors",
            "which reagents react with the precursor at room temperature",
            "give the reaction steps for the synthesis in the lab",
            "what yield does the synthesis route give with this catalyst",
        ];
        let mut t = Tracker::new(40, 80);
        for i in 0..120 {
            t.add("/r", "m", f(orders[i % 4], false), 0);
        }
        let stable = t.scores().get("drift.topic", None);
        assert!(stable < 0.05, "{stable}");
        for i in 0..40 {
            t.add("/r", "m", f(chemistry[i % 4], false), 0);
        }
        let shifted = t.scores().get("drift.topic", None);
        assert!(shifted > 0.5, "{shifted}");
        // same language, same lengths: only the topic moved
        assert!(t.scores().get("drift.script", None) < 0.01);
        assert!(jensen_shannon(&[1, 0], &[0, 1]) > 0.999);
        assert_eq!(jensen_shannon(&[3, 1], &[6, 2]), 0.0);
        assert_eq!(jensen_shannon(&[], &[]), 0.0);
    }

    #[test]
    fn record_features_come_from_rules_and_tokens() {
        let mut x = Features::default();
        x.complete(
            true,
            &["INJ001".into(), "PII003".into(), "GW007".into()],
            (10, 300),
        );
        assert!(x.blocked && x.error);
        assert_eq!(x.output, 4);
        assert_eq!(x.tokens, 3);
        assert_eq!(x.categories, (1 << 1) | (1 << 2) | (1 << 8));
        let mut y = Features::default();
        y.complete(false, &[], (5, 0));
        assert!(!y.error && y.output == 0 && y.categories == 0);
        let mut bins = Vec::new();
        y.each_bin(RULE_CATEGORY, |b| bins.push(b));
        assert_eq!(bins, vec![0], "no rule fired: the 'none' category");
        assert_eq!(category("TOOL002"), 5);
        assert_eq!(category(""), 8);
    }

    #[test]
    fn baselines_survive_saving_and_hostile_saves_are_ignored() {
        let mut t = Tracker::new(5, 10);
        for i in 0..15u128 {
            let text = if i < 10 {
                "hello world"
            } else {
                "привет мир"
            };
            t.add("/r", "m", f(text, i % 3 == 0), i + 1);
        }
        let before = t.scores();
        let saved = t.save();
        let mut u = Tracker::new(5, 10);
        assert_eq!(u.restore(saved.clone()), 1);
        let after = u.scores();
        assert_eq!(before.by_group.len(), after.by_group.len());
        for (a, b) in before.by_group.iter().zip(&after.by_group) {
            assert_eq!(
                (a.psi, &a.recent, &a.examples),
                (b.psi, &b.recent, &b.examples)
            );
        }
        // hostile or stale saves: wrong record sizes are skipped, longer rings are
        // cut to the window, and groups past the cap are not read
        let (r, m, recent, baseline) = saved[0].clone();
        let mut v = Tracker::new(2, 3);
        let mut many = vec![(
            r.clone(),
            m.clone(),
            recent[..31].to_vec(),
            baseline.clone(),
        )];
        many.extend(
            (0..MAX_GROUPS + 5)
                .map(|i| (r.clone(), format!("m{i}"), recent.clone(), baseline.clone())),
        );
        assert_eq!(v.restore(many), MAX_GROUPS);
        assert!(v
            .groups
            .values()
            .all(|g| g.recent.len() == 2 && g.baseline.len() == 3));
        assert!(!v.groups.contains_key(&(r, m)));
    }

    #[test]
    fn kept_histograms_match_the_rings() {
        let mut t = Tracker::new(7, 11);
        for i in 0..100u128 {
            let text = [
                "a b c",
                "d e",
                "ж з и",
                "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
            ][i as usize % 4];
            let mut x = f(text, i % 5 == 0);
            x.complete(
                i % 5 == 0,
                &[format!("INJ00{}", i % 3)],
                (i as u64, i as u64 * 7),
            );
            t.add("/r", "m", x, i);
            let g = &t.groups[&("/r".to_string(), "m".to_string())];
            let mut r = [0u64; ALL_BINS];
            let mut b = [0u64; ALL_BINS];
            g.recent.iter().for_each(|(x, _)| x.tally(&mut r, true));
            g.baseline.iter().for_each(|x| x.tally(&mut b, true));
            assert_eq!(&r, &*g.hist_recent);
            assert_eq!(&b, &*g.hist_baseline);
        }
    }

    #[test]
    fn scripts_and_refusals_are_recognised() {
        let mut p = TextProfile::default();
        p.add("这是中文 with a few words");
        assert_eq!(script_bin(&p.scripts), 0);
        let mut p = TextProfile::default();
        p.add("这是中文，没有别的字");
        assert_eq!(script_bin(&p.scripts), 6);
        assert_eq!(script_bin(&[0; 8]), 8);
        assert!(is_refusal(
            &json!({"content": "I'm sorry, but I can't help with that."})
        ));
        assert!(is_refusal(&json!({"content": null, "refusal": "no"})));
        assert!(!is_refusal(&json!({"content": "Sure, here it is."})));
        assert_eq!(request_number("req-00000000000000000000002a"), 42);
        assert_eq!(request_number("req-"), 0);
        assert_eq!(request_number(&format!("req-{}", "f".repeat(33))), 0);
        assert_eq!(request_number("alert-1"), 0);
    }

    #[test]
    fn characters_are_counted_as_rust_counts_them() {
        for t in [
            "",
            "abc",
            "é",
            "où est ma commande? 注文はどこ",
            "a\u{1F600}b c",
            "\u{212A}",
        ] {
            let mut p = TextProfile::default();
            assert_eq!(p.add(t), t.chars().count(), "{t}");
        }
    }

    #[test]
    fn the_ascii_path_hashes_as_the_general_one() {
        // 'K' (U+212A, Kelvin) lowercases to ASCII 'k': the same word as "ok"
        let mut a = TextProfile::default();
        let mut b = TextProfile::default();
        a.add("Hello World, where IS my order 42?");
        b.add("hello world where is my order 42");
        assert_eq!(a.topics, b.topics);
        assert_eq!(a.scripts, b.scripts);
        let mut c = TextProfile::default();
        let mut d = TextProfile::default();
        c.add("o\u{212A} then");
        d.add("ok then");
        assert_eq!(c.topics, d.topics);
        assert_ne!(c.topics, 0);
    }

    #[test]
    fn groups_are_bounded() {
        let mut t = Tracker::new(2, 2);
        for i in 0..(MAX_GROUPS + 10) {
            t.add("/r", &format!("m{i}"), Features::default(), 0);
        }
        assert_eq!(t.groups.len(), MAX_GROUPS);
    }
}
