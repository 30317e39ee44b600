#!/usr/bin/env bash
# Ledger benchmark (SQLite backend): durable appends per second with group commit,
# inclusion/consistency proof time and full verification time.
#
#   bench/ledger.sh [ENTRIES] [WRITER_THREADS]     (defaults: 1000000 64)
#
# The database goes in a temporary directory on the same filesystem as TMPDIR; fsync
# costs depend on that disk. Figures are printed; nothing is written to the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
entries="${1:-1000000}"
threads="${2:-64}"
cargo build --release -q -p rampart-ledger --example ledger_bench
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
echo "rampart-ledger bench: $entries entries, $threads writer threads, $(nproc) cores, db in $dir"
./target/release/examples/ledger_bench "$dir" "$entries" "$threads"
