//! The one validator of a gateway configuration, shared by `rampart config check` and
//! the gateway's start ([`crate::app::build`]): what one refuses, the other refuses,
//! from this code.
//!
//! A [`Report`] holds two kinds of entries:
//! - [`Problem`]s: the configuration is broken or cannot work as written (an upstream
//!   URL that does not parse, an unset `api_key_env`, a guard table the guard refuses,
//!   TLS files that cannot be loaded). There is no opt-in; fix the file or the
//!   environment.
//! - [`Weakening`]s: a secure default is weakened. Those the file opts into explicitly
//!   (`opted_in`) are listed; the others are refused.
//!
//! The gateway starts only when there is no problem and every weakening is opted into.

use std::path::Path;

use rampart_core::system::SystemDescription;
use rampart_core::Guideline;

use crate::config::{Config, ConfigError, Weakening};

/// A setting that is broken as written: always refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The setting (`gateway.upstreams[hosted].url`).
    pub setting: String,
    /// What is wrong and what to do.
    pub message: String,
    /// The guideline the setting serves.
    pub guideline: Guideline,
}

/// Everything the validator found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Broken settings (each refused).
    pub problems: Vec<Problem>,
    /// Weakened defaults (refused unless `opted_in`).
    pub weakenings: Vec<Weakening>,
}

impl Report {
    /// True when the gateway refuses to start: a problem, or a weakening not opted into.
    pub fn refused(&self) -> bool {
        !self.problems.is_empty() || self.weakenings.iter().any(|w| !w.opted_in)
    }

    /// Every refused entry, one line each: `setting (guideline: message)`.
    pub fn refusals(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| format!("{} ({}: {})", p.setting, p.guideline, p.message))
            .chain(
                self.weakenings
                    .iter()
                    .filter(|w| !w.opted_in)
                    .map(|w| format!("{} ({}: {})", w.setting, w.guideline, w.message)),
            )
            .collect()
    }

    /// Fails with every refused entry when the gateway must not start.
    pub fn enforce(&self) -> Result<(), ConfigError> {
        if self.refused() {
            Err(ConfigError::Refused(self.refusals().join("; ")))
        } else {
            Ok(())
        }
    }

    fn problem(&mut self, setting: impl Into<String>, guideline: Guideline, message: String) {
        self.problems.push(Problem {
            setting: setting.into(),
            message,
            guideline,
        });
    }
}

/// Validates the gateway configuration of the `rampart.toml` in folder `root` (paths
/// in it are relative to `root`), reading environment variables from the process.
///
/// # Errors
/// [`ConfigError::Missing`] when the file has no `[gateway]` table.
pub fn check(root: &Path, system: &SystemDescription, raw: &str) -> Result<Report, ConfigError> {
    check_with_env(root, system, raw, &|var| std::env::var(var).ok())
}

/// Opens a connection to each `[[alerts]]` webhook sink's host and port (at most
/// [`crate::alerts::PROBE_TIMEOUT`] each, all at once) and adds a problem naming the
/// rule and sink for each that cannot be reached (`rampart config check
/// --probe-sinks`). Rules that do not check are skipped: [`check_with_env`] reports
/// them.
pub async fn probe_alert_sinks(
    report: &mut Report,
    system: &SystemDescription,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) {
    let Ok(rules) = crate::alerts::rules_with_env(&system.alerts, env) else {
        return;
    };
    for u in crate::alerts::probe_sinks(&rules, env, crate::alerts::PROBE_TIMEOUT).await {
        report.problem(
            u.at,
            Guideline::Om1,
            format!("the webhook cannot be reached: {}", u.why),
        );
    }
}

