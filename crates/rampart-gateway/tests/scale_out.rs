//! Scale-out: two gateway instances in one process, each with its own listener, in
//! front of one mock upstream, sharing a real Redis (rate limits) and a real PostgreSQL
//! (ledger) started on loopback. One global quota per key, one consistent ledger.
//!
//! Redis: `redis-server` from `$PATH` (Debian: `apt-get install -y redis-server`). When
//! it is missing the tests that need it print a loud warning and pass without running —
//! or fail when `$CI` is set. PostgreSQL: the ledger crate's harness, same rule.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use rampart_test::redis::redis_on;
use rampart_test::{free_port, pg};

use std::net::SocketAddr;
use std::path::Path;

use std::sync::Arc;
use std::time::{Duration, Instant};

use rampart_core::system::SystemDescription;
use rampart_gateway::mock;
use rampart_gateway::server::{self, Gateway, REQUEST_ID_HEADER};
use rampart_ledger::merkle::verify_inclusion;
use rampart_ledger::Verification;

/// Runs blocking set-up or ledger reads off the async runtime: the synchronous
/// `postgres` client panics on a runtime thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}
use serde_json::{json, Value};

/// One gateway instance and its address.
struct Instance {
    url: String,
    gw: Arc<Gateway>,
}

fn toml(mock_addr: SocketAddr, redis_env: &str, ledger: &str) -> String {
    format!(
        "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"127.0.0.1:0\"\nkeys = \"keys.sqlite\"\nredis_url_env = \"{redis_env}\"\n[[gateway.upstreams]]\nname = \"primary\"\nurl = \"http://{mock_addr}/v1\"\nmodels = [\"tinychat\"]\n[ledger]\n{ledger}\n"
    )
}

async fn instance(root: &Path, toml: &str) -> Instance {
    let system = SystemDescription::parse(toml).unwrap();
    let gw = rampart_gateway::app::build(root, &system, toml).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let serving = Arc::clone(&gw);
    tokio::spawn(async move { server::serve(serving, listener, std::future::pending()).await });
    Instance {
        url: format!("http://{addr}"),
        gw,
    }
}

