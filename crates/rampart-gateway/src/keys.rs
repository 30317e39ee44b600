//! API keys: stored hashed (SHA-256 of the secret), each with a tenant, scopes (the
//! models it may call), a request rate and an expiry; compared in constant time.
//! A key reads `rk_<id>_<secret>`; only the id and the hash are stored.
//!
//! Authentication reads keys from memory ([`KeyCache`]): a SQLite read transaction
//! per request (file locks, a B-tree walk) was a tenth of the gateway's CPU. The
//! cache is dropped whenever the database or its write-ahead log changes on disk
//! (size, modification time or inode, looked at no more than once every
//! [`KEY_FILES_CHECK`]: two `stat` calls per request were still 4% of the
//! gateway's CPU), so a key created, rotated or revoked by `rampart keys` applies
//! to the requests that arrive a millisecond later; an entry is also
//! read again once it is [`KEY_CACHE_MAX_AGE`] old, which bounds the one change the
//! file check can miss (a WAL restarted within the same clock tick at the same size).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A stored key (without its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRecord {
    /// Public identifier.
    pub id: String,
    /// Tenant the key belongs to.
    pub tenant: String,
    /// Models it may use (`*` for all).
    pub models: Vec<String>,
    /// Requests per minute (0 = the gateway default).
    pub rpm: u32,
    /// Tools the model may call on this key's behalf: names, or `*` for every tool
    /// that is not high-risk. Empty: none.
    pub tools: Vec<String>,
    /// Routes it may call (e.g. `/v1/embeddings`). Empty: every route.
    pub routes: Vec<String>,
    /// Tokens per minute across requests, as the upstream reports them (0 = no quota).
    pub tpm: u32,
    /// Expiry, Unix seconds (0 = none).
    pub expires: u64,
    /// Revoked keys are refused.
    pub revoked: bool,
}

impl KeyRecord {
    /// True when the key may call `model`.
    pub fn allows_model(&self, model: &str) -> bool {
        self.models.iter().any(|m| m == "*" || m == model)
    }

    /// True when the key may call `route`.
    pub fn allows_route(&self, route: &str) -> bool {
        self.routes.is_empty() || self.routes.iter().any(|r| r == "*" || r == route)
    }
}

/// What a new key may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySpec {
    /// Tenant the key belongs to.
    pub tenant: String,
    /// Models (empty: every model).
    pub models: Vec<String>,
    /// Tools the model may call for it.
    pub tools: Vec<String>,
    /// Routes (empty: every route).
    pub routes: Vec<String>,
    /// Requests per minute (0 = the gateway default).
    pub rpm: u32,
    /// Tokens per minute (0 = no quota).
    pub tpm: u32,
    /// Expiry, Unix seconds (0 = none).
    pub expires: u64,
}

/// Why a key operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key database failed (operator's environment).
    #[error("key store: {0}")]
    Store(#[from] rusqlite::Error),
    /// No such key id (caller's input).
    #[error("no key with id {0}")]
    NotFound(String),
    /// The key is revoked; revoked keys stay revoked (caller's input).
    #[error("key {0} is revoked and cannot be rotated; create a new key instead")]
    Revoked(String),
    /// The key database does not exist (caller's input: a read-only command never
    /// creates one).
    #[error("no key database at {0}")]
    NoDatabase(String),
    /// The key database file cannot be created (operator's environment).
    #[error("creating {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The system random generator failed.
    #[error("random generator: {0}")]
    Random(String),
}

/// The key store (SQLite).
pub struct KeyStore {
    conn: Mutex<Connection>,
    cache: Mutex<KeyCache>,
    /// The database file and its write-ahead log, whose metadata says when the
    /// cache is stale.
    files: [PathBuf; 2],
}

/// Longest time a key read from the database is used without reading it again.
pub const KEY_CACHE_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(1);
/// How often the key database files are looked at for changes made elsewhere
/// (changes made through the same store drop the cache at once).
pub const KEY_FILES_CHECK: std::time::Duration = std::time::Duration::from_millis(1);
/// Most keys held in memory; past it the cache starts over (only known ids are
/// cached, so this is reached only by a store with that many live keys).
const KEY_CACHE_ENTRIES: usize = 16_384;

/// What identifies one state of a file on disk: size, modification time, inode.
type FileStamp = Option<(u64, Option<std::time::SystemTime>, u64)>;

fn stamp(path: &Path) -> FileStamp {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0;
    Some((m.len(), m.modified().ok(), ino))
}

/// Keys read from the database, by id: the stored hash and the record, and when
/// they were read; valid while the files' stamps are those it was filled under.
#[derive(Default)]
struct KeyCache {
    stamps: Option<[FileStamp; 2]>,
    /// When the files were last looked at.
    checked: Option<Instant>,
    entries: HashMap<String, (Vec<u8>, KeyRecord, Instant)>,
}

fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Constant-time comparison of equal-length byte strings.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random_token(bytes: usize) -> Result<String, KeyError> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(hex::encode(buf))
}

/// A key record from a row whose columns 1 to 8 are tenant, models, rpm, expires,
/// revoked, tools, routes and tpm (column 0 is the id or the hash, read by the caller).
fn key_record(id: String, r: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRecord> {
    Ok(KeyRecord {
        id,
        tenant: r.get(1)?,
        models: r
            .get::<_, String>(2)?
            .split(',')
            .map(str::to_string)
            .collect(),
        rpm: r.get(3)?,
        tools: split_list(&r.get::<_, String>(6)?),
        routes: split_list(&r.get::<_, String>(7)?),
        tpm: r.get(8)?,
        expires: r.get::<_, i64>(4)?.max(0) as u64,
        revoked: r.get::<_, i64>(5)? != 0,
    })
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl KeyStore {
    /// Opens the key database, creating it (mode 0600 on Unix) when it is missing.
    pub fn open(path: &Path) -> Result<KeyStore, KeyError> {
        rampart_ledger::store::create_private_file(path).map_err(|source| KeyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::open_file(path)
    }

    /// Opens an existing key database; a missing one is an error, never created.
    pub fn open_existing(path: &Path) -> Result<KeyStore, KeyError> {
        if !path.is_file() {
            return Err(KeyError::NoDatabase(path.display().to_string()));
        }
        Self::open_file(path)
    }

    fn open_file(path: &Path) -> Result<KeyStore, KeyError> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE IF NOT EXISTS api_key (
                id TEXT PRIMARY KEY, hash BLOB NOT NULL, tenant TEXT NOT NULL,
                models TEXT NOT NULL, rpm INTEGER NOT NULL, expires INTEGER NOT NULL,
                revoked INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,
                tools TEXT NOT NULL DEFAULT '', routes TEXT NOT NULL DEFAULT '',
                tpm INTEGER NOT NULL DEFAULT 0);",
        )?;
        // Databases from before a column existed get it with its default.
        for (column, decl) in [
            ("tools", "TEXT NOT NULL DEFAULT ''"),
            ("routes", "TEXT NOT NULL DEFAULT ''"),
            ("tpm", "INTEGER NOT NULL DEFAULT 0"),
        ] {
            let present: bool = conn.query_row(
                "SELECT COUNT(*) > 0 FROM pragma_table_info('api_key') WHERE name = ?1",
                params![column],
                |r| r.get(0),
            )?;
            if !present {
                conn.execute_batch(&format!("ALTER TABLE api_key ADD COLUMN {column} {decl}"))?;
            }
        }
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        Ok(KeyStore {
            conn: Mutex::new(conn),
            cache: Mutex::new(KeyCache::default()),
            files: [path.to_path_buf(), PathBuf::from(wal)],
        })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, KeyCache> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets every cached key (after a change made through this store).
    fn forget(&self) {
        *self.cache() = KeyCache::default();
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Creates a key without tool access; returns the record and the full key, shown once.
    pub fn create(
        &self,
        tenant: &str,
        models: &[String],
        rpm: u32,
        expires: u64,
    ) -> Result<(KeyRecord, String), KeyError> {
        self.create_with_tools(tenant, models, &[], rpm, expires)
    }

    /// Creates a key allowed to have the model call `tools`.
    pub fn create_with_tools(
        &self,
        tenant: &str,
        models: &[String],
        tools: &[String],
        rpm: u32,
        expires: u64,
    ) -> Result<(KeyRecord, String), KeyError> {
        self.create_spec(&KeySpec {
            tenant: tenant.into(),
            models: models.to_vec(),
            tools: tools.to_vec(),
            rpm,
            expires,
            ..KeySpec::default()
        })
    }

    /// Creates a key; returns the record and the full key, shown once.
    pub fn create_spec(&self, spec: &KeySpec) -> Result<(KeyRecord, String), KeyError> {
        let id = random_token(6)?;
        let secret = random_token(24)?;
        let key = format!("rk_{id}_{secret}");
        let models = if spec.models.is_empty() {
            vec!["*".to_string()]
        } else {
            spec.models.clone()
        };
        self.conn().execute(
            "INSERT INTO api_key (id, hash, tenant, models, rpm, expires, created, tools, routes, tpm) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![id, hash(&key), spec.tenant, models.join(","), spec.rpm, spec.expires as i64, now() as i64, spec.tools.join(","), spec.routes.join(","), spec.tpm],
        )?;
        self.forget();
        Ok((
            KeyRecord {
                id,
                tenant: spec.tenant.clone(),
                models,
                rpm: spec.rpm,
                tools: spec.tools.clone(),
                routes: spec.routes.clone(),
                tpm: spec.tpm,
                expires: spec.expires,
                revoked: false,
            },
            key,
        ))
    }

    /// Every key, without secrets.
    pub fn list(&self) -> Result<Vec<KeyRecord>, KeyError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, tenant, models, rpm, expires, revoked, tools, routes, tpm FROM api_key ORDER BY created, id",
        )?;
        let rows = stmt.query_map([], |r| key_record(r.get(0)?, r))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many keys are stored (revoked and expired ones included).
    pub fn count(&self) -> Result<u64, KeyError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM api_key", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Revokes a key.
    pub fn revoke(&self, id: &str) -> Result<(), KeyError> {
        let n = self
            .conn()
            .execute("UPDATE api_key SET revoked = 1 WHERE id = ?1", params![id])?;
        self.forget();
        if n == 0 {
            return Err(KeyError::NotFound(id.into()));
        }
        Ok(())
    }

    /// Replaces a key's secret (same id, tenant and scopes); returns the new key.
    /// A revoked key stays revoked: rotating it is [`KeyError::Revoked`].
    pub fn rotate(&self, id: &str) -> Result<String, KeyError> {
        let secret = random_token(24)?;
        let key = format!("rk_{id}_{secret}");
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE api_key SET hash = ?2 WHERE id = ?1 AND revoked = 0",
            params![id, hash(&key)],
        )?;
        self.forget();
        if n == 0 {
            let exists: bool = conn.query_row(
                "SELECT COUNT(*) > 0 FROM api_key WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )?;
            return Err(if exists {
                KeyError::Revoked(id.into())
            } else {
                KeyError::NotFound(id.into())
            });
        }
        Ok(key)
    }

    /// The stored hash and record of key `id`: from the cache while the database
    /// files are unchanged and the entry is younger than [`KEY_CACHE_MAX_AGE`],
    /// else read from the database (and cached when the id exists).
    fn lookup(&self, id: &str) -> Result<Option<(Vec<u8>, KeyRecord)>, KeyError> {
        // Stamps are taken before the read: a change landing between the two leaves
        // newer data under older stamps, which the next look at the files sees.
        let due = self
            .cache()
            .checked
            .is_none_or(|t| t.elapsed() >= KEY_FILES_CHECK);
        let stamps = due.then(|| [stamp(&self.files[0]), stamp(&self.files[1])]);
        let seen = {
            let mut cache = self.cache();
            if let Some(stamps) = stamps {
                cache.checked = Some(Instant::now());
                if cache.stamps != Some(stamps) {
                    cache.entries.clear();
                    cache.stamps = Some(stamps);
                }
            }
            if let Some((stored, record, read)) = cache.entries.get(id) {
                if read.elapsed() < KEY_CACHE_MAX_AGE {
                    return Ok(Some((stored.clone(), record.clone())));
                }
            }
            cache.stamps
        };
        // prepared once per connection (parsing the statement cost more than the
        // lookup)
        let row = self
            .conn()
            .prepare_cached(
                "SELECT hash, tenant, models, rpm, expires, revoked, tools, routes, tpm FROM api_key WHERE id = ?1",
            )?
            .query_row(params![id], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, key_record(id.to_string(), r)?))
            })
            .optional()?;
        if let Some((stored, record)) = &row {
            let mut cache = self.cache();
            // cached only under the stamps it was read after (a change seen by a
            // concurrent request in between has already replaced them)
            if cache.stamps == seen {
                if cache.entries.len() >= KEY_CACHE_ENTRIES {
                    cache.entries.clear();
                }
                cache.entries.insert(
                    id.to_string(),
                    (stored.clone(), record.clone(), Instant::now()),
                );
            }
        }
        Ok(row)
    }

    /// Checks a presented key: the record when the key is known, unrevoked and
    /// unexpired. The stored hash is compared in constant time.
    pub fn authenticate(&self, presented: &str) -> Result<Option<KeyRecord>, KeyError> {
        let Some(rest) = presented.strip_prefix("rk_") else {
            return Ok(None);
        };
        let Some((id, _)) = rest.split_once('_') else {
            return Ok(None);
        };
        let Some((stored, record)) = self.lookup(id)? else {
            // The same hashing and comparison as a hit. (A key in use answers from
            // memory, faster than an id never seen; ids are public identifiers, the
            // secret is what the constant-time comparison protects.)
            let _ = ct_eq(&hash(presented), &[0u8; 32]);
            return Ok(None);
        };
        let valid = ct_eq(&hash(presented), &stored);
        let expired = record.expires != 0 && record.expires < now();
        Ok((valid && !record.revoked && !expired).then_some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_authenticate_rotate_revoke() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&dir.path().join("k.db")).unwrap();
        let (rec, key) = store.create("acme", &["tinychat".into()], 60, 0).unwrap();
        assert_eq!(store.authenticate(&key).unwrap().unwrap().tenant, "acme");
        assert!(store.authenticate(&format!("{key}x")).unwrap().is_none());
        assert!(store.authenticate("rk_nope_secret").unwrap().is_none());
        let rotated = store.rotate(&rec.id).unwrap();
        assert!(store.authenticate(&key).unwrap().is_none());
        assert!(store.authenticate(&rotated).unwrap().is_some());
        store.revoke(&rec.id).unwrap();
        assert!(store.authenticate(&rotated).unwrap().is_none());
        let (_, old) = store.create("acme", &[], 0, 1).unwrap();
        assert!(
            store.authenticate(&old).unwrap().is_none(),
            "expired keys are refused"
        );
        assert_eq!(store.list().unwrap().len(), 2);
        assert!(matches!(
            store.revoke("missing"),
            Err(KeyError::NotFound(_))
        ));
        assert!(matches!(
            store.rotate("missing"),
            Err(KeyError::NotFound(_))
        ));
        assert_eq!(store.count().unwrap(), 2);
    }

    #[test]
    fn a_revoked_key_stays_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&dir.path().join("k.db")).unwrap();
        let (rec, old) = store.create("acme", &[], 0, 0).unwrap();
        let rotated = store.rotate(&rec.id).unwrap();
        store.revoke(&rec.id).unwrap();
        let err = store.rotate(&rec.id).unwrap_err();
        assert!(matches!(err, KeyError::Revoked(_)), "{err}");
        assert!(err.to_string().contains("revoked"), "{err}");
        for secret in [&old, &rotated] {
            assert!(store.authenticate(secret).unwrap().is_none());
        }
        assert!(store.list().unwrap()[0].revoked);
        // A secret made up for the id (what a rotation would have returned) is refused.
        let forged = format!("rk_{}_{}", rec.id, "0".repeat(48));
        assert!(store.authenticate(&forged).unwrap().is_none());
    }

    /// The gateway's store caches keys; a change made by another connection (what
    /// `rampart keys` does while the gateway runs) applies to every check made
    /// [`KEY_FILES_CHECK`] later, long before the 1 s the entries live.
    #[test]
    fn changes_made_elsewhere_apply_within_the_check_period_despite_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        let gateway = KeyStore::open(&path).unwrap();
        // the files are looked at once per check period
        let settle = || std::thread::sleep(KEY_FILES_CHECK);
        let cli = KeyStore::open_existing(&path).unwrap();
        let (rec, key) = cli.create("acme", &[], 0, 0).unwrap();
        for _ in 0..3 {
            assert!(gateway.authenticate(&key).unwrap().is_some());
        }
        let rotated = cli.rotate(&rec.id).unwrap();
        settle();
        assert!(gateway.authenticate(&key).unwrap().is_none(), "old secret");
        assert!(gateway.authenticate(&rotated).unwrap().is_some());
        cli.revoke(&rec.id).unwrap();
        settle();
        assert!(gateway.authenticate(&rotated).unwrap().is_none(), "revoked");
        // a key created after the gateway cached others is found too
        let (_, second) = cli.create("beta", &[], 0, 0).unwrap();
        settle();
        assert_eq!(
            gateway.authenticate(&second).unwrap().unwrap().tenant,
            "beta"
        );
        // many changes in a row, each checked at once
        for i in 0..50 {
            let (r, k) = cli.create(&format!("t{i}"), &[], 0, 0).unwrap();
            assert!(gateway.authenticate(&k).unwrap().is_some());
            cli.revoke(&r.id).unwrap();
            settle();
            assert!(
                gateway.authenticate(&k).unwrap().is_none(),
                "revocation {i}"
            );
        }
    }

    #[test]
    fn open_existing_never_creates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.db");
        assert!(matches!(
            KeyStore::open_existing(&path),
            Err(KeyError::NoDatabase(_))
        ));
        assert!(!path.exists());
        KeyStore::open(&path).unwrap();
        assert_eq!(KeyStore::open_existing(&path).unwrap().count().unwrap(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn the_key_database_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        let store = KeyStore::open(&path).unwrap();
        store.create("acme", &[], 0, 0).unwrap();
        for name in ["k.db", "k.db-wal", "k.db-shm"] {
            let p = dir.path().join(name);
            if p.exists() {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{name}");
            }
        }
        assert!(dir.path().join("k.db-wal").exists(), "WAL mode");
    }
}
