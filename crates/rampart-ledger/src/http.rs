//! A small HTTP API over a ledger, for services that are not behind the gateway and
//! for customers fetching their own proofs:
//!
//! | method and path | what |
//! |---|---|
//! | `POST /v1/entries` | append one entry (`{...entry, "bodies": {...}}`, as `rampart audit append` reads); answers `{"index": n}` once durable. Needs `Authorization: Bearer <token>`. |
//! | `GET /v1/head` | `{"size", "root"}` of the current tree |
//! | `GET /v1/checkpoint` | the current head as a signed note (C2SP tlog-checkpoint) |
//! | `GET /v1/evidence/{index}` | an evidence file for one entry against a fresh signed checkpoint |
//! | `GET /v1/proof/inclusion?index=&size=` | `{"index", "size", "leaf_hash", "proof"}` |
//! | `GET /v1/proof/consistency?old=&new=` | `{"old", "new", "proof"}` |
//!
//! Reads are open: proofs reveal hashes, and an entry only to whoever asks for its
//! index (put the API behind the gateway or a proxy if entries must be private).
//! Appends need the token, compared in constant time against its SHA-256. Ledger
//! calls run on the blocking pool; bodies are limited to 1 MiB.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::checkpoint::{Checkpoint, NoteSigner};
use crate::entry::{AuditEntry, Bodies};
use crate::store::{LedgerError, Storage};

/// Largest request body.
pub const MAX_BODY: usize = 1 << 20;

/// What the API serves.
pub struct Api {
    ledger: Arc<dyn Storage>,
    signer: Option<NoteSigner>,
    token_sha256: Option<[u8; 32]>,
}

impl Api {
    /// An API over `ledger`; checkpoints are signed with `signer` when given, and
    /// appends are accepted only with `append_token` (none: appends are refused).
    pub fn new(
        ledger: Arc<dyn Storage>,
        signer: Option<NoteSigner>,
        append_token: Option<&str>,
    ) -> Api {
        Api {
            ledger,
            signer,
            token_sha256: append_token.map(|t| Sha256::digest(t.as_bytes()).into()),
        }
    }

    fn may_append(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.token_sha256 else {
            return false;
        };
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let got: [u8; 32] = Sha256::digest(presented.trim().as_bytes()).into();
        // Constant time: fold every byte difference.
        got.iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }

