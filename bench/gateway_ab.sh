#!/usr/bin/env bash
# Side by side on a shared, noisy machine: the same load through two (or more)
# rampart binaries and straight to the mock, interleaved in rounds so that every
# target sees the same background load. Per target and round: p50/p99 at a fixed
# rate (oha, latency-corrected), maximum req/s at CONC connections, and the
# gateway's CPU time per request in that maximum phase (from /proc: the number
# least disturbed by other load).
#
#   bash bench/gateway_ab.sh OLD_BIN NEW_BIN            # config rampart.toml
#   CONF=rampart-noguard ROUNDS=3 DUR=10 bash bench/gateway_ab.sh OLD NEW
#   AB_MOCK_PORT=18195 AB_GW_PORT=18194 bash bench/gateway_ab.sh OLD NEW   # other ports
set -euo pipefail
bins=(); for b in "$@"; do bins+=("$(realpath "$b")"); done; set -- "${bins[@]}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
w="$root/bench/work/gateway-ab"; rm -rf "$w"; mkdir -p "$w"
mock_port=${AB_MOCK_PORT:-18095}; gw_port=${AB_GW_PORT:-18094}
python3 bench/gateway_bench.py prepare --work "$w" --mock-port "$mock_port" --rampart-port "$gw_port" >/dev/null
oha="$root/bench/work/oha/bin/oha"
rate=${RATE:-500}; dur=${DUR:-10}; conf=${CONF:-rampart}; conc=${CONC:-32}; rounds=${ROUNDS:-2}
hz=$(getconf CLK_TCK)
mp=; gp=
trap '[[ -n $gp ]] && kill "$gp" 2>/dev/null; [[ -n $mp ]] && kill "$mp" 2>/dev/null; true' EXIT
pct() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); p=d['latencyPercentiles']; c=d.get('statusCodeDistribution') or {}; print('%.2f %.2f %.0f %d' % (p['p50']*1e3, p['p99']*1e3, c.get('200',0)/d['summary']['total'], sum(v for k,v in c.items() if k!='200')))" "$1"; }
printf '%-28s %5s %8s %8s %10s %12s\n' target round p50_ms p99_ms max_req/s cpu_us/req
for round in $(seq "$rounds"); do
  for bin in direct "$@"; do
    b=$1; [[ $bin != direct ]] && b=$bin
    rm -f "$w"/ledger.sqlite* "$w"/keys.sqlite*
    key=$("$b" keys create --db "$w/keys.sqlite" --tenant bench --model tinychat --rpm 100000000 --days 0 2>/dev/null)
    "$b" gateway --mock-upstream "127.0.0.1:$mock_port" > "$w/mock.log" 2>&1 & mp=$!
    url=http://127.0.0.1:$mock_port/v1/chat/completions; gp=$mp
    if [[ $bin != direct ]]; then
      (cd "$w" && exec "$b" gateway --config "$conf.toml" > gw.log 2>&1) & gp=$!
      url=http://127.0.0.1:$gw_port/v1/chat/completions
    fi
    for _ in $(seq 100); do
      c=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' --data-binary @"$w/body.json" "$url" || true)
      [[ $c == 200 ]] && break; sleep 0.2
    done
    run() { "$oha" --no-tui --output-format json -m POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -D "$w/body.json" "$@" "$url"; }
    run -z 2s -c 16 > /dev/null
    run -z "${dur}s" -q "$rate" --latency-correction -c 64 > "$w/rate.json"
    t0=$(awk '{print $14 + $15}' "/proc/$gp/stat")
    run -z "${dur}s" -c "$conc" > "$w/max.json"
    t1=$(awk '{print $14 + $15}' "/proc/$gp/stat")
    read -r p50 p99 _ bad1 < <(pct "$w/rate.json")
    read -r _ _ rps bad2 < <(pct "$w/max.json")
    n=$(python3 -c "import json; d=json.load(open('$w/max.json')); print((d.get('statusCodeDistribution') or {}).get('200',0))")
    printf '%-28s %5s %8s %8s %10s %12s %s\n' "$(basename "$bin")" "$round" "$p50" "$p99" "$rps" \
        "$(( (t1 - t0) * 1000000 / hz / (n > 0 ? n : 1) ))" "load $(cut -d' ' -f1 /proc/loadavg) non-200 $((bad1 + bad2))"
    [[ $gp != "$mp" ]] && { kill "$gp"; wait "$gp" 2>/dev/null || true; }
    kill "$mp"; wait "$mp" 2>/dev/null || true
  done
done
