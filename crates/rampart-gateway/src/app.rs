//! Building a [`Gateway`] from a project's `rampart.toml`.

use std::path::Path;
use std::sync::Arc;

use rampart_core::system::{PromptKind, SystemDescription};
use rampart_guard::{PipelineConfig, Policy};
use rampart_ledger::{SqliteConfig, SqliteLedger};

use crate::config::Config;
use crate::guard::GuardInspector;
use crate::keys::KeyStore;
use crate::limits::RateLimiter;
use crate::server::{new_canary, Gateway, Metrics};

/// Why the gateway cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration is unusable or weakened without opt-in (the user's file).
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The key database cannot be opened (the operator's environment).
    #[error(transparent)]
    Keys(#[from] crate::keys::KeyError),
    /// The ledger cannot be opened (the operator's environment).
    #[error("ledger: {0}")]
    Ledger(String),
    /// The guard cannot be built (a bad policy or configuration).
    #[error("guard: {0}")]
    Guard(String),
    /// The TLS certificate, key or client CA cannot be used (the operator's files).
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    /// The HTTP client cannot be built.
    #[error("http client: {0}")]
    Client(String),
}

/// Builds the gateway for the project at `root` (paths in the file are relative to it).
pub fn build(
    root: &Path,
    system: &SystemDescription,
    raw_toml: &str,
) -> Result<Arc<Gateway>, StartError> {
    let config = Config::from_system(system)?;
    config.enforce(raw_toml)?;
    let keys = if config.settings.allow_anonymous && config.settings.keys.is_none() {
        None
    } else {
        let path = root.join(
            config
                .settings
                .keys
                .as_deref()
                .unwrap_or("rampart-keys.sqlite"),
        );
        Some(KeyStore::open(&path)?)
    };
    let ledger = match &config.ledger {
        Some(p) => {
            let mut cfg = SqliteConfig::new(root.join(p));
            cfg.store_bodies = config.store_bodies;
            Some(Arc::new(
                SqliteLedger::open(cfg).map_err(|e| StartError::Ledger(e.to_string()))?,
            ))
        }
        None => None,
    };
    let system_prompt = system
        .prompts
        .iter()
        .find(|p| p.kind == PromptKind::System)
        .and_then(|p| std::fs::read_to_string(root.join(&p.path)).ok());
    let canary = new_canary();
    let pipeline = PipelineConfig {
        system_prompt,
        canaries: vec![canary.clone()],
        ..PipelineConfig::default()
    };
    let inspector = GuardInspector::new(pipeline, Policy::default())
        .map_err(|e| StartError::Guard(e.to_string()))?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .map_err(|e| StartError::Client(e.to_string()))?;
    let tools = crate::tools::ToolPolicy::from_system(system).map_err(StartError::Guard)?;
    let tls = match &config.settings.tls {
        Some(t) => Some(crate::tls::server_config(
            &root.join(&t.cert),
            &root.join(&t.key),
            t.client_ca.as_ref().map(|c| root.join(c)).as_deref(),
        )?),
        None => None,
    };
    let breakers = crate::breaker::Breakers::new(
        config.settings.breaker_failures.unwrap_or(5),
        std::time::Duration::from_secs(config.settings.breaker_cooldown_secs.unwrap_or(30)),
    );
    Ok(Arc::new(Gateway {
        config,
        keys,
        limiter: RateLimiter::default(),
        inspector: Arc::new(inspector),
        ledger,
        client,
        metrics: Metrics::default(),
        breakers,
        canary: Some(canary),
        tools,
        tls,
    }))
}
