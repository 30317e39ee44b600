#!/usr/bin/env bash
# Where the gateway's CPU goes, per thread: the bench's request body sent at maximum
# rate (oha, CONC connections, SECONDS_RUN seconds) through `rampart gateway` (or
# straight to the mock, or through the bare hyper proxy), and each thread's CPU time
# per request read from /proc before and after (user + system, so the kernel's TCP
# work is counted). The least noisy figure on a shared machine: compare two builds
# by running this twice, alternating.
#
#   bash bench/gateway_cpu.sh rampart-noguard                 # guards off
#   bash bench/gateway_cpu.sh rampart path/to/other/rampart   # guards on, another build
#   bash bench/gateway_cpu.sh bare                            # the bare hyper proxy
#   bash bench/gateway_cpu.sh direct                          # the mock alone
#
# Needs oha in bench/work/oha (bench/gateway.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
conf="${1:-rampart-noguard}"
rampart="$(realpath "${2:-$root/target/release/rampart}")"
seconds="${SECONDS_RUN:-8}"
conc="${CONC:-32}"
mock_port="${BENCH_MOCK_PORT:-18181}"
gw_port="${BENCH_RAMPART_PORT:-18180}"
oha="$root/bench/work/oha/bin/oha"
[[ -x $oha ]] || { echo "no oha at $oha (run bench/gateway.sh once)" >&2; exit 2; }
w="$root/bench/work/gateway-cpu"
rm -rf "$w"; mkdir -p "$w"
# shellcheck source=bench/gateway_common.sh
source "$root/bench/gateway_common.sh"
gw_prepare "$w" "$mock_port" "$gw_port" "$rampart"
url="http://127.0.0.1:$gw_port/v1/chat/completions"
case "$conf" in
    direct) target=$mock; url="http://127.0.0.1:$mock_port/v1/chat/completions" ;;
    bare)
        cargo build -q --release -p rampart-gateway --example bare_proxy
        "$root/target/release/examples/bare_proxy" "127.0.0.1:$gw_port" "127.0.0.1:$mock_port" \
            >"$w/gw.log" 2>&1 &
        target=$!; pids+=("$target") ;;
    *)
        (cd "$w" && exec "$rampart" gateway --config "$conf.toml" >gw.log 2>&1) &
        target=$!; pids+=("$target") ;;
esac
for _ in $(seq 100); do
    c=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' --data-binary @"$w/body.json" "$url" || true)
    [[ $c == 200 ]] && break
    sleep 0.2
done
[[ $c == 200 ]] || { echo "$conf did not answer 200 (got $c)" >&2; exit 2; }
run() { "$oha" --no-tui --output-format json -m POST -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -D "$w/body.json" -c "$conc" "$@" "$url"; }
run -z 2s >/dev/null
# thread name, CPU ticks (user + system) per thread of the measured process
snap() { for t in /proc/"$target"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ <"$t/comm")" "$(awk '{print $14 + $15}' "$t/stat")"; done; }
snap >"$w/before"
run -z "${seconds}s" >"$w/max.json"
snap >"$w/after"
python3 - "$w" "$conf" "$(getconf CLK_TCK)" <<'PY'
import collections, json, sys
w, conf, hz = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ticks(name):
    t = collections.Counter()
    for line in open(f"{w}/{name}"):
        comm, n = line.split()
        t[comm] += int(n)
    return t
before, after = ticks("before"), ticks("after")
d = json.load(open(f"{w}/max.json"))
ok = (d.get("statusCodeDistribution") or {}).get("200", 0)
bad = sum(v for k, v in (d.get("statusCodeDistribution") or {}).items() if k != "200")
print(f"{conf}: {d['summary']['requestsPerSec']:.0f} req/s, {ok} answered 200, {bad} other")
total = 0.0
for comm in sorted(after):
    us = (after[comm] - before.get(comm, 0)) * 1e6 / hz / max(ok, 1)
    total += us
    if us >= 0.05:
        print(f"  {comm:<24} {us:6.1f} us/request")
print(f"  {'total':<24} {total:6.1f} us/request")
PY
