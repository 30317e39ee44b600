//! Gateway configuration from `rampart.toml`: the resolved settings, the key-database
//! rule, and every weakened default with the guideline it weakens. The whole validator
//! that `rampart config check` and the gateway's start share is
//! [`crate::validate::check`]; the gateway refuses to start with a weakening that was
//! not explicitly opted into.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rampart_core::system::{GatewaySettings, GuardSettings, SystemDescription};
use rampart_core::Guideline;

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The `[gateway]` table.
    pub settings: GatewaySettings,
    /// Listen address.
    pub listen: SocketAddr,
    /// Ledger database (SQLite file), when `[ledger] path` names one.
    pub ledger: Option<String>,
    /// Environment variable holding the PostgreSQL URL of a shared ledger, when
    /// `[ledger] url_env` names one.
    pub ledger_url_env: Option<String>,
    /// Store bodies in the ledger.
    pub store_bodies: bool,
    /// The `[guard]` table: the detectors' policy.
    pub guard: Option<GuardSettings>,
    /// Proxies whose `X-Forwarded-For` is believed (`[gateway] trusted_proxies`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Largest request body ([`DEFAULT_MAX_BODY_BYTES`]).
    pub max_body_bytes: usize,
    /// Time for a client to send its body ([`DEFAULT_BODY_TIMEOUT`]).
    pub body_timeout: Duration,
    /// Connections served at once ([`DEFAULT_MAX_CONNECTIONS`]).
    pub max_connections: usize,
    /// Largest upstream answer read ([`DEFAULT_MAX_ANSWER_BYTES`]).
    pub max_answer_bytes: usize,
    /// Output held back while streaming ([`DEFAULT_STREAM_HOLDBACK`]).
    pub stream_holdback: usize,
    /// Time for one upstream attempt ([`DEFAULT_UPSTREAM_TIMEOUT`]).
    pub upstream_timeout: Duration,
    /// Time for a whole admitted request ([`DEFAULT_REQUEST_TIMEOUT`]).
    pub request_timeout: Duration,
    /// How long stored bodies are kept ([`DEFAULT_RETENTION`]).
    pub retention: Duration,
    /// Key file sealing stored bodies (`[ledger] body_key`, relative to the file).
    pub body_key: Option<String>,
    /// Answer only once the ledger entry is durable (`[ledger] durable`).
    pub durable: bool,
}

/// Default largest request body: the guard's scan window, so no text is judged in part.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default time for a client to send its body once its headers are in.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connections served at once.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default largest upstream answer (or whole stream) read.
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 16 << 20;
/// Default output held back while streaming (characters; also the judge's window step).
pub const DEFAULT_STREAM_HOLDBACK: usize = 256;
/// Default time for one upstream attempt.
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time for a whole admitted request: every attempt and the whole answer.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(600);
/// Default retention of stored bodies: 30 days.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(30 * 86_400);

/// Parses the ISO 8601 durations `retention` takes: `PnW`, or `PnD` with an optional
/// time part `TnHnMnS` (`P30D`, `PT12H`, `P1DT6H`, `PT90S`). Years and months have no
/// fixed length and are refused. Hand-written: these six designators are all a
/// retention needs, and no small crate parses exactly them.
pub fn parse_retention(s: &str) -> Result<Duration, String> {
    let bad = || format!("{s:?} is not an ISO 8601 duration such as P30D, PT12H or P2W");
    let rest = s.trim().strip_prefix('P').ok_or_else(bad)?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    let mut secs: u64 = 0;
    let mut any = false;
    let mut take = |part: &str, units: &[(char, u64)]| -> Result<(), String> {
        let mut n = String::new();
        let mut last = 0usize;
        for c in part.chars() {
            if c.is_ascii_digit() {
                n.push(c);
                continue;
            }
            let pos = units.iter().position(|(u, _)| *u == c).ok_or_else(bad)?;
            if n.is_empty() || (any && pos < last) {
                return Err(bad());
            }
            let v: u64 = n.parse().map_err(|_| bad())?;
            secs = v
                .checked_mul(units[pos].1)
                .and_then(|x| secs.checked_add(x))
                .ok_or_else(bad)?;
            n.clear();
            last = pos + 1;
            any = true;
        }
        if n.is_empty() {
            Ok(())
        } else {
            Err(bad())
        }
    };
    take(date, &[('W', 7 * 86_400), ('D', 86_400)])?;
    if let Some(t) = time {
        take(t, &[('H', 3600), ('M', 60), ('S', 1)])?;
    }
    if !any {
        return Err(bad());
    }
    Ok(Duration::from_secs(secs))
}

