//! One model of a request and an answer: every piece of text that will reach the
//! model or the client, with where it came from and a path back into the JSON.
//!
//! The guard, egress redaction, the canary, tool control and the ledger all work
//! from this one view, so a field the view knows is judged everywhere and a field it
//! does not know is judged too: **every string leaf of a body is a piece of text**,
//! except the few metadata fields listed in [`METADATA`] (model names, roles, ids,
//! enum-valued `type`s — short strings the upstream validates and the model never
//! reads as text) and binary payloads ([`BINARY`]: image URLs and base64 audio or
//! files, which the text guard cannot judge). A string leaf the view does not
//! recognise is judged as untrusted user text ([`Origin::Other`]).
//!
//! What cannot be judged as text is refused with a 400 that names the field: token-id
//! arrays as a completion prompt or embedding input, a message without a role or with
//! a role no upstream defines, and bodies with more than [`MAX_PIECES`] strings.

use serde_json::Value;

/// Most string leaves judged in one body; more is refused (each is one guard call).
pub const MAX_PIECES: usize = 4096;

/// Keys whose short string values are metadata, not text the model or the client
/// reads as language. Longer values (over [`METADATA_MAX`] bytes) are judged anyway.
pub const METADATA: &[&str] = &[
    "model",
    "role",
    "type",
    "id",
    "tool_call_id",
    "call_id",
    "object",
    "finish_reason",
    "system_fingerprint",
    "encoding_format",
    "service_tier",
    "reasoning_effort",
    "detail",
    "format",
    "tool_choice",
    "modalities",
    "voice",
    "status",
];

/// Longest metadata value left unjudged.
pub const METADATA_MAX: usize = 128;

/// Binary payloads (`parent.key`, or `*.key` for any parent): data URLs and base64
/// the model receives as an image, audio or file, not as text.
const BINARY: &[(&str, &str)] = &[
    ("image_url", "url"),
    ("input_audio", "data"),
    ("file", "file_data"),
    ("*", "b64_json"),
];

/// One step of a path into a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A path into a JSON body.
pub type Path = Vec<Seg>;

/// Renders a path for error messages and logs: `messages[2].content[0].text`.
pub fn display(path: &[Seg]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The value at `path`.
pub fn get<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.get(*i),
    })
}

/// The value at `path`, mutably.
pub fn get_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get_mut(k.as_str()),
        Seg::Index(i) => v.get_mut(*i),
    })
}

/// Replaces the string at `path` (no-op when the path no longer names a string).
pub fn set_text(v: &mut Value, path: &[Seg], text: String) {
    if let Some(slot @ Value::String(_)) = get_mut(v, path) {
        *slot = Value::String(text);
    }
}

/// Where a piece of text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// A `system` message.
    System,
    /// A `developer` message (the newer name of `system`).
    Developer,
    /// A `user` message.
    User,
    /// An `assistant` message sent back as history.
    AssistantHistory,
    /// A `tool` or `function` message: a tool's result.
    ToolResult,
    /// A tool's or function's definition (`tools[]`, `functions[]`).
    ToolDescription,
    /// A message's `name`.
    Name,
    /// A tool call's arguments in assistant history.
    HistoryToolArguments,
    /// `/v1/completions` `prompt` or `suffix`.
    CompletionPrompt,
    /// `/v1/embeddings` `input`.
    EmbeddingInput,
    /// Any other string of a request: judged as untrusted user text.
    Other,
    /// The answer's text (`message.content`, `choices[].text`).
    AnswerText,
    /// Reasoning the model shows (`reasoning_content`, `reasoning`).
    Reasoning,
    /// The model's refusal text.
    Refusal,
    /// A tool call's or legacy `function_call`'s name.
    ToolCallName,
    /// A tool call's or legacy `function_call`'s arguments.
    ToolCallArguments,
    /// Any other string of an answer, error answers included.
    OtherOutput,
}

