//! A streamed answer (server-sent events) judged as it arrives.
//!
//! Every text field of every choice — content (or a completion's `text`), reasoning,
//! refusal — has its own [`OutputJudge`], which releases text only once it is
//! judged final: the stream and the non-stream answer to the same upstream output
//! are judged the same, and no byte leaves that a later, longer match would have
//! redacted or blocked. Tool calls and legacy `function_call`s are assembled from
//! their deltas and judged whole (guard and tool control) before any of them is
//! sent. Events are parsed line by line from a byte buffer (linear in the stream's
//! length; a character split across network chunks stays whole), and the gateway
//! writes its own events: fields it does not know — log probabilities included —
//! are not forwarded, so nothing reaches the client unjudged. The stream is capped
//! at `max_answer_bytes` (16 MiB by default); past it the stream ends with an error (GW008).

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::HeaderValue;
use axum::response::Response;
use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::inspect::{Action, Vault, Verdict};
use crate::judge::{join, judge_whole, OutputJudge};
use crate::keys::KeyRecord;
use crate::record::{merge, Audit};
use crate::server::{estimate_tokens, with_request_id, Gateway, UNJUDGED_ANSWER_RULE};
use crate::view::Endpoint;

/// Most choices, and tool calls per choice, followed in one stream.
const MAX_INDEX: u64 = 64;

/// What a streamed request carries into its stream.
pub(crate) struct Streamed {
    pub endpoint: Endpoint,
    pub rid: String,
    pub verdict: Verdict,
    pub vault: Vault,
    pub key: Option<KeyRecord>,
    pub audit: Audit,
    pub canary: String,
    /// The client asked for a usage chunk (`stream_options.include_usage`).
    pub wants_usage: bool,
    /// When the whole request must be over.
    pub deadline: tokio::time::Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Content,
    Reasoning,
    Refusal,
}

#[derive(Debug, Default)]
struct Call {
    id: String,
    name: String,
    args: String,
    legacy: bool,
}

/// How a stream ended.
#[derive(Debug, PartialEq)]
enum End {
    Normal,
    Blocked,
    Disconnected,
    Unjudged(String),
    UpstreamError(Value),
}

/// Splits a byte stream into lines, linear in its length.
#[derive(Default)]
struct Lines {
    buf: Vec<u8>,
    scanned: usize,
}

impl Lines {
    fn feed(&mut self, chunk: &[u8]) -> Vec<String> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        let mut start = 0;
        let mut i = self.scanned;
        while let Some(p) = self
            .buf
            .get(i..)
            .and_then(|b| b.iter().position(|&c| c == b'\n'))
        {
            let end = i + p;
            let mut line = self.buf.get(start..end).unwrap_or_default();
            if line.last() == Some(&b'\r') {
                line = line.get(..line.len() - 1).unwrap_or_default();
            }
            out.push(String::from_utf8_lossy(line).into_owned());
            start = end + 1;
            i = start;
        }
        self.buf.drain(..start);
        self.scanned = self.buf.len();
        out
    }

    fn rest(&mut self) -> Option<String> {
        if self.buf.is_empty() {
            return None;
        }
        let line = String::from_utf8_lossy(&self.buf).into_owned();
        self.buf.clear();
        Some(line.trim_end_matches('\r').to_string())
    }
}

/// Every line of `bytes` fed in chunks of `step` (the fuzz target's view of
/// [`Lines`]).
pub(crate) fn split_lines(bytes: &[u8], step: usize) -> Vec<String> {
    let mut l = Lines::default();
    let mut out = Vec::new();
    for c in bytes.chunks(step.max(1)) {
        out.extend(l.feed(c));
    }
    out.extend(l.rest());
    out
}

/// What the gateway reads of one streamed event. Read directly from the event when
/// every field has the type the API gives it (no JSON tree is built: most of a
/// stream's cost was building and dropping one per event), else from the tree by
/// [`Chunk::from_value`], which ignores a field of another type as the tree's
/// accessors do.
#[derive(Debug, Default, PartialEq, serde::Deserialize)]
struct Chunk<'a> {
    /// Present (with any value, `null` included): an upstream error, judged whole
    /// from the tree.
    #[serde(default)]
    error: Present,
    #[serde(default, borrow)]
    model: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    usage: Option<Value>,
    #[serde(default, borrow)]
    choices: Option<Vec<ChoiceDelta<'a>>>,
}

