# Shared set-up of the single-target gateway scripts (gateway_cpu.sh, gateway_perf.sh,
# gateway_profile.sh); sourced, not run. `gw_prepare WORK MOCK_PORT GW_PORT RAMPART`
# writes the bench body and configs into WORK, creates an API key (in `$key`), starts
# the mock upstream (its pid in `$mock`) and ends every process in `pids` on exit.
gw_cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}

gw_prepare() {
    local work=$1 mock_port=$2 gw_port=$3 rampart=$4
    python3 bench/gateway_bench.py prepare --work "$work" --mock-port "$mock_port" \
        --rampart-port "$gw_port" >/dev/null
    key="$("$rampart" keys create --db "$work/keys.sqlite" --tenant bench --model tinychat \
        --rpm 100000000 --days 0 2>/dev/null)"
    pids=()
    trap gw_cleanup EXIT
    "$rampart" gateway --mock-upstream "127.0.0.1:$mock_port" >"$work/mock.log" 2>&1 &
    mock=$!
    pids+=("$mock")
}
