//! A mock OpenAI-compatible upstream for tests and benchmarks: chat completions
//! (streaming and not), completions, embeddings and models, with configurable latency.
//! It records every request body it receives, so tests can assert on what reached it.
//! The reply is the text after `REPLY:` in the last user message (reversed after
//! `REPLY_REVERSED:`; `REPLY_LONG: N` gives N bytes of prose; `REPLY_SYSTEM` repeats
//! the system message), or a fixed greeting; `TOOL_CALL: name {args}` makes it call a tool.
//! With a [`Persona`] other than the default, chat completions answer as that persona
//! instead (see [`crate::persona`]).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub use crate::persona::Persona;

/// Request bodies the mock keeps.
pub const KEPT: usize = 1024;

/// Shared state of the mock.
#[derive(Debug, Default)]
pub struct MockState {
    /// The last [`KEPT`] request bodies received, oldest first (bounded, so a
    /// benchmark can run the mock for millions of requests).
    pub received: Mutex<std::collections::VecDeque<Value>>,
    /// Requests received in all.
    pub count: AtomicU64,
    /// When the first request arrived, in microseconds since the Unix epoch (0: none yet).
    pub first_us: AtomicU64,
    /// When the latest request arrived, in microseconds since the Unix epoch.
    pub last_us: AtomicU64,
    /// Added latency per request, in milliseconds.
    pub latency_ms: AtomicU64,
    /// Answer every request with 503 (to test failover).
    pub failing: AtomicBool,
    /// When set, every request is answered with this, verbatim (attack tests make the
    /// upstream say exactly what they need).
    pub script: Mutex<Option<Scripted>>,
    /// How chat completions are answered (default: the scripted behaviour above).
    pub persona: Mutex<Persona>,
}

/// A scripted upstream answer.
#[derive(Debug, Clone, Default)]
pub struct Scripted {
    /// HTTP status.
    pub status: u16,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
    /// The body, sent as these chunks in order (one chunk: a plain body).
    pub chunks: Vec<Vec<u8>>,
    /// Pause between chunks, in milliseconds.
    pub pause_ms: u64,
}

impl Scripted {
    /// A JSON answer with `status`.
    pub fn json(status: u16, body: &Value) -> Scripted {
        Scripted {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            chunks: vec![body.to_string().into_bytes()],
            pause_ms: 0,
        }
    }

    /// A server-sent-event stream of `events` (each a JSON value or `[DONE]`), cut
    /// into chunks at the byte offsets `cuts` of the whole stream.
    pub fn sse(events: &[String], cuts: &[usize]) -> Scripted {
        let mut all = Vec::new();
        for e in events {
            all.extend_from_slice(format!("data: {e}\n\n").as_bytes());
        }
        let mut chunks = Vec::new();
        let mut at = 0;
        for &c in cuts {
            let c = c.clamp(at, all.len());
            if c > at {
                chunks.push(all[at..c].to_vec());
                at = c;
            }
        }
        if at < all.len() {
            chunks.push(all[at..].to_vec());
        }
        Scripted {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            chunks,
            pause_ms: 0,
        }
    }

    /// The answer to `request`: `{{SYSTEM}}` in the script becomes the request's
    /// system message (JSON-escaped), so a test can make the upstream leak it.
    fn response(&self, request: &Value) -> Response {
        let system = request["messages"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["role"] == "system"))
            .map(|m| match &m["content"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        let escaped = Value::String(system).to_string();
        let escaped = escaped
            .get(1..escaped.len().saturating_sub(1))
            .unwrap_or_default();
        // bytes, not text: a chunk may end inside a multi-byte character
        let chunks: Vec<Vec<u8>> = self
            .chunks
            .iter()
            .map(|c| replace_bytes(c, b"{{SYSTEM}}", escaped.as_bytes()))
            .collect();
        let pause = self.pause_ms;
        let stream = futures_util::stream::unfold(0usize, move |i| {
            let chunks = chunks.clone();
            async move {
                let c = chunks.get(i)?.clone();
                if i > 0 && pause > 0 {
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(c)), i + 1))
            }
        });
        let mut r = Response::new(Body::from_stream(stream));
        *r.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        for (k, v) in &self.headers {
            if let (Ok(k), Ok(v)) = (
                header::HeaderName::from_bytes(k.as_bytes()),
                header::HeaderValue::from_str(v),
            ) {
                r.headers_mut().insert(k, v);
            }
        }
        r
    }
}

