#!/usr/bin/env bash
# Benchmark `rampart scan` against the Python peer scanners (picklescan,
# modelscan, fickling): per-category detection on the fixture corpus, benign
# false positives, whole-corpus wall time and a multi-GB PyTorch checkpoint.
# See bench/README.md. Everything it creates lives under bench/work/ (gitignored).
#
#   bash bench/scan.sh            # build, set up, run, print the table
#   BENCH_REPEATS=5 bash bench/scan.sh
#   BENCH_GATE_SPEED=1 bash bench/scan.sh   # also fail when < 20x the fastest peer
#
# Exit status: 0 when every gating target holds, 1 when one fails (the failed
# targets are printed last), anything else for a setup error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/bench/work"
venv="$work/venv"
req="$root/bench/requirements-scan.txt"
mkdir -p "$work"

echo "== build: cargo build --release -p rampart"
cargo build --release -p rampart
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
rampart="$target_dir/release/rampart"
[[ -x "$rampart" ]] || { echo "no rampart binary at $rampart" >&2; exit 2; }

echo "== peers: $venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
else
    echo "requirements unchanged, venv reused"
fi
for tool in picklescan modelscan fickling; do
    [[ -x "$venv/bin/$tool" ]] || { echo "peer $tool missing from $venv/bin" >&2; exit 2; }
done

echo "== corpus: $work/corpus"
python3 "$root/bench/scan_compare.py" corpus --repo "$root" --work "$work"

echo "== run"
python3 "$root/bench/scan_compare.py" run --work "$work" --rampart "$rampart" --venv "$venv" \
    --repeats "${BENCH_REPEATS:-3}"