/// Status, error code and request id of one chat request.
async fn chat(client: &reqwest::Client, base: &str, key: &str) -> (u16, Value, String) {
    let resp = client
        .post(format!("{base}/v1/chat/completions"))
        .bearer_auth(key)
        .json(&json!({"model": "tinychat", "messages": [{"role": "user", "content": "hello"}]}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let rid = resp
        .headers()
        .get(REQUEST_ID_HEADER)
        .expect("every answer carries a request id")
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    (status, body, rid)
}

/// A unique environment-variable name for this test.
fn env_name(test: &str, what: &str) -> String {
    format!("RAMPART_TEST_{}_{}_{what}", std::process::id(), test)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_quota_and_one_ledger() {
    let Some((redis, db)) = blocking(|| Some((redis_on(None)?, pg::database()?))).await else {
        return;
    };
    let redis_env = env_name("global", "REDIS_URL");
    let pg_env = env_name("global", "LEDGER_URL");
    std::env::set_var(&redis_env, redis.url());
    std::env::set_var(&pg_env, &db.url);

    let (mock_addr, mock, _mock_task) = mock::serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = toml(mock_addr, &redis_env, &format!("url_env = \"{pg_env}\""));
    // Two instances of one deployment: the same file, the same key database, the same
    // Redis and PostgreSQL; separate processes in production, separate listeners here.
    let a = instance(dir.path(), &text).await;
    let b = instance(dir.path(), &text).await;
    let instances = [&a, &b];
    let client = reqwest::Client::new();

    // Sequential, alternating: the first N requests pass, whichever instance gets them,
    // and every later one is refused by both.
    const N: u32 = 6;
    let (rec, key) =
        a.gw.keys
            .as_ref()
            .unwrap()
            .create("acme", &["tinychat".into()], N, 0)
            .unwrap();
    let mut passed: Vec<(usize, String)> = Vec::new();
    let mut refused = Vec::new();
    for i in 0..3 * N as usize {
        let (status, body, rid) = chat(&client, &instances[i % 2].url, &key).await;
        match status {
            200 => passed.push((i % 2, rid)),
            429 => {
                assert_eq!(body["error"]["code"], "rate_limit_exceeded", "{body}");
                refused.push(rid);
            }
            s => panic!("unexpected status {s}: {body}"),
        }
    }
    assert_eq!(
        passed.len(),
        N as usize,
        "one global quota of {N} per minute"
    );
    assert_eq!(refused.len(), 2 * N as usize);
    assert!(
        passed.iter().any(|(i, _)| *i == 0) && passed.iter().any(|(i, _)| *i == 1),
        "both instances served requests"
    );

    // Concurrent, from both instances at once: the check-and-take is atomic, so exactly
    // M of 4M racing requests pass.
    const M: u32 = 10;
    let (_, key2) =
        b.gw.keys
            .as_ref()
            .unwrap()
            .create("acme", &["tinychat".into()], M, 0)
            .unwrap();
    let mut tasks = Vec::new();
    for i in 0..4 * M as usize {
        let (client, base, key) = (client.clone(), instances[i % 2].url.clone(), key2.clone());
        tasks.push(tokio::spawn(async move {
            let (status, _, rid) = chat(&client, &base, &key).await;
            (i % 2, status, rid)
        }));
    }
    let mut concurrent_passed = 0;
    for t in tasks {
        let (inst, status, rid) = t.await.unwrap();
        match status {
            200 => {
                concurrent_passed += 1;
                passed.push((inst, rid));
            }
            429 => refused.push(rid),
            s => panic!("unexpected status {s}"),
        }
    }
    assert_eq!(concurrent_passed, M, "exactly M racing requests pass");
    let total = (N + M) as usize;
    assert_eq!(
        mock.received().len(),
        total,
        "refused requests never reach the upstream"
    );

    // The bucket lives in Redis under the rampart namespace and expires when idle.
    let mut conn = redis::Client::open(redis.url())
        .unwrap()
        .get_connection()
        .unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("rampart:rl:key:{}", rec.id))
        .query(&mut conn)
        .unwrap();
    assert!(
        (1..=61_000).contains(&ttl),
        "the bucket expires once it would be full again (pttl {ttl})"
    );

    // One ledger: both instances' entries, in one tree, each with a proof that verifies
    // against the one head both instances see. Refusals of authenticated keys are
    // recorded too (blocked, GW002).
    let recorded = total + refused.len();
    let ledger_a = a.gw.ledger.clone().unwrap();
    let ledger_b = b.gw.ledger.clone().unwrap();
    blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut head = ledger_a.tree_head().unwrap();
        while head.size < recorded as u64 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            head = ledger_a.tree_head().unwrap();
        }
        assert_eq!(head.size, recorded as u64, "one entry per request");
        assert_eq!(
            ledger_b.tree_head().unwrap(),
            head,
            "both instances see one head"
        );
        let entries = ledger_b.entries(0..head.size).unwrap();
        for (_, rid) in &passed {
            let e = entries
                .iter()
                .find(|e| &e.entry.request_id == rid)
                .unwrap_or_else(|| panic!("request {rid} in the ledger"));
            let proof = ledger_a.inclusion_proof(e.index, head.size).unwrap();
            verify_inclusion(e.index, head.size, &e.leaf_hash, &proof, &head.root).unwrap();
        }
        for rid in &refused {
            let e = entries
                .iter()
                .find(|e| &e.entry.request_id == rid)
                .unwrap_or_else(|| panic!("refused request {rid} in the ledger"));
            assert_eq!(e.entry.decision, rampart_ledger::Decision::Block);
            assert_eq!(e.entry.rules, ["GW002"]);
            assert_eq!(e.entry.upstream, "-", "it never reached an upstream");
        }
        match ledger_a.verify_all(Some(&head)).unwrap() {
            Verification::Intact { head: h, .. } => assert_eq!(h, head),
            Verification::Tampered(t) => panic!("shared ledger does not verify: {t:?}"),
        }
    })
    .await;
    std::env::remove_var(&redis_env);
    std::env::remove_var(&pg_env);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_fails_closed_and_recovers() {
    // A port nobody listens on (yet).
    let port = free_port();
    let redis_env = env_name("closed", "REDIS_URL");
    std::env::set_var(&redis_env, format!("redis://127.0.0.1:{port}/"));

    let (mock_addr, mock, _mock_task) = mock::serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = toml(mock_addr, &redis_env, "path = \"ledger.sqlite\"");
    let a = instance(dir.path(), &text).await;
    let (_, key) =
        a.gw.keys
            .as_ref()
            .unwrap()
            .create("acme", &["tinychat".into()], 1000, 0)
            .unwrap();
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let (status, body, _) = chat(&client, &a.url, &key).await;
        assert_eq!(status, 503, "no shared count, no request: {body}");
        assert_eq!(body["error"]["code"], "rate_limiter_unavailable");
    }
    assert!(
        mock.received().is_empty(),
        "nothing passes unlimited while Redis is down"
    );

    // Redis comes (back) up on that port: requests pass again, no restart needed.
    let Some(_redis) = blocking(move || redis_on(Some(port))).await else {
        return;
    };
    let (status, body, _) = chat(&client, &a.url, &key).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(mock.received().len(), 1);
    std::env::remove_var(&redis_env);
}