#[derive(Debug, Default, PartialEq, serde::Deserialize)]
struct ChoiceDelta<'a> {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default, borrow)]
    text: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    delta: Option<Delta<'a>>,
    #[serde(default, borrow)]
    finish_reason: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Debug, Default, PartialEq, serde::Deserialize)]
struct Delta<'a> {
    #[serde(default, borrow)]
    content: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning_content: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    refusal: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    tool_calls: Option<Vec<ToolCallDelta<'a>>>,
    #[serde(default, borrow)]
    function_call: Option<FunctionDelta<'a>>,
}

#[derive(Debug, Default, PartialEq, serde::Deserialize)]
struct ToolCallDelta<'a> {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default, borrow)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    function: Option<FunctionDelta<'a>>,
}

#[derive(Debug, Default, PartialEq, serde::Deserialize)]
struct FunctionDelta<'a> {
    #[serde(default, borrow)]
    name: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    arguments: Option<std::borrow::Cow<'a, str>>,
}

/// Whether a field is present, whatever its value.
#[derive(Debug, Default, PartialEq)]
struct Present(bool);

impl<'de> serde::Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(Present(true))
    }
}

impl<'a> Chunk<'a> {
    /// The reading of an event's JSON tree: a field of another type than the API's
    /// is ignored (as `Value`'s accessors ignore it), an array element that is not
    /// an object reads as one without fields.
    fn from_value(v: &'a Value) -> Chunk<'a> {
        let s = |v: &'a Value| v.as_str().map(std::borrow::Cow::Borrowed);
        let function = |f: &'a Value| FunctionDelta {
            name: s(&f["name"]),
            arguments: s(&f["arguments"]),
        };
        Chunk {
            error: Present(v.get("error").is_some()),
            model: s(&v["model"]),
            usage: v.get("usage").filter(|u| u.is_object()).cloned(),
            choices: v["choices"].as_array().map(|choices| {
                choices
                    .iter()
                    .map(|c| {
                        let d = &c["delta"];
                        ChoiceDelta {
                            index: Some(c["index"].as_u64().unwrap_or(0)),
                            text: s(&c["text"]),
                            delta: Some(Delta {
                                content: s(&d["content"]),
                                reasoning_content: s(&d["reasoning_content"]),
                                reasoning: s(&d["reasoning"]),
                                refusal: s(&d["refusal"]),
                                tool_calls: d["tool_calls"].as_array().map(|calls| {
                                    calls
                                        .iter()
                                        .map(|t| ToolCallDelta {
                                            index: Some(t["index"].as_u64().unwrap_or(0)),
                                            id: s(&t["id"]),
                                            function: Some(function(&t["function"])),
                                        })
                                        .collect()
                                }),
                                function_call: d["function_call"]
                                    .is_object()
                                    .then(|| function(&d["function_call"])),
                            }),
                            finish_reason: s(&c["finish_reason"]),
                        }
                    })
                    .collect()
            }),
        }
    }
}

struct State {
    gw: Arc<Gateway>,
    endpoint: Endpoint,
    rid: String,
    canary: String,
    vault: Vault,
    key: Option<KeyRecord>,
    model: String,
    verdict: Verdict,
    judges: BTreeMap<(u64, Field), OutputJudge>,
    calls: BTreeMap<(u64, u64), Call>,
    finish: BTreeMap<u64, String>,
    usage: Option<(Option<u64>, Option<u64>)>,
    released: String,
    judged_chars: usize,
    end: End,
}

fn sse(v: &Value) -> Bytes {
    Bytes::from(format!("data: {v}\n\n"))
}

impl State {
    fn text_event(&self, choice: u64, field: Field, text: &str) -> Bytes {
        match self.endpoint {
            Endpoint::Completions => sse(&json!({"id": self.rid, "object": "text_completion",
                "model": self.model, "choices": [{"index": choice, "text": text, "finish_reason": null}]})),
            _ => {
                let key = match field {
                    Field::Content => "content",
                    Field::Reasoning => "reasoning_content",
                    Field::Refusal => "refusal",
                };
                sse(
                    &json!({"id": self.rid, "object": "chat.completion.chunk", "model": self.model,
                    "choices": [{"index": choice, "delta": {key: text}, "finish_reason": null}]}),
                )
            }
        }
    }

