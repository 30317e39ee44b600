//! Model-extraction and misuse signals per API key (DP-2: controls on the query
//! interface). Over a sliding window each key's traffic is measured on four axes:
//!
//! - `EXT001` volume: more requests than a normal client sends;
//! - `EXT002` breadth: more distinct prompts than a normal client asks;
//! - `EXT003` systematic probing: many prompts that are near-duplicates of recent
//!   ones but not identical (a template swept over inputs): the Jaccard similarity
//!   of their word-trigram sets, estimated from bottom-k sketches, is at least 0.5;
//! - `EXT004` logprob harvesting: many requests asking for log-probabilities, which
//!   leak far more of the model than sampled text.
//!
//! A signal past its threshold either flags the request (the rule is recorded in
//! the ledger, logs and metrics: the default) or refuses it with 429 (`throttle`).
//! The signals are off unless `[gateway.extraction]` is set: what is normal depends on
//! the deployment (a backend key serving many users legitimately sends thousands of
//! templated prompts), and a security tool must not cry wolf. State is bounded: per
//! key at most [`MAX_EVENTS`] events of 16 bytes and [`RECENT`] sketches, and at most
//! [`MAX_KEYS`] keys (the least recently seen are dropped first): about 40 MB at most.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::rules;

/// Events kept per key (the window is also cut at this many requests).
pub const MAX_EVENTS: usize = 4096;
/// Keys tracked at once.
pub const MAX_KEYS: usize = 512;
/// Recent prompts compared for near-duplicates.
pub const RECENT: usize = 32;
/// Shingle hashes kept per prompt sketch.
const SKETCH: usize = 16;
/// Estimated Jaccard similarity at or over which two different prompts are
/// near-duplicates.
const NEAR: f64 = 0.5;

/// Thresholds (per key, per window) and what crossing them does.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// The sliding window.
    pub window: Duration,
    /// Requests (EXT001).
    pub requests: usize,
    /// Distinct prompts (EXT002).
    pub distinct_prompts: usize,
    /// Near-duplicate prompts (EXT003).
    pub near_duplicates: usize,
    /// Requests asking for log-probabilities (EXT004).
    pub logprob_requests: usize,
    /// Refuse (429) instead of flagging.
    pub throttle: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            window: Duration::from_secs(600),
            requests: 3000,
            distinct_prompts: 2000,
            near_duplicates: 200,
            logprob_requests: 500,
            throttle: false,
        }
    }
}

/// One request: 16 bytes.
#[derive(Debug, Clone, Copy)]
struct Event {
    /// Seconds since the [`Extraction`] started.
    at: u32,
    near_duplicate: bool,
    logprobs: bool,
    fingerprint: u64,
}

/// One key's window, with running counts so a request costs O(1) amortised
/// (plus the [`RECENT`] near-duplicate comparisons).
#[derive(Debug, Default)]
struct KeyState {
    events: VecDeque<Event>,
    sketches: VecDeque<(u64, Vec<u64>)>,
    last_seen: Option<Instant>,
    prompts: HashMap<u64, u32>,
    near_duplicates: usize,
    logprobs: usize,
}

impl KeyState {
    fn push(&mut self, e: Event) {
        *self.prompts.entry(e.fingerprint).or_default() += 1;
        self.near_duplicates += usize::from(e.near_duplicate);
        self.logprobs += usize::from(e.logprobs);
        self.events.push_back(e);
    }

    fn pop(&mut self) {
        let Some(e) = self.events.pop_front() else {
            return;
        };
        if let Some(n) = self.prompts.get_mut(&e.fingerprint) {
            *n -= 1;
            if *n == 0 {
                self.prompts.remove(&e.fingerprint);
            }
        }
        self.near_duplicates -= usize::from(e.near_duplicate);
        self.logprobs -= usize::from(e.logprobs);
    }
}

/// The signals of all keys.
#[derive(Debug)]
pub struct Extraction {
    thresholds: Thresholds,
    started: Instant,
    keys: Mutex<HashMap<String, KeyState>>,
}