/// `hay` with every `from` replaced by `to`.
fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay.get(i..i + from.len()) == Some(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

impl MockState {
    /// Bodies received so far.
    pub fn received(&self) -> Vec<Value> {
        self.received
            .lock()
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default()
    }
}

fn reply_for(body: &Value) -> String {
    let last_user = body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .or_else(|| body["prompt"].as_str())
        .unwrap_or_default();
    // `REPLY_LONG: N` makes the upstream answer N bytes of ordinary prose (the
    // benchmark's streaming cost per KB, with a short request).
    if let Some((_, n)) = last_user.split_once("REPLY_LONG:") {
        let n: usize = n.trim().parse().unwrap_or(0).min(16 << 20);
        let words = [
            "the ", "order ", "shipped ", "today ", "and ", "arrives ", "soon. ",
        ];
        let mut out = String::with_capacity(n + 8);
        let mut i = 0;
        while out.len() < n {
            out.push_str(words[i % words.len()]);
            i += 1;
        }
        out.truncate(n);
        return out;
    }
    // `REPLY_SYSTEM` makes the upstream repeat its system message (a leak).
    if last_user.contains("REPLY_SYSTEM") {
        return body["messages"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["role"] == "system"))
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_string();
    }
    // `REPLY_REVERSED:` lets a test make the upstream say something the request
    // does not contain (a leak the gateway must catch on the way out).
    if let Some((_, r)) = last_user.split_once("REPLY_REVERSED:") {
        return r.trim().chars().rev().collect();
    }
    match last_user.split_once("REPLY:") {
        Some((_, r)) => r.trim().to_string(),
        None => "Hello from the mock upstream.".into(),
    }
}

async fn record(state: &MockState, body: &Value) -> Option<Response> {
    state.count.fetch_add(1, Ordering::Relaxed);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| {
            u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
        });
    let _ = state
        .first_us
        .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    state.last_us.fetch_max(now, Ordering::Relaxed);
    if let Ok(mut r) = state.received.lock() {
        if r.len() >= KEPT {
            r.pop_front();
        }
        r.push_back(body.clone());
    }
    if let Some(s) = state.script.lock().ok().and_then(|s| s.clone()) {
        return Some(s.response(body));
    }
    let ms = state.latency_ms.load(Ordering::Relaxed);
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    state
        .failing
        .load(Ordering::Relaxed)
        .then(|| (StatusCode::SERVICE_UNAVAILABLE, "mock upstream is failing").into_response())
}

/// `TOOL_CALL: name {json}` in the last user message makes the mock call a tool.
fn tool_call_for(body: &Value) -> Option<(String, String)> {
    let last_user = body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())?;
    let (_, rest) = last_user.split_once("TOOL_CALL:")?;
    let rest = rest.trim();
    let (name, args) = rest.split_once(' ').unwrap_or((rest, "{}"));
    Some((name.to_string(), args.trim().to_string()))
}

