//! The record of a request: the ledger entry (exactly one for every authenticated
//! request, whatever its outcome), the log line, the metrics and the token debit.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use rampart_ledger::{AuditEntry, Bodies, Decision, Timestamp};
use sha2::{Digest, Sha256};

use crate::inspect::{Action, Verdict};
use crate::keys::KeyRecord;
use crate::server::{error, Gateway, NO_UPSTREAM_RULE, UNJUDGED_ANSWER_RULE};

fn sha(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

pub(crate) fn decision_label(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::Flag => "flag",
        Decision::Redact => "redact",
        Decision::Block => "block",
    }
}

/// What is written to the ledger for one request.
pub(crate) struct Audit {
    pub request_id: String,
    pub principal: String,
    pub tenant: String,
    pub route: &'static str,
    pub model: String,
    pub upstream: String,
    pub decision: Decision,
    pub rules: Vec<String>,
    /// Hashed into the entry: the request as judged (or as received, when refused
    /// before it was read as JSON); with `store_bodies`, the stored text is hashed
    /// instead, so the entry binds what is kept.
    pub prompt: bytes::Bytes,
    /// Hashed into the entry: the answer as released.
    pub response: bytes::Bytes,
    /// Kept with `store_bodies`: the request with secrets and personal data redacted
    /// (`None` for requests refused before judgement: nothing of them is kept).
    pub stored_prompt: Option<String>,
    /// Kept with `store_bodies`: the answer with secrets and personal data redacted.
    pub stored_response: Option<String>,
    pub tokens: (u64, u64),
    /// Drift features of a request whose input was read (blocked is set here).
    pub features: Option<crate::drift::Features>,
}

impl Audit {
    /// An entry with no upstream, decision allow and nothing hashed yet.
    pub fn new(
        request_id: String,
        principal: String,
        tenant: String,
        route: &'static str,
        model: String,
    ) -> Audit {
        Audit {
            request_id,
            principal,
            tenant,
            route,
            model,
            upstream: "-".into(),
            decision: Decision::Allow,
            rules: Vec::new(),
            prompt: bytes::Bytes::new(),
            response: bytes::Bytes::new(),
            stored_prompt: None,
            stored_response: None,
            tokens: (0, 0),
            features: None,
        }
    }
}

impl Gateway {
    /// Appends an audit entry without delaying the response; the ledger's group
    /// commit makes it durable within milliseconds, and shutdown drains pending ones.
    /// In durable mode (`[ledger] durable`) it returns a receiver told once the entry
    /// is durable, which answer paths await before they answer ([`is_durable`]).
    pub(crate) fn audit(self: &Arc<Self>, a: Audit) -> Option<Durable> {
        self.metrics
            .record_outcome(decision_label(a.decision), &a.rules, a.tokens);
        if let Some(m) = &self.monitor {
            m.request(&a);
        }
        tracing::info!(
            target: "rampart::gateway",
            // as `&str`, not `%` (Display): a string field is written as it is,
            // without a trip through the formatting machinery (a tenth of the
            // per-request CPU went to this line)
            request_id = a.request_id.as_str(),
            principal = a.principal.as_str(),
            tenant = a.tenant.as_str(),
            route = a.route,
            model = a.model.as_str(),
            upstream = a.upstream.as_str(),
            decision = decision_label(a.decision),
            rules = a.rules.join(",").as_str(),
            tokens_in = a.tokens.0,
            tokens_out = a.tokens.1,
            "request"
        );
        self.debit_tokens(&a.principal, a.tokens.0 + a.tokens.1);
        let Some(auditor) = &self.auditor else {
            return None;
        };
        let entry = AuditEntry {
            time: Timestamp::now(),
            request_id: a.request_id,
            principal: a.principal,
            tenant: a.tenant,
            route: a.route.to_string(),
            // The model name comes from the client: bounded so the entry always fits.
            model: a.model.chars().take(256).collect(),
            upstream: a.upstream,
            decision: a.decision,
            rules: a.rules,
            tokens_in: a.tokens.0,
            tokens_out: a.tokens.1,
            // A stored body is what the entry's hash binds (the ledger checks it).
            prompt_sha256: Some(match (&a.stored_prompt, self.config.store_bodies) {
                (Some(p), true) => sha(p.as_bytes()),
                _ => sha(&a.prompt),
            }),
            response_sha256: Some(match (&a.stored_response, self.config.store_bodies) {
                (Some(r), true) => sha(r.as_bytes()),
                _ => sha(&a.response),
            }),
        };
        let bodies = self.config.store_bodies.then_some(Bodies {
            prompt: a.stored_prompt,
            response: a.stored_response,
        });
        if self.config.durable {
            return Some(auditor.submit_durable(entry, bodies));
        }
        auditor.submit(entry, bodies);
        None
    }

