//! Test harnesses shared by rampart's crates (a dev-dependency only): headless
//! Chromium for HTML reports ([`browser`]), a real
//! PostgreSQL server ([`pg`]) and a real Redis server ([`redis`]) started on loopback
//! for the tests that need them, stopped when the last user lets go or when the test
//! process dies. Missing server binaries are a loud warning locally and a failure
//! when `$CI` is set: CI never skips them silently.
//!
//! Deterministic pseudo-random input for robustness tests comes from `fastrand`
//! (`fastrand::Rng::with_seed`), not from a generator of our own.

// A harness that cannot start its server has nothing better to do than fail the
// test that asked for it: unwrap and expect are its error handling.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod browser;
pub mod pg;
pub mod redis;

/// A free TCP port on 127.0.0.1 (bound and released; another process could take it
/// before the caller binds it, so callers retry on failure).
#[must_use]
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
