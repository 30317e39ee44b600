//! `rampart gateway`, `rampart keys` and `rampart config check`.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use anyhow::{anyhow, bail, Context, Result};
use rampart_core::system::SystemDescription;
use rampart_gateway::config::{config_root, key_db_path};
use rampart_gateway::keys::KeyStore;
use serde_json::{json, Value};

use crate::cli::{
    ConfigCheckArgs, GatewayArgs, KeysCommand, KeysDbArgs, LogFormat, LogLevel, MockPersona,
    ReportFormat,
};
use crate::render::Printer;
use crate::ExitStatus;

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Structured logs on stderr (stdout stays free for command output). The per-request
/// lines are gathered and written by one thread every few milliseconds; warnings and
/// errors are written at once (see `rampart_gateway::logsink`). Keep the returned
/// guard until the end: dropping it writes what is left.
fn init_logging(
    format: LogFormat,
    level: LogLevel,
) -> Option<rampart_gateway::logsink::FlushGuard> {
    use tracing_subscriber::fmt::writer::MakeWriterExt;
    let level = match level {
        LogLevel::Error => tracing::Level::ERROR,
        LogLevel::Warn => tracing::Level::WARN,
        LogLevel::Info => tracing::Level::INFO,
        LogLevel::Debug => tracing::Level::DEBUG,
    };
    let (sink, guard) = match rampart_gateway::logsink::LogSink::new(Box::new(std::io::stderr())) {
        Ok((sink, guard)) => (Some(sink), Some(guard)),
        Err(_) => (None, None),
    };
    macro_rules! init {
        ($writer:expr) => {{
            let builder = tracing_subscriber::fmt()
                .with_max_level(level)
                .with_writer($writer)
                .with_ansi(false);
            // A second initialisation (only possible in tests) keeps the first subscriber.
            let _ = match format {
                // JSON fields; the lines written by `JsonLines`: the gateway's own
                // directly, byte for byte what the stock JSON formatter (flattened,
                // no current span) writes, every other line by that formatter
                LogFormat::Json => builder
                    .json()
                    .event_format(rampart_gateway::logformat::JsonLines::new())
                    .try_init(),
                LogFormat::Text => builder.try_init(),
            };
        }};
    }
    match sink {
        Some(sink) => {
            let (now, later) = (sink.clone(), sink);
            init!((move || now.immediate())
                .with_max_level(tracing::Level::WARN)
                .or_else(move || later.gathered()));
        }
        // no thread for the sink: every line written at once, as it comes
        None => init!(std::io::stderr),
    }
    guard
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what service managers send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub fn run(args: &GatewayArgs, p: &Printer) -> Result<ExitStatus> {
    let _log = init_logging(args.log_format, args.log_level);
    let rt = runtime()?;
    if let Some(addr) = &args.mock_upstream {
        let addr = addr
            .parse()
            .map_err(|_| anyhow!("invalid address {addr}"))?;
        return rt.block_on(async {
            let persona = match args.persona {
                MockPersona::Default => rampart_gateway::persona::Persona::Default,
                MockPersona::Vulnerable => rampart_gateway::persona::Persona::Vulnerable,
                MockPersona::Hardened => rampart_gateway::persona::Persona::Hardened,
            };
            let (local, state, task) = rampart_gateway::mock::serve_persona(addr, persona).await?;
            p.note(format_args!("mock upstream listening on http://{local}/v1"));
            tokio::select! {
                _ = task => {}
                () = shutdown_signal() => {}
            }
            // what reached the mock, for benchmarks (bench/redteam.sh) that count requests
            // at the target rather than trust the client's own report
            let stats = json!({
                "requests": state.count.load(Ordering::Relaxed),
                "first_request_unix_us": state.first_us.load(Ordering::Relaxed),
                "last_request_unix_us": state.last_us.load(Ordering::Relaxed),
            });
            p.note(format_args!("mock upstream stopped: {stats}"));
            Ok(ExitStatus::Success)
        });
    }
    let raw = rampart_core::bounded::read_to_string(
        &args.config,
        rampart_core::bounded::MAX_CONFIG_BYTES,
    )
    .with_context(|| format!("reading {}", args.config.display()))?;
    let system = SystemDescription::parse(&raw)?;
    let root = config_root(&args.config);
    let gw = rampart_gateway::app::build(root, &system, &raw)?;
    let listen = gw.config.listen;
    rt.block_on(async move {
        check_alert_sinks(&gw, args.allow_unreachable_sinks).await?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("binding {listen}"))?;
        tracing::info!(
            target: "rampart::gateway",
            address = %listener.local_addr()?,
            tls = gw.tls.is_some(),
            "listening"
        );
        let shutdown = async {
            shutdown_signal().await;
            tracing::info!(target: "rampart::gateway", "shutting down: draining in-flight requests");
        };
        let admin = match gw.monitor.as_ref().map(|m| m.config().admin_listen) {
            Some(addr) => {
                let admin = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding the admin listener {addr}"))?;
                tracing::info!(
                    target: "rampart::gateway",
                    address = %admin.local_addr()?,
                    "admin listener: dashboard at /admin, /admin/api/summary, /metrics"
                );
                let gw = std::sync::Arc::clone(&gw);
                Some(tokio::spawn(async move {
                    rampart_gateway::admin::serve(gw, admin, std::future::pending()).await
                }))
            }
            None => None,
        };
        rampart_gateway::server::serve(gw, listener, shutdown).await?;
        if let Some(a) = admin {
            a.abort();
        }
        Ok::<_, anyhow::Error>(())
    })?;
    // Pending ledger appends run on the blocking pool, which the runtime drains on drop.
    drop(rt);
    Ok(ExitStatus::Success)
}