    /// Feeds one field's text to its judge; returns the event for what it released.
    fn push(&mut self, choice: u64, field: Field, text: &str) -> Option<Bytes> {
        let gw = &self.gw;
        let canary = &self.canary;
        let judge = |w: &str| gw.outbound(w, canary);
        let holdback = gw.holdback();
        self.judged_chars += text.chars().count();
        let j = self
            .judges
            .entry((choice, field))
            .or_insert_with(|| OutputJudge::new(holdback));
        let parts = j.push(text, &judge);
        if j.blocked() {
            merge(&mut self.verdict, j.verdict().clone());
            self.end = End::Blocked;
            return None;
        }
        let out = join(&parts, |t| self.vault.restore(t));
        if out.is_empty() {
            return None;
        }
        self.released.push_str(&out);
        Some(self.text_event(choice, field, &out))
    }

    /// One event's data.
    fn event(&mut self, data: &str) -> Vec<Bytes> {
        if data.trim() == "[DONE]" {
            return Vec::new();
        }
        // The common event — a chunk whose fields all have the types the API gives
        // them — is read straight into a `Chunk`. Anything else (an error, a field
        // of another type, a duplicate key, not JSON) is read as a JSON tree by the
        // lenient rules of `Chunk::from_value`; both give the same `Chunk` for the
        // same event (test `typed_and_tree_readings_agree`).
        match serde_json::from_str::<Chunk<'_>>(data) {
            Ok(chunk) if !chunk.error.0 => self.apply(chunk),
            _ => self.event_tree(data),
        }
    }

    /// An event read as a JSON tree: an upstream error, or any event the typed
    /// reading refused.
    fn event_tree(&mut self, data: &str) -> Vec<Bytes> {
        // Not JSON: dropped (never forwarded unjudged).
        let Ok(v) = serde_json::from_str::<Value>(data) else {
            return Vec::new();
        };
        if v.get("error").is_some() {
            let mut err = v;
            let judged = crate::answer::judge(
                &self.gw,
                self.key.as_ref(),
                &mut err,
                &self.canary,
                &self.vault,
            );
            let blocked = judged.verdict.action == Action::Block;
            merge(&mut self.verdict, judged.verdict);
            self.end = if blocked {
                End::Blocked
            } else {
                End::UpstreamError(err)
            };
            return Vec::new();
        }
        self.apply(Chunk::from_value(&v))
    }

    /// One chunk: its texts to their judges, tool-call deltas assembled, finish
    /// reasons, usage and the model name kept.
    fn apply(&mut self, chunk: Chunk<'_>) -> Vec<Bytes> {
        let mut out = Vec::new();
        if let Some(m) = chunk.model.as_deref() {
            // (the same name arrives with every chunk: kept once)
            if m.len() > 256 || self.model != m {
                self.model = m.chars().take(256).collect();
            }
        }
        if let Some(u) = chunk.usage.as_ref().filter(|u| u.is_object()) {
            self.usage = Some((u["prompt_tokens"].as_u64(), u["completion_tokens"].as_u64()));
        }
        let Some(choices) = chunk.choices else {
            return out;
        };
        for c in choices {
            let i = c.index.unwrap_or(0);
            if i >= MAX_INDEX {
                continue;
            }
            let delta = c.delta.unwrap_or_default();
            let texts: Vec<(Field, &str)> = match self.endpoint {
                Endpoint::Completions => c
                    .text
                    .as_deref()
                    .map(|t| (Field::Content, t))
                    .into_iter()
                    .collect(),
                _ => [
                    (Field::Content, &delta.content),
                    (Field::Reasoning, &delta.reasoning_content),
                    (Field::Reasoning, &delta.reasoning),
                    (Field::Refusal, &delta.refusal),
                ]
                .into_iter()
                .filter_map(|(f, t)| t.as_deref().map(|t| (f, t)))
                .collect(),
            };
            for (field, text) in texts {
                if let Some(e) = self.push(i, field, text) {
                    out.push(e);
                }
                if self.end != End::Normal {
                    return out;
                }
            }
            for d in delta.tool_calls.unwrap_or_default() {
                let j = d.index.unwrap_or(0);
                if j >= MAX_INDEX {
                    continue;
                }
                let slot = self.calls.entry((i, j)).or_default();
                if let Some(id) = d.id.as_deref() {
                    slot.id = id.chars().take(256).collect();
                }
                let f = d.function.unwrap_or_default();
                if let Some(n) = f.name.as_deref() {
                    slot.name.push_str(n);
                }
                if let Some(a) = f.arguments.as_deref() {
                    slot.args.push_str(a);
                }
            }
            if let Some(f) = delta.function_call {
                let slot = self.calls.entry((i, MAX_INDEX)).or_default();
                slot.legacy = true;
                if let Some(n) = f.name.as_deref() {
                    slot.name.push_str(n);
                }
                if let Some(a) = f.arguments.as_deref() {
                    slot.args.push_str(a);
                }
            }
            if let Some(r) = c.finish_reason.as_deref() {
                self.finish.insert(i, r.chars().take(64).collect());
            }
        }
        out
    }

    /// The upstream is done: the rest of every field, then the tool calls, judged.
    fn finish(&mut self) -> Vec<Bytes> {
        let mut out = Vec::new();
        let gw = Arc::clone(&self.gw);
        let canary = self.canary.clone();
        let judge = |w: &str| gw.outbound(w, &canary);
        let keys: Vec<(u64, Field)> = self.judges.keys().copied().collect();
        for k in keys {
            let Some(j) = self.judges.get_mut(&k) else {
                continue;
            };
            let parts = j.finish(&judge);
            merge(&mut self.verdict, j.verdict().clone());
            if j.blocked() {
                self.end = End::Blocked;
                return out;
            }
            let text = join(&parts, |t| self.vault.restore(t));
            if !text.is_empty() {
                self.released.push_str(&text);
                out.push(self.text_event(k.0, k.1, &text));
            }
        }
        let holdback = gw.holdback();
        let mut kept: BTreeMap<u64, Vec<Value>> = BTreeMap::new();
        let calls = std::mem::take(&mut self.calls);
        for ((choice, j), call) in calls {
            let (vn, name) = judge_whole(&call.name, holdback, &judge);
            let (va, args) = judge_whole(&call.args, holdback, &judge);
            merge(&mut self.verdict, vn);
            merge(&mut self.verdict, va);
            if self.verdict.action == Action::Block {
                self.end = End::Blocked;
                return out;
            }
            let name = join(&name, |t| self.vault.restore(t));
            let args = join(&args, |t| self.vault.restore(t));
            self.judged_chars += call.name.chars().count() + call.args.chars().count();
            if let Err(r) = gw.tools.judge(self.key.as_ref(), &name, &args) {
                // a call half-sent cannot be taken back: the stream ends instead
                merge(
                    &mut self.verdict,
                    Verdict {
                        action: Action::Block,
                        rules: vec![r.rule.to_string()],
                        ..Verdict::allow()
                    },
                );
                self.end = End::Blocked;
                return out;
            }
            self.released.push_str(&args);
            kept.entry(choice).or_default().push(if call.legacy {
                json!({"function_call": {"name": name, "arguments": args}})
            } else {
                json!({"index": j, "id": call.id, "type": "function", "function": {"name": name, "arguments": args}})
            });
        }
        for (choice, calls) in kept {
            let (legacy, calls): (Vec<Value>, Vec<Value>) = calls
                .into_iter()
                .partition(|c| c.get("function_call").is_some());
            let mut delta = serde_json::Map::new();
            if !calls.is_empty() {
                delta.insert("tool_calls".into(), Value::Array(calls));
            }
            if let Some(f) = legacy.into_iter().next() {
                delta.insert("function_call".into(), f["function_call"].clone());
            }
            out.push(sse(
                &json!({"id": self.rid, "object": "chat.completion.chunk", "model": self.model,
                "choices": [{"index": choice, "delta": delta, "finish_reason": null}]}),
            ));
        }
        let mut choices: Vec<u64> = self
            .judges
            .keys()
            .map(|k| k.0)
            .chain(self.finish.keys().copied())
            .collect();
        if choices.is_empty() {
            choices.push(0);
        }
        choices.sort_unstable();
        choices.dedup();
        for i in choices {
            let reason = self
                .finish
                .get(&i)
                .cloned()
                .unwrap_or_else(|| "stop".into());
            out.push(match self.endpoint {
                Endpoint::Completions => sse(
                    &json!({"id": self.rid, "object": "text_completion", "model": self.model,
                    "choices": [{"index": i, "text": "", "finish_reason": reason}]}),
                ),
                _ => sse(
                    &json!({"id": self.rid, "object": "chat.completion.chunk", "model": self.model,
                    "choices": [{"index": i, "delta": {}, "finish_reason": reason}]}),
                ),
            });
        }
        out
    }
}

