#!/usr/bin/env bash
# Ledger benchmark, SQLite then PostgreSQL: durable appends per second with group commit,
# inclusion/consistency proof time and full verification time.
#
#   bench/ledger.sh [ENTRIES] [WRITER_THREADS] [PG_ENTRIES]   (defaults: 1000000 64 ENTRIES)
#
# SQLite: the database goes in a temporary directory on the same filesystem as TMPDIR.
# PostgreSQL: a throwaway server (initdb in TMPDIR, default settings, fsync on, run as
# the postgres user when root) on a free loopback port, stopped at the end; skipped
# with a warning when PostgreSQL is not installed. Same method for both: an append
# counts once its transaction committed. fsync costs depend on the disk. Figures are
# printed; nothing is written to the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
entries="${1:-1000000}"
threads="${2:-64}"
pg_entries="${3:-$entries}"
cargo build --release -q -p rampart-ledger --example ledger_bench
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
echo "rampart-ledger bench: $entries entries, $threads writer threads, $(nproc) cores, db in $dir"
./target/release/examples/ledger_bench "$dir" "$entries" "$threads" sqlite
echo
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 \
    || [ -n "${RAMPART_PG_BINDIR:-}" ]; then
    echo "rampart-ledger bench: $pg_entries entries, $threads writer threads, PostgreSQL on loopback"
    ./target/release/examples/ledger_bench "$dir" "$pg_entries" "$threads" postgres
else
    echo "WARNING: PostgreSQL is not installed (apt-get install -y postgresql): PostgreSQL figures skipped" >&2
fi