    fn signed_head(&self) -> Result<(String, u64), Fail> {
        let Some(signer) = &self.signer else {
            return Err(fail(
                StatusCode::NOT_FOUND,
                "this ledger has no checkpoint key",
            ));
        };
        let head = self.ledger.tree_head().map_err(ledger_error)?;
        let note = Checkpoint::new(signer.name(), head)
            .and_then(|cp| signer.sign_checkpoint(&cp))
            .map_err(|e| fail(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?;
        Ok((note, head.size))
    }
}

/// An error answer: status and message.
struct Fail(StatusCode, String);

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

fn fail(status: StatusCode, message: &str) -> Fail {
    Fail(status, message.to_string())
}

fn ledger_error(e: LedgerError) -> Fail {
    match e {
        LedgerError::BeyondTree { .. } | LedgerError::Merkle(_) => {
            fail(StatusCode::NOT_FOUND, &e.to_string())
        }
        LedgerError::Entry(_) => fail(StatusCode::BAD_REQUEST, &e.to_string()),
        _ => fail(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

/// Runs a ledger call on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Fail> + Send + 'static,
) -> Result<T, Fail> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| fail(StatusCode::INTERNAL_SERVER_ERROR, "ledger task failed"))?
}

/// The router.
pub fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/v1/entries", post(append))
        .route("/v1/head", get(head))
        .route("/v1/checkpoint", get(checkpoint))
        .route("/v1/evidence/{index}", get(evidence))
        .route("/v1/proof/inclusion", get(inclusion))
        .route("/v1/proof/consistency", get(consistency))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(api)
}

async fn append(State(api): State<Arc<Api>>, headers: HeaderMap, raw: Bytes) -> Response {
    if !api.may_append(&headers) {
        return fail(StatusCode::UNAUTHORIZED, "a valid append token is required").into_response();
    }
    let mut value: Value = match serde_json::from_slice(&raw) {
        Ok(v) => v,
        Err(e) => return fail(StatusCode::BAD_REQUEST, &format!("not JSON: {e}")).into_response(),
    };
    let bodies = match value.as_object_mut().and_then(|o| o.remove("bodies")) {
        Some(b) => match serde_json::from_value::<Bodies>(b) {
            Ok(b) => Some(b),
            Err(e) => {
                return fail(StatusCode::BAD_REQUEST, &format!("bad bodies: {e}")).into_response()
            }
        },
        None => None,
    };
    let entry: AuditEntry = match serde_json::from_value(value) {
        Ok(e) => e,
        Err(e) => {
            return fail(StatusCode::BAD_REQUEST, &format!("not an audit entry: {e}"))
                .into_response()
        }
    };
    let ledger = Arc::clone(&api.ledger);
    match blocking(move || ledger.append(entry, bodies).map_err(ledger_error)).await {
        Ok(index) => (StatusCode::CREATED, Json(json!({"index": index}))).into_response(),
        Err(r) => r.into_response(),
    }
}

async fn head(State(api): State<Arc<Api>>) -> Response {
    let ledger = Arc::clone(&api.ledger);
    match blocking(move || ledger.tree_head().map_err(ledger_error)).await {
        Ok(h) => Json(json!({"size": h.size, "root": ::hex::encode(h.root)})).into_response(),
        Err(r) => r.into_response(),
    }
}

async fn checkpoint(State(api): State<Arc<Api>>) -> Response {
    let a = Arc::clone(&api);
    match blocking(move || a.signed_head()).await {
        Ok((note, _)) => {
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response()
        }
        Err(r) => r.into_response(),
    }
}

async fn evidence(State(api): State<Arc<Api>>, Path(index): Path<u64>) -> Response {
    let a = Arc::clone(&api);
    let result = blocking(move || {
        let (note, size) = a.signed_head()?;
        if index >= size {
            return Err(fail(StatusCode::NOT_FOUND, "no such entry"));
        }
        let stored = a.ledger.entry(index).map_err(ledger_error)?;
        let proven = crate::evidence::proven_entry(a.ledger.as_ref(), &stored, size)
            .map_err(ledger_error)?;
        Ok(crate::evidence::document(&note, vec![proven]))
    })
    .await;
    match result {
        Ok(doc) => Json(doc).into_response(),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct InclusionQuery {
    index: u64,
    size: Option<u64>,
}

async fn inclusion(State(api): State<Arc<Api>>, Query(q): Query<InclusionQuery>) -> Response {
    let ledger = Arc::clone(&api.ledger);
    let result = blocking(move || {
        let size = match q.size {
            Some(s) => s,
            None => ledger.tree_head().map_err(ledger_error)?.size,
        };
        if q.index >= size {
            return Err(fail(StatusCode::NOT_FOUND, "no such entry in that tree"));
        }
        let stored = ledger.entry(q.index).map_err(ledger_error)?;
        let proof = ledger
            .inclusion_proof(q.index, size)
            .map_err(ledger_error)?;
        Ok(json!({
            "index": q.index,
            "size": size,
            "leaf_hash": ::hex::encode(stored.leaf_hash),
            "proof": proof.iter().map(::hex::encode).collect::<Vec<_>>(),
        }))
    })
    .await;
    match result {
        Ok(v) => Json(v).into_response(),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct ConsistencyQuery {
    old: u64,
    new: Option<u64>,
}

async fn consistency(State(api): State<Arc<Api>>, Query(q): Query<ConsistencyQuery>) -> Response {
    let ledger = Arc::clone(&api.ledger);
    let result = blocking(move || {
        let new = match q.new {
            Some(n) => n,
            None => ledger.tree_head().map_err(ledger_error)?.size,
        };
        if q.old > new {
            return Err(fail(StatusCode::BAD_REQUEST, "old is larger than new"));
        }
        let proof = ledger.consistency_proof(q.old, new).map_err(ledger_error)?;
        Ok(json!({
            "old": q.old,
            "new": new,
            "proof": proof.iter().map(::hex::encode).collect::<Vec<_>>(),
        }))
    })
    .await;
    match result {
        Ok(v) => Json(v).into_response(),
        Err(r) => r.into_response(),
    }
}

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn serve(
    api: Arc<Api>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(api))
        .with_graceful_shutdown(shutdown)
        .await
}
