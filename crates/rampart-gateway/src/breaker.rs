//! Circuit breakers per upstream: after `threshold` consecutive failures an upstream
//! is skipped for `cooldown`, so requests fail over at once instead of waiting for
//! its timeout; after the cooldown one request at a time is let through to probe it
//! (half-open), and a success closes the circuit again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default, Clone, Copy)]
struct State {
    failures: u32,
    open_until: Option<Instant>,
    probing: bool,
}

/// The breakers of all upstreams.
#[derive(Debug)]
pub struct Breakers {
    threshold: u32,
    cooldown: Duration,
    states: Mutex<HashMap<String, State>>,
}

impl Breakers {
    /// Breakers that open after `threshold` consecutive failures (0 disables them).
    pub fn new(threshold: u32, cooldown: Duration) -> Breakers {
        Breakers {
            threshold,
            cooldown,
            states: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, State>> {
        self.states
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether a request may be sent to `upstream` now.
    pub fn allow(&self, upstream: &str) -> bool {
        if self.threshold == 0 {
            return true;
        }
        let mut states = self.lock();
        let Some(s) = states.get_mut(upstream) else {
            return true;
        };
        match s.open_until {
            None => true,
            Some(t) if Instant::now() < t => false,
            // Half-open: one probe at a time.
            Some(_) if s.probing => false,
            Some(_) => {
                s.probing = true;
                true
            }
        }
    }

    /// Records a successful answer: the circuit closes.
    pub fn success(&self, upstream: &str) {
        if self.threshold == 0 {
            return;
        }
        self.lock().remove(upstream);
    }

    /// Records a failure: the circuit opens at the threshold, or again after a
    /// failed probe. Returns whether this failure opened it.
    pub fn failure(&self, upstream: &str) -> bool {
        if self.threshold == 0 {
            return false;
        }
        let mut states = self.lock();
        let s = states.entry(upstream.to_string()).or_default();
        s.failures = s.failures.saturating_add(1);
        s.probing = false;
        if s.failures >= self.threshold {
            let opened = s.open_until.is_none();
            s.open_until = Some(Instant::now() + self.cooldown);
            return opened;
        }
        false
    }

    /// Whether `upstream`'s circuit is open (cooling down or probing).
    pub fn is_open(&self, upstream: &str) -> bool {
        self.lock()
            .get(upstream)
            .is_some_and(|s| s.open_until.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_at_the_threshold_probes_after_cooldown_and_closes_on_success() {
        let b = Breakers::new(3, Duration::from_millis(40));
        for _ in 0..2 {
            b.failure("u");
            assert!(b.allow("u"), "below the threshold");
        }
        assert!(b.failure("u"), "this failure opens the circuit");
        assert!(b.is_open("u"));
        assert!(!b.allow("u"), "open");
        assert!(b.allow("other"), "per upstream");
        std::thread::sleep(Duration::from_millis(50));
        assert!(b.allow("u"), "one probe after the cooldown");
        assert!(!b.allow("u"), "only one probe at a time");
        b.failure("u");
        assert!(!b.allow("u"), "a failed probe reopens the circuit");
        std::thread::sleep(Duration::from_millis(50));
        assert!(b.allow("u"));
        b.success("u");
        assert!(!b.is_open("u"));
        assert!(b.allow("u") && b.allow("u"));
    }

    #[test]
    fn a_zero_threshold_disables_breaking() {
        let b = Breakers::new(0, Duration::from_secs(60));
        for _ in 0..100 {
            b.failure("u");
        }
        assert!(b.allow("u"));
    }
}
