//! `Retry-After` on 429 and 503, against a loopback mock that records when each
//! request arrived: the client waits at least what the header asks (seconds or an HTTP
//! date) before asking again, and does not retry when the wait is longer than the
//! request's timeout.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use rampart_redteam::target::{Target, TargetConfig, TargetError};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How the mock answers its n-th request (0-based): status and extra header lines.
type Script = Arc<dyn Fn(usize) -> (u16, String) + Send + Sync>;

/// When each request arrived, on both clocks.
#[derive(Default)]
struct Arrivals(Mutex<Vec<(Instant, SystemTime)>>);

impl Arrivals {
    fn get(&self) -> Vec<(Instant, SystemTime)> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

const OK_BODY: &str = r#"{"choices":[{"message":{"role":"assistant","content":"fine"}}]}"#;

/// Serves HTTP/1.1 on loopback, one request per connection, answering per `script`.
async fn mock(script: Script) -> (String, Arc<Arrivals>) {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => panic!("bind: {e}"),
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => panic!("local_addr: {e}"),
    };
    let arrivals = Arc::new(Arrivals::default());
    let seen = Arc::clone(&arrivals);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (seen, script) = (Arc::clone(&seen), Arc::clone(&script));
            tokio::spawn(async move {
                // read the head and the body (Content-Length)
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let n = {
                    let Ok(mut v) = seen.0.lock() else {
                        return;
                    };
                    v.push((Instant::now(), SystemTime::now()));
                    v.len() - 1
                };
                let (status, headers) = script(n);
                let body = if status == 200 {
                    OK_BODY.to_string()
                } else {
                    json!({"error": {"message": "slow down", "type": "rate_limit"}}).to_string()
                };
                let resp = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}/v1"), arrivals)
}

fn target(url: &str, timeout: Duration) -> Target {
    let mut cfg = TargetConfig::new(url);
    cfg.timeout = timeout;
    cfg.retries = 3;
    // far shorter than any Retry-After below: a gap that long comes from the header
    cfg.backoff = Duration::from_millis(10);
    match Target::new(cfg) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

fn rt() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => panic!("runtime: {e}"),
    }
}

fn messages() -> Vec<serde_json::Value> {
    vec![json!({"role": "user", "content": "hello"})]
}

#[test]
fn a_429_with_retry_after_seconds_is_waited_for() {
    rt().block_on(async {
        let (url, arrivals) = mock(Arc::new(|n| {
            if n == 0 {
                (429, "retry-after: 2\r\n".into())
            } else {
                (200, String::new())
            }
        }))
        .await;
        let answer = target(&url, Duration::from_secs(10))
            .chat(&messages())
            .await;
        assert!(
            answer.as_ref().is_ok_and(|a| a.text == "fine"),
            "{answer:?}"
        );
        let at = arrivals.get();
        assert_eq!(at.len(), 2, "one 429, then one retry");
        let gap = at[1].0.duration_since(at[0].0);
        assert!(gap >= Duration::from_secs(2), "retried after {gap:?}");
    });
}

#[test]
fn a_503_with_an_http_date_is_waited_for_until_that_date() {
    rt().block_on(async {
        let date: Arc<Mutex<Option<SystemTime>>> = Arc::default();
        let d = Arc::clone(&date);
        let (url, arrivals) = mock(Arc::new(move |n| {
            if n == 0 {
                // HTTP dates have whole seconds: 3 s ahead, rounded down, is 2 to 3 s
                let when = SystemTime::now() + Duration::from_secs(3);
                let text = httpdate::fmt_http_date(when);
                if let (Ok(mut slot), Ok(parsed)) = (d.lock(), httpdate::parse_http_date(&text)) {
                    *slot = Some(parsed);
                }
                (503, format!("retry-after: {text}\r\n"))
            } else {
                (200, String::new())
            }
        }))
        .await;
        let answer = target(&url, Duration::from_secs(10))
            .chat(&messages())
            .await;
        assert!(answer.is_ok(), "{answer:?}");
        let at = arrivals.get();
        assert_eq!(at.len(), 2);
        let asked = date.lock().ok().and_then(|d| *d);
        let Some(asked) = asked else {
            panic!("the mock recorded no date");
        };
        assert!(
            at[1].1 >= asked,
            "retried at {:?}, before the Retry-After date {asked:?}",
            at[1].1
        );
        assert!(at[1].0.duration_since(at[0].0) >= Duration::from_secs(1));
    });
}

#[test]
fn a_retry_after_longer_than_the_timeout_ends_the_retries() {
    rt().block_on(async {
        let (url, arrivals) = mock(Arc::new(|_| (429, "retry-after: 3600\r\n".into()))).await;
        let answer = target(&url, Duration::from_secs(2)).chat(&messages()).await;
        match answer {
            Err(TargetError::Status(429, m)) => assert!(m.contains("Retry-After 3600 s"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            arrivals.get().len(),
            1,
            "asked again before the server allowed"
        );
    });
}

#[test]
fn without_retry_after_the_backoff_applies_and_retries_run_out() {
    rt().block_on(async {
        let (url, arrivals) = mock(Arc::new(|_| (429, String::new()))).await;
        let answer = target(&url, Duration::from_secs(2)).chat(&messages()).await;
        assert!(
            matches!(answer, Err(TargetError::Status(429, _))),
            "{answer:?}"
        );
        // the first attempt and 3 retries, 10, 20 and 40 ms apart
        assert_eq!(arrivals.get().len(), 4);
    });
}