async fn chat(State(state): State<Arc<MockState>>, Json(body): Json<Value>) -> Response {
    if let Some(r) = record(&state, &body).await {
        return r;
    }
    let persona = state.persona.lock().map(|p| *p).unwrap_or_default();
    let (reply, call) = match persona {
        Persona::Default => (reply_for(&body), tool_call_for(&body)),
        p => match crate::persona::respond(p, &body) {
            crate::persona::Reply::Text(t) => (t, None),
            crate::persona::Reply::Tool(name, args) => (String::new(), Some((name, args))),
        },
    };
    let model = body["model"].as_str().unwrap_or("mock").to_string();
    if let Some((name, args)) = call {
        let call = json!({"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}});
        if body["stream"].as_bool() == Some(true) {
            let first = json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "model": model,
                "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": name, "arguments": ""}}]}, "finish_reason": null}]});
            let second = json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "model": model,
                "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": args}}]}, "finish_reason": null}]});
            let last = json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "model": model,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]});
            let events =
                format!("data: {first}\n\ndata: {second}\n\ndata: {last}\n\ndata: [DONE]\n\n");
            return (
                [(header::CONTENT_TYPE, "text/event-stream")],
                Body::from(events),
            )
                .into_response();
        }
        return Json(json!({
            "id": "chatcmpl-mock", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": null, "tool_calls": [call]}, "finish_reason": "tool_calls"}],
        }))
        .into_response();
    }
    if body["stream"].as_bool() == Some(true) {
        let mut events = String::new();
        let chars: Vec<char> = reply.chars().collect();
        for chunk in chars.chunks(8) {
            let text: String = chunk.iter().collect();
            let event = json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "model": model,
                "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
            events.push_str(&format!("data: {event}\n\n"));
        }
        let last = json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
        events.push_str(&format!("data: {last}\n\ndata: [DONE]\n\n"));
        return (
            [(header::CONTENT_TYPE, "text/event-stream")],
            Body::from(events),
        )
            .into_response();
    }
    Json(json!({
        "id": "chatcmpl-mock", "object": "chat.completion", "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }))
    .into_response()
}

async fn completions(State(state): State<Arc<MockState>>, Json(body): Json<Value>) -> Response {
    if let Some(r) = record(&state, &body).await {
        return r;
    }
    Json(
        json!({"id": "cmpl-mock", "object": "text_completion", "model": body["model"],
        "choices": [{"index": 0, "text": reply_for(&body), "finish_reason": "stop"}]}),
    )
    .into_response()
}

async fn embeddings(State(state): State<Arc<MockState>>, Json(body): Json<Value>) -> Response {
    if let Some(r) = record(&state, &body).await {
        return r;
    }
    Json(json!({"object": "list", "model": body["model"], "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2, 0.3]}]}))
        .into_response()
}

async fn models() -> Json<Value> {
    Json(
        json!({"object": "list", "data": [{"id": "mock-model", "object": "model", "owned_by": "mock"}]}),
    )
}

/// The mock's router.
pub fn router(state: Arc<MockState>) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/completions", post(completions))
        .route("/v1/embeddings", post(embeddings))
        .route("/v1/models", get(models))
        .with_state(state)
}

/// Serves the mock on `addr` until the returned task is aborted.
pub async fn serve(
    addr: SocketAddr,
) -> std::io::Result<(SocketAddr, Arc<MockState>, tokio::task::JoinHandle<()>)> {
    serve_persona(addr, Persona::Default).await
}

/// Serves the mock on `addr`, answering chat completions as `persona`, until the
/// returned task is aborted. The persona's lazily built state is built before it
/// listens, so its first answer is as fast as the others.
pub async fn serve_persona(
    addr: SocketAddr,
    persona: Persona,
) -> std::io::Result<(SocketAddr, Arc<MockState>, tokio::task::JoinHandle<()>)> {
    let _ = tokio::task::spawn_blocking(move || crate::persona::warm(persona)).await;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let state = Arc::new(MockState {
        persona: Mutex::new(persona),
        ..MockState::default()
    });
    let app = router(Arc::clone(&state));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((local, state, task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cut_inside_a_character_stay_byte_exact() {
        let text = "é {{SYSTEM}} ü".as_bytes();
        let (a, b) = text.split_at(1);
        let mut got = replace_bytes(a, b"{{SYSTEM}}", b"S");
        got.extend(replace_bytes(b, b"{{SYSTEM}}", b"S"));
        assert_eq!(got, "é S ü".as_bytes());
    }
}
