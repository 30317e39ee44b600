#!/usr/bin/env bash
# Instruction count per request of the gateway, repeatable on a loaded machine:
# the bench's request body (bench/gateway_bench.py prepare) sent N times through
# `rampart gateway` running under `valgrind --tool=callgrind`. Counters are zeroed
# after a warm-up and dumped after the N requests, so start-up is not counted.
# Prints user-space instructions per request (kernel time is not counted: see
# `perf` for the TCP share).
#
#   bash bench/gateway_profile.sh                       # config rampart.toml, N=2000
#   PROFILE_CONFIG=rampart-noguard N=1000 bash bench/gateway_profile.sh
#   BENCH_RAMPART_BIN=path/to/rampart bash bench/gateway_profile.sh
#
# The callgrind output is in bench/work/gateway-profile/callgrind.out.*; read it with
# `callgrind_annotate --inclusive=yes FILE | head -80`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/bench/work/gateway-profile"
config="${PROFILE_CONFIG:-rampart}"
n="${N:-2000}"
conc="${CONC:-4}"
mock_port="${BENCH_MOCK_PORT:-18091}"
gw_port="${BENCH_RAMPART_PORT:-18090}"
rampart="${BENCH_RAMPART_BIN:-$root/target/release/rampart}"
oha="$root/bench/work/oha/bin/oha"
[[ -x $oha ]] || { echo "no oha at $oha (run bench/gateway.sh once)" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=bench/gateway_common.sh
source "$root/bench/gateway_common.sh"
gw_prepare "$work" "$mock_port" "$gw_port" "$rampart"
(cd "$work" && exec env ${GW_ENV:-} valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out.%p" \
    "$rampart" gateway --config "$work/$config.toml" >"$work/gw.log" 2>&1) &
pids+=($!)
url="http://127.0.0.1:$gw_port/v1/chat/completions"
for _ in $(seq 600); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' --data-binary @"$work/body.json" "$url" || true)"
    [[ $code == 200 ]] && break
    sleep 0.5
done
[[ $code == 200 ]] || { echo "gateway not ready (HTTP $code)"; tail "$work/gw.log"; exit 2; }
# PROFILE_BODY=stream: 32 KB streamed answers in 8-character deltas (the bench's
# streaming-cost request) instead of the chat body
body="$work/body.json"
if [[ ${PROFILE_BODY:-} == stream ]]; then
    body="$work/stream.json"
    printf '{"model":"tinychat","stream":true,"messages":[{"role":"user","content":"REPLY_LONG: 32768"}]}' > "$body"
fi
run() {
    "$oha" --no-tui -n "$1" -c "$conc" -m POST -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' -D "$body" "$url" >"$work/oha-$2.txt"
}
run 200 warmup
sleep 1
callgrind_control -z >/dev/null
run "$n" measured
callgrind_control -d >/dev/null
sleep 1
grep -E "Success rate|Requests/sec" "$work/oha-measured.txt" | tr -s ' ' || true
out="$(ls -t "$work"/callgrind.out.* | head -1)"
total="$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1; exit}')"
echo "config $config: $total instructions for $n requests = $((total / n)) per request ($out)"
if [[ -n ${LABEL:-} ]]; then
    mkdir -p "$root/bench/work/profiles"
    cp "$out" "$root/bench/work/profiles/$LABEL.callgrind"
    echo "$LABEL $config $((total / n))" >> "$root/bench/work/profiles/summary.txt"
fi
