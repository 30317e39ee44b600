#!/usr/bin/env bash
# Gateway benchmark: the same chat-completion load (a ~2 KB support conversation)
# (a) straight to the mock upstream, (b) through `rampart gateway` with its default
# guards, API keys, rate limits and the SQLite audit ledger, (c) the same with every
# detector off (the proxy's own cost), (d) the same in durable mode ([ledger] durable),
# (e) through nginx as a plain reverse proxy (no checks at all: what one proxy hop
# costs on this machine, the physical reference for "share of direct"), (bare) through
# crates/rampart-gateway/examples/bare_proxy.rs, a proxy built from rampart's own stack
# (hyper, one single-threaded runtime per core) that only forwards (the floor under
# rampart's own cost), and (f)
# through the LiteLLM proxy in front of the same mock. Two phases per target:
#   1. a fixed rate (BENCH_RATE, default 500 req/s) for BENCH_DURATION (20 s):
#      p50/p99 latency, latency-corrected (oha -q ... --latency-correction);
#   2. maximum throughput at BENCH_CONC connections (32) for BENCH_DURATION.
# Peak resident memory of each proxy is sampled from /proc during both phases.
# Each target gets a fresh mock (and a fresh proxy, keys and ledger), and only that
# target's processes run while it is measured. Everything listens on 127.0.0.1 only.
#
#   bash bench/gateway.sh
#   BENCH_RATE=500 BENCH_DURATION=20 BENCH_CONC=32 bash bench/gateway.sh
#   BENCH_PERF=1 bash bench/gateway.sh     # also perf-record rampart at max throughput
#   BENCH_TARGETS="direct rampart" bash bench/gateway.sh   # skip LiteLLM
#   BENCH_RAMPART_BIN=path/to/rampart bash bench/gateway.sh  # use that binary, no build
#
# After (b) it also measures the streaming cost per KB of output (32 KB answers in
# 8-character deltas, gateway vs direct) and the ledger's loss window (SIGKILL under
# load in the default mode: answered requests missing from the ledger).
# Targets checked (issue #14): added p99 <= 1 ms over direct at 500 req/s with guards
# and ledger on, >= 60x LiteLLM's throughput with guards on, >= 50% of direct
# throughput with guards off, rampart RSS < 64 MB. Exit 0 when all hold,
# 1 when one is missed, anything else for a setup error. Everything it writes is under
# bench/work/ (gitignored): the venv, oha, and bench/work/gateway/ (results, logs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bench="$root/bench"
work="$bench/work/gateway"
venv="$bench/work/venv-gateway"
req="$bench/requirements-gateway.txt"
oha_root="$bench/work/oha"
oha_version="${OHA_VERSION:-1.16.0}"
rate="${BENCH_RATE:-500}"
duration="${BENCH_DURATION:-20}"
conc="${BENCH_CONC:-32}"
rate_conns="${BENCH_RATE_CONNS:-64}"
warmup="${BENCH_WARMUP:-3}"
targets="${BENCH_TARGETS:-direct nginx bare rampart rampart-noguard rampart-durable rampart-monitor litellm}"
mock_port="${BENCH_MOCK_PORT:-18081}"
rampart_port="${BENCH_RAMPART_PORT:-18080}"
litellm_port="${BENCH_LITELLM_PORT:-18082}"
nginx_port="${BENCH_NGINX_PORT:-18083}"
bare_port="${BENCH_BARE_PORT:-18084}"
litellm_workers="${BENCH_LITELLM_WORKERS:-$(nproc)}"
helper=(python3 "$bench/gateway_bench.py")
mkdir -p "$bench/work"

# ---------------------------------------------------------------- cleanup
# Every server is started in its own session (setsid), so its whole process group
# (uvicorn workers included) is ended by its own id.
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 50); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive == 0 ]] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    pids=()
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

