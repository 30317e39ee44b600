//! Admission: the key is checked on the headers before a byte of the body is read;
//! then route scope and rate limits; then the body, bounded in size and in time;
//! then the request view (every text, or a 400 naming the field that cannot be
//! judged), the model scope and the extraction signals.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use serde_json::Value;

use crate::keys::KeyRecord;
use crate::record::{principal, Audit};
use crate::server::{
    error, request_id_and_canary, Gateway, BAD_REQUEST_RULE, LIMITER_ERROR_RULE, RATE_LIMITED_RULE,
    ROUTE_SCOPE_RULE, SCOPE_RULE, TOKEN_QUOTA_RULE,
};
use crate::view::{self, Endpoint, RequestView};

/// An admitted request.
pub(crate) struct Admitted {
    pub rid: String,
    pub key: Option<KeyRecord>,
    pub body: Value,
    pub view: RequestView,
    pub model: String,
    /// Extraction signals past their thresholds (flagged, not refused).
    pub signals: Vec<String>,
    /// This request's canary (see [`crate::server::new_canary`]).
    pub canary: String,
    /// Bytes of the body as received.
    pub raw_len: usize,
}

/// A request refused before it is forwarded: the error response, a log line, and
/// for authenticated callers a ledger entry. Requests without a valid key are logged
/// and counted but not written to the ledger, so that anyone able to reach the port
/// cannot grow it.
struct Refusal<'a> {
    gw: &'a Arc<Gateway>,
    rid: &'a str,
    route: &'static str,
    addr: SocketAddr,
}

impl Refusal<'_> {
    #[allow(clippy::too_many_arguments)]
    fn refuse(
        &self,
        key: Option<&KeyRecord>,
        model: &str,
        status: StatusCode,
        code: &str,
        message: &str,
        rules: Vec<String>,
        raw: &[u8],
    ) -> Response {
        tracing::warn!(
            target: "rampart::gateway",
            request_id = %self.rid,
            client = %self.addr.ip(),
            principal = key.map_or("-", |k| k.id.as_str()),
            route = self.route,
            status = status.as_u16(),
            code,
            "refused"
        );
        if key.is_some() || self.gw.config.settings.allow_anonymous {
            let (principal, tenant) = principal(&key.cloned());
            let mut audit = Audit::new(
                self.rid.to_string(),
                principal,
                tenant,
                self.route,
                model.to_string(),
            );
            audit.decision = rampart_ledger::Decision::Block;
            audit.rules = rules;
            // hashed, never stored: nothing of an unjudged body is kept
            audit.prompt = bytes::Bytes::copy_from_slice(raw);
            self.gw.audit(audit);
        }
        error(status, code, message, self.rid)
    }
}

/// Seconds a refused client should wait (`Retry-After`, RFC 9110 §10.2.3): a request
/// limit's bucket refills one request in `60 / per_minute` seconds, and a request
/// refused by a rate limit found less than one left. A token quota (cost 0) is
/// refused once spent, and how far below zero it went depends on the answers that
/// spent it: the hint is the one-minute window.
fn retry_after(per_minute: u32, cost: u32) -> u32 {
    if cost == 0 {
        60
    } else {
        60u32.div_ceil(per_minute.max(1)).max(1)
    }
}

/// Why a body could not be read.
enum BodyError {
    TooLarge,
    Slow,
    Broken,
}

/// Reads at most `limit` bytes of body within `timeout`; a declared
/// `Content-Length` over the limit is refused before reading.
async fn read_body(
    req: Request,
    limit: usize,
    timeout: Duration,
) -> Result<Vec<u8>, (BodyError, Vec<u8>)> {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err((BodyError::TooLarge, Vec::new()));
    }
    let mut stream = req.into_body().into_data_stream();
    let mut out = Vec::with_capacity(declared.map_or(0, |n| n.min(limit as u64) as usize));
    let read = async {
        while let Some(chunk) = stream.next().await {
            let Ok(chunk) = chunk else {
                return Err(BodyError::Broken);
            };
            if out.len() + chunk.len() > limit {
                return Err(BodyError::TooLarge);
            }
            out.extend_from_slice(&chunk);
        }
        Ok(())
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(Ok(())) => Ok(out),
        Ok(Err(e)) => Err((e, out)),
        Err(_) => Err((BodyError::Slow, out)),
    }
}

