//! Files the SQLite ledger creates are private to their owner.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use rampart_ledger::{SqliteConfig, SqliteLedger, Storage};

#[cfg(unix)]
#[test]
fn a_new_ledger_and_its_wal_files_are_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.sqlite");
    let ledger = SqliteLedger::open(SqliteConfig::new(&path)).unwrap();
    ledger.append(common::entry(0), None).unwrap();
    let mut checked = 0;
    for name in ["audit.sqlite", "audit.sqlite-wal", "audit.sqlite-shm"] {
        let p = dir.path().join(name);
        if p.exists() {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 2, "the database and its WAL");
    drop(ledger);
}

#[test]
fn a_ledger_in_a_missing_folder_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("audit.sqlite");
    let Err(err) = SqliteLedger::open(SqliteConfig::new(&path)) else {
        panic!("a missing folder is an error");
    };
    assert!(err.to_string().contains("audit.sqlite"), "{err}");
}
