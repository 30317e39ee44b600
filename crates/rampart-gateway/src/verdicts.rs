//! A bounded cache of inbound verdicts, for texts that come back request after
//! request: the system prompt, and the conversation history a chat client re-sends
//! with every turn (a ten-turn conversation sends its first message ten times).
//!
//! Safety: a cached verdict is exactly the verdict the guard would give again.
//! - The key is the **whole text and the role it is judged under**, compared byte for
//!   byte on every hit; the hash only picks where to look. Two texts that collide
//!   simply do not share an entry: a collision costs a second judgement, never a
//!   wrong verdict, and no bucket grows (one entry per hash value). The hash is
//!   foldhash, seeded at random per process (nobody can aim texts at one slot to
//!   evict another), because it runs over every text of every request: SipHash over
//!   a 2 KB conversation cost about 1 us a request, foldhash a fraction of that.
//! - The cache belongs to one [`GuardInspector`](crate::guard::GuardInspector): one
//!   pipeline and one policy, both fixed for the life of the process. A different
//!   policy or configuration is a different inspector with its own cache.
//! - Only verdicts that leave nothing behind are kept: allow, flag and block. A
//!   redaction records placeholders in the request's vault, so it is judged afresh.
//! - Bounded: at most [`MAX_TEXT`] bytes per text and [`MAX_BYTES`] in all (texts and
//!   rules); the oldest entries go first.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Mutex, PoisonError};

use foldhash::fast::RandomState;

use crate::inspect::{Action, Scores, Verdict};

/// Longest text kept (longer ones are rare and judged each time).
pub const MAX_TEXT: usize = 32 * 1024;
/// Bytes of texts and rule codes kept at most, over all shards.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Independent shards (each with its own lock and a share of [`MAX_BYTES`]).
const SHARDS: usize = 8;
/// Bookkeeping bytes counted per entry on top of its text.
const OVERHEAD: usize = 96;

struct Entry {
    role: &'static str,
    text: Box<str>,
    action: Action,
    rules: Vec<String>,
    scores: Scores,
    /// Insertion number, to tell a live entry from a replaced one in the queue.
    seq: u64,
}

impl Entry {
    fn size(&self) -> usize {
        OVERHEAD + self.text.len() + self.rules.iter().map(|r| r.len() + 24).sum::<usize>()
    }
}

#[derive(Default)]
struct Shard {
    map: HashMap<u64, Entry>,
    /// (hash, seq) in insertion order: the oldest is evicted first.
    order: VecDeque<(u64, u64)>,
    bytes: usize,
    next: u64,
}

/// The cache. `S` builds the hasher (random keys by default; tests force collisions).
pub struct VerdictCache<S = RandomState> {
    shards: Vec<Mutex<Shard>>,
    hasher: S,
    budget: usize,
}

impl Default for VerdictCache {
    fn default() -> Self {
        VerdictCache::with_hasher(RandomState::default(), MAX_BYTES)
    }
}

impl<S: BuildHasher> VerdictCache<S> {
    /// A cache of at most `max_bytes`, hashing with `hasher`.
    pub fn with_hasher(hasher: S, max_bytes: usize) -> Self {
        VerdictCache {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher,
            budget: max_bytes / SHARDS,
        }
    }

    fn hash(&self, role: &str, text: &str) -> u64 {
        let mut h = self.hasher.build_hasher();
        role.hash(&mut h);
        text.hash(&mut h);
        h.finish()
    }

