//! The streamed and the non-stream answer to the same upstream output are judged the
//! same, and no redacted byte reaches the client, whatever the chunking: a property
//! test through real HTTP on loopback (issue #14). Upstream outputs are built from
//! prose (ASCII and not), secrets the guard redacts (some longer than the hold-back),
//! the request's canary and tool calls; the stream is cut into events of random
//! sizes and its bytes into network chunks at random offsets (inside multi-byte
//! characters too).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rampart_core::system::SystemDescription;
use rampart_gateway::mock::{self, MockState, Scripted};
use rampart_gateway::server::{self, Gateway, REQUEST_ID_HEADER};
use rampart_ledger::store::StoredEntry;
use serde_json::{json, Value};

const SYSTEM: &str = "{{SYSTEM}}";
const AWS_KEY: &str = "AKIAEUVW75EFR6EDT4SY";
const GHP: &str = "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";
const EMAIL: &str = "jane.doe@mail.example";
const JWT: &str = "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiMTIzNDU2Nzg5MCIsICJuYW1lIjogIkFuYSIsICJpYXQiOiAxNTE2MjM5MDIyfQ.f6xuI5aHUQPFeNBTxaQWk8JzFalHlsZfYcMMDktXP_t";
const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1c7Hq3WVGhBDe9bEkOqtBnKhDBTl8XvZqIRDwR0m5S3u1FVJ\nWz3eXG5hYjUXyN8iIMpEt0XkZuzqyB3LxmRdNmr/WOSGfXn2kbn+3K9Qy7u1m8/r\nqFQJpO0Ka2L4J1xZtO0y9eqYmRJt1Ns3t9t0W5c5A7+2s2U1d0k8r3n2Y5bq8uWq\nH1n2q7QYx0m6b5c4d3e2f1g0h9i8j7k6l5m4n3o2p1q0r9s8t7u6v5w4x3y2z1a0\n-----END RSA PRIVATE KEY-----";
/// Arguments of the high-risk call: never to reach the client.
const REFUND_ARGS: &str = "{\"amount\": 5000, \"memo\": \"REFUND-MARK-7731\"}";

/// Body lines of a PEM key longer than the default hold-back (256).
const LONG_PEM_LINES: [&str; 8] = [
    "MIIJKAIBAAKCAgEAq1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c2v3b4",
    "n5m6Q7W8E9R0T1Y2U3I4O5P6A7S8D9F0G1H2J3K4L5Z6X7C8V9B0N1M2q3w4e5r6",
    "t7y8u9i0o1p2a3s4d5f6g7h8j9k0l1z2x3c4v5b6n7m8Q9W0E1R2T3Y4U5I6O7P8",
    "A9S0D1F2G3H4J5K6L7Z8X9C0V1B2N3M4q5w6e7r8t9y0u1i2o3p4a5s6d7f8g9h0",
    "j1k2l3z4x5c6v7b8n9m0Q1W2E3R4T5Y6U7I8O9P0A1S2D3F4G5H6J7K8L9Z0X1C2",
    "V3B4N5M6q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2j3k4l5z6x7c8v9b0n1m2Q3W4",
    "E5R6T7Y8U9I0O1P2A3S4D5F6G7H8J9K0L1Z2X3C4V5B6N7M8q9w0e1r2t3y4u5i6",
    "o7p8a9s0d1f2g3h4j5k6l7z8x9c0v1b2n3m4Q5W6E7R8T9Y0U1I2O3P4A5S6D7F8",
];

fn long_pem() -> String {
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
        LONG_PEM_LINES.join("\n")
    )
}

const LONG_JWT: &str = "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiMTIzNDU2Nzg5MCIsICJuYW1lIjogIkFuYSIsICJub3RlIjogInRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciB0aGUgbGF6eSBkb2csIHRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciB0aGUgbGF6eSBkb2csIHRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciB0aGUgbGF6eSBkb2csIHRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciB0aGUgbGF6eSBkb2csIGFuZCBtb3JlIHdvcmRzIHRvIG1ha2UgdGhpcyBwYXlsb2FkIGxvbmcgZW5vdWdoIiwgImlhdCI6IDE1MTYyMzkwMjJ9.f6xuI5aHUQPFeNBTxaQWk8JzFalHlsZfYcMMDktXP_t";

