#!/usr/bin/env bash
# Red-team benchmark: `rampart redteam` against garak on the same requests, sent to the
# same deterministic target (`rampart gateway --mock-upstream --persona vulnerable`), at
# the same concurrency, in one run. Reports, per tool: the requests that reached the
# mock (counted by the mock itself), the probes each tool judged, the wall time of a
# full run (process start to exit, start-up included), probes per second, the time
# between the first and the last request at the mock (the sending phase) and CPU time;
# then the ratios. Target (issue #15): rampart >= 20x garak's probes per second at the
# same concurrency.
#
#   bash bench/redteam.sh
#   BENCH_CONC="4" BENCH_REPEATS=5 bash bench/redteam.sh   # default: concurrency 1, 4 and 16, 3 runs each
#   BENCH_GATE_SPEED=1 bash bench/redteam.sh    # exit 1 when the 20x target is missed
#   BENCH_RAMPART_BIN=path/to/rampart bash bench/redteam.sh   # that binary, no build
#
# The probe set is rampart's: every shipped pack (68 cases, 73 requests: multi-turn
# cases send one request per turn). A first, untimed rampart run with --out records
# every conversation; bench/redteam_bench.py turns its journal into one conversation per
# request, and garak replays exactly those through a small probe module
# (bench/redteam_garak_probe.py, copied into the venv at run time) with its
# OpenAI-compatible generator (openai.OpenAICompatible) and its refusal-keyword
# detector (mitigation.MitigationBypass), declaring the same tool definitions as
# rampart (captured from one rampart request; the vulnerable mock only calls a declared
# tool). The timed rampart runs use the same seed, so they send the same requests.
# garak's --parallel_attempts N against rampart's --concurrency N; garak generations = 1
# (one request per prompt). Each timed run gets a fresh mock (count at zero).
#
# garak is pinned in bench/requirements-redteam.txt and installed with --no-deps into
# target/redteam-bench/venv: its declared dependencies pull PyTorch, transformers and a
# dozen cloud SDKs that the OpenAI-compatible generator, this probe and this detector
# never import. Nothing it does needs the network (no NLTK or Hugging Face download:
# the probe's language is "*", so no translation and no NLTK corpus). Everything is
# written under target/redteam-bench/ (garak's XDG data, cache and config included).
# Exit 0 when done (with BENCH_GATE_SPEED=1: and the target is met), 1 target missed,
# 2 setup error or a tool sent a different number of requests.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/target/redteam-bench"
venv="$work/venv"
req="$root/bench/requirements-redteam.txt"
concs="${BENCH_CONC:-1 4 16}"
repeats="${BENCH_REPEATS:-3}"
seed="${BENCH_SEED:-1}"
port="${BENCH_MOCK_PORT:-18090}"
model="default"
helper=(python3 "$root/bench/redteam_bench.py")
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
mkdir -p "$work"

