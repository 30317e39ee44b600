//! A real `redis-server` on loopback for the tests: `redis-server` from `$PATH`
//! (Debian: `apt-get install -y redis-server`), no persistence, killed on drop or
//! when the test process dies.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

/// A `redis-server` on a free loopback port, without persistence; killed on drop.
pub struct RedisServer {
    child: Child,
    watchdog: Option<Child>,
    port: u16,
    _dir: tempfile::TempDir,
}

impl RedisServer {
    /// `redis://127.0.0.1:PORT/`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}

fn redis_binary() -> Option<String> {
    let found = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("redis-server"))
            .find(|f| f.is_file())
    });
    if let Some(f) = found {
        return Some(f.display().to_string());
    }
    let msg = "redis-server is not installed (not in $PATH): install it (Debian: apt-get install -y redis-server)";
    if std::env::var_os("CI").is_some() {
        panic!("{msg}; CI must run the gateway scale-out tests");
    }
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        let bar = "!".repeat(78);
        let _ = writeln!(
            std::io::stderr(),
            "\n{bar}\n!!! WARNING: {msg}.\n!!! SKIPPING the Redis half of the gateway scale-out tests.\n{bar}"
        );
    });
    None
}

/// Starts `redis-server` on `port` (a free one when `None`); `None` when the binary is
/// missing and `$CI` is unset.
pub fn redis_on(port: Option<u16>) -> Option<RedisServer> {
    let bin = redis_binary()?;
    let mut last = String::new();
    for _ in 0..5 {
        let port = port.unwrap_or_else(free_port);
        let dir = tempfile::Builder::new()
            .prefix("rampart-redis-")
            .tempdir()
            .unwrap();
        let log = dir.path().join("redis.log");
        let child = Command::new(&bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(dir.path())
            .arg("--logfile")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run redis-server");
        // Stop the server even if this process dies without unwinding.
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(r#"while kill -0 "$0" 2>/dev/null; do sleep 1; done; kill -9 "$1" 2>/dev/null"#)
            .arg(std::process::id().to_string())
            .arg(child.id().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        let mut server = RedisServer {
            child,
            watchdog,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = server.child.try_wait() {
                break;
            }
            let pong = redis::Client::open(server.url())
                .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(200)))
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if pong.is_ok() {
                eprintln!("test Redis on 127.0.0.1:{port}");
                return Some(server);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        last = std::fs::read_to_string(&log).unwrap_or_default();
        drop(server);
    }
    panic!("redis-server did not start: {last}");
}