/// A secret and the substrings of it that must never reach the client (free of
/// characters JSON escapes, so they can be looked for in raw bytes).
fn secret(i: usize) -> (String, Vec<String>) {
    match i {
        0 => (AWS_KEY.into(), vec![AWS_KEY.into()]),
        1 => (GHP.into(), vec![GHP.into()]),
        2 => (EMAIL.into(), vec![EMAIL.into()]),
        // (the two tokens share their header and signature)
        3 => (
            JWT.into(),
            vec!["IkFuYSIsICJpYXQiOiAxNTE2MjM5MDIyfQ".into()],
        ),
        4 => (
            LONG_JWT.into(),
            vec![
                "ICJub3RlIjogInRoZSBxdWljayBicm93".into(),
                "IGxvbmcgZW5vdWdoIiwgImlhdCI6".into(),
            ],
        ),
        5 => (
            PEM.into(),
            PEM.lines()
                .skip(1)
                .take(4)
                .map(|l| l[..24].to_string())
                .collect(),
        ),
        _ => (
            long_pem(),
            LONG_PEM_LINES.iter().map(|l| l[..24].to_string()).collect(),
        ),
    }
}

const SECRETS: usize = 7;

/// Whether the markers of secret `i` must never reach the client, whole or
/// streamed: every secret, the long PEM keys (5, 6) and the long JWT (4) included
/// (they once leaked from both answers alike: the tests below).
/// `STREAM_PROPERTY_LENIENT=1` relaxes the long ones to "the stream shows nothing
/// the whole answer redacted", to tell a stream/whole mismatch from a detector gap.
fn strict(i: usize) -> bool {
    i < 4 || !std::env::var("STREAM_PROPERTY_LENIENT").is_ok_and(|v| v == "1")
}

const WORDS: &[&str] = &[
    "the", "order", "shipped", "today", "and", "café", "über", "日本", "naïve", "déjà", "vu",
    "résumé", "ok,", "—", "price:", "42", "\n", "Grüße", "東京", "🙂",
];

#[derive(Debug, Clone)]
enum Frag {
    Word(usize),
    Secret(usize),
    Canary,
}

#[derive(Debug, Clone)]
struct Tool {
    /// `lookup_order` (granted) or `issue_refund` (high-risk, not granted).
    refund: bool,
    /// What the `order` argument of `lookup_order` holds.
    arg: Vec<Frag>,
    /// Where the arguments are split into deltas.
    splits: Vec<Index>,
}

#[derive(Debug, Clone)]
struct Case {
    content: Vec<Frag>,
    tool: Option<Tool>,
    /// Sizes (characters) of the content events, used in turn.
    sizes: Vec<usize>,
    /// Network cuts of the SSE byte stream.
    cuts: Vec<Index>,
}

fn frag(canary_weight: u32) -> impl Strategy<Value = Frag> {
    prop_oneof![
        12 => (0..WORDS.len()).prop_map(Frag::Word),
        3 => (0..SECRETS).prop_map(Frag::Secret),
        canary_weight => Just(Frag::Canary),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let tool = (
        any::<bool>(),
        prop::collection::vec(frag(1), 0..4),
        prop::collection::vec(any::<Index>(), 0..5),
    )
        .prop_map(|(refund, arg, splits)| Tool {
            refund,
            arg,
            splits,
        });
    (
        prop::collection::vec(frag(1), 0..40),
        prop::option::weighted(0.5, tool),
        prop::collection::vec(1usize..=50, 1..8),
        prop::collection::vec(any::<Index>(), 0..12),
    )
        .prop_map(|(content, tool, sizes, cuts)| Case {
            content,
            tool,
            sizes,
            cuts,
        })
}

/// The text of fragments, and the markers of the secrets in it (with whether
/// they are [`strict`]).
fn render(frags: &[Frag]) -> (String, Vec<(String, bool)>) {
    let mut text = String::new();
    let mut markers = Vec::new();
    for (i, f) in frags.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        match f {
            Frag::Word(w) => text.push_str(WORDS[*w]),
            Frag::Secret(s) => {
                let (value, m) = secret(*s);
                text.push_str(&value);
                markers.extend(m.into_iter().map(|m| (m, strict(*s))));
            }
            Frag::Canary => text.push_str(SYSTEM),
        }
    }
    (text, markers)
}