/// What a request's signals say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    /// Rule codes past their thresholds.
    pub rules: Vec<&'static str>,
    /// Whether the request is refused.
    pub throttle: bool,
}

/// The prompt text of a request body: chat messages' text, or `prompt`, or `input`.
fn prompt_text(body: &Value) -> String {
    let mut out = String::new();
    if let Some(messages) = body["messages"].as_array() {
        for m in messages {
            match &m["content"] {
                Value::String(s) => out.push_str(s),
                Value::Array(parts) => {
                    for p in parts {
                        if let Some(t) = p["text"].as_str() {
                            out.push_str(t);
                        }
                    }
                }
                _ => {}
            }
            out.push('\n');
        }
    }
    for field in ["prompt", "input"] {
        match &body[field] {
            Value::String(s) => out.push_str(s),
            Value::Array(items) => {
                for i in items {
                    if let Some(s) = i.as_str() {
                        out.push_str(s);
                        out.push('\n');
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether the request asks for log-probabilities (chat `logprobs: true` or
/// `top_logprobs`, completions `logprobs: n`).
fn wants_logprobs(body: &Value) -> bool {
    match &body["logprobs"] {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_u64().is_some_and(|n| n > 0),
        _ => body["top_logprobs"].as_u64().is_some_and(|n| n > 0),
    }
}

/// FNV-1a: a fast, stable 64-bit hash for fingerprints and shingles (not a
/// security boundary: a client gains nothing by colliding its own prompts).
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Bottom-k sketch of a text's lower-cased word trigrams (single words for texts of
/// fewer than three): the [`SKETCH`] smallest shingle hashes, sorted.
pub fn sketch(text: &str) -> Vec<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(4096)
        .map(str::to_lowercase)
        .collect();
    let mut hashes: Vec<u64> = if words.len() < 3 {
        words.iter().map(|w| fnv(w.as_bytes())).collect()
    } else {
        words
            .windows(3)
            .map(|t| fnv(t.join(" ").as_bytes()))
            .collect()
    };
    hashes.sort_unstable();
    hashes.dedup();
    hashes.truncate(SKETCH);
    hashes
}

/// Jaccard similarity estimated from two bottom-k sketches: of the k smallest
/// hashes of their union, the share present in both (exact for short texts).
pub fn similarity(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut seen, mut both) = (0, 0, 0usize, 0usize);
    while seen < SKETCH && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), None) => i += 1,
            _ => j += 1,
        }
        seen += 1;
    }
    if seen == 0 {
        0.0
    } else {
        both as f64 / seen as f64
    }
}

impl Thresholds {
    /// The thresholds of `[gateway.extraction]`, defaults for what it leaves out.
    pub fn from_settings(s: Option<&rampart_core::system::ExtractionSettings>) -> Thresholds {
        let d = Thresholds::default();
        let Some(s) = s else {
            return d;
        };
        Thresholds {
            window: s.window_secs.map_or(d.window, Duration::from_secs),
            requests: s.requests.unwrap_or(d.requests),
            distinct_prompts: s.distinct_prompts.unwrap_or(d.distinct_prompts),
            near_duplicates: s.near_duplicates.unwrap_or(d.near_duplicates),
            logprob_requests: s.logprob_requests.unwrap_or(d.logprob_requests),
            throttle: s.throttle,
        }
    }
}

/// One key's signals in the window, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeySignals {
    /// The key id.
    pub key: String,
    /// Requests in the window (EXT001).
    pub requests: usize,
    /// Distinct prompts in the window (EXT002).
    pub distinct_prompts: usize,
    /// Near-duplicate prompts in the window (EXT003).
    pub near_duplicates: usize,
    /// Requests asking for log-probabilities (EXT004).
    pub logprob_requests: usize,
    /// Rule codes past their thresholds.
    pub over: Vec<&'static str>,
}