/// A weakened setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakening {
    /// The setting.
    pub setting: String,
    /// What it weakens.
    pub message: String,
    /// The guideline it weakens.
    pub guideline: Guideline,
    /// Whether the file opts into it explicitly (otherwise the gateway refuses to start).
    pub opted_in: bool,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No `[gateway]` table (the user's file).
    #[error("rampart.toml has no [gateway] table")]
    Missing,
    /// The listen address is invalid (the user's file).
    #[error("invalid listen address {0:?}")]
    Listen(String),
    /// A `trusted_proxies` entry is not an address or range (the user's file).
    #[error("gateway.trusted_proxies: {0}")]
    TrustedProxy(String),
    /// A weakened default without opt-in (the user's file).
    #[error("refusing to start: {0}")]
    Refused(String),
}

/// The key database when `[gateway] keys` names none.
pub const DEFAULT_KEY_DB: &str = "rampart-keys.sqlite";

/// The key database the gateway reads: `[gateway] keys` (default
/// [`DEFAULT_KEY_DB`]) relative to `root`, the folder of the `rampart.toml`. `None`
/// when the gateway reads no keys (`allow_anonymous` without `keys`). The one rule
/// shared by the gateway and `rampart keys`.
pub fn key_db_path(root: &Path, settings: &GatewaySettings) -> Option<PathBuf> {
    match &settings.keys {
        Some(keys) => Some(root.join(keys)),
        None if settings.allow_anonymous => None,
        None => Some(root.join(DEFAULT_KEY_DB)),
    }
}