/// Whether splitting `text` at byte `at` keeps every `{{SYSTEM}}` whole (the mock
/// expands it per chunk) and falls on a character boundary (when `chars`).
fn can_split(text: &[u8], at: usize, chars: bool) -> bool {
    if chars && !std::str::from_utf8(text).is_ok_and(|t| t.is_char_boundary(at)) {
        return false;
    }
    let n = SYSTEM.len();
    (at.saturating_sub(n - 1)..at).all(|s| text.get(s..s + n) != Some(SYSTEM.as_bytes()))
}

/// `text` split at the char boundaries `at` (sorted, deduplicated, placeholders whole).
fn split_at(text: &str, at: &[usize]) -> Vec<String> {
    let mut at: Vec<usize> = at
        .iter()
        .copied()
        .filter(|&p| p > 0 && p < text.len() && can_split(text.as_bytes(), p, true))
        .collect();
    at.sort_unstable();
    at.dedup();
    let mut out = Vec::new();
    let mut from = 0;
    for p in at.into_iter().chain(std::iter::once(text.len())) {
        out.push(text[from..p].to_string());
        from = p;
    }
    out
}

/// Content split into pieces of `sizes` characters, in turn.
fn pieces(text: &str, sizes: &[usize]) -> Vec<String> {
    let mut cuts = Vec::new();
    let mut chars = 0;
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    for n in sizes.iter().cycle() {
        chars += n;
        if chars >= bounds.len() - 1 {
            break;
        }
        cuts.push(bounds[chars]);
    }
    split_at(text, &cuts)
}

struct Upstream {
    content: String,
    content_markers: Vec<(String, bool)>,
    /// (name, arguments) of the tool call.
    call: Option<(String, String)>,
    call_markers: Vec<(String, bool)>,
    refund: bool,
    events: Vec<String>,
    cuts: Vec<usize>,
}