/// Probes the `[[alerts]]` webhook sinks once: one that cannot be reached refuses the
/// start (a gateway whose alerts go nowhere is running blind, OM-2), or with `allow` is
/// logged and counted. Each sink is named as `alerts[NAME].sinks[i]` with its host and
/// port, never the URL's path (it may hold a token).
async fn check_alert_sinks(gw: &rampart_gateway::server::Gateway, allow: bool) -> Result<()> {
    let down = rampart_gateway::alerts::probe_at_start(gw).await;
    if allow || down.is_empty() {
        for u in &down {
            tracing::warn!(target: "rampart::alert", sink = %u.at, why = %u.why, "an alert sink cannot be reached: its deliveries will be retried and counted as failures");
        }
        return Ok(());
    }
    let list: Vec<String> = down
        .iter()
        .map(|u| format!("{}: {}", u.at, u.why))
        .collect();
    Err(anyhow!(
        "alert sinks cannot be reached: {}; fix them, or start with --allow-unreachable-sinks \
         (their deliveries are then retried and counted as failures)",
        list.join("; ")
    ))
}

/// The key database a `rampart keys` command works on: `--db`, or the one the gateway
/// of `--config` (default `./rampart.toml`) reads, by the gateway's own rule.
fn key_db(args: &KeysDbArgs) -> Result<PathBuf> {
    if let Some(db) = &args.db {
        return Ok(db.clone());
    }
    let config = match &args.config {
        Some(c) => c.clone(),
        None => {
            let c = PathBuf::from("rampart.toml");
            if !c.is_file() {
                bail!(
                    "no rampart.toml in the current folder: pass --config PATH (the gateway's \
                     rampart.toml; its key database is used) or --db PATH (a key database file)"
                );
            }
            c
        }
    };
    let raw =
        rampart_core::bounded::read_to_string(&config, rampart_core::bounded::MAX_CONFIG_BYTES)
            .with_context(|| format!("reading {}", config.display()))?;
    let system =
        SystemDescription::parse(&raw).with_context(|| format!("reading {}", config.display()))?;
    let settings = system.gateway.as_ref().ok_or_else(|| {
        anyhow!(
            "{} has no [gateway] table, so no gateway reads keys from it: add one, or pass --db PATH",
            config.display()
        )
    })?;
    key_db_path(config_root(&config), settings).ok_or_else(|| {
        anyhow!(
            "the gateway of {} serves anonymous requests and reads no key database \
             (allow_anonymous without keys): set [gateway] keys to use API keys",
            config.display()
        )
    })
}

