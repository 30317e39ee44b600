//! rampart's gateway: a secure-by-default proxy in front of OpenAI-compatible LLM
//! APIs. API keys stored hashed with scopes, limits and expiry; rate limits; the guard
//! on every request and response (streams included, with a hold-back window);
//! egress redaction for external upstreams; failover; an audit-ledger entry for every
//! request, whose id is returned in `x-rampart-request-id`. Several instances share
//! one quota through Redis and one ledger through PostgreSQL.

#![forbid(unsafe_code)]

pub mod admin;
mod admit;
pub mod alerts;
mod answer;
pub mod app;
pub mod auditor;
pub mod breaker;
pub mod config;
pub mod drift;
pub mod extraction;
pub mod forwarded;
#[doc(hidden)]
pub mod fuzzing;
pub mod guard;
pub mod inspect;
pub mod judge;
pub mod keys;
pub mod limits;
pub mod logformat;
pub mod logsink;
pub mod metrics;
pub mod mock;
pub mod monitor;
pub mod otlp;
pub mod persona;
mod record;
pub mod redis_limits;
pub mod rules;
pub mod server;
mod stream;
mod threads;
pub mod tls;
pub mod tools;
mod upstream;
pub mod validate;
pub mod verdicts;
pub mod view;
