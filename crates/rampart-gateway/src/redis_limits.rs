//! Request-rate limits shared by every gateway instance: one GCRA bucket per key in
//! Redis, checked and taken atomically by a Lua script.
//!
//! # Atomicity
//!
//! The whole decision — read the bucket, compare, write it back — is one Lua script
//! ([`SCRIPT`]), and Redis runs a script as a single command: no other client's command
//! (another instance's check of the same bucket included) runs between its read and its
//! write. The script reads the clock with Redis's own `TIME`, so the instances' clocks
//! need not agree. It is sent with `EVALSHA` and, the first time a server has not seen
//! it (`NOSCRIPT`), loaded and retried ([`redis::Script::invoke`]).
//!
//! The bucket is GCRA (the generic cell rate algorithm): one number per key, the
//! "theoretical arrival time" in microseconds. `per_minute` requests may be made at
//! once on a full bucket, and then one more every `60 s / per_minute`, which is the
//! token bucket of [`crate::limits::RateLimiter`]. Keys are `rampart:rl:<bucket>` and
//! expire once the bucket would be full again, so idle keys vanish.
//!
//! # Failure
//!
//! When Redis cannot be reached or does not answer within [`TIMEOUT`], the check is an
//! error and the gateway refuses the request with 503 (fail closed): an outage of the
//! shared store must not turn into unlimited requests to the model (DP-2). There is no
//! opt-out.
//!
//! # Connections
//!
//! Synchronous connections from a small pool, used from `spawn_blocking`. One round trip
//! per request is short; the synchronous client needs no extra features of the `redis`
//! crate (only `script`), so it compiles in seconds, and its connect, read and write
//! timeouts are plain socket timeouts. The blocking pool of the runtime bounds the
//! number of checks in flight.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::limits::LimitError;

/// Key prefix of every bucket.
pub const KEY_PREFIX: &str = "rampart:rl:";

/// Longest wait for a connection, a write or a reply.
pub const TIMEOUT: Duration = Duration::from_secs(1);

/// Most idle connections kept for reuse.
const MAX_IDLE: usize = 32;

/// The bucket check. `KEYS[1]`: the bucket; `ARGV[1]`: units per minute (>= 1);
/// `ARGV[2]`: units to take (0: only ask whether the bucket is exhausted); `ARGV[3]`:
/// `1` to take them regardless (usage reported after the fact; the bucket goes into
/// debt). Returns `{allowed (1 or 0), milliseconds until a request would be allowed}`.
pub const SCRIPT: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local period = 60000000
local interval = period / tonumber(ARGV[1])
local cost = tonumber(ARGV[2] or '1') or 1
local force = ARGV[3] == '1'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now) or now
if tat < now then tat = now end
local new_tat = tat + interval * cost
if not force then
  if cost == 0 then
    if tat - now >= period then
      return {0, math.ceil((tat - period - now) / 1000) + 1}
    end
    return {1, 0}
  end
  local allow_at = new_tat - period
  if allow_at - now > 1 then
    return {0, math.ceil((allow_at - now) / 1000)}
  end
end
redis.call('SET', KEYS[1], string.format('%.17g', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return {1, 0}
";

/// Rate limits in Redis, shared by every instance that uses the same server.
#[derive(Clone)]
pub struct RedisLimiter {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    idle: Mutex<Vec<redis::Connection>>,
    script: redis::Script,
}

impl std::fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may carry a password.
        f.debug_struct("RedisLimiter").finish_non_exhaustive()
    }
}

fn unavailable(e: &redis::RedisError) -> LimitError {
    LimitError::Unavailable(e.to_string())
}