/// Opens the key database of an existing deployment: a missing file is an error, so a
/// typo never creates an empty database beside the real one.
fn open_existing(args: &KeysDbArgs) -> Result<KeyStore> {
    let path = key_db(args)?;
    KeyStore::open_existing(&path).with_context(|| {
        format!(
            "opening {} (create a key first with `rampart keys create`)",
            path.display()
        )
    })
}

pub fn keys(cmd: &KeysCommand, p: &Printer) -> Result<ExitStatus> {
    match cmd {
        KeysCommand::Create(a) => {
            let path = key_db(&a.db)?;
            let store =
                KeyStore::open(&path).with_context(|| format!("opening {}", path.display()))?;
            let expires = if a.days == 0 {
                0
            } else {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
                    + a.days * 86_400
            };
            let (rec, key) = store.create_spec(&rampart_gateway::keys::KeySpec {
                tenant: a.tenant.clone(),
                models: a.models.clone(),
                tools: a.tools.clone(),
                routes: a.routes.clone(),
                rpm: a.rpm,
                tpm: a.tpm,
                expires,
            })?;
            println!("{key}");
            p.note(format_args!(
                "created key {} for tenant {} (models: {}) in {}; it is shown only now",
                rec.id,
                rec.tenant,
                rec.models.join(","),
                path.display()
            ));
        }
        KeysCommand::List(a) => {
            for rec in open_existing(a)?.list()? {
                println!("{}", serde_json::to_string(&rec)?);
            }
        }
        KeysCommand::Revoke(a) => {
            open_existing(&a.db)?.revoke(&a.id)?;
            p.note(format_args!("revoked {}", a.id));
        }
        KeysCommand::Rotate(a) => {
            println!("{}", open_existing(&a.db)?.rotate(&a.id)?);
            p.note(format_args!(
                "rotated {}: the old secret no longer works",
                a.id
            ));
        }
    }
    Ok(ExitStatus::Success)
}

pub fn config_check(args: &ConfigCheckArgs) -> Result<ExitStatus> {
    let raw = rampart_core::bounded::read_to_string(
        &args.config,
        rampart_core::bounded::MAX_CONFIG_BYTES,
    )
    .with_context(|| format!("reading {}", args.config.display()))?;
    let system = SystemDescription::parse(&raw)?;
    // The gateway's own validator, with paths relative to the file's folder as the
    // gateway resolves them.
    let mut report = rampart_gateway::validate::check(config_root(&args.config), &system, &raw)?;
    if args.probe_sinks {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the sink probe")?
            .block_on(rampart_gateway::validate::probe_alert_sinks(
                &mut report,
                &system,
                &|var| std::env::var(var).ok(),
            ));
    }
    if args.format == ReportFormat::Json {
        let problems: Vec<Value> = report
            .problems
            .iter()
            .map(|p| json!({"setting": p.setting, "message": p.message, "guideline": p.guideline.id()}))
            .collect();
        let weakenings: Vec<Value> = report
            .weakenings
            .iter()
            .map(|w| json!({"setting": w.setting, "message": w.message, "guideline": w.guideline.id(), "opted_in": w.opted_in}))
            .collect();
        let v = json!({
            "schema_version": 1,
            "command": "config-check",
            "config": args.config.display().to_string(),
            "refused": report.refused(),
            "problems": problems,
            "weakenings": weakenings,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else if report.problems.is_empty() && report.weakenings.is_empty() {
        println!(
            "{}: every gateway setting is at its secure default",
            args.config.display()
        );
    } else {
        for p in &report.problems {
            println!(
                "PROBLEM   {:<32} {}  ({})",
                p.setting, p.message, p.guideline
            );
        }
        for w in &report.weakenings {
            let state = if w.opted_in { "opted in" } else { "REFUSED " };
            println!(
                "{state}  {:<32} {}  ({})",
                w.setting, w.message, w.guideline
            );
        }
    }
    Ok(if report.refused() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}