fn upstream(c: &Case) -> Upstream {
    let (content, content_markers) = render(&c.content);
    let chunk = |delta: Value| {
        json!({"id": "chatcmpl-p", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": null}]})
        .to_string()
    };
    let mut events: Vec<String> = pieces(&content, &c.sizes)
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| chunk(json!({"content": p})))
        .collect();
    let mut call = None;
    let mut call_markers = Vec::new();
    let mut refund = false;
    if let Some(t) = &c.tool {
        let (name, args) = if t.refund {
            refund = true;
            call_markers.push(("REFUND-MARK-7731".to_string(), true));
            ("issue_refund".to_string(), REFUND_ARGS.to_string())
        } else {
            let (arg, m) = render(&t.arg);
            call_markers.extend(m);
            (
                "lookup_order".to_string(),
                json!({"order": arg}).to_string(),
            )
        };
        events.push(chunk(
            json!({"tool_calls": [{"index": 0, "id": "call_p", "type": "function",
                "function": {"name": name, "arguments": ""}}]}),
        ));
        let at: Vec<usize> = t.splits.iter().map(|i| i.index(args.len() + 1)).collect();
        for piece in split_at(&args, &at) {
            events.push(chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}),
            ));
        }
        call = Some((name, args));
    }
    let reason = if call.is_some() { "tool_calls" } else { "stop" };
    events.push(
        json!({"id": "chatcmpl-p", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
        .to_string(),
    );
    events.push("[DONE]".into());
    // the byte stream Scripted::sse builds; cuts anywhere but inside {{SYSTEM}}
    let all: Vec<u8> = events
        .iter()
        .flat_map(|e| format!("data: {e}\n\n").into_bytes())
        .collect();
    let mut cuts: Vec<usize> = c
        .cuts
        .iter()
        .map(|i| i.index(all.len()))
        .filter(|&p| can_split(&all, p, false))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    Upstream {
        content,
        content_markers,
        call,
        call_markers,
        refund,
        events,
        cuts,
    }
}

fn whole_answer(u: &Upstream) -> Value {
    let mut message = json!({"role": "assistant", "content": u.content});
    if let Some((name, args)) = &u.call {
        message["tool_calls"] = json!([{"id": "call_p", "type": "function",
            "function": {"name": name, "arguments": args}}]);
    }
    let reason = if u.call.is_some() {
        "tool_calls"
    } else {
        "stop"
    };
    json!({"id": "chatcmpl-p", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": reason}]})
}

// ---- the harness (as in attacks.rs) ----

struct Harness {
    url: String,
    mock: Arc<MockState>,
    gw: Arc<Gateway>,
    key: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn start() -> Harness {
    let (a, mock, _t) = mock::serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let toml = format!(
        "schema_version = 1\n[system]\nname = \"t\"\n[gateway]\nlisten = \"127.0.0.1:0\"\nkeys = \"keys.sqlite\"\n[[gateway.upstreams]]\nname = \"primary\"\nurl = \"http://{a}/v1\"\nmodels = [\"m\"]\nexternal = false\n[ledger]\npath = \"ledger.sqlite\"\n[[tools]]\nname = \"lookup_order\"\n[[tools]]\nname = \"issue_refund\"\nhigh_risk = true\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let system = SystemDescription::parse(&toml).unwrap();
    let gw = rampart_gateway::app::build(dir.path(), &system, &toml).unwrap();
    let (_, key) = gw
        .keys
        .as_ref()
        .unwrap()
        .create_with_tools(
            "acme",
            &["m".into()],
            &["lookup_order".into()],
            1_000_000,
            0,
        )
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let gw2 = Arc::clone(&gw);
    tokio::spawn(async move { server::serve(gw2, listener, std::future::pending()).await });
    Harness {
        url: format!("http://{addr}"),
        mock,
        gw,
        key,
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

fn script(h: &Harness, s: Scripted) {
    *h.mock.script.lock().unwrap() = Some(s);
}

/// Posts a chat request; the status, the request id and the body.
async fn chat(h: &Harness, stream: bool) -> (u16, String, String) {
    let mut body = json!({"model": "m", "messages": [
        {"role": "system", "content": "You answer briefly."},
        {"role": "user", "content": "hi"}]});
    if stream {
        body["stream"] = json!(true);
    }
    let resp = h
        .client
        .post(format!("{}/v1/chat/completions", h.url))
        .bearer_auth(&h.key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let rid = resp
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, rid, resp.text().await.unwrap())
}

/// The ledger entry of request `rid` (the stream's is written when it ends).
async fn entry(h: &Harness, rid: &str) -> StoredEntry {
    let l = h.gw.ledger.as_ref().unwrap();
    for _ in 0..500 {
        let size = l.tree_head().unwrap().size;
        let from = size.saturating_sub(4);
        if let Some(e) = l
            .entries(from..size)
            .unwrap()
            .into_iter()
            .find(|e| e.entry.request_id == rid)
        {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no ledger entry for {rid}");
}

/// What a streamed answer said: content, tool calls, and whether it ended blocked.
struct Streamed {
    content: String,
    calls: Vec<Value>,
    blocked: bool,
}

fn parse_stream(raw: &str) -> Result<Streamed, TestCaseError> {
    let mut s = Streamed {
        content: String::new(),
        calls: Vec::new(),
        blocked: false,
    };
    let mut done = false;
    for line in raw.lines().filter(|l| !l.is_empty()) {
        let Some(data) = line.strip_prefix("data: ") else {
            return Err(TestCaseError::fail(format!("not an event line: {line:?}")));
        };
        prop_assert!(!done, "an event after [DONE]: {}", raw);
        if data == "[DONE]" {
            done = true;
            continue;
        }
        let v: Value =
            serde_json::from_str(data).map_err(|e| TestCaseError::fail(format!("{e}: {data}")))?;
        prop_assert!(!s.blocked, "an event after the error: {}", raw);
        if let Some(err) = v.get("error") {
            prop_assert_eq!(&err["code"], "content_policy_violation", "{}", raw);
            s.blocked = true;
            continue;
        }
        let d = &v["choices"][0]["delta"];
        if let Some(t) = d["content"].as_str() {
            s.content.push_str(t);
        }
        if let Some(c) = d["tool_calls"].as_array() {
            s.calls.extend(c.iter().cloned());
        }
    }
    prop_assert!(done, "no [DONE]: {}", raw);
    Ok(s)
}

fn sorted(rules: &[String]) -> Vec<String> {
    let mut r = rules.to_vec();
    r.sort();
    r.dedup();
    r
}

/// One case: the same upstream output, whole and streamed.
async fn check(h: &Harness, c: &Case) -> Result<(), TestCaseError> {
    let u = upstream(c);
    script(h, Scripted::json(200, &whole_answer(&u)));
    let (ns, nrid, nbody) = chat(h, false).await;
    let mut sse = Scripted::sse(&u.events, &u.cuts);
    sse.pause_ms = u64::from(!u.cuts.is_empty());
    script(h, sse);
    let (ss, srid, sraw) = chat(h, true).await;
    prop_assert_eq!(ss, 200, "{}", sraw);
    let s = parse_stream(&sraw)?;
    let ne = entry(h, &nrid).await.entry;
    let se = entry(h, &srid).await.entry;
    let ctx = format!(
        "\ncontent: {:?}\ncall: {:?}\nwhole ({ns}): {nbody}\nstream: {sraw}\nledger: {:?} {:?} / {:?} {:?}",
        u.content, u.call, ne.decision, ne.rules, se.decision, se.rules
    );

    // 2. no redacted byte reaches the client
    prop_assert!(!nbody.contains("rk-canary-"), "canary, whole: {}", ctx);
    prop_assert!(!sraw.contains("rk-canary-"), "canary, stream: {}", ctx);
    // the whole answer shows what its judge released (not so when a refused call
    // replaced its content)
    let comparable = ns == 200 && !u.refund;
    for (m, strict) in u.content_markers.iter().chain(&u.call_markers) {
        let m = m.as_str();
        let whole_has = nbody.contains(m);
        prop_assert!(
            !strict || !whole_has,
            "{:?} in the whole answer: {}",
            m,
            ctx
        );
        if *strict || (comparable && !whole_has) {
            prop_assert!(!sraw.contains(m), "{:?} in the stream: {}", m, ctx);
        }
    }

    // 1. judged the same
    let n_blocked = ns == 502 && nbody.contains("content_policy_violation");
    prop_assert!(n_blocked || ns == 200, "whole status: {}", ctx);
    if u.refund && !n_blocked {
        // Documented (TOOL002): a refused call is stripped from a whole answer
        // (decision redact) and cuts a stream off (decision block).
        prop_assert!(s.blocked, "refused call, stream not cut off: {}", ctx);
        prop_assert!(s.calls.is_empty(), "{}", ctx);
        let v: Value = serde_json::from_str(&nbody).unwrap();
        let m = &v["choices"][0]["message"];
        prop_assert!(m.get("tool_calls").is_none(), "{}", ctx);
        prop_assert!(
            m["content"]
                .as_str()
                .is_some_and(|c| c.starts_with("[rampart: tool call refused")),
            "{}",
            ctx
        );
        prop_assert!(ne.rules.contains(&"TOOL002".to_string()), "{}", ctx);
        prop_assert!(se.rules.contains(&"TOOL002".to_string()), "{}", ctx);
        prop_assert_eq!(ne.decision, rampart_ledger::Decision::Redact, "{}", ctx);
        prop_assert_eq!(se.decision, rampart_ledger::Decision::Block, "{}", ctx);
        // the rules of the text fields are the same
        let text_rules = |r: &[String]| -> Vec<String> {
            sorted(r).into_iter().filter(|r| r != "TOOL002").collect()
        };
        prop_assert_eq!(text_rules(&ne.rules), text_rules(&se.rules), "{}", ctx);
        return Ok(());
    }
    prop_assert_eq!(n_blocked, s.blocked, "outcome: {}", ctx);
    prop_assert_eq!(ne.decision, se.decision, "decision: {}", ctx);
    if n_blocked {
        prop_assert!(
            s.calls.is_empty(),
            "a call released before a block: {}",
            ctx
        );
        // A stream stops reading at its first block; a whole answer is judged in
        // every field, so it may name more rules (a refused call after a leak).
        let (nr, sr) = (sorted(&ne.rules), sorted(&se.rules));
        prop_assert!(sr.iter().all(|r| nr.contains(r)), "rules: {}", ctx);
        let block_rules = ["LEK001"];
        prop_assert!(
            block_rules.iter().any(|r| sr.iter().any(|s| s == r)),
            "no block rule: {}",
            ctx
        );
        return Ok(());
    }
    prop_assert_eq!(sorted(&ne.rules), sorted(&se.rules), "rules: {}", ctx);
    let v: Value = serde_json::from_str(&nbody).unwrap();
    let m = &v["choices"][0]["message"];
    prop_assert_eq!(
        m["content"].as_str().unwrap_or_default(),
        s.content.as_str(),
        "content: {}",
        ctx
    );
    let whole_calls: Vec<(Value, Value)> = m["tool_calls"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| (c["id"].clone(), c["function"].clone()))
                .collect()
        })
        .unwrap_or_default();
    let streamed_calls: Vec<(Value, Value)> = s
        .calls
        .iter()
        .map(|c| (c["id"].clone(), c["function"].clone()))
        .collect();
    prop_assert_eq!(whole_calls, streamed_calls, "tool calls: {}", ctx);
    Ok(())
}

#[test]
fn streamed_and_whole_answers_are_judged_the_same() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let h = rt.block_on(start());
    let cases: u32 = std::env::var("STREAM_PROPERTY_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new(Config {
        cases,
        max_shrink_iters: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |c| rt.block_on(check(&h, &c)));
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---- bugs the property found (ignored until fixed in the gateway) ----

/// The whole answer and the stream (one event) of `content`, as the client gets them.
fn both(h: &Harness, rt: &tokio::runtime::Runtime, content: &str) -> (String, String) {
    script(
        h,
        Scripted::json(
            200,
            &json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}),
        ),
    );
    let (_, _, whole) = rt.block_on(chat(h, false));
    let events = [
        json!({"choices": [{"index": 0, "delta": {"content": content}}]}).to_string(),
        "[DONE]".to_string(),
    ];
    script(h, Scripted::sse(&events, &[]));
    let (_, _, streamed) = rt.block_on(chat(h, true));
    (whole, streamed)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_private_key_longer_than_the_window_is_redacted_whole() {
    let rt = runtime();
    let h = rt.block_on(start());
    let (whole, streamed) = both(&h, &rt, &long_pem());
    for line in LONG_PEM_LINES {
        assert!(!whole.contains(&line[..24]), "whole: {whole}");
        assert!(!streamed.contains(&line[..24]), "streamed: {streamed}");
    }
}

#[test]
fn a_private_key_across_a_window_end_is_redacted_whole() {
    let rt = runtime();
    let h = rt.block_on(start());
    let content = format!("{}{PEM}", "a ".repeat(225));
    let (whole, streamed) = both(&h, &rt, &content);
    for line in PEM.lines().skip(1).take(4) {
        assert!(!whole.contains(&line[..24]), "whole: {whole}");
        assert!(!streamed.contains(&line[..24]), "streamed: {streamed}");
    }
}

#[test]
fn a_long_jwt_across_a_window_end_is_redacted_whole() {
    let rt = runtime();
    let h = rt.block_on(start());
    let content = format!("{}{LONG_JWT}", "a ".repeat(50));
    let (whole, streamed) = both(&h, &rt, &content);
    for m in [
        "ICJub3RlIjogInRoZSBxdWljayBicm93",
        "IGxvbmcgZW5vdWdoIiwgImlhdCI6",
    ] {
        assert!(!whole.contains(m), "whole: {whole}");
        assert!(!streamed.contains(m), "streamed: {streamed}");
    }
}
