//! Building a [`Gateway`] from a project's `rampart.toml`.

use std::path::Path;
use std::sync::Arc;

use rampart_core::system::{PromptKind, SystemDescription};
use rampart_guard::{PipelineConfig, Policy};
use rampart_ledger::{PostgresConfig, PostgresLedger, SqliteConfig, SqliteLedger, Storage};

use crate::config::Config;
use crate::guard::GuardInspector;
use crate::keys::KeyStore;
use crate::limits::Limiter;
use crate::server::{Gateway, Metrics};

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
    /// The shared rate-limit store is misconfigured (the operator's environment).
    #[error(transparent)]
    Limits(#[from] crate::limits::LimitError),
    /// The guard cannot be built (a bad policy or configuration).
    #[error("guard: {0}")]
    Guard(String),
    /// The TLS certificate, key or client CA cannot be used (the operator's files).
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    /// The time-series store cannot be opened (the operator's environment).
    #[error("monitor: {0}")]
    Monitor(String),
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
    // The validator `rampart config check` runs: any problem, or a weakening not
    // opted into, stops the start.
    crate::validate::check(root, system, raw_toml)?.enforce()?;
    let config = Config::from_system(system)?;
    let keys = match crate::config::key_db_path(root, &config.settings) {
        Some(path) => {
            let store = KeyStore::open(&path)?;
            let count = store.count()?;
            tracing::info!(
                target: "rampart::gateway",
                path = %path.display(),
                keys = count,
                "key database"
            );
            if count == 0 && !config.settings.allow_anonymous {
                tracing::warn!(
                    target: "rampart::gateway",
                    path = %path.display(),
                    "the key database holds no keys: every request will be refused with 401 \
                     (create keys with `rampart keys create --config <this rampart.toml>`)"
                );
            }
            Some(store)
        }
        None => {
            tracing::info!(target: "rampart::gateway", "no key database: anonymous requests only");
            None
        }
    };
    let ledger: Option<Arc<dyn Storage>> =
        match (&config.ledger, &config.ledger_url_env) {
            (Some(_), Some(_)) => return Err(StartError::Ledger(
                "[ledger] sets both path and url_env; choose SQLite (path) or PostgreSQL (url_env)"
                    .into(),
            )),
            (Some(p), None) => {
                let mut cfg = SqliteConfig::new(root.join(p));
                cfg.store_bodies = config.store_bodies;
                cfg.body_key = body_key(root, &config)?;
                Some(Arc::new(
                    SqliteLedger::open(cfg).map_err(|e| StartError::Ledger(e.to_string()))?,
                ))
            }
            (None, Some(var)) => {
                let url = secret_env(var).map_err(StartError::Ledger)?;
                let mut cfg = PostgresConfig::new(url);
                cfg.store_bodies = config.store_bodies;
                cfg.body_key = body_key(root, &config)?;
                Some(Arc::new(
                    PostgresLedger::open(cfg).map_err(|e| StartError::Ledger(e.to_string()))?,
                ))
            }
            (None, None) => None,
        };
    let auditor = match &ledger {
        Some(l) => Some(
            crate::auditor::Auditor::start_gathering(
                Arc::clone(l),
                if config.durable {
                    crate::auditor::Gather::UnderLoad(crate::auditor::GATHER_DURABLE)
                } else {
                    crate::auditor::Gather::Always(crate::auditor::GATHER)
                },
            )
            .map_err(|e| StartError::Ledger(format!("starting the audit thread: {e}")))?,
        ),
        None => None,
    };
    let limiter = match &config.settings.redis_url_env {
        Some(var) => {
            let url = secret_env(var).map_err(crate::limits::LimitError::Config)?;
            Limiter::Redis(crate::redis_limits::RedisLimiter::new(&url)?)
        }
        None => Limiter::default(),
    };
    let system_prompt = system
        .prompts
        .iter()
        .find(|p| p.kind == PromptKind::System)
        .and_then(|p| {
            rampart_core::bounded::read_to_string(
                &root.join(&p.path),
                rampart_core::bounded::MAX_CONFIG_BYTES,
            )
            .ok()
        });
    // Canaries are planted and looked for per request (see `server::new_canary`).
    let mut pipeline = PipelineConfig {
        system_prompt,
        ..PipelineConfig::default()
    };
    let policy = match &system.guard {
        Some(g) => rampart_guard::settings::apply(g, &mut pipeline)
            .map_err(|e| StartError::Guard(e.to_string()))?,
        None => Policy::default(),
    };
    let inspector =
        GuardInspector::new(pipeline, policy).map_err(|e| StartError::Guard(e.to_string()))?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        // a redirect would re-post the prompt to another host: never followed
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| StartError::Client(e.to_string()))?;
    let upstream = crate::upstream::client().map_err(StartError::Client)?;
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
    let extraction = config.settings.extraction.as_ref().map(|s| {
        crate::extraction::Extraction::new(crate::extraction::Thresholds::from_settings(Some(s)))
    });
    let upstream_urls = crate::upstream::endpoint_urls(&config.settings.upstreams);
    let monitor = match &config.settings.monitor {
        Some(m) => {
            let mut cfg = crate::monitor::MonitorConfig::from_settings(m, root)
                .map_err(|(setting, e)| StartError::Monitor(format!("{setting}: {e}")))?;
            cfg.alerts = crate::alerts::rules(&system.alerts)
                .map_err(|(setting, e)| StartError::Monitor(format!("{setting}: {e}")))?;
            if let Some(o) = cfg.otlp.as_mut() {
                o.resolve_headers(&|v| std::env::var(v).ok())
                    .map_err(|(setting, e)| StartError::Monitor(format!("{setting}: {e}")))?;
            }
            cfg.checkpoint_note = config.ledger.as_ref().map(|p| {
                let mut dir = root.join(p).into_os_string();
                dir.push(".checkpoints");
                std::path::PathBuf::from(dir).join("latest.note")
            });
            if m.shared_series == Some(true) {
                let var = config.ledger_url_env.as_deref().ok_or_else(|| {
                    StartError::Monitor(
                        "gateway.monitor.shared_series: set [ledger] url_env".into(),
                    )
                })?;
                cfg.shared = Some(crate::monitor::Shared {
                    url: secret_env(var).map_err(StartError::Monitor)?,
                    instance: cfg.instance.clone(),
                });
            }
            Some(crate::monitor::Monitor::open(cfg).map_err(StartError::Monitor)?)
        }
        None => None,
    };
    Ok(Arc::new(Gateway {
        upstream_urls,
        config,
        keys,
        limiter,
        inspector: Arc::new(inspector),
        auditor,
        ledger,
        client,
        upstream,
        metrics: Metrics::default(),
        breakers,
        extraction,
        token_quotas: std::sync::Mutex::default(),
        tools,
        tls,
        monitor,
    }))
}

/// The key sealing stored bodies: `[ledger] body_key`, created (mode 0600) on first
/// use. Bodies are only stored sealed: the validator refuses `store_bodies` without it.
fn body_key(
    root: &Path,
    config: &Config,
) -> Result<Option<rampart_ledger::crypto::BodyKey>, StartError> {
    use rampart_ledger::crypto::BodyKey;
    let Some(p) = config.body_key.as_ref().filter(|_| config.store_bodies) else {
        return Ok(None);
    };
    let path = root.join(p);
    if !path.exists() {
        BodyKey::generate()
            .and_then(|k| k.save(&path))
            .map_err(|e| StartError::Ledger(format!("creating {}: {e}", path.display())))?;
        tracing::info!(target: "rampart::gateway", path = %path.display(), "body key created");
    }
    BodyKey::load(&path)
        .map(Some)
        .map_err(|e| StartError::Ledger(format!("{}: {e}", path.display())))
}

/// The value of the environment variable `var`, which holds a secret (a connection
/// URL with a password): the error names the variable, never the value.
fn secret_env(var: &str) -> Result<String, String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Ok(v),
        Ok(_) => Err(format!("environment variable {var} is empty")),
        Err(_) => Err(format!("environment variable {var} is not set")),
    }
}