# start NAME CMD...: runs CMD in its own session, logs to $work/NAME.log, sets $started.
start() {
    local name="$1"; shift
    setsid "$@" >"$work/$name.log" 2>&1 < /dev/null &
    started=$!
    pids+=("$started")
}
# stop PID: ends one server (its process group) and forgets it.
stop() {
    local pid="$1" keep=() p
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${pids[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
    pids=("${keep[@]+"${keep[@]}"}")
}
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
# wait_ready NAME URL AUTH SECONDS PID: until a chat completion answers 200.
wait_ready() {
    local name="$1" url="$2" auth="$3" secs="$4" pid="$5" t0=$SECONDS code
    while (( SECONDS - t0 < secs )); do
        kill -0 "$pid" 2>/dev/null || { echo "$name exited; log:" >&2; tail -20 "$work/$name.log" >&2; exit 2; }
        code="$(curl -s -o "$work/$name-probe.json" -w '%{http_code}' --max-time 5 \
            -H "Authorization: Bearer $auth" -H 'Content-Type: application/json' \
            --data-binary @"$work/body.json" "$url" 2>/dev/null || true)"
        if [[ $code == 200 ]]; then
            echo "   $name ready after $((SECONDS - t0))s: $(head -c 300 "$work/$name-probe.json")"
            return 0
        fi
        sleep 0.5
    done
    echo "$name not ready after ${secs}s (last HTTP $code); log:" >&2
    tail -20 "$work/$name.log" >&2
    exit 2
}

# ---------------------------------------------------------------- tools
if [[ -n ${BENCH_RAMPART_BIN:-} ]]; then
    # A binary built beforehand (e.g. from a snapshot of another commit).
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
if [[ " $targets " == *" bare "* ]]; then
    echo "== build: cargo build --release -p rampart-gateway --example bare_proxy"
    cargo build --release -p rampart-gateway --example bare_proxy
    bare="$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/bare_proxy"
fi

echo "== load generator: oha $oha_version in $oha_root"
oha="$oha_root/bin/oha"
if [[ ! -x "$oha" ]] || [[ "$("$oha" --version 2>/dev/null)" != *"$oha_version"* ]]; then
    cargo install oha --version "$oha_version" --root "$oha_root" --locked
fi
"$oha" --version

if [[ " $targets " == *" litellm "* ]]; then
    echo "== LiteLLM: $venv"
    [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
    stamp="$venv/.requirements.sha256"
    want="$(sha256sum "$req" | cut -d' ' -f1)"
    if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
        echo "$want" > "$stamp"
    else
        echo "   requirements unchanged, venv reused"
    fi
    [[ -x "$venv/bin/litellm" ]] || { echo "litellm missing from $venv/bin" >&2; exit 2; }
    echo "   litellm $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))')"
fi

# ---------------------------------------------------------------- setup
rm -rf "$work"
mkdir -p "$work"
"${helper[@]}" prepare --work "$work" --mock-port "$mock_port" \
    --rampart-port "$rampart_port" --litellm-port "$litellm_port"
for p in "$mock_port" "$rampart_port" "$litellm_port"; do
    port_free "$p" || { echo "port 127.0.0.1:$p is in use (set BENCH_*_PORT)" >&2; exit 2; }
done
key="$("$rampart" keys create --db "$work/keys.sqlite" --tenant bench --model tinychat \
    --rpm 100000000 --days 0 2>/dev/null)"
[[ $key == rk_* ]] || { echo "could not create a key" >&2; exit 2; }
# /metrics is served to keys with the admin scope only
admin="$("$rampart" keys create --db "$work/keys.sqlite" --tenant ops --route /metrics \
    --rpm 100000000 --days 0 2>/dev/null)"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# oha_run NAME URL AUTH ARGS...: one bounded oha run, JSON to $work/NAME.json.
oha_run() {
    local name="$1" url="$2" auth="$3"; shift 3
    timeout $((duration + 60)) "$oha" --no-tui --output-format json -z "${duration}s" \
        -m POST -H "Authorization: Bearer $auth" -H 'Content-Type: application/json' \
        -D "$work/body.json" "$@" "$url" > "$work/$name.json" 2> "$work/$name.err" || {
        echo "oha failed for $name:" >&2; cat "$work/$name.err" >&2; return 1; }
}

# measure NAME URL AUTH PID: warm-up, fixed rate, then max throughput; RSS of PID.
measure() {
    local name="$1" url="$2" auth="$3" pid="$4" rss_pid=""
    echo "== $name: warm-up ${warmup}s, ${rate} req/s for ${duration}s, then ${conc} connections for ${duration}s (load $(cut -d' ' -f1 /proc/loadavg))"
    timeout $((warmup + 30)) "$oha" --no-tui --output-format json -z "${warmup}s" -c "$conc" \
        -m POST -H "Authorization: Bearer $auth" -H 'Content-Type: application/json' \
        -D "$work/body.json" "$url" > "$work/$name-warmup.json" 2>/dev/null || true
    if [[ -n $pid ]]; then
        "${helper[@]}" rss --pid "$pid" --out "$work/$name-rss.json" --max-seconds $((3 * duration + 120)) &
        rss_pid=$!
    fi
    # the machine's load average next to each phase (the report prints it per target)
    cut -d' ' -f1 /proc/loadavg > "$work/$name-load.txt"
    oha_run "$name-rate" "$url" "$auth" -q "$rate" --latency-correction -c "$rate_conns"
    cut -d' ' -f1 /proc/loadavg >> "$work/$name-load.txt"
    if [[ $name == rampart && ${BENCH_PERF:-0} == 1 ]] && command -v perf >/dev/null; then
        perf record -F 499 -g -p "$pid" -o "$work/perf.data" -- sleep $((duration > 12 ? 10 : duration / 2)) \
            > "$work/perf-record.log" 2>&1 &
        local perf_pid=$!
    fi
    oha_run "$name-max" "$url" "$auth" -c "$conc"
    cut -d' ' -f1 /proc/loadavg >> "$work/$name-load.txt"
    [[ -n ${perf_pid:-} ]] && wait "$perf_pid" 2>/dev/null || true
    if [[ -n $rss_pid ]]; then
        kill -TERM "$rss_pid" 2>/dev/null || true
        wait "$rss_pid" 2>/dev/null || true
    fi
}

# ---------------------------------------------------------------- runs
mock_url="http://127.0.0.1:$mock_port/v1/chat/completions"
for t in $targets; do
    start "mock-$t" "$rampart" gateway --mock-upstream "127.0.0.1:$mock_port"
    mock_pid=$started
    wait_ready "mock-$t" "$mock_url" none 20 "$mock_pid"
    case "$t" in
        direct)
            measure direct "$mock_url" none "$mock_pid"
            ;;
        rampart|rampart-noguard|rampart-durable|rampart-monitor)
            rm -f "$work"/ledger.sqlite* "$work"/metrics.sqlite*
            start "$t" "$rampart" gateway --config "$work/$t.toml"
            gw_pid=$started
            gw_url="http://127.0.0.1:$rampart_port/v1/chat/completions"
            wait_ready "$t" "$gw_url" "$key" 20 "$gw_pid"
            measure "$t" "$gw_url" "$key" "$gw_pid"
            if [[ $t == rampart ]]; then
                curl -s --max-time 5 -H "Authorization: Bearer $admin" \
                    "http://127.0.0.1:$rampart_port/metrics" | grep -v '^#' > "$work/rampart-metrics.txt" || true
                echo "== streaming cost per KB of output"
                "${helper[@]}" stream --work "$work" --gateway "$gw_url" --direct "$mock_url" --key "$key"
            fi
            stop "$gw_pid"
            if [[ $t == rampart ]]; then
                echo "== ledger loss window: SIGKILL under load (default mode)"
                "${helper[@]}" crash --work "$work" --rampart "$rampart" --config "$work/rampart.toml" \
                    --url "$gw_url" --key "$key"
            fi
            ;;
        nginx)
            command -v nginx >/dev/null || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light >/dev/null; }
            mkdir -p "$work/nginx"
            cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    upstream mock { server 127.0.0.1:$mock_port; keepalive 64; }
    server {
        listen 127.0.0.1:$nginx_port;
        location / {
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
NGINX
            start nginx nginx -c "$work/nginx/nginx.conf"
            ng_pid=$started
            wait_ready nginx "http://127.0.0.1:$nginx_port/v1/chat/completions" none 20 "$ng_pid"
            measure nginx "http://127.0.0.1:$nginx_port/v1/chat/completions" none "$ng_pid"
            stop "$ng_pid"
            ;;
        bare)
            start bare "$bare" "127.0.0.1:$bare_port" "127.0.0.1:$mock_port"
            bare_pid=$started
            wait_ready bare "http://127.0.0.1:$bare_port/v1/chat/completions" none 20 "$bare_pid"
            measure bare "http://127.0.0.1:$bare_port/v1/chat/completions" none "$bare_pid"
            stop "$bare_pid"
            ;;
        litellm)
            start litellm env LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_TELEMETRY=False \
                LITELLM_LOG=ERROR DISABLE_ADMIN_UI=True NO_PROXY='*' no_proxy='*' \
                "$venv/bin/litellm" --config "$work/litellm.yaml" --host 127.0.0.1 \
                --port "$litellm_port" --num_workers "$litellm_workers"
            ll_pid=$started
            wait_ready litellm "http://127.0.0.1:$litellm_port/v1/chat/completions" sk-bench-master 120 "$ll_pid"
            measure litellm "http://127.0.0.1:$litellm_port/v1/chat/completions" sk-bench-master "$ll_pid"
            stop "$ll_pid"
            ;;
        *) echo "unknown target $t" >&2; exit 2 ;;
    esac
    stop "$mock_pid"