async fn send(tx: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>, b: Bytes) -> bool {
    tx.send(Ok(b)).await.is_ok()
}

async fn run(
    gw: Arc<Gateway>,
    s: Streamed,
    resp: crate::upstream::Answer,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let Streamed {
        endpoint,
        rid,
        verdict,
        vault,
        key,
        mut audit,
        canary,
        wants_usage,
        deadline,
    } = s;
    let mut st = State {
        gw: Arc::clone(&gw),
        endpoint,
        model: audit.model.clone(),
        rid,
        canary,
        vault,
        key,
        verdict,
        judges: BTreeMap::new(),
        calls: BTreeMap::new(),
        finish: BTreeMap::new(),
        usage: None,
        released: String::new(),
        judged_chars: 0,
        end: End::Normal,
    };
    let mut lines = Lines::default();
    let mut data = String::new();
    let mut total = 0usize;
    let mut upstream = Body::new(resp.into_body()).into_data_stream();
    let dispatch = |line: String, data: &mut String, events: &mut Vec<String>| {
        if line.is_empty() {
            if !data.is_empty() {
                events.push(std::mem::take(data));
            }
        } else if let Some(d) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(d.strip_prefix(' ').unwrap_or(d));
        }
    };
    'read: loop {
        let Ok(next) = tokio::time::timeout_at(deadline, upstream.next()).await else {
            st.end = End::Unjudged("the stream took longer than the request's time".into());
            break;
        };
        let Some(chunk) = next else { break };
        // a broken upstream stream (reset, or past its time) ends with an error
        let Ok(chunk) = chunk else {
            st.end = End::Unjudged("the upstream stream broke off or ran out of time".into());
            break;
        };
        total += chunk.len();
        if total > gw.config.max_answer_bytes {
            st.end = End::Unjudged(format!(
                "the stream is larger than {} bytes",
                gw.config.max_answer_bytes
            ));
            break;
        }
        let mut events = Vec::new();
        for line in lines.feed(&chunk) {
            dispatch(line, &mut data, &mut events);
        }
        for e in events {
            for b in st.event(&e) {
                if !send(&tx, b).await {
                    st.end = End::Disconnected;
                    break 'read;
                }
            }
            if st.end != End::Normal {
                break 'read;
            }
        }
    }
    if st.end == End::Normal {
        let mut events = Vec::new();
        if let Some(line) = lines.rest() {
            dispatch(line, &mut data, &mut events);
        }
        if !data.is_empty() {
            events.push(std::mem::take(&mut data));
        }
        for e in events {
            for b in st.event(&e) {
                if !send(&tx, b).await {
                    st.end = End::Disconnected;
                }
            }
        }
    }
    if matches!(st.end, End::Normal | End::UpstreamError(_)) {
        for b in st.finish() {
            if !send(&tx, b).await {
                st.end = End::Disconnected;
                break;
            }
        }
    }
    // The closing events; sent after the entry is queued (and, in durable mode,
    // only once it is durable).
    let closing: Option<Bytes> = match std::mem::replace(&mut st.end, End::Normal) {
        End::Blocked => {
            gw.metrics.blocked.fetch_add(1, Ordering::Relaxed);
            let event = json!({"error": {"message": format!("response blocked by policy ({})", st.verdict.rules.join(", ")), "type": "content_policy_violation", "code": "content_policy_violation"}});
            Some(Bytes::from(format!("data: {event}\n\ndata: [DONE]\n\n")))
        }
        End::Unjudged(why) => {
            merge(
                &mut st.verdict,
                Verdict {
                    action: Action::Block,
                    rules: vec![UNJUDGED_ANSWER_RULE.into()],
                    ..Verdict::allow()
                },
            );
            gw.metrics.blocked.fetch_add(1, Ordering::Relaxed);
            let event = json!({"error": {"message": format!("the upstream answer was withheld: {why}"), "type": "upstream_error", "code": "upstream_error"}});
            Some(Bytes::from(format!("data: {event}\n\ndata: [DONE]\n\n")))
        }
        End::UpstreamError(err) => Some(Bytes::from(format!("data: {err}\n\ndata: [DONE]\n\n"))),
        End::Disconnected => {
            tracing::info!(target: "rampart::gateway", request_id = %audit.request_id, "client disconnected mid-stream");
            None
        }
        End::Normal => {
            let mut out = String::new();
            if wants_usage {
                if let Some((p, c)) = st.usage {
                    let usage = json!({"prompt_tokens": p, "completion_tokens": c,
                        "total_tokens": p.unwrap_or(0) + c.unwrap_or(0)});
                    let event = json!({"id": st.rid, "object": "chat.completion.chunk", "model": st.model, "choices": [], "usage": usage});
                    out.push_str(&format!("data: {event}\n\n"));
                }
            }
            out.push_str("data: [DONE]\n\n");
            Some(Bytes::from(out))
        }
    };
    if st.verdict.action == Action::Redact {
        gw.metrics.redacted.fetch_add(1, Ordering::Relaxed);
    }
    let (p, c) = st.usage.unwrap_or((None, None));
    audit.tokens = (
        p.unwrap_or(audit.tokens.0),
        c.unwrap_or_else(|| estimate_tokens(st.judged_chars)),
    );
    audit.decision = st.verdict.action;
    audit.rules = st.verdict.rules;
    if gw.config.store_bodies {
        let mut scratch = Vault::default();
        audit.stored_response = Some(gw.egress(&st.released, &mut scratch));
    }
    audit.response = st.released.into_bytes().into();
    let durable = gw.audit(audit);
    let Some(mut closing) = closing else {
        return;
    };
    if !crate::record::is_durable(durable).await {
        let event = json!({"error": {"message": "the answer's ledger entry could not be made durable", "type": "audit_error", "code": "audit_error"}});
        closing = Bytes::from(format!("data: {event}\n\ndata: [DONE]\n\n"));
    }
    let _ = send(&tx, closing).await;
}

