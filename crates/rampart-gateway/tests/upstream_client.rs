//! The upstream call as the upstream sees it, on the wire: the request line, the
//! headers (the upstream's key from `api_key_env`, the content type), the body as
//! judged, connections kept alive and reused, and an answer whose body stalls past
//! the upstream's time refused rather than waited for. A raw HTTP/1.1 upstream on
//! loopback records what arrives.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rampart_core::system::SystemDescription;
use rampart_gateway::server::{self, Gateway};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ANSWER: &str = r#"{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#;

#[derive(Default)]
struct Recorded {
    /// Request heads (request line and headers), in arrival order.
    heads: Mutex<Vec<String>>,
    bodies: Mutex<Vec<Vec<u8>>>,
    connections: AtomicUsize,
}

/// The index of `\r\n\r\n` in `buf`.
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

/// A raw HTTP/1.1 upstream: records each request, answers [`ANSWER`] and keeps the
/// connection open. With `stall`, the answer's head and half its body are sent, then
/// the rest after `stall`.
async fn upstream(stall: Option<Duration>) -> (SocketAddr, Arc<Recorded>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let rec = Arc::new(Recorded::default());
    let r = Arc::clone(&rec);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            r.connections.fetch_add(1, Ordering::SeqCst);
            let r = Arc::clone(&r);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    // one request: its head, then content-length bytes of body
                    let end = loop {
                        if let Some(e) = head_end(&buf) {
                            break e;
                        }
                        let mut chunk = [0u8; 4096];
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        assert!(buf.len() < 1 << 20, "a head of a megabyte");
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_string();
                    let len: usize = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    while buf.len() < end + 4 + len {
                        let mut chunk = [0u8; 4096];
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let body = buf[end + 4..end + 4 + len].to_vec();
                    buf.drain(..end + 4 + len);
                    r.heads.lock().unwrap().push(head);
                    r.bodies.lock().unwrap().push(body);
                    let top = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        ANSWER.len()
                    );
                    let (first, rest) = ANSWER.split_at(ANSWER.len() / 2);
                    if sock.write_all(top.as_bytes()).await.is_err()
                        || sock.write_all(first.as_bytes()).await.is_err()
                    {
                        return;
                    }
                    if let Some(d) = stall {
                        tokio::time::sleep(d).await;
                    }
                    if sock.write_all(rest.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, rec)
}

struct Harness {
    url: String,
    key: String,
    _gw: Arc<Gateway>,
    _dir: tempfile::TempDir,
}

/// A gateway in front of the upstream at `addr`, with `extra` in `[gateway]` and
/// `upstream` in its `[[gateway.upstreams]]` table.
async fn start(addr: SocketAddr, extra: &str, upstream: &str) -> Harness {
    let toml = format!(
        "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"127.0.0.1:0\"\nkeys = \"keys.sqlite\"\n{extra}\n[[gateway.upstreams]]\nname = \"primary\"\nurl = \"http://{addr}/v1\"\nmodels = [\"m\"]\n{upstream}\n[ledger]\npath = \"ledger.sqlite\"\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let system = SystemDescription::parse(&toml).unwrap();
    let gw = rampart_gateway::app::build(dir.path(), &system, &toml).unwrap();
    let (_, key) = gw
        .keys
        .as_ref()
        .unwrap()
        .create("acme", &["m".into()], 10_000, 0)
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let gw2 = Arc::clone(&gw);
    tokio::spawn(async move { server::serve(gw2, listener, std::future::pending()).await });
    Harness {
        url,
        key,
        _gw: gw,
        _dir: dir,
    }
}

async fn chat(client: &reqwest::Client, h: &Harness, content: &str) -> (u16, String) {
    let resp = client
        .post(format!("{}/v1/chat/completions", h.url))
        .bearer_auth(&h.key)
        .json(&json!({"model": "m", "messages": [{"role": "user", "content": content}]}))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// The header `name` (any case) of a recorded head.
fn header<'a>(head: &'a str, name: &str) -> Vec<&'a str> {
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upstream_gets_its_key_the_judged_body_and_reused_connections() {
    let var = "RAMPART_TEST_UPSTREAM_CLIENT_KEY";
    std::env::set_var(var, "sk-upstream-secret-1234");
    let (addr, rec) = upstream(None).await;
    let h = start(addr, "", &format!("api_key_env = \"{var}\"")).await;
    let client = reqwest::Client::new();
    for i in 0..3 {
        let (status, text) = chat(&client, &h, &format!("hello {i}")).await;
        assert_eq!(status, 200, "{text}");
        let answer: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(answer["choices"][0]["message"]["content"], "fine");
    }
    let heads = rec.heads.lock().unwrap().clone();
    let bodies = rec.bodies.lock().unwrap().clone();
    assert_eq!(heads.len(), 3);
    for (i, (head, body)) in heads.iter().zip(&bodies).enumerate() {
        assert!(
            head.starts_with("POST /v1/chat/completions HTTP/1.1\r\n"),
            "{head}"
        );
        assert_eq!(
            header(head, "authorization"),
            ["Bearer sk-upstream-secret-1234"],
            "{head}"
        );
        assert_eq!(header(head, "content-type"), ["application/json"], "{head}");
        assert_eq!(header(head, "host"), [addr.to_string().as_str()], "{head}");
        assert_eq!(
            header(head, "content-length"),
            [body.len().to_string().as_str()],
            "{head}"
        );
        // the body as judged: the client's text, and this request's canary planted
        // in a system message only when it has one (this one has none)
        let sent: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(sent["model"], "m");
        assert_eq!(sent["messages"][0]["content"], format!("hello {i}"));
    }
    assert_eq!(
        rec.connections.load(Ordering::SeqCst),
        1,
        "one kept-alive connection served the three requests in sequence"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_body_that_stalls_past_the_upstream_time_is_refused() {
    let (addr, rec) = upstream(Some(Duration::from_secs(20))).await;
    let h = start(
        addr,
        "upstream_timeout_secs = 1\nrequest_timeout_secs = 60",
        "",
    )
    .await;
    let started = Instant::now();
    let (status, text) = chat(&reqwest::Client::new(), &h, "hello").await;
    let took = started.elapsed();
    assert_eq!(rec.heads.lock().unwrap().len(), 1);
    assert_eq!(status, 502, "{text}");
    assert!(!text.contains("fine"), "{text}");
    assert!(!text.contains("127.0.0.1"), "no upstream address: {text}");
    // bounded by the upstream's 1 s, not the request's 60 s or the 20 s stall
    assert!(took < Duration::from_secs(15), "answered after {took:?}");
}

/// An `https` upstream whose certificate no trusted root vouches for (a private CA,
/// as a machine in the middle would present) is refused: nothing is sent over that
/// connection, and the error names the upstream by its configured name only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_upstream_with_an_untrusted_certificate_is_refused() {
    // a TLS server with a certificate from the test PKI's own CA: a gateway whose
    // listener serves TLS, in front of a mock that counts what reaches it
    let pki = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tls");
    let (mock_addr, mock_state, _t) = rampart_gateway::mock::serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let tls_toml = format!(
        "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"127.0.0.1:0\"\nkeys = \"keys.sqlite\"\n[gateway.tls]\ncert = \"{}\"\nkey = \"{}\"\n[[gateway.upstreams]]\nname = \"inner\"\nurl = \"http://{mock_addr}/v1\"\nmodels = [\"m\"]\n[ledger]\npath = \"ledger.sqlite\"\n",
        pki.join("server.pem").display(),
        pki.join("server.key").display(),
    );
    let tls_dir = tempfile::tempdir().unwrap();
    let tls_gw = rampart_gateway::app::build(
        tls_dir.path(),
        &SystemDescription::parse(&tls_toml).unwrap(),
        &tls_toml,
    )
    .unwrap();
    assert!(tls_gw.tls.is_some());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tls_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { server::serve(tls_gw, listener, std::future::pending()).await });

    // the gateway under test, with that server as its https upstream
    let toml = format!(
        "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"127.0.0.1:0\"\nkeys = \"keys.sqlite\"\n[[gateway.upstreams]]\nname = \"primary\"\nurl = \"https://localhost:{}/v1\"\nmodels = [\"m\"]\n[ledger]\npath = \"ledger.sqlite\"\n",
        tls_addr.port()
    );
    let dir = tempfile::tempdir().unwrap();
    let gw =
        rampart_gateway::app::build(dir.path(), &SystemDescription::parse(&toml).unwrap(), &toml)
            .unwrap();
    let (_, key) = gw
        .keys
        .as_ref()
        .unwrap()
        .create("acme", &["m".into()], 10_000, 0)
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let h = Harness {
        url: format!("http://{}", listener.local_addr().unwrap()),
        key,
        _gw: Arc::clone(&gw),
        _dir: dir,
    };
    tokio::spawn(async move { server::serve(gw, listener, std::future::pending()).await });

    let (status, text) = chat(&reqwest::Client::new(), &h, "my secret plans").await;
    assert_eq!(status, 502, "{text}");
    assert!(text.contains("primary"), "{text}");
    assert!(
        !text.contains("localhost") && !text.contains("127.0.0.1"),
        "{text}"
    );
    assert_eq!(
        mock_state.count.load(Ordering::SeqCst),
        0,
        "nothing went through the untrusted connection"
    );
}