# ---------------------------------------------------------------- processes
# The mock runs in its own session and is ended by its own id.
mock_pid=""
cleanup() {
    if [[ -n $mock_pid ]]; then
        kill -TERM -- "-$mock_pid" 2>/dev/null || kill -TERM "$mock_pid" 2>/dev/null || true
        wait "$mock_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
# start_mock LOG: a fresh vulnerable mock (request count at zero); ready when
# /v1/models answers (not counted: the mock counts chat, completion and embedding
# requests only).
start_mock() {
    port_free "$port" || { echo "port 127.0.0.1:$port is in use (set BENCH_MOCK_PORT)" >&2; exit 2; }
    setsid "$rampart" gateway --mock-upstream "127.0.0.1:$port" --persona vulnerable \
        > "$1" 2>&1 < /dev/null &
    mock_pid=$!
    for _ in $(seq 100); do
        kill -0 "$mock_pid" 2>/dev/null || { echo "mock exited:" >&2; cat "$1" >&2; exit 2; }
        curl -sf --max-time 2 "http://127.0.0.1:$port/v1/models" > /dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "mock not ready after 10 s" >&2
    exit 2
}
# stop_mock: SIGTERM; the mock prints its request count as it stops.
stop_mock() {
    kill -TERM "$mock_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$mock_pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL -- "-$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
    mock_pid=""
}

# ---------------------------------------------------------------- tools
if [[ -n ${BENCH_RAMPART_BIN:-} ]]; then
    rampart="$(realpath "$BENCH_RAMPART_BIN")"
    echo "== rampart: $rampart (BENCH_RAMPART_BIN, not rebuilt)"
else
    echo "== build: cargo build --release -p rampart"
    cargo build --release -p rampart
    target_dir="$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    rampart="$target_dir/release/rampart"
fi
[[ -x "$rampart" ]] || { echo "no rampart binary at $rampart" >&2; exit 2; }
"$rampart" --version

# garak's own state (plugin cache, reports, logs) stays under $work
export XDG_CACHE_HOME="$work/xdg/cache" XDG_DATA_HOME="$work/xdg/data" XDG_CONFIG_HOME="$work/xdg/config"
export OPENAICOMPATIBLE_API_KEY="not-checked-by-the-mock"
garak_skip=""
echo "== garak: $venv (pinned in $req, installed --no-deps)"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
    rm -rf "$venv"
    if python3 -m venv "$venv" &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$req"; then
        echo "$want" > "$stamp"
    else
        garak_skip="pip install --no-deps -r bench/requirements-redteam.txt failed"
    fi
else
    echo "   requirements unchanged, venv reused"
fi
if [[ -z $garak_skip ]]; then
    if "${helper[@]}" garak-setup --python "$venv/bin/python" --cache-home "$XDG_CACHE_HOME" &&
        garak_version="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("garak"))')"; then
        echo "   garak $garak_version; replay probe installed as probes.rampart_replay.Replay"
    else
        garak_skip="garak is installed but its replay probe could not be set up"
    fi
fi

# ---------------------------------------------------------------- the probe set
runs="$work/runs"
rm -rf "$runs" "$work/prep"
mkdir -p "$runs"
url="http://127.0.0.1:$port/v1"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== probe set: rampart's shipped packs, seed $seed (untimed run with --out to record the requests)"
start_mock "$work/prep.mock.log"
"$rampart" redteam --target "$url" --model "$model" --seed "$seed" --concurrency 4 \
    --out "$work/prep" --format json > "$work/prep.json" 2> "$work/prep.err" || {
    echo "rampart redteam failed:" >&2; cat "$work/prep.err" >&2; exit 2; }
stop_mock
counts="$("${helper[@]}" replay --exchanges "$work/prep/exchanges.jsonl" --out "$work/replay.jsonl")"
cases="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["cases"])' "$counts")"
requests="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["requests"])' "$counts")"
echo "   $cases cases, $requests requests (one per conversation turn); garak replays the same $requests conversations"
export RAMPART_REPLAY_FILE="$work/replay.jsonl"
echo "   tool definitions rampart declares in each request (garak declares the same): $("${helper[@]}" tools --rampart "$rampart" --out "$work/tools.json")"

if [[ -z $garak_skip ]]; then
    echo "== garak smoke run (untimed: first start, byte-compiles the venv)"
    start_mock "$work/smoke.mock.log"
    "${helper[@]}" garak-config --out "$work/garak-smoke.json" --uri "$url" --model "$model" \
        --conc 1 --prefix smoke --report-dir "$work/smoke" --tools "$work/tools.json"
    if ! timeout 900 "$venv/bin/python" -m garak --config "$work/garak-smoke.json" \
        > "$work/garak-smoke.out" 2>&1 < /dev/null; then
        garak_skip="garak failed on the smoke run: $(grep -E 'Error|error' "$work/garak-smoke.out" | tail -1)"
    fi
    stop_mock
fi
[[ -n $garak_skip ]] && echo "   garak NOT RUN: $garak_skip"

# ---------------------------------------------------------------- timed runs
for conc in $concs; do
    for rep in $(seq "$repeats"); do
        name="rampart-c$conc-r$rep"
        start_mock "$runs/$name.mock.log"
        "${helper[@]}" run --out "$runs/$name.run.json" --stdout "$runs/$name.json" \
            --stderr "$runs/$name.err" -- \
            "$rampart" redteam --target "$url" --model "$model" --seed "$seed" \
            --concurrency "$conc" --format json
        stop_mock
        [[ -n $garak_skip ]] && { echo "   $name done"; continue; }
        name="garak-c$conc-r$rep"
        "${helper[@]}" garak-config --out "$runs/$name.config.json" --uri "$url" --model "$model" \
            --conc "$conc" --prefix "$name" --report-dir "$runs" --tools "$work/tools.json"
        start_mock "$runs/$name.mock.log"
        "${helper[@]}" run --out "$runs/$name.run.json" --stdout "$runs/$name.out" \
            --stderr "$runs/$name.err" -- \
            "$venv/bin/python" -m garak --config "$runs/$name.config.json"
        stop_mock
        echo "   concurrency $conc, run $rep: rampart $(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["wall_s"], 3))' "$runs/rampart-c$conc-r$rep.run.json") s, garak $(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["wall_s"], 3))' "$runs/$name.run.json") s"
    done
done

# ---------------------------------------------------------------- report
gate=()
[[ ${BENCH_GATE_SPEED:-0} == 1 ]] && gate=(--gate)
skip=()
[[ -n $garak_skip ]] && skip=(--garak-skipped "$garak_skip")
"${helper[@]}" report --work "$work" --garak-version "${garak_version:-not installed}" \
    --cases "$cases" --requests "$requests" --repeats "$repeats" --target 20 \
    "${gate[@]+"${gate[@]}"}" "${skip[@]+"${skip[@]}"}"