    fn shard(&self, hash: u64) -> std::sync::MutexGuard<'_, Shard> {
        let i = usize::try_from(hash >> 56).unwrap_or(0) % SHARDS;
        // a panic while a lock was held leaves a consistent map (every change is
        // one insert or remove), so a poisoned lock is used as it is
        self.shards[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The verdict cached for exactly this role and text.
    pub fn get(&self, role: &str, text: &str) -> Option<Verdict> {
        if text.len() > MAX_TEXT {
            return None;
        }
        let hash = self.hash(role, text);
        let shard = self.shard(hash);
        let e = shard.map.get(&hash)?;
        // the hash only picks the slot: the entry must be this very text and role
        if e.role != role || *e.text != *text {
            return None;
        }
        Some(Verdict {
            action: e.action,
            rules: e.rules.clone(),
            replacement: None,
            scores: e.scores,
        })
    }

    /// Keeps `verdict` for this role and text, if it may be kept (see the module
    /// documentation).
    pub fn put(&self, role: &'static str, text: &str, verdict: &Verdict) {
        if text.len() > MAX_TEXT
            || verdict.action == Action::Redact
            || verdict.replacement.is_some()
        {
            return;
        }
        let hash = self.hash(role, text);
        let mut shard = self.shard(hash);
        let seq = shard.next;
        shard.next += 1;
        let entry = Entry {
            role,
            text: text.into(),
            action: verdict.action,
            rules: verdict.rules.clone(),
            scores: verdict.scores,
            seq,
        };
        let size = entry.size();
        if size > self.budget {
            return;
        }
        if let Some(old) = shard.map.remove(&hash) {
            shard.bytes -= old.size();
        }
        while shard.bytes + size > self.budget {
            let Some((h, s)) = shard.order.pop_front() else {
                break;
            };
            if shard.map.get(&h).is_some_and(|e| e.seq == s) {
                if let Some(old) = shard.map.remove(&h) {
                    shard.bytes -= old.size();
                }
            }
        }
        shard.bytes += size;
        shard.order.push_back((hash, seq));
        shard.map.insert(hash, entry);
        // replaced entries leave stale queue slots; keep the queue near the map's size
        if shard.order.len() > 2 * shard.map.len() + 64 {
            let Shard { map, order, .. } = &mut *shard;
            order.retain(|(h, s)| map.get(h).is_some_and(|e| e.seq == *s));
        }
    }

    /// Entries and bytes kept (for tests and `/metrics`).
    pub fn size(&self) -> (usize, usize) {
        self.shards.iter().fold((0, 0), |(n, b), s| {
            let s = s.lock().unwrap_or_else(PoisonError::into_inner);
            (n + s.map.len(), b + s.bytes)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn v(action: Action, rules: &[&str]) -> Verdict {
        Verdict {
            action,
            rules: rules.iter().map(|r| (*r).to_string()).collect(),
            ..Verdict::allow()
        }
    }

    /// Every text hashes to the same value.
    #[derive(Clone, Default)]
    struct Collide;
    struct Zero;
    impl Hasher for Zero {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, _: &[u8]) {}
    }
    impl BuildHasher for Collide {
        type Hasher = Zero;
        fn build_hasher(&self) -> Zero {
            Zero
        }
    }

    #[test]
    fn a_hit_needs_the_same_text_and_role() {
        let c = VerdictCache::default();
        c.put("system", "hello", &v(Action::Allow, &[]));
        assert_eq!(c.get("system", "hello"), Some(v(Action::Allow, &[])));
        assert_eq!(c.get("user", "hello"), None);
        assert_eq!(c.get("system", "hello "), None);
    }

    #[test]
    fn colliding_texts_never_share_a_verdict() {
        let c = VerdictCache::with_hasher(Collide, MAX_BYTES);
        c.put("user", "benign", &v(Action::Allow, &[]));
        assert_eq!(c.get("user", "attack"), None, "same hash, other text");
        c.put("user", "attack", &v(Action::Block, &["INJ001"]));
        assert_eq!(c.get("user", "benign"), None, "replaced, not confused");
        assert_eq!(c.get("user", "attack"), Some(v(Action::Block, &["INJ001"])));
        assert_eq!(c.get("system", "attack"), None);
    }

    #[test]
    fn redactions_are_not_kept() {
        let c = VerdictCache::default();
        c.put("user", "mail a@b.co", &v(Action::Redact, &["PII001"]));
        let mut with_text = v(Action::Flag, &[]);
        with_text.replacement = Some("x".into());
        c.put("user", "other", &with_text);
        assert_eq!(c.size().0, 0);
    }

    #[test]
    fn the_cache_is_bounded() {
        let c = VerdictCache::with_hasher(RandomState::default(), 64 * 1024);
        for i in 0..10_000 {
            c.put(
                "user",
                &format!("text number {i} {}", "x".repeat(i % 300)),
                &v(Action::Flag, &["OOD001"]),
            );
        }
        let (n, bytes) = c.size();
        assert!(bytes <= 64 * 1024, "{bytes} bytes");
        assert!(n > 50 && n < 1000, "{n} entries");
        // the newest are kept, the oldest evicted
        assert!(c
            .get(
                "user",
                &format!("text number 9999 {}", "x".repeat(9999 % 300))
            )
            .is_some());
        assert!(c.get("user", "text number 0 ").is_none());
        // too long a text is never kept
        let long = "y".repeat(MAX_TEXT + 1);
        c.put("user", &long, &v(Action::Allow, &[]));
        assert!(c.get("user", &long).is_none());
        // the queue does not grow with replacements of the same text
        for _ in 0..10_000 {
            c.put("user", "same", &v(Action::Allow, &[]));
        }
        for s in &c.shards {
            let s = s.lock().unwrap();
            assert!(s.order.len() <= 2 * s.map.len() + 64);
        }
    }
}
