#!/usr/bin/env bash
# Where the gateway's CPU goes natively (kernel included): `perf record` (cpu-clock
# samples) of `rampart gateway` while oha sends the bench body at CONC connections
# for SECONDS, then the top symbols by self time. Also prints the gateway's CPU
# seconds per request (from /proc) and the req/s oha saw (noisy on a shared machine).
#
#   bash bench/gateway_perf.sh                     # config rampart.toml
#   PROFILE_CONFIG=rampart-noguard bash bench/gateway_perf.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/bench/work/gateway-perf"
config="${PROFILE_CONFIG:-rampart}"
seconds="${SECONDS_RUN:-8}"
conc="${CONC:-32}"
mock_port="${BENCH_MOCK_PORT:-18093}"
gw_port="${BENCH_RAMPART_PORT:-18092}"
rampart="${BENCH_RAMPART_BIN:-$root/target/release/rampart}"
oha="$root/bench/work/oha/bin/oha"
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=bench/gateway_common.sh
source "$root/bench/gateway_common.sh"
gw_prepare "$work" "$mock_port" "$gw_port" "$rampart"
(cd "$work" && exec env ${GW_ENV:-} "$rampart" gateway --config "$work/$config.toml" >"$work/gw.log" 2>&1) &
gw=$!
pids+=($gw)
url="http://127.0.0.1:$gw_port/v1/chat/completions"
for _ in $(seq 100); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' --data-binary @"$work/body.json" "$url" || true)"
    [[ $code == 200 ]] && break
    sleep 0.2
done
[[ $code == 200 ]] || { echo "gateway not ready (HTTP $code)"; tail "$work/gw.log"; exit 2; }
"$oha" --no-tui -z 2s -c "$conc" -m POST -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -D "$work/body.json" "$url" >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$gw/stat"; }
# CPU ticks per thread name (tokio-rt-worker, rampart-ledger-writer, rampart-audit, ...)
threads() {
    for t in /proc/$gw/task/*; do
        printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
    done | awk -F'\t' '{a[$1] += $2} END {for (k in a) print k "\t" a[k]}' | sort
}
threads > "$work/threads0.tsv"
t0=$(ticks)
perf record -e cpu-clock -F 999 -g -p "$gw" -o "$work/perf.data" -- sleep "$seconds" >"$work/perf.log" 2>&1 &
perf_pid=$!
"$oha" --no-tui -z "${seconds}s" -c "$conc" -m POST -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -D "$work/body.json" "$url" >"$work/oha.txt"
wait "$perf_pid" || true
t1=$(ticks)
threads > "$work/threads1.tsv"
n="$(awk '/Success rate/ {ok=1} /\[200\]/ {print $2}' "$work/oha.txt" | head -1)"
rps="$(awk '/Requests\/sec/ {print $2}' "$work/oha.txt")"
hz="$(getconf CLK_TCK)"
echo "config $config: $rps req/s at $conc connections; gateway CPU $(( (t1 - t0) * 1000000 / hz / ${n:-1} )) us per request ($n requests)"
join -t$'\t' "$work/threads0.tsv" "$work/threads1.tsv" | awk -F'\t' -v n="${n:-1}" -v hz="$hz" \
    '{ printf "   %-22s %5.0f us per request\n", $1, ($3 - $2) * 1e6 / hz / n }'
perf report -i "$work/perf.data" --no-children -g none --sort dso --stdio 2>/dev/null \
    | grep '%' | grep -v '^#' | head -8
perf report -i "$work/perf.data" --no-children -g none --sort dso,symbol --stdio 2>/dev/null \
    | grep '%' | grep -v '^#' | head -"${TOP:-45}" | cut -c1-160