done

# ---------------------------------------------------------------- report
if [[ -s $work/rampart-metrics.txt ]]; then
    echo "== rampart counters after the runs: $(tr '\n' ' ' < "$work/rampart-metrics.txt")"
fi
if [[ -f $work/ledger.sqlite ]] && command -v sqlite3 >/dev/null; then
    echo "== ledger entries: $(sqlite3 "$work/ledger.sqlite" 'SELECT count(*) FROM sqlite_master' 2>/dev/null || echo '?') tables"
fi
echo "== litellm workers: $litellm_workers; rampart tokio workers: $(nproc) (default); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
"${helper[@]}" report --work "$work" --rate "$rate" --conc "$conc" --duration "$duration" || status=$?
if [[ -f $work/perf.data ]]; then
    perf report -i "$work/perf.data" --stdio --no-children -g none --percent-limit 1 --sort symbol \
        2>/dev/null > "$work/perf-top.txt" || true
    perf report -i "$work/perf.data" --stdio --no-children --percent-limit 2 --sort symbol \
        2>/dev/null > "$work/perf-callers.txt" || true
    echo "== perf (rampart at max throughput, self time >= 1%; callers in perf-callers.txt): $work/perf-top.txt"
    grep -E '^ +[0-9.]+%' "$work/perf-top.txt" | sed -E 's/ +- +- *$//' | cut -c1-120 | head -25 || true
fi
exit "$status"
