//! Request-rate limits per key and per client address: token buckets in memory (one
//! instance), or in Redis, shared by every instance ([`crate::redis_limits`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Token buckets keyed by a string (key id or client address).
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// Takes one token from `key`'s bucket of `per_minute` tokens; false when empty.
    pub fn allow(&self, key: &str, per_minute: u32) -> bool {
        self.take(key, per_minute, 1, false)
    }

    /// Takes `cost` tokens from `key`'s bucket of `per_minute`. Without `force`, false
    /// (nothing taken) when fewer than `cost` are left; a `cost` of 0 asks whether the
    /// bucket is not exhausted. With `force` the tokens are taken regardless and the
    /// bucket may go into debt (usage reported after the fact), which later requests
    /// wait out.
    pub fn take(&self, key: &str, per_minute: u32, cost: u32, force: bool) -> bool {
        let capacity = f64::from(per_minute.max(1));
        let rate = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > 100_000 {
            buckets.retain(|_, (_, t)| now.duration_since(*t).as_secs() < 120);
        }
        let (tokens, last) = buckets.entry(key.to_string()).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(capacity);
        *last = now;
        let cost = f64::from(cost);
        if force || (*tokens >= cost && *tokens > 0.0) {
            *tokens -= cost;
            true
        } else {
            false
        }
    }
}

/// Why a rate-limit check could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LimitError {
    /// The shared store is unreachable or failed; the request is refused (fail closed).
    #[error("rate-limit store unavailable: {0}")]
    Unavailable(String),
    /// The limiter's settings are unusable (the operator's environment).
    #[error("rate limits: {0}")]
    Config(String),
}

/// Where the buckets live.
#[derive(Debug)]
#[non_exhaustive]
pub enum Limiter {
    /// In this process: each instance counts alone.
    Memory(RateLimiter),
    /// In Redis: one allowance across every instance.
    Redis(crate::redis_limits::RedisLimiter),
}

impl Default for Limiter {
    fn default() -> Self {
        Self::Memory(RateLimiter::default())
    }
}

impl Limiter {
    /// Takes one request from `key`'s allowance of `per_minute`; `Ok(false)` when it is
    /// used up.
    ///
    /// # Errors
    /// [`LimitError::Unavailable`] when the shared store cannot answer: the caller must
    /// refuse the request (fail closed).
    pub async fn check(&self, key: &str, per_minute: u32) -> Result<bool, LimitError> {
        self.take(key, per_minute, 1, false).await
    }

    /// [`RateLimiter::take`] on the configured store.
    ///
    /// # Errors
    /// As [`Limiter::check`].
    pub async fn take(
        &self,
        key: &str,
        per_minute: u32,
        cost: u32,
        force: bool,
    ) -> Result<bool, LimitError> {
        match self {
            Self::Memory(m) => Ok(m.take(key, per_minute, cost, force)),
            Self::Redis(r) => r.take(key, per_minute, cost, force).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_empty_and_are_per_key() {
        let l = RateLimiter::default();
        assert!(l.allow("a", 2));
        assert!(l.allow("a", 2));
        assert!(!l.allow("a", 2));
        assert!(l.allow("b", 2));
    }

    #[test]
    fn usage_debits_put_a_bucket_in_debt_until_it_refills() {
        let l = RateLimiter::default();
        assert!(
            l.take("t", 100, 0, false),
            "a fresh bucket is not exhausted"
        );
        assert!(
            l.take("t", 100, 250, true),
            "usage is debited even past the quota"
        );
        assert!(!l.take("t", 100, 0, false), "in debt: refused");
        assert!(!l.take("t", 100, 1, false));
        assert!(l.take("u", 100, 100, false), "per key");
        assert!(!l.take("u", 100, 1, false));
    }
}