pub(crate) async fn admit(
    gw: &Arc<Gateway>,
    addr: SocketAddr,
    req: Request,
    route: &'static str,
    endpoint: Endpoint,
) -> Result<Admitted, Response> {
    gw.metrics.requests.fetch_add(1, Ordering::Relaxed);
    let (rid, canary) = request_id_and_canary();
    // the client behind trusted proxies: for per-address limits, logs and the ledger
    let addr = SocketAddr::new(
        crate::forwarded::client_ip(addr.ip(), req.headers(), &gw.config.trusted_proxies),
        addr.port(),
    );
    let refusal = Refusal {
        gw,
        rid: &rid,
        route,
        addr,
    };
    let Ok(key) = gw.authenticate(req.headers()) else {
        gw.metrics.unauthorized.fetch_add(1, Ordering::Relaxed);
        return Err(refusal.refuse(
            None,
            "",
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "a valid API key is required",
            Vec::new(),
            &[],
        ));
    };
    let default_rpm = gw.config.settings.default_rpm.unwrap_or(600);
    let (bucket, rpm) = match &key {
        Some(k) => (
            format!("key:{}", k.id),
            if k.rpm > 0 { k.rpm } else { default_rpm },
        ),
        None => (format!("ip:{}", addr.ip()), default_rpm),
    };
    if let Some(k) = &key {
        if !k.allows_route(route) {
            return Err(refusal.refuse(
                key.as_ref(),
                "",
                StatusCode::FORBIDDEN,
                "route_not_allowed",
                &format!("this key may not call {route}"),
                vec![ROUTE_SCOPE_RULE.into()],
                &[],
            ));
        }
    }
    // Each limit as (bucket, per minute, cost, error code, rule): the key's (or the
    // anonymous address's) request rate, the address's rate, the key's token quota
    // (cost 0: refused only once used up; usage is debited after each response).
    let mut limits: Vec<(String, u32, u32, &str, &str)> =
        vec![(bucket, rpm, 1, "rate_limit_exceeded", RATE_LIMITED_RULE)];
    if let (Some(rpm), Some(_)) = (gw.config.settings.per_address_rpm, &key) {
        limits.push((
            format!("ip:{}", addr.ip()),
            rpm,
            1,
            "rate_limit_exceeded",
            RATE_LIMITED_RULE,
        ));
    }
    if let Some(k) = key.as_ref().filter(|k| k.tpm > 0) {
        gw.token_quotas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(k.id.clone(), k.tpm);
        limits.push((
            format!("tok:key:{}", k.id),
            k.tpm,
            0,
            "token_quota_exceeded",
            TOKEN_QUOTA_RULE,
        ));
    }
    for (bucket, per_minute, cost, code, rule) in limits {
        match gw.limiter.take(&bucket, per_minute, cost, false).await {
            Ok(true) => {}
            Ok(false) => {
                gw.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
                let mut refused = refusal.refuse(
                    key.as_ref(),
                    "",
                    StatusCode::TOO_MANY_REQUESTS,
                    code,
                    &code.replace('_', " "),
                    vec![rule.into()],
                    &[],
                );
                refused.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    HeaderValue::from(retry_after(per_minute, cost)),
                );
                return Err(refused);
            }
            Err(e) => {
                gw.metrics.limiter_errors.fetch_add(1, Ordering::Relaxed);
                tracing::error!(target: "rampart::gateway", request_id = %rid, error = %e, "rate limit check failed; refusing");
                return Err(refusal.refuse(
                    key.as_ref(),
                    "",
                    StatusCode::SERVICE_UNAVAILABLE,
                    "rate_limiter_unavailable",
                    "rate limits cannot be checked; try again later",
                    vec![LIMITER_ERROR_RULE.into()],
                    &[],
                ));
            }
        }
    }
    let limit = gw.config.max_body_bytes;
    let raw = match read_body(req, limit, gw.config.body_timeout).await {
        Ok(raw) => raw,
        Err((why, partial)) => {
            let (status, code, message) = match why {
                BodyError::TooLarge => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "request_too_large",
                    format!("the body is larger than {limit} bytes"),
                ),
                BodyError::Slow => (
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    format!(
                        "the body took longer than {}s",
                        gw.config.body_timeout.as_secs()
                    ),
                ),
                BodyError::Broken => (
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    "the body could not be read".to_string(),
                ),
            };
            return Err(refusal.refuse(
                key.as_ref(),
                "",
                status,
                code,
                &message,
                vec![BAD_REQUEST_RULE.into()],
                &partial,
            ));
        }
    };
    let bad = |message: String, model: &str| {
        refusal.refuse(
            key.as_ref(),
            model,
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            &message,
            vec![BAD_REQUEST_RULE.into()],
            &raw,
        )
    };
    let mut body: Value = match serde_json::from_slice(&raw) {
        Ok(b) => b,
        Err(e) => return Err(bad(format!("body is not JSON: {e}"), "")),
    };
    let model = body["model"].as_str().unwrap_or_default().to_string();
    let view = match view::request(endpoint, &mut body) {
        Ok(v) => v,
        Err(e) => return Err(bad(e.to_string(), &model)),
    };
    if let Some(k) = &key {
        if !k.allows_model(&model) {
            return Err(refusal.refuse(
                key.as_ref(),
                &model,
                StatusCode::FORBIDDEN,
                "model_not_allowed",
                &format!("this key may not use model {model:?}"),
                vec![SCOPE_RULE.into()],
                &raw,
            ));
        }
    }
    let who = key
        .as_ref()
        .map_or_else(|| format!("ip:{}", addr.ip()), |k| format!("key:{}", k.id));
    let (signals, throttle) = gw.extraction.as_ref().map_or((Vec::new(), false), |x| {
        let s = x.observe(&who, &body);
        (
            s.rules.iter().map(|r| (*r).to_string()).collect(),
            s.throttle,
        )
    });
    if throttle {
        gw.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        let message = format!(
            "request pattern suggests model extraction ({}); slow down",
            signals.join(", ")
        );
        return Err(refusal.refuse(
            key.as_ref(),
            &model,
            StatusCode::TOO_MANY_REQUESTS,
            "extraction_suspected",
            &message,
            signals,
            &raw,
        ));
    }
    Ok(Admitted {
        rid,
        key,
        body,
        view,
        model,
        signals,
        canary,
        raw_len: raw.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_the_refill_time_of_one_request() {
        assert_eq!(retry_after(1, 1), 60);
        assert_eq!(retry_after(4, 1), 15);
        assert_eq!(retry_after(600, 1), 1);
        assert_eq!(retry_after(0, 1), 60);
        assert_eq!(retry_after(100, 0), 60);
    }
}