    /// Debits `tokens` from the key's token quota, if it has one (usage is known only
    /// once the upstream answered, so the bucket may go into debt; the key's next
    /// requests are refused until it refills).
    fn debit_tokens(self: &Arc<Self>, key_id: &str, tokens: u64) {
        if tokens == 0 {
            return;
        }
        let tpm = self
            .token_quotas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key_id)
            .copied();
        let (Some(tpm), Ok(rt)) = (tpm, tokio::runtime::Handle::try_current()) else {
            return;
        };
        let gw = Arc::clone(self);
        let bucket = format!("tok:key:{key_id}");
        let cost = u32::try_from(tokens).unwrap_or(u32::MAX);
        rt.spawn(async move {
            if let Err(e) = gw.limiter.take(&bucket, tpm, cost, true).await {
                gw.metrics.limiter_errors.fetch_add(1, Ordering::Relaxed);
                tracing::error!(target: "rampart::gateway", error = %e, "token usage not debited");
            }
        });
    }
}

/// A receiver told whether an entry became durable.
pub(crate) type Durable = tokio::sync::oneshot::Receiver<bool>;

/// Whether an entry is durable: always, outside durable mode (nothing to wait for);
/// in durable mode once the ledger has committed it.
pub(crate) async fn is_durable(d: Option<Durable>) -> bool {
    match d {
        None => true,
        Some(rx) => rx.await.unwrap_or(false),
    }
}

pub(crate) fn principal(key: &Option<KeyRecord>) -> (String, String) {
    key.as_ref().map_or(("anonymous".into(), "-".into()), |k| {
        (k.id.clone(), k.tenant.clone())
    })
}

/// Records a request the guard blocked on the way in, and answers it.
pub(crate) fn block_request(gw: &Arc<Gateway>, mut audit: Audit) -> Response {
    gw.metrics.blocked.fetch_add(1, Ordering::Relaxed);
    audit.decision = Decision::Block;
    let message = format!("request blocked by policy ({})", audit.rules.join(", "));
    let rid = audit.request_id.clone();
    gw.audit(audit);
    error(
        StatusCode::BAD_REQUEST,
        "content_policy_violation",
        &message,
        &rid,
    )
}

/// Records a request that no upstream answered (with the guard's decision on it and
/// GW007), and answers it with 502. `why` names upstreams by their configured names
/// only, never their addresses.
pub(crate) fn no_upstream(
    gw: &Arc<Gateway>,
    mut audit: Audit,
    decision: Decision,
    why: &str,
) -> Response {
    audit.decision = decision;
    audit.rules.push(NO_UPSTREAM_RULE.into());
    let rid = audit.request_id.clone();
    gw.audit(audit);
    error(
        StatusCode::BAD_GATEWAY,
        "upstream_error",
        &format!("no upstream answered: {why}"),
        &rid,
    )
}

/// Records an answer the gateway could not judge, and withholds it (502, GW008).
pub(crate) fn unjudged(
    gw: &Arc<Gateway>,
    mut audit: Audit,
    mut verdict: Verdict,
    why: &str,
) -> Response {
    merge(
        &mut verdict,
        Verdict {
            action: Action::Block,
            rules: vec![UNJUDGED_ANSWER_RULE.into()],
            ..Verdict::allow()
        },
    );
    gw.metrics.blocked.fetch_add(1, Ordering::Relaxed);
    tracing::warn!(target: "rampart::gateway", request_id = %audit.request_id, upstream = %audit.upstream, why, "answer withheld: it cannot be judged");
    audit.decision = Decision::Block;
    audit.rules = verdict.rules;
    let rid = audit.request_id.clone();
    gw.audit(audit);
    error(
        StatusCode::BAD_GATEWAY,
        "upstream_error",
        &format!("the upstream answer was withheld: {why}"),
        &rid,
    )
}

/// The starting verdict of an admitted request: flagged with its extraction
/// signals, if any.
pub(crate) fn flagged(signals: Vec<String>) -> Verdict {
    let mut v = Verdict::allow();
    if !signals.is_empty() {
        v.action = Action::Flag;
        v.rules = signals;
    }
    v
}

/// Merges verdicts: the strongest action, all rules, the highest scores.
pub(crate) fn merge(into: &mut Verdict, v: Verdict) {
    into.action = into.action.max(v.action);
    into.scores = into.scores.max(v.scores);
    for r in v.rules {
        if !into.rules.contains(&r) {
            into.rules.push(r);
        }
    }
}

/// Prunes stored bodies older than the retention, at start and then every quarter
/// of it (between one second and ten minutes), when bodies are stored.
pub(crate) fn start_pruner(gw: &Arc<Gateway>) -> Option<tokio::task::JoinHandle<()>> {
    let ledger = gw.ledger.clone().filter(|_| gw.config.store_bodies)?;
    let retention = gw.config.retention;
    let every = (retention / 4).clamp(
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(600),
    );
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let ledger = Arc::clone(&ledger);
            let cutoff = Timestamp::now().unix_millis()
                - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
            let Some(older_than) = Timestamp::from_unix_millis(cutoff.max(0)) else {
                continue;
            };
            match tokio::task::spawn_blocking(move || ledger.prune_bodies(older_than)).await {
                Ok(Ok(n)) if n > 0 => {
                    tracing::info!(target: "rampart::gateway", pruned = n, "stored bodies past their retention removed");
                }
                Ok(Err(e)) => {
                    tracing::error!(target: "rampart::gateway", error = %e, "pruning stored bodies failed");
                }
                _ => {}
            }
        }
    }))
}
