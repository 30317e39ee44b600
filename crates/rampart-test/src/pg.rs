//! A real PostgreSQL server on loopback for the tests (and the benchmark).
//!
//! [`database`] returns a fresh, empty database on a server that this process starts
//! on first use: `initdb` into a temporary directory, `pg_ctl start` on a free loopback
//! port with its unix socket in that directory. The server is shared by the tests that
//! run at the same time and stopped (`pg_ctl stop -m immediate`, directory removed) by a `Drop` guard
//! when the last of them lets go of it. A watchdog process stops it too if this process
//! dies without unwinding (abort, SIGKILL), so no server is left running.
//!
//! The binaries are looked up in `$RAMPART_PG_BINDIR`, `/usr/lib/postgresql/<ver>/bin`
//! (Debian, newest version first) and `$PATH`. When they are missing, [`database`]
//! returns `None` after a loud warning — or panics when `$CI` is set, because CI must
//! run the PostgreSQL half. `initdb` refuses to run as root: as root, the server runs
//! as the `postgres` system user (`runuser`), owning the temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crate::free_port;

/// A running server; stopped when dropped.
pub struct PgServer {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    port: u16,
    run_as: Option<String>,
    watchdog: Option<Child>,
}

/// A fresh database on a running server. Keeps the server alive.
pub struct PgDatabase {
    /// The connection string for the ledger.
    pub url: String,
    /// The database's name.
    pub name: String,
    server: Arc<PgServer>,
}

impl PgDatabase {
    /// A new connection to this database (for tampering with rows directly).
    pub fn connect(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.url))
    }

    /// The server's loopback port.
    pub fn port(&self) -> u16 {
        self.server.port
    }
}

static SERVER: Mutex<Weak<PgServer>> = Mutex::new(Weak::new());
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// A fresh database, or `None` (after a warning) when PostgreSQL is not installed and
/// `$CI` is unset.
pub fn database() -> Option<PgDatabase> {
    let server = {
        let mut slot = SERVER.lock().unwrap_or_else(|e| e.into_inner());
        match slot.upgrade() {
            Some(s) => s,
            None => {
                let bindir = find_bindir()?;
                let s = Arc::new(PgServer::start(bindir));
                *slot = Arc::downgrade(&s);
                s
            }
        }
    };
    let name = format!(
        "ledger_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = postgres::Client::connect(&server.url("postgres"), postgres::NoTls)
        .expect("connect to the test server");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create the test database");
    Some(PgDatabase {
        url: server.url(&name),
        name,
        server,
    })
}

fn find_bindir() -> Option<PathBuf> {
    let has = |d: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| d.join(b).is_file())
    };
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("RAMPART_PG_BINDIR") {
        candidates.push(d.into());
    }
    if let Ok(rd) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = rd
            .filter_map(Result::ok)
            .filter_map(|e| {
                let v = e.file_name().to_str()?.parse::<u32>().ok()?;
                Some((v, e.path().join("bin")))
            })
            .collect();
        versions.sort_by_key(|v| std::cmp::Reverse(v.0));
        candidates.extend(versions.into_iter().map(|(_, p)| p));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    if let Some(d) = candidates.into_iter().find(|d| has(d)) {
        return Some(d);
    }
    let msg = "PostgreSQL is not installed (no initdb/pg_ctl/postgres in $RAMPART_PG_BINDIR, \
               /usr/lib/postgresql/*/bin or $PATH): install postgresql \
               (Debian: apt-get install -y postgresql)";
    if std::env::var_os("CI").is_some() {
        panic!("{msg}; CI must run the PostgreSQL ledger tests");
    }
    // Straight to the process's stderr, past the test harness's output capture, once.
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        let bar = "!".repeat(78);
        let _ = writeln!(
            std::io::stderr(),
            "\n{bar}\n!!! WARNING: {msg}.\n!!! SKIPPING the PostgreSQL half of the ledger tests.\n{bar}"
        );
    });
    None
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `runuser` (util-linux) lives in /usr/sbin, which a root `$PATH` may lack.
fn runuser() -> String {
    ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .unwrap_or("runuser")
        .to_string()
}

impl PgServer {
    fn start(bindir: PathBuf) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("rampart-pg-")
            .tempdir()
            .expect("temporary directory");
        let run_as = is_root().then(|| "postgres".to_string());
        if let Some(user) = &run_as {
            let ok = Command::new("chown")
                .arg("-R")
                .arg(format!("{user}:"))
                .arg(dir.path())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(
                ok,
                "running as root: cannot give {} to the `{user}` user (initdb refuses to run as \
                 root; the postgresql package creates that user)",
                dir.path().display()
            );
        }
        let mut server = Self {
            dir,
            bindir,
            port: 0,
            run_as,
            watchdog: None,
        };
        std::fs::create_dir(server.sock()).expect("socket directory");
        server.chown(&server.sock());
        let out = server
            .command("initdb")
            .arg("-D")
            .arg(server.data())
            .args(["-U", "rampart", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Stop the server even if this process dies without unwinding.
        server.watchdog = Command::new("sh")
            .arg("-c")
            .arg(
                r#"while kill -0 "$0" 2>/dev/null; do sleep 1; done; "$@" >/dev/null 2>&1; rm -rf "$RAMPART_PG_DIR""#,
            )
            .arg(std::process::id().to_string())
            .env("RAMPART_PG_DIR", server.dir.path())
            .args(server.stop_argv("immediate"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        let mut last_log = String::new();
        for _ in 0..5 {
            server.port = free_port();
            let opts = format!(
                "-c listen_addresses=127.0.0.1 -p {} -k {} -c max_connections=200",
                server.port,
                server.sock().display()
            );
            let status = server
                .command("pg_ctl")
                .arg("-D")
                .arg(server.data())
                .arg("-l")
                .arg(server.log())
                .args(["-w", "-t", "60", "-o", &opts, "start"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run pg_ctl");
            if status.success() {
                eprintln!(
                    "test PostgreSQL ({}) on 127.0.0.1:{} in {}",
                    server.bindir.display(),
                    server.port,
                    server.dir.path().display()
                );
                return server;
            }
            last_log = std::fs::read_to_string(server.log()).unwrap_or_default();
        }
        panic!("PostgreSQL did not start: {last_log}");
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn sock(&self) -> PathBuf {
        self.dir.path().join("sock")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    fn chown(&self, p: &Path) {
        if let Some(user) = &self.run_as {
            let _ = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(p)
                .status();
        }
    }

    /// The argv that runs `tool` from the server's bindir, as the server's user.
    fn argv(&self, tool: &str) -> Vec<String> {
        let exe = self.bindir.join(tool).display().to_string();
        match &self.run_as {
            Some(user) => vec![runuser(), "-u".into(), user.clone(), "--".into(), exe],
            None => vec![exe],
        }
    }

    fn command(&self, tool: &str) -> Command {
        let argv = self.argv(tool);
        let mut c = Command::new(&argv[0]);
        c.args(&argv[1..]).current_dir(self.dir.path());
        c
    }

    fn stop_argv(&self, mode: &str) -> Vec<String> {
        let mut v = self.argv("pg_ctl");
        v.extend([
            "-D".into(),
            self.data().display().to_string(),
            "-m".into(),
            mode.into(),
            "-w".into(),
            "stop".into(),
        ]);
        v
    }

    fn url(&self, db: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=rampart dbname={db} connect_timeout=10",
            self.port
        )
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if self.port != 0 {
            let argv = self.stop_argv("immediate");
            let _ = Command::new(&argv[0])
                .args(&argv[1..])
                .current_dir(self.dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
        // The TempDir removes the data directory.
    }
}