/// [`check`] with the environment variables read through `env`.
///
/// # Errors
/// [`ConfigError::Missing`] when the file has no `[gateway]` table.
pub fn check_with_env(
    root: &Path,
    system: &SystemDescription,
    raw: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Report, ConfigError> {
    let settings = system.gateway.as_ref().ok_or(ConfigError::Missing)?;
    let mut report = Report::default();
    match Config::from_system(system) {
        Ok(config) => report.weakenings = config.weakenings(raw),
        Err(ConfigError::Missing) => return Err(ConfigError::Missing),
        Err(e @ ConfigError::Listen(_)) => {
            report.problem("gateway.listen", Guideline::Dp1, e.to_string());
        }
        Err(e) => report.problem("gateway.trusted_proxies", Guideline::Dp1, e.to_string()),
    }
    let set = |var: &str| env(var).is_some_and(|v| !v.trim().is_empty());

    for u in &settings.upstreams {
        let setting = format!("gateway.upstreams[{}].url", u.name);
        match url::Url::parse(&u.url) {
            Err(e) => report.problem(
                setting,
                Guideline::Dp1,
                format!(
                    "upstream {}: {:?} is not a URL ({e}); write the API's base URL, e.g. https://api.example.com/v1",
                    u.name, u.url
                ),
            ),
            Ok(url) if !matches!(url.scheme(), "http" | "https") => report.problem(
                setting,
                Guideline::Dp1,
                format!(
                    "upstream {}: scheme {:?} is not https (or http to a loopback host)",
                    u.name,
                    url.scheme()
                ),
            ),
            Ok(_) => {}
        }
        if let Some(var) = &u.api_key_env {
            if !set(var) {
                let whose = if u.external {
                    "the external upstream"
                } else {
                    "upstream"
                };
                report.problem(
                    format!("gateway.upstreams[{}].api_key_env", u.name),
                    Guideline::Dp1,
                    format!(
                        "environment variable {var} is not set or empty: the gateway would call {whose} {} without its API key",
                        u.name
                    ),
                );
            }
        }
    }

    if settings.max_body_bytes == Some(0) {
        report.problem(
            "gateway.max_body_bytes",
            Guideline::Sd3,
            "0 refuses every request; leave it unset for the default (1 MiB)".into(),
        );
    }

    if let Some(var) = &settings.redis_url_env {
        if !set(var) {
            report.problem(
                "gateway.redis_url_env",
                Guideline::Dp2,
                format!("environment variable {var} is not set or empty: the shared rate-limit store cannot be reached"),
            );
        }
    }
    for (setting, zero) in [
        (
            "gateway.body_timeout_secs",
            settings.body_timeout_secs == Some(0),
        ),
        (
            "gateway.max_connections",
            settings.max_connections == Some(0),
        ),
        (
            "gateway.max_answer_bytes",
            settings.max_answer_bytes == Some(0),
        ),
    ] {
        if zero {
            report.problem(
                setting,
                Guideline::Dp1,
                "0 refuses every request; leave it unset for the default".into(),
            );
        }
    }
    if let Some(ledger) = &system.ledger {
        if let Some(r) = &ledger.retention {
            if let Err(e) = crate::config::parse_retention(r) {
                report.problem("ledger.retention", Guideline::Dp3, e);
            }
        }
        if ledger.store_bodies && ledger.body_key.is_none() {
            report.problem(
                "ledger.store_bodies",
                Guideline::Dv2,
                "stored bodies are sealed: name a key file with [ledger] body_key (created, mode 0600, when missing)".into(),
            );
        }
        if ledger.path.is_some() && ledger.url_env.is_some() {
            report.problem(
                "ledger",
                Guideline::Dp3,
                "[ledger] sets both path and url_env; choose SQLite (path) or PostgreSQL (url_env)"
                    .into(),
            );
        }
        if let Some(var) = &ledger.url_env {
            if !set(var) {
                report.problem(
                    "ledger.url_env",
                    Guideline::Dp3,
                    format!("environment variable {var} is not set or empty: the ledger cannot be opened"),
                );
            }
        }
    }

    if let Some(m) = &settings.monitor {
        let postgres_ledger = system.ledger.as_ref().is_some_and(|l| l.url_env.is_some());
        if m.shared_series == Some(true) && !postgres_ledger {
            report.problem(
                "gateway.monitor.shared_series",
                Guideline::Om1,
                "the shared time series is kept in the ledger's PostgreSQL database: set [ledger] url_env".into(),
            );
        }
        match crate::monitor::MonitorConfig::from_settings(m, Path::new(".")) {
            Err(e) => report.problem(e.0, Guideline::Om1, e.1),
            Ok(mut cfg) => {
                if let Some(Err(e)) = cfg.otlp.as_mut().map(|o| o.resolve_headers(env)) {
                    report.problem(e.0, Guideline::Om1, e.1);
                }
                // port 0 (a free port picked at bind) never collides
                let api = settings.listen.as_deref().unwrap_or("127.0.0.1:8080");
                if m.admin_listen.as_deref() == Some(api) && !api.ends_with(":0") {
                    report.problem(
                        "gateway.monitor.admin_listen",
                        Guideline::Dp1,
                        "the admin listener must not be the API listener".into(),
                    );
                }
            }
        }
    }

    if let Err((setting, e)) = crate::alerts::rules_with_env(&system.alerts, env) {
        report.problem(setting, Guideline::Om1, e);
    }
    if !system.alerts.is_empty() && settings.monitor.is_none() {
        report.problem(
            "alerts",
            Guideline::Om1,
            "[[alerts]] need [gateway.monitor]: without it no metric is kept".into(),
        );
    }

    // The guard table, applied exactly as the gateway applies it.
    if let Some(guard) = &system.guard {
        let mut pipeline = rampart_guard::PipelineConfig::default();
        if let Err(e) = rampart_guard::settings::apply(guard, &mut pipeline) {
            report.problem("guard", Guideline::Sd3, e.to_string());
        }
    }
    if let Err(e) = crate::tools::ToolPolicy::from_system(system) {
        report.problem("tools", Guideline::Sd3, e);
    }

    // The TLS files, loaded exactly as the gateway loads them.
    if let Some(t) = &settings.tls {
        if let Err(e) = crate::tls::server_config(
            &root.join(&t.cert),
            &root.join(&t.key),
            t.client_ca.as_ref().map(|c| root.join(c)).as_deref(),
        ) {
            report.problem("gateway.tls", Guideline::Dp1, e.to_string());
        }
    }
    Ok(report)
}