/// Answers with the judged stream.
pub(crate) fn respond(gw: Arc<Gateway>, s: Streamed, resp: crate::upstream::Answer) -> Response {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(32);
    let rid = s.rid.clone();
    let exporter = gw.monitor.as_ref().and_then(|m| m.otlp()).is_some();
    match crate::otlp::stream_span_start().filter(|_| exporter) {
        Some(start) => {
            let route = s.audit.route;
            let (g, id) = (Arc::clone(&gw), rid.clone());
            tokio::spawn(async move {
                let task = run(Arc::clone(&g), s, resp, tx);
                match g.monitor.as_ref().and_then(|m| m.otlp()) {
                    Some(x) => x.stream_scope(route, &id, start, task).await,
                    None => task.await,
                }
            });
        }
        None => {
            tokio::spawn(run(gw, s, resp, tx));
        }
    }
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    with_request_id(&mut r, &rid);
    r
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// `Chunk` with the defaults the gateway applies made explicit (an absent index
    /// is 0, an absent delta or function has no fields, a usage that is not an
    /// object is none).
    fn normal(mut c: Chunk<'_>) -> Chunk<'_> {
        c.usage = c.usage.filter(Value::is_object);
        for ch in c.choices.iter_mut().flatten() {
            ch.index = Some(ch.index.unwrap_or(0));
            let d = ch.delta.get_or_insert_with(Delta::default);
            for t in d.tool_calls.iter_mut().flatten() {
                t.index = Some(t.index.unwrap_or(0));
                t.function.get_or_insert_with(FunctionDelta::default);
            }
        }
        c
    }

    /// Whenever the typed reading of an event succeeds, it is the tree's reading:
    /// over events whose fields take every JSON type, are missing, null, escaped or
    /// duplicated.
    #[test]
    fn typed_and_tree_readings_agree() {
        let values = [
            "",
            "null",
            "\"txt\"",
            "\"c\\u006fde \\\"q\\\"\"",
            "3",
            "-1",
            "1.5",
            "1e0",
            "18446744073709551616",
            "true",
            "{}",
            "[]",
            "[1]",
            "{\"a\":1}",
        ];
        let field = |name: &str, v: &str| {
            if v.is_empty() {
                String::new()
            } else {
                format!("\"{name}\":{v},")
            }
        };
        let mut events = Vec::new();
        for (k, v) in values.iter().enumerate() {
            let w = values[(k * 7 + 3) % values.len()];
            let x = values[(k * 5 + 1) % values.len()];
            let tool = format!(
                "{{{}{}\"function\":{{{}{}\"z\":0}}}}",
                field("index", w),
                field("id", v),
                field("name", x),
                field("arguments", v)
            );
            let delta = format!(
                "{{{}{}{}{}\"tool_calls\":[{tool},{v}],{}\"z\":0}}",
                field("content", v),
                field("reasoning_content", w),
                field("reasoning", x),
                field("refusal", v),
                field(
                    "function_call",
                    if x.starts_with('{') {
                        "{\"name\":\"f\"}"
                    } else {
                        x
                    }
                ),
            );
            let choice = format!(
                "{{{}{}\"delta\":{delta},{}\"logprobs\":{{\"content\":[]}}}}",
                field("index", v),
                field("text", w),
                field("finish_reason", x),
            );
            for top in [
                format!("{{{}{}\"choices\":[{choice}]}}", field("model", v), field("usage", w)),
                format!("{{\"choices\":[{choice},{v}],{}\"id\":\"x\"}}", field("model", x)),
                format!("{{\"choices\":{v}}}"),
                format!("{{\"error\":{v},\"choices\":[]}}"),
                format!("{{\"model\":\"a\",\"model\":{v},\"choices\":[]}}"),
                format!("{{\"m\\u006fdel\":\"esc\",\"choices\":[{{\"delta\":{{\"content\":{v}}}}}]}}"),
                format!("{{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"a\",\"content\":{v}}}}}]}}"),
            ] {
                events.push(top);
            }
        }
        events.push(r#"{"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"hello"},"finish_reason":null}]}"#.into());
        // well-typed events: each field missing, null or of the API's type
        let strings = ["\"t\\u00e9xt \\n\"", "\"\"", "\"sk-live\""];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for n in 0..400 {
            let st = strings[n % strings.len()];
            let mut pick = |typed: &str| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                match x % 3 {
                    0 => String::new(),
                    1 => "null".to_owned(),
                    _ => typed.to_owned(),
                }
            };
            let tool = format!(
                "{{{}{}{}\"type\":\"function\"}}",
                field("index", &pick("1")),
                field("id", &pick(st)),
                field(
                    "function",
                    &pick(&format!("{{\"name\":{st},\"arguments\":\"{{}}\"}}"))
                ),
            );
            let delta = format!(
                "{{{}{}{}{}{}{}\"role\":\"assistant\"}}",
                field("content", &pick(st)),
                field("reasoning_content", &pick(st)),
                field("reasoning", &pick(st)),
                field("refusal", &pick(st)),
                field("tool_calls", &pick(&format!("[{tool},{tool}]"))),
                field("function_call", &pick("{\"arguments\":\"{\\\"a\\\":1}\"}")),
            );
            let choice = format!(
                "{{{}{}{}{}\"logprobs\":null}}",
                field("index", &pick("2")),
                field("text", &pick(st)),
                field("delta", &pick(&delta)),
                field("finish_reason", &pick("\"stop\"")),
            );
            events.push(format!(
                "{{{}{}{}\"object\":\"chat.completion.chunk\"}}",
                field("model", &pick(st)),
                field(
                    "usage",
                    &pick("{\"prompt_tokens\":3,\"completion_tokens\":4}")
                ),
                field("choices", &pick(&format!("[{choice},{choice}]"))),
            ));
        }
        let (mut typed, mut agreed) = (0, 0);
        for e in &events {
            let Ok(tree) = serde_json::from_str::<Value>(e) else {
                assert!(serde_json::from_str::<Chunk<'_>>(e).is_err(), "{e}");
                continue;
            };
            if let Ok(t) = serde_json::from_str::<Chunk<'_>>(e) {
                typed += 1;
                if t.error.0 {
                    continue;
                }
                assert_eq!(normal(t), normal(Chunk::from_value(&tree)), "{e}");
                agreed += 1;
            }
        }
        // both ways are exercised
        assert!(
            agreed > 300 && typed < events.len() - 50,
            "{agreed} of {}",
            events.len()
        );
    }

    #[test]
    fn lines_survive_any_chunking() {
        let text = "data: {\"a\":\"é\"}\r\n\r\ndata: x\n\n";
        for n in 1..text.len() {
            let mut l = Lines::default();
            let mut got = Vec::new();
            for c in text.as_bytes().chunks(n) {
                got.extend(l.feed(c));
            }
            assert_eq!(got, ["data: {\"a\":\"é\"}", "", "data: x", ""], "chunk {n}");
            assert!(l.rest().is_none());
        }
    }
}