#[test]
fn a_missing_environment_variable_stops_the_start() {
    let text = "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"127.0.0.1:0\"\nkeys = \"keys.sqlite\"\nredis_url_env = \"RAMPART_TEST_SURELY_UNSET_REDIS\"\n[ledger]\npath = \"l.sqlite\"\n";
    let dir = tempfile::tempdir().unwrap();
    let system = SystemDescription::parse(text).unwrap();
    let Err(e) = rampart_gateway::app::build(dir.path(), &system, text) else {
        panic!("started without its Redis URL");
    };
    assert!(
        e.to_string().contains("RAMPART_TEST_SURELY_UNSET_REDIS"),
        "{e}"
    );

    let both = "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"127.0.0.1:0\"\nkeys = \"keys.sqlite\"\n[ledger]\npath = \"l.sqlite\"\nurl_env = \"RAMPART_TEST_SURELY_UNSET_PG\"\n";
    let system = SystemDescription::parse(both).unwrap();
    let Err(e) = rampart_gateway::app::build(dir.path(), &system, both) else {
        panic!("started with two ledgers");
    };
    assert!(e.to_string().contains("both"), "{e}");
}

#[test]
fn the_shared_bucket_refills_at_its_rate_and_namespaces_its_keys() {
    use rampart_gateway::redis_limits::RedisLimiter;
    let Some(redis) = redis_on(None) else { return };
    let limiter = RedisLimiter::new(&redis.url()).unwrap();
    // 120 per minute: a full bucket of 120, then one more every 500 ms.
    for i in 0..120 {
        assert!(
            limiter.allow_blocking("key:refill", 120).unwrap(),
            "request {i}"
        );
    }
    assert!(!limiter.allow_blocking("key:refill", 120).unwrap());
    assert!(
        limiter.allow_blocking("key:other", 120).unwrap(),
        "buckets are per key"
    );
    std::thread::sleep(Duration::from_millis(600));
    assert!(
        limiter.allow_blocking("key:refill", 120).unwrap(),
        "refilled"
    );
    assert!(!limiter.allow_blocking("key:refill", 120).unwrap());

    let mut conn = redis::Client::open(redis.url())
        .unwrap()
        .get_connection()
        .unwrap();
    let mut keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).unwrap();
    keys.sort();
    assert_eq!(keys, ["rampart:rl:key:other", "rampart:rl:key:refill"]);
    // A fresh bucket's key lives only until it would be full again (1 of 60 per minute
    // taken: 1 s, plus a second of slack).
    assert!(limiter.allow_blocking("key:short", 60).unwrap());
    let ttl: i64 = redis::cmd("PTTL")
        .arg("rampart:rl:key:short")
        .query(&mut conn)
        .unwrap();
    assert!((1..=2_000).contains(&ttl), "pttl {ttl}");
    // Redis restarted (connections in the pool are dead): the next check reconnects.
    drop(redis);
    assert!(
        limiter.allow_blocking("key:refill", 120).is_err(),
        "down: an error, not a pass"
    );
}

#[test]
fn token_usage_is_debited_in_redis_and_refuses_once_in_debt() {
    use rampart_gateway::redis_limits::RedisLimiter;
    let Some(redis) = redis_on(None) else { return };
    let limiter = RedisLimiter::new(&redis.url()).unwrap();
    assert!(
        limiter.take_blocking("tok:key:a", 100, 0, false).unwrap(),
        "a fresh quota is not used up"
    );
    assert!(
        limiter.take_blocking("tok:key:a", 100, 60, true).unwrap(),
        "usage is debited"
    );
    assert!(
        limiter.take_blocking("tok:key:a", 100, 0, false).unwrap(),
        "40 of 100 left"
    );
    assert!(
        limiter.take_blocking("tok:key:a", 100, 90, true).unwrap(),
        "usage past the quota is still recorded"
    );
    assert!(
        !limiter.take_blocking("tok:key:a", 100, 0, false).unwrap(),
        "in debt: refused"
    );
    assert!(
        !limiter.take_blocking("tok:key:a", 100, 1, false).unwrap(),
        "nothing can be taken either"
    );
    assert!(
        limiter.take_blocking("tok:key:b", 100, 0, false).unwrap(),
        "per key"
    );
}
