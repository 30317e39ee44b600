#!/usr/bin/env bash
# Benchmark `rampart sign` / `rampart verify` against the Python reference
# (model-signing 1.1.1) and against the machine's raw hashing throughput
# (openssl / sha256sum in parallel, b3sum) on a multi-GB model directory.
# See bench/README-sign.md. Everything it creates lives under bench/work/ (gitignored).
#
#   bash bench/sign.sh                  # build, set up, run, print the table
#   BENCH_SIGN_GB=12 bash bench/sign.sh # corpus size in GB (default 6)
#   BENCH_REPEATS=5 bash bench/sign.sh  # timing runs per tool (default 3)
#   BENCH_NO_BUILD=1 bash bench/sign.sh # use the existing target/release/rampart
#   python3 bench/sign_bench.py report --work bench/work   # print the last table again
#
# Exit status: 0 when every target holds (or the run was skipped for lack of
# disk, with a SKIPPED message), 1 when a target is missed (named last),
# anything else for a setup error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/bench/work"
venv="$work/venv-sign"
req="$root/scripts/oms/requirements.txt"
b3root="$work/b3sum"
gb="${BENCH_SIGN_GB:-6}"
mkdir -p "$work"

echo "== corpus: $work/sign-model (${gb} GB)"
rc=0
python3 "$root/bench/sign_bench.py" corpus --work "$work" --gb "$gb" || rc=$?
if [[ $rc -eq 3 ]]; then
    exit 0   # not enough disk: skipped, message printed
elif [[ $rc -ne 0 ]]; then
    exit "$rc"
fi

target_dir="${CARGO_TARGET_DIR:-$root/target}"
if [[ "${BENCH_NO_BUILD:-0}" == 1 ]]; then
    echo "== build: skipped (BENCH_NO_BUILD=1), using $target_dir/release/rampart"
else
    echo "== build: cargo build --release -p rampart"
    cargo build --release -p rampart
    target_dir="$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
fi
rampart="$target_dir/release/rampart"
[[ -x "$rampart" ]] || { echo "no rampart binary at $rampart" >&2; exit 2; }

echo "== model-signing: $venv"
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
[[ -x "$venv/bin/model_signing" ]] || { echo "model_signing missing from $venv/bin" >&2; exit 2; }

echo "== b3sum: $b3root"
if [[ ! -x "$b3root/bin/b3sum" ]]; then
    cargo install b3sum --root "$b3root" --locked
else
    echo "b3sum present ($("$b3root/bin/b3sum" --version)), reused"
fi
for tool in openssl sha256sum xargs; do
    command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
echo "openssl: $(openssl version)"

echo "== run"
python3 "$root/bench/sign_bench.py" run --work "$work" --repo "$root" --rampart "$rampart" \
    --venv "$venv" --b3sum "$b3root/bin/b3sum" --repeats "${BENCH_REPEATS:-3}"