impl RedisLimiter {
    /// A limiter for the server at `url` (`redis://[:password@]host:port[/db]`). Does not
    /// connect: the first check does.
    ///
    /// # Errors
    /// [`LimitError::Config`] when the URL cannot be parsed (the URL is not repeated in
    /// the message: it may hold a password).
    pub fn new(url: &str) -> Result<Self, LimitError> {
        let client = redis::Client::open(url)
            .map_err(|e| LimitError::Config(format!("invalid Redis URL ({})", e.category())))?;
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                idle: Mutex::new(Vec::new()),
                script: redis::Script::new(SCRIPT),
            }),
        })
    }

    fn connect(&self) -> Result<redis::Connection, LimitError> {
        let conn = self
            .inner
            .client
            .get_connection_with_timeout(TIMEOUT)
            .map_err(|e| unavailable(&e))?;
        conn.set_read_timeout(Some(TIMEOUT))
            .map_err(|e| unavailable(&e))?;
        conn.set_write_timeout(Some(TIMEOUT))
            .map_err(|e| unavailable(&e))?;
        Ok(conn)
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<redis::Connection>> {
        self.inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes one request from `bucket`'s allowance of `per_minute`; `Ok(false)` when it
    /// is used up. Blocks for at most a few [`TIMEOUT`]s: call it off the async runtime.
    ///
    /// # Errors
    /// [`LimitError::Unavailable`] when Redis cannot be reached or fails.
    pub fn allow_blocking(&self, bucket: &str, per_minute: u32) -> Result<bool, LimitError> {
        self.take_blocking(bucket, per_minute, 1, false)
    }

    /// Takes `cost` units (see [`crate::limits::RateLimiter::take`]). Blocks like
    /// [`RedisLimiter::allow_blocking`].
    ///
    /// # Errors
    /// [`LimitError::Unavailable`] when Redis cannot be reached or fails.
    pub fn take_blocking(
        &self,
        bucket: &str,
        per_minute: u32,
        cost: u32,
        force: bool,
    ) -> Result<bool, LimitError> {
        let key = format!("{KEY_PREFIX}{bucket}");
        let per_minute = per_minute.max(1);
        // A pooled connection may have been closed by the server since its last use
        // (restart, idle timeout): then retry once on a fresh one. A retried check may
        // have taken a token already, which errs on the side of fewer requests.
        let mut fresh_only = false;
        loop {
            let pooled = if fresh_only { None } else { self.idle().pop() };
            let reused = pooled.is_some();
            let mut conn = match pooled {
                Some(c) => c,
                None => self.connect()?,
            };
            match self
                .inner
                .script
                .key(&key)
                .arg(per_minute)
                .arg(cost)
                .arg(u8::from(force))
                .invoke::<(i64, i64)>(&mut conn)
            {
                Ok((allowed, _retry_ms)) => {
                    let mut idle = self.idle();
                    if idle.len() < MAX_IDLE {
                        idle.push(conn);
                    }
                    return Ok(allowed == 1);
                }
                Err(e) if reused && (e.is_io_error() || e.is_connection_dropped()) => {
                    fresh_only = true;
                }
                Err(e) => return Err(unavailable(&e)),
            }
        }
    }

    /// [`RedisLimiter::allow_blocking`] on the runtime's blocking pool.
    ///
    /// # Errors
    /// As [`RedisLimiter::allow_blocking`].
    pub async fn allow(&self, bucket: &str, per_minute: u32) -> Result<bool, LimitError> {
        self.take(bucket, per_minute, 1, false).await
    }

    /// [`RedisLimiter::take_blocking`] on the runtime's blocking pool.
    ///
    /// # Errors
    /// As [`RedisLimiter::take_blocking`].
    pub async fn take(
        &self,
        bucket: &str,
        per_minute: u32,
        cost: u32,
        force: bool,
    ) -> Result<bool, LimitError> {
        let this = self.clone();
        let bucket = bucket.to_string();
        tokio::task::spawn_blocking(move || this.take_blocking(&bucket, per_minute, cost, force))
            .await
            .map_err(|e| LimitError::Unavailable(format!("rate-limit check failed: {e}")))?
    }
}