impl Origin {
    /// The role under which the guard judges this text on the way in. Only `system`
    /// messages are judged as the operator's own text; everything else — `developer`
    /// messages included, which end users can write in clients that expose them — is
    /// judged as untrusted input, and tool results and definitions as retrieved data.
    pub fn guard_role(self) -> &'static str {
        match self {
            Origin::System => "system",
            Origin::ToolResult | Origin::ToolDescription => "tool",
            _ => "user",
        }
    }

    /// The stable name used in logs and the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::System => "system",
            Origin::Developer => "developer",
            Origin::User => "user",
            Origin::AssistantHistory => "assistant_history",
            Origin::ToolResult => "tool_result",
            Origin::ToolDescription => "tool_description",
            Origin::Name => "name",
            Origin::HistoryToolArguments => "history_tool_arguments",
            Origin::CompletionPrompt => "completion_prompt",
            Origin::EmbeddingInput => "embedding_input",
            Origin::Other => "other",
            Origin::AnswerText => "answer_text",
            Origin::Reasoning => "reasoning",
            Origin::Refusal => "refusal",
            Origin::ToolCallName => "tool_call_name",
            Origin::ToolCallArguments => "tool_call_arguments",
            Origin::OtherOutput => "other_output",
        }
    }
}

/// One piece of text and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Path of the string in the body.
    pub path: Path,
    /// Where it comes from.
    pub origin: Origin,
}

/// The endpoints the gateway serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/v1/chat/completions`.
    Chat,
    /// `/v1/completions`.
    Completions,
    /// `/v1/embeddings`.
    Embeddings,
}

/// A request body the gateway will not forward, and why (answered with 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ViewError {
    /// The field, as a path (`messages[1].role`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

fn refuse(path: &[Seg], message: impl Into<String>) -> ViewError {
    ViewError {
        field: if path.is_empty() {
            "body".into()
        } else {
            display(path)
        },
        message: message.into(),
    }
}

/// Every text of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestView {
    /// The texts, in document order.
    pub pieces: Vec<Piece>,
    /// The first `system` or `developer` message, where the canary goes.
    pub system_message: Option<Path>,
    /// `stream: true`.
    pub stream: bool,
}

/// The canonical name of a message role, or `None` for a role no upstream defines.
/// Case and surrounding blanks are forgiven (and rewritten in the forwarded body),
/// so an odd spelling cannot make a message skip the guard.
pub fn canonical_role(role: &str) -> Option<&'static str> {
    match role.trim().to_ascii_lowercase().as_str() {
        "system" => Some("system"),
        "developer" => Some("developer"),
        "user" => Some("user"),
        "assistant" => Some("assistant"),
        "tool" => Some("tool"),
        "function" => Some("function"),
        _ => None,
    }
}

fn origin_of_role(role: &str) -> Origin {
    match role {
        "system" => Origin::System,
        "developer" => Origin::Developer,
        "assistant" => Origin::AssistantHistory,
        "tool" | "function" => Origin::ToolResult,
        _ => Origin::User,
    }
}

struct Walker {
    pieces: Vec<Piece>,
}