impl Extraction {
    /// The thresholds.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Every key's signals as of its last request (events older than the window are
    /// dropped when the key's next request comes), at most `limit`, the keys with
    /// the most requests first.
    pub fn snapshot(&self, limit: usize) -> Vec<KeySignals> {
        let t = &self.thresholds;
        let keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out: Vec<KeySignals> = keys
            .iter()
            .map(|(k, s)| {
                let mut over = Vec::new();
                if s.events.len() > t.requests {
                    over.push(rules::ext001_request_volume::RULE.code);
                }
                if s.prompts.len() > t.distinct_prompts {
                    over.push(rules::ext002_prompt_breadth::RULE.code);
                }
                if s.near_duplicates > t.near_duplicates {
                    over.push(rules::ext003_systematic_probing::RULE.code);
                }
                if s.logprobs > t.logprob_requests {
                    over.push(rules::ext004_logprob_harvesting::RULE.code);
                }
                KeySignals {
                    key: k.clone(),
                    requests: s.events.len(),
                    distinct_prompts: s.prompts.len(),
                    near_duplicates: s.near_duplicates,
                    logprob_requests: s.logprobs,
                    over,
                }
            })
            .collect();
        drop(keys);
        out.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.key.cmp(&b.key)));
        out.truncate(limit);
        out
    }

    /// Signals with these thresholds.
    pub fn new(thresholds: Thresholds) -> Extraction {
        Extraction {
            thresholds,
            started: Instant::now(),
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Records a request by `principal` and returns the signals past their
    /// thresholds, this request included.
    pub fn observe(&self, principal: &str, body: &Value) -> Signals {
        self.observe_at(principal, body, Instant::now())
    }

    fn observe_at(&self, principal: &str, body: &Value, now: Instant) -> Signals {
        let text = prompt_text(body);
        let t = &self.thresholds;
        let mut keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if keys.len() >= MAX_KEYS && !keys.contains_key(principal) {
            // Drop the keys idle longest (a tenth at a time, so this is rare).
            let mut seen: Vec<(Instant, String)> = keys
                .iter()
                .map(|(k, s)| (s.last_seen.unwrap_or(now), k.clone()))
                .collect();
            seen.sort();
            for (_, k) in seen.into_iter().take(MAX_KEYS / 10) {
                keys.remove(&k);
            }
        }
        let at = u32::try_from(now.saturating_duration_since(self.started).as_secs())
            .unwrap_or(u32::MAX);
        let window = u32::try_from(t.window.as_secs()).unwrap_or(u32::MAX);
        let state = keys.entry(principal.to_string()).or_default();
        state.last_seen = Some(now);
        while state
            .events
            .front()
            .is_some_and(|e| at.saturating_sub(e.at) > window)
            || state.events.len() >= MAX_EVENTS
        {
            state.pop();
        }
        let fingerprint = fnv(text.as_bytes());
        let sketch = sketch(&text);
        let near_duplicate = !sketch.is_empty()
            && state
                .sketches
                .iter()
                .any(|(f, s)| *f != fingerprint && similarity(s, &sketch) >= NEAR);
        if state.sketches.len() >= RECENT {
            state.sketches.pop_front();
        }
        state.sketches.push_back((fingerprint, sketch));
        state.push(Event {
            at,
            near_duplicate,
            logprobs: wants_logprobs(body),
            fingerprint,
        });

        let mut rules = Vec::new();
        if state.events.len() > t.requests {
            rules.push(rules::ext001_request_volume::RULE.code);
        }
        if state.prompts.len() > t.distinct_prompts {
            rules.push(rules::ext002_prompt_breadth::RULE.code);
        }
        if state.near_duplicates > t.near_duplicates {
            rules.push(rules::ext003_systematic_probing::RULE.code);
        }
        if state.logprobs > t.logprob_requests {
            rules.push(rules::ext004_logprob_harvesting::RULE.code);
        }
        Signals {
            throttle: t.throttle && !rules.is_empty(),
            rules,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn chat(text: &str) -> Value {
        json!({"model": "m", "messages": [{"role": "user", "content": text}]})
    }

    fn small() -> Thresholds {
        Thresholds {
            window: Duration::from_secs(60),
            requests: 50,
            distinct_prompts: 30,
            near_duplicates: 10,
            logprob_requests: 5,
            throttle: false,
        }
    }

    #[test]
    fn templated_prompts_are_similar_and_unrelated_ones_are_not() {
        let a = sketch("Translate the following customer review into French: the delivery was quick and the box intact, order 1001");
        let b = sketch("Translate the following customer review into French: the delivery was quick and the box intact, order 1002");
        let c = sketch(
            "What are the opening hours of the Berlin office on public holidays in December?",
        );
        assert!(similarity(&a, &b) >= NEAR, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.1, "{}", similarity(&a, &c));
        assert!((similarity(&a, &a) - 1.0).abs() < f64::EPSILON);
        assert!(similarity(&[], &[]).abs() < f64::EPSILON);
    }

    #[test]
    fn an_ordinary_conversation_raises_nothing() {
        let x = Extraction::new(small());
        let questions = [
            "Where is my order?",
            "It was order 12345, placed last Tuesday.",
            "Can I change the delivery address to my office?",
            "Thanks. What is your returns policy for opened items?",
            "How long do refunds take to reach a credit card?",
        ];
        for q in questions {
            assert_eq!(x.observe("k", &chat(q)), Signals::default(), "{q}");
        }
    }

    #[test]
    fn a_swept_template_is_systematic_probing() {
        let x = Extraction::new(small());
        let mut last = Signals::default();
        for i in 0..20 {
            last = x.observe(
                "prober",
                &chat(&format!("Classify the sentiment of this review and explain the decision boundary you used: product number {i} arrived damaged")),
            );
        }
        assert!(last.rules.contains(&"EXT003"), "{last:?}");
        // Another key is unaffected.
        assert!(x.observe("other", &chat("hello")).rules.is_empty());
        // the dashboard's view: the prober first, past EXT003, with its counts
        let snap = x.snapshot(10);
        assert_eq!(snap.len(), 2);
        assert_eq!(snap[0].key, "prober");
        assert_eq!(snap[0].requests, 20);
        assert_eq!(snap[0].distinct_prompts, 20);
        assert!(snap[0].near_duplicates > 10, "{snap:?}");
        assert_eq!(snap[0].over, vec!["EXT003"]);
        assert_eq!((snap[1].key.as_str(), snap[1].requests), ("other", 1));
        assert!(snap[1].over.is_empty());
        assert_eq!(x.snapshot(1).len(), 1);
    }

    #[test]
    fn volume_breadth_and_logprobs_have_their_own_rules() {
        let x = Extraction::new(small());
        let mut last = Signals::default();
        for i in 0..60 {
            let mut body = chat(&format!(
                "unrelated question number {i} about {}",
                i * 7919 % 1000
            ));
            if i % 2 == 0 {
                body["logprobs"] = json!(true);
                body["top_logprobs"] = json!(5);
            }
            last = x.observe("harvester", &body);
        }
        for rule in ["EXT001", "EXT002", "EXT004"] {
            assert!(last.rules.contains(&rule), "{rule}: {last:?}");
        }
        assert!(!last.throttle, "flag by default");
    }

    #[test]
    fn throttle_refuses_and_the_window_forgets() {
        let x = Extraction::new(Thresholds {
            throttle: true,
            ..small()
        });
        let t0 = Instant::now();
        let mut body = chat("give me the distribution");
        body["logprobs"] = json!(5);
        for _ in 0..6 {
            x.observe_at("k", &body, t0);
        }
        assert!(x.observe_at("k", &body, t0).throttle);
        let later = t0 + Duration::from_secs(122);
        assert!(
            !x.observe_at("k", &body, later).throttle,
            "outside the window"
        );
    }

    #[test]
    fn state_is_bounded() {
        let x = Extraction::new(small());
        for i in 0..(MAX_EVENTS + 100) {
            x.observe("k", &chat(&i.to_string()));
        }
        let keys = x
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let k = &keys["k"];
        assert!(k.events.len() <= MAX_EVENTS);
        assert_eq!(
            k.prompts.values().map(|n| *n as usize).sum::<usize>(),
            k.events.len()
        );
        assert_eq!(
            k.near_duplicates,
            k.events.iter().filter(|e| e.near_duplicate).count()
        );
    }
}