/// The folder paths in a `rampart.toml` are relative to: the file's folder (`.` for
/// a bare file name).
pub fn config_root(config_file: &Path) -> &Path {
    config_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Secret-looking key names that must never hold literal values in the file.
const SECRET_KEYS: &[&str] = &[
    "api_key",
    "apikey",
    "token",
    "secret",
    "password",
    "authorization",
    "bearer",
];

impl Config {
    /// Reads the gateway settings of a system description.
    pub fn from_system(system: &SystemDescription) -> Result<Config, ConfigError> {
        let settings = system.gateway.clone().ok_or(ConfigError::Missing)?;
        let listen_text = settings
            .listen
            .clone()
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen = listen_text
            .parse()
            .map_err(|_| ConfigError::Listen(listen_text.clone()))?;
        let ledger = system.ledger.as_ref();
        Ok(Config {
            listen,
            max_body_bytes: settings.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            body_timeout: settings
                .body_timeout_secs
                .map_or(DEFAULT_BODY_TIMEOUT, Duration::from_secs),
            max_connections: settings
                .max_connections
                .unwrap_or(DEFAULT_MAX_CONNECTIONS)
                .max(1),
            max_answer_bytes: settings
                .max_answer_bytes
                .unwrap_or(DEFAULT_MAX_ANSWER_BYTES),
            stream_holdback: settings.stream_holdback.unwrap_or(DEFAULT_STREAM_HOLDBACK),
            upstream_timeout: settings
                .upstream_timeout_secs
                .map_or(DEFAULT_UPSTREAM_TIMEOUT, Duration::from_secs),
            request_timeout: settings
                .request_timeout_secs
                .map_or(DEFAULT_REQUEST_TIMEOUT, Duration::from_secs),
            // an unparsable retention is refused by the validator
            retention: ledger
                .and_then(|l| l.retention.as_deref())
                .and_then(|r| parse_retention(r).ok())
                .unwrap_or(DEFAULT_RETENTION),
            body_key: ledger.and_then(|l| l.body_key.clone()),
            durable: ledger.is_some_and(|l| l.durable),
            ledger: system.ledger.as_ref().and_then(|l| l.path.clone()),
            ledger_url_env: system.ledger.as_ref().and_then(|l| l.url_env.clone()),
            store_bodies: system.ledger.as_ref().is_some_and(|l| l.store_bodies),
            guard: system.guard.clone(),
            trusted_proxies: crate::forwarded::parse_trusted(&settings.trusted_proxies)
                .map_err(ConfigError::TrustedProxy)?,
            settings,
        })
    }

    /// Every weakened setting.
    pub fn weakenings(&self, raw_toml: &str) -> Vec<Weakening> {
        let mut out = Vec::new();
        let s = &self.settings;
        if s.allow_anonymous {
            out.push(Weakening {
                setting: "gateway.allow_anonymous".into(),
                message: "requests without an API key are served".into(),
                guideline: Guideline::Dp1,
                opted_in: true,
            });
        }
        if !self.listen.ip().is_loopback() && s.tls.is_none() {
            out.push(Weakening {
                setting: "gateway.listen".into(),
                message: format!("plain HTTP on the non-loopback address {}: keys and prompts cross the network unencrypted (set [gateway.tls], or put a TLS-terminating proxy in front)", self.listen),
                guideline: Guideline::Dp1,
                opted_in: s.allow_plain_http,
            });
        }
        let admin = s.monitor.as_ref().map(|m| {
            m.admin_listen
                .as_deref()
                .unwrap_or(crate::monitor::DEFAULT_ADMIN_LISTEN)
                .parse::<SocketAddr>()
        });
        if let Some(Ok(addr)) = admin {
            if !addr.ip().is_loopback() && s.tls.is_none() {
                out.push(Weakening {
                    setting: "gateway.monitor.admin_listen".into(),
                    message: format!("plain HTTP on the non-loopback admin address {addr}: admin keys and the dashboard's data cross the network unencrypted (set [gateway.tls], or keep it on loopback)"),
                    guideline: Guideline::Dp1,
                    opted_in: s.allow_plain_http,
                });
            }
        }
        if covers_every_address(&self.trusted_proxies) {
            out.push(Weakening {
                setting: "gateway.trusted_proxies".into(),
                message: "X-Forwarded-For is believed from any address (the ranges cover all of IPv4 or IPv6): clients choose their own address for per-address limits and logs".into(),
                guideline: Guideline::Dp1,
                opted_in: false,
            });
        }
        if s.stream_holdback == Some(0) {
            out.push(Weakening {
                setting: "gateway.stream_holdback".into(),
                message: "0 releases streamed output before the guard has judged it: a leaking secret or canary reaches the client before the stream is stopped".into(),
                guideline: Guideline::Sd3,
                opted_in: false,
            });
        }
        let scan_window = rampart_guard::PipelineConfig::default().max_scan_bytes;
        if let Some(max) = s.max_body_bytes.filter(|m| *m > scan_window) {
            out.push(Weakening {
                setting: "gateway.max_body_bytes".into(),
                message: format!("requests of up to {max} bytes are accepted but the guard judges only the first {scan_window} bytes of text: the rest would reach the upstream unjudged"),
                guideline: Guideline::Sd3,
                opted_in: false,
            });
        }
        if s.fail_open {
            out.push(Weakening {
                setting: "gateway.fail_open".into(),
                message: "requests are forwarded when a detector fails".into(),
                guideline: Guideline::Sd3,
                opted_in: true,
            });
        }
        for (setting, message) in self
            .guard
            .as_ref()
            .map(rampart_guard::settings::weakenings)
            .unwrap_or_default()
        {
            out.push(Weakening {
                setting,
                message,
                guideline: Guideline::Sd3,
                opted_in: true,
            });
        }
        if self.ledger.is_none() && self.ledger_url_env.is_none() {
            out.push(Weakening {
                setting: "ledger.path".into(),
                message: "no audit ledger ([ledger] path or url_env): requests and decisions are not recorded".into(),
                guideline: Guideline::Dp3,
                opted_in: false,
            });
        }
        if self.store_bodies {
            out.push(Weakening {
                setting: "ledger.store_bodies".into(),
                message: "request and response bodies are kept in the ledger".into(),
                guideline: Guideline::Dv2,
                opted_in: true,
            });
        }
        for u in &s.upstreams {
            // An unparseable URL is a problem `validate::check` reports.
            let Ok(url) = url::Url::parse(&u.url) else {
                continue;
            };
            let setting = format!("gateway.upstreams[{}].url", u.name);
            if !url.username().is_empty() || url.password().is_some() {
                out.push(Weakening {
                    setting: setting.clone(),
                    message: format!("upstream {}: credentials are written in the URL (user:password@host); put the key in an environment variable and name it with api_key_env", u.name),
                    guideline: Guideline::Dp1,
                    opted_in: false,
                });
            }
            if url.scheme() == "http" && !is_loopback_url(&url) {
                out.push(Weakening {
                    setting,
                    message: format!(
                        "upstream {} is reached over plain HTTP (host {}); only a loopback host may be",
                        u.name,
                        url.host_str().unwrap_or_default()
                    ),
                    guideline: Guideline::Dp1,
                    opted_in: false,
                });
            }
        }
        for (n, line) in raw_toml.lines().enumerate() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            // Commented-out secrets are still secrets in the file.
            let key = key
                .trim()
                .trim_start_matches('#')
                .trim()
                .trim_matches('"')
                .to_ascii_lowercase();
            let value = value.trim();
            if SECRET_KEYS
                .iter()
                .any(|k| key == *k || key.ends_with(&format!("_{k}")))
                && value.starts_with('"')
                && value.len() > 2
            {
                out.push(Weakening {
                    setting: format!("line {}: {key}", n + 1),
                    message: "a secret is written in the configuration file; put it in an environment variable and name it with api_key_env".into(),
                    guideline: Guideline::Dp1,
                    opted_in: false,
                });
            }
        }
        out
    }

    /// Fails when a weakening was not opted into. Only the weakenings of the file:
    /// [`crate::validate::check`] is the whole validator the gateway and `rampart
    /// config check` run (broken settings, the environment, TLS files, the guard table).
    pub fn enforce(&self, raw_toml: &str) -> Result<(), ConfigError> {
        let refused: Vec<String> = self
            .weakenings(raw_toml)
            .into_iter()
            .filter(|w| !w.opted_in)
            .map(|w| format!("{} ({}: {})", w.setting, w.guideline, w.message))
            .collect();
        if refused.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Refused(refused.join("; ")))
        }
    }
}