impl Walker {
    /// Adds every string leaf under `v` (at `path`) as `origin`, except metadata and
    /// binary payloads. `key` is the key `v` sits under, `parent` the key above it.
    fn walk(
        &mut self,
        v: &Value,
        path: &mut Path,
        origin: Origin,
        parent: Option<&str>,
        key: Option<&str>,
    ) -> Result<(), ViewError> {
        match v {
            Value::String(s) => {
                if let Some(k) = key {
                    if METADATA.contains(&k) && s.len() <= METADATA_MAX {
                        return Ok(());
                    }
                    if BINARY
                        .iter()
                        .any(|(p, b)| *b == k && (*p == "*" || Some(*p) == parent))
                    {
                        return Ok(());
                    }
                }
                if self.pieces.len() >= MAX_PIECES {
                    return Err(refuse(
                        path,
                        format!("more than {MAX_PIECES} strings in one body"),
                    ));
                }
                self.pieces.push(Piece {
                    path: path.clone(),
                    origin,
                });
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    // array items sit under the array's key
                    self.walk(item, path, origin, parent, key)?;
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    path.push(Seg::Key(k.clone()));
                    self.walk(item, path, origin, key, Some(k))?;
                    path.pop();
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Reads the texts of a request body, canonicalising message roles in place.
pub fn request(endpoint: Endpoint, body: &mut Value) -> Result<RequestView, ViewError> {
    let Some(map) = body.as_object_mut() else {
        return Err(refuse(&[], "the body must be a JSON object"));
    };
    let mut view = RequestView {
        stream: map.get("stream").and_then(Value::as_bool) == Some(true),
        ..RequestView::default()
    };
    // Roles first: an odd spelling is rewritten, an unknown one refused.
    if let Some(Value::Array(messages)) = map.get_mut("messages") {
        for (i, m) in messages.iter_mut().enumerate() {
            let here = vec![Seg::Key("messages".into()), Seg::Index(i)];
            let Some(obj) = m.as_object_mut() else {
                return Err(refuse(&here, "a message must be an object"));
            };
            let role = match obj.get("role") {
                Some(Value::String(r)) => {
                    canonical_role(r).ok_or_else(|| refuse(&here, format!("unknown role {r:?}")))?
                }
                Some(_) => return Err(refuse(&here, "role must be a string")),
                None => return Err(refuse(&here, "a message needs a role")),
            };
            obj.insert("role".into(), Value::String(role.into()));
            if view.system_message.is_none() && matches!(role, "system" | "developer") {
                view.system_message = Some(here);
            }
        }
    }
    let mut w = Walker { pieces: Vec::new() };
    let body = &*body;
    let Some(map) = body.as_object() else {
        return Err(refuse(&[], "the body must be a JSON object"));
    };
    for (k, v) in map {
        let mut path = vec![Seg::Key(k.clone())];
        match (endpoint, k.as_str()) {
            (Endpoint::Chat, "messages") => {
                let Some(messages) = v.as_array() else {
                    return Err(refuse(&path, "messages must be an array"));
                };
                for (i, m) in messages.iter().enumerate() {
                    path.push(Seg::Index(i));
                    let role = m["role"].as_str().unwrap_or("user");
                    let base = origin_of_role(role);
                    if let Some(obj) = m.as_object() {
                        for (field, item) in obj {
                            path.push(Seg::Key(field.clone()));
                            let origin = match field.as_str() {
                                "name" => Origin::Name,
                                "tool_calls" | "function_call" => Origin::HistoryToolArguments,
                                _ => base,
                            };
                            w.walk(item, &mut path, origin, Some("messages"), Some(field))?;
                            path.pop();
                        }
                    }
                    path.pop();
                }
            }
            (Endpoint::Chat, "tools" | "functions") => {
                w.walk(v, &mut path, Origin::ToolDescription, None, Some(k))?;
            }
            (Endpoint::Completions, "prompt" | "suffix") => {
                refuse_token_ids(v, &path)?;
                w.walk(v, &mut path, Origin::CompletionPrompt, None, Some(k))?;
            }
            (Endpoint::Embeddings, "input") => {
                refuse_token_ids(v, &path)?;
                w.walk(v, &mut path, Origin::EmbeddingInput, None, Some(k))?;
            }
            _ => w.walk(v, &mut path, Origin::Other, None, Some(k))?,
        }
    }
    view.pieces = w.pieces;
    Ok(view)
}

/// Token ids reach the model as text the guard never sees: refused.
fn refuse_token_ids(v: &Value, path: &[Seg]) -> Result<(), ViewError> {
    let numeric = |v: &Value| v.is_number();
    let ids = match v {
        Value::Number(_) => true,
        Value::Array(items) => items
            .iter()
            .any(|i| numeric(i) || i.as_array().is_some_and(|a| a.iter().any(numeric))),
        _ => false,
    };
    if ids {
        return Err(refuse(
            path,
            "token ids cannot be judged by the guard; send text",
        ));
    }
    Ok(())
}

/// A tool call in an answer: where its name and arguments are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// The choice it belongs to (`choices[i]`).
    pub choice: usize,
    /// Path of the call object (`choices[i].message.tool_calls[j]`, or
    /// `choices[i].message.function_call` for the legacy form).
    pub path: Path,
    /// The legacy `function_call` form.
    pub legacy: bool,
}

/// Every text of an answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerView {
    /// The texts, in document order (tool-call names and arguments included; log
    /// probabilities are not: see [`AnswerView::logprobs`]).
    pub pieces: Vec<Piece>,
    /// Tool calls, for tool control.
    pub tool_calls: Vec<ToolCall>,
    /// Paths of `logprobs` objects: judged whole (tokens joined), dropped when
    /// anything in them would be redacted.
    pub logprobs: Vec<Path>,
}

/// Reads the texts of an answer body (any JSON value: error bodies included).
pub fn answer(body: &Value) -> Result<AnswerView, ViewError> {
    let mut view = AnswerView::default();
    let mut w = Walker { pieces: Vec::new() };
    let mut path = Vec::new();
    answer_walk(body, &mut path, None, None, &mut w, &mut view)?;
    view.pieces = w.pieces;
    Ok(view)
}

fn answer_walk(
    v: &Value,
    path: &mut Path,
    parent: Option<&str>,
    key: Option<&str>,
    w: &mut Walker,
    view: &mut AnswerView,
) -> Result<(), ViewError> {
    let origin = match key {
        Some("content" | "text") if path_has(path, "choices") || path_has(path, "output") => {
            Origin::AnswerText
        }
        Some("reasoning_content" | "reasoning") => Origin::Reasoning,
        Some("refusal") => Origin::Refusal,
        Some("name") if parent == Some("function") || parent == Some("function_call") => {
            Origin::ToolCallName
        }
        Some("arguments") => Origin::ToolCallArguments,
        _ => Origin::OtherOutput,
    };
    match v {
        Value::Object(map) => {
            if key == Some("logprobs") {
                view.logprobs.push(path.clone());
                return Ok(());
            }
            if key == Some("function_call") {
                view.tool_calls.push(ToolCall {
                    choice: choice_of(path),
                    path: path.clone(),
                    legacy: true,
                });
            }
            if parent == Some("tool_calls") && map.contains_key("function") {
                view.tool_calls.push(ToolCall {
                    choice: choice_of(path),
                    path: path.clone(),
                    legacy: false,
                });
            }
            for (k, item) in map {
                path.push(Seg::Key(k.clone()));
                answer_walk(item, path, key, Some(k), w, view)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            if key == Some("logprobs") {
                view.logprobs.push(path.clone());
                return Ok(());
            }
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                // array items sit under the array's key, and inside it under `parent`
                answer_walk(item, path, key, key, w, view)?;
                path.pop();
            }
        }
        Value::String(_) => w.walk(v, path, origin, parent, key)?,
        _ => {}
    }
    Ok(())
}

fn path_has(path: &[Seg], key: &str) -> bool {
    path.iter().any(|s| matches!(s, Seg::Key(k) if k == key))
}

fn choice_of(path: &[Seg]) -> usize {
    path.windows(2)
        .find_map(|w| match w {
            [Seg::Key(k), Seg::Index(i)] if k == "choices" => Some(*i),
            _ => None,
        })
        .unwrap_or(0)
}

/// The texts of a `logprobs` object: the sampled tokens joined in order (so a
/// secret split over tokens is seen whole), then every other string and object
/// key in it (alternatives in `top_logprobs`), one per line.
pub fn logprob_texts(v: &Value) -> (String, String) {
    let mut sampled = String::new();
    // chat: {"content": [{"token": ..}], "refusal": [..]}; completions: {"tokens": [..]}
    for list in ["content", "refusal"] {
        if let Some(items) = v[list].as_array() {
            for t in items {
                if let Some(s) = t["token"].as_str() {
                    sampled.push_str(s);
                }
            }
        }
    }
    if let Some(items) = v["tokens"].as_array() {
        for t in items.iter().filter_map(Value::as_str) {
            sampled.push_str(t);
        }
    }
    let mut rest = String::new();
    collect_strings(v, &mut rest, 0);
    (sampled, rest)
}

const LOGPROB_FIELDS: &[&str] = &[
    "content",
    "refusal",
    "token",
    "logprob",
    "bytes",
    "top_logprobs",
    "tokens",
    "token_logprobs",
    "text_offset",
];

fn collect_strings(v: &Value, out: &mut String, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items
            .iter()
            .for_each(|i| collect_strings(i, out, depth + 1)),
        Value::Object(map) => {
            for (k, item) in map {
                if !LOGPROB_FIELDS.contains(&k.as_str()) {
                    out.push_str(k);
                    out.push('\n');
                }
                collect_strings(item, out, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn texts(view: &RequestView, body: &Value) -> Vec<(String, Origin, String)> {
        view.pieces
            .iter()
            .map(|p| {
                (
                    display(&p.path),
                    p.origin,
                    get(body, &p.path).unwrap().as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn every_text_of_a_chat_request_is_a_piece() {
        let mut body = json!({
            "model": "m",
            "messages": [
                {"role": "system", "content": "sys"},
                {"role": " Developer ", "content": [{"type": "text", "text": "dev"}]},
                {"role": "user", "name": "alice", "content": [
                    {"type": "text", "text": "hello"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
                ]},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}}
                ]},
                {"role": "tool", "tool_call_id": "c1", "content": "result"},
                {"role": "function", "name": "g", "content": "legacy result"}
            ],
            "tools": [{"type": "function", "function": {"name": "f", "description": "does f",
                "parameters": {"type": "object", "properties": {"a": {"type": "string", "description": "the a"}}}}}],
            "user": "end-user-1",
            "metadata": {"note": "free text"}
        });
        let view = request(Endpoint::Chat, &mut body).unwrap();
        let got = texts(&view, &body);
        let has = |path: &str, origin: Origin, text: &str| {
            assert!(
                got.iter()
                    .any(|(p, o, t)| p == path && *o == origin && t == text),
                "{path} {origin:?} {text} not in {got:#?}"
            );
        };
        has("messages[0].content", Origin::System, "sys");
        has("messages[1].content[0].text", Origin::Developer, "dev");
        has("messages[2].name", Origin::Name, "alice");
        has("messages[2].content[0].text", Origin::User, "hello");
        has(
            "messages[3].tool_calls[0].function.arguments",
            Origin::HistoryToolArguments,
            "{\"a\":1}",
        );
        has("messages[4].content", Origin::ToolResult, "result");
        has("messages[5].content", Origin::ToolResult, "legacy result");
        has("messages[5].name", Origin::Name, "g");
        has(
            "tools[0].function.description",
            Origin::ToolDescription,
            "does f",
        );
        has(
            "tools[0].function.parameters.properties.a.description",
            Origin::ToolDescription,
            "the a",
        );
        has("user", Origin::Other, "end-user-1");
        has("metadata.note", Origin::Other, "free text");
        assert!(
            !got.iter().any(|(_, _, t)| t.starts_with("data:image")),
            "image payloads are not text"
        );
        assert!(!got.iter().any(|(p, _, _)| p == "model"));
        // roles are rewritten to their canonical spelling
        assert_eq!(body["messages"][1]["role"], "developer");
        assert_eq!(
            view.system_message.as_deref().map(display).unwrap(),
            "messages[0]"
        );
    }

    #[test]
    fn unknown_or_missing_roles_are_refused_by_name() {
        for (m, field) in [
            (json!({"role": "boss", "content": "x"}), "messages[0]"),
            (json!({"content": "x"}), "messages[0]"),
            (json!({"role": 3, "content": "x"}), "messages[0]"),
        ] {
            let mut body = json!({"messages": [m]});
            let e = request(Endpoint::Chat, &mut body).unwrap_err();
            assert_eq!(e.field, field, "{e}");
        }
        let mut body = json!(["not", "an", "object"]);
        assert!(request(Endpoint::Chat, &mut body).is_err());
    }

    #[test]
    fn long_metadata_values_are_judged() {
        let long = "x".repeat(METADATA_MAX + 1);
        let mut body = json!({"model": long, "messages": []});
        let view = request(Endpoint::Chat, &mut body).unwrap();
        assert_eq!(view.pieces.len(), 1);
        assert_eq!(display(&view.pieces[0].path), "model");
    }

    #[test]
    fn token_ids_are_refused_and_text_arrays_are_pieces() {
        for prompt in [json!([1, 2, 3]), json!([[1, 2], [3]]), json!(7)] {
            let mut body = json!({"prompt": prompt});
            let e = request(Endpoint::Completions, &mut body).unwrap_err();
            assert_eq!(e.field, "prompt");
            let mut body = json!({"input": prompt});
            assert_eq!(
                request(Endpoint::Embeddings, &mut body).unwrap_err().field,
                "input"
            );
        }
        let mut body = json!({"prompt": ["a", "b"], "suffix": "c"});
        let view = request(Endpoint::Completions, &mut body).unwrap();
        let got = texts(&view, &body);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|(_, o, _)| *o == Origin::CompletionPrompt));
        let mut body = json!({"input": ["a", "b"]});
        let view = request(Endpoint::Embeddings, &mut body).unwrap();
        assert_eq!(view.pieces.len(), 2);
    }

    #[test]
    fn too_many_strings_are_refused() {
        let many: Vec<Value> = (0..=MAX_PIECES).map(|i| json!(i.to_string())).collect();
        let mut body = json!({"stop": many});
        assert!(request(Endpoint::Chat, &mut body).is_err());
    }

    #[test]
    fn every_text_of_an_answer_is_a_piece() {
        let body = json!({
            "id": "x", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant",
                "content": [{"type": "text", "text": "part"}],
                "refusal": "no",
                "reasoning_content": "thinking",
                "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
                "function_call": {"name": "g", "arguments": "{\"x\":1}"}
            }, "logprobs": {"content": [{"token": "pa", "logprob": -1.0, "top_logprobs": []}]}}],
            "extra": {"note": "surprise"}
        });
        let view = answer(&body).unwrap();
        let got: Vec<(String, Origin)> = view
            .pieces
            .iter()
            .map(|p| (display(&p.path), p.origin))
            .collect();
        for (p, o) in [
            ("choices[0].message.content[0].text", Origin::AnswerText),
            ("choices[0].message.refusal", Origin::Refusal),
            ("choices[0].message.reasoning_content", Origin::Reasoning),
            (
                "choices[0].message.tool_calls[0].function.name",
                Origin::ToolCallName,
            ),
            (
                "choices[0].message.tool_calls[0].function.arguments",
                Origin::ToolCallArguments,
            ),
            (
                "choices[0].message.function_call.name",
                Origin::ToolCallName,
            ),
            (
                "choices[0].message.function_call.arguments",
                Origin::ToolCallArguments,
            ),
            ("extra.note", Origin::OtherOutput),
        ] {
            assert!(got.contains(&(p.to_string(), o)), "{p} {o:?} in {got:#?}");
        }
        assert_eq!(view.tool_calls.len(), 2);
        assert!(view.tool_calls.iter().any(|c| c.legacy));
        assert_eq!(
            view.logprobs.iter().map(|p| display(p)).collect::<Vec<_>>(),
            ["choices[0].logprobs"]
        );
        assert!(!got.iter().any(|(p, _)| p.contains("logprobs")));
    }

    #[test]
    fn logprob_tokens_are_joined() {
        let lp = json!({"content": [{"token": "sk-", "top_logprobs": [{"token": "x"}]}, {"token": "abc"}]});
        let (sampled, rest) = logprob_texts(&lp);
        assert_eq!(sampled, "sk-abc");
        assert!(rest.contains('x'));
        let legacy = json!({"tokens": ["a", "b"], "top_logprobs": [{"secret-token": -0.1}]});
        let (sampled, rest) = logprob_texts(&legacy);
        assert_eq!(sampled, "ab");
        assert!(rest.contains("secret-token"));
    }
}