/// True when the URL's host is a loopback IP literal (IPv4 127.0.0.0/8, `[::1]`) or
/// exactly `localhost`. Decided from the parsed host, so `127.0.0.1.nip.io` and
/// `127.0.0.1@evil.example` are not loopback.
pub fn is_loopback_url(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// True when the ranges together cover every IPv4 or every IPv6 address (`0.0.0.0/0`,
/// or `0.0.0.0/1` with `128.0.0.0/1`, ...).
pub fn covers_every_address(nets: &[ipnet::IpNet]) -> bool {
    ipnet::IpNet::aggregate(&nets.to_vec())
        .iter()
        .any(|n| n.prefix_len() == 0)
}

#[cfg(test)]
mod retention_tests {
    use super::*;

    #[test]
    fn retention_durations() {
        for (s, secs) in [
            ("P30D", 30 * 86_400),
            ("PT12H", 12 * 3600),
            ("P2W", 14 * 86_400),
            ("P1DT6H30M", 86_400 + 6 * 3600 + 1800),
            ("PT90S", 90),
        ] {
            assert_eq!(parse_retention(s), Ok(Duration::from_secs(secs)), "{s}");
        }
        for s in [
            "",
            "P",
            "PT",
            "30D",
            "P1M",
            "P1Y",
            "PT5D",
            "P5H",
            "P-1D",
            "P1DT",
            "PD",
            "P99999999999999999999D",
            "P1H1D",
        ] {
            assert!(parse_retention(s).is_err(), "{s}");
        }
    }
}
