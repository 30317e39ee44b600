#!/usr/bin/env bash
# Side-by-side: rampart guard against LLM Guard, LlamaFirewall, detect-secrets and
# Presidio's pattern recognizers on the same texts (attacks, secrets, personal data),
# in one run. Prints precision, recall, false-positive rate and texts per second per
# task, and rampart's speed over the fastest peer with comparable recall.
#
#   bench/guard.sh
#
# Peers are pinned in bench/requirements-guard.txt (target/guard/venv) and
# bench/requirements-guard-peers.txt (target/guard/peers-venv, --no-deps). Model-based
# scanners (LLM Guard PromptInjection, LlamaFirewall PromptGuard) need PyTorch and a
# Hugging Face download; they are tried and reported as not run. See bench/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/guard/setup.sh" >/dev/null
py="$root/target/guard/venv/bin/python"
"$py" -m pip install -q -r "$root/bench/requirements-guard.txt"
peers="$root/target/guard/peers-venv"
stamp="$peers/requirements.txt"
if ! cmp -s "$root/bench/requirements-guard-peers.txt" "$stamp"; then
  rm -rf "$peers"
  python3 -m venv "$peers"
  "$peers/bin/pip" install -q --no-deps -r "$root/bench/requirements-guard-peers.txt"
  cp "$root/bench/requirements-guard-peers.txt" "$stamp"
fi
cargo build -q --release -p rampart-guard --example guard_scan --manifest-path "$root/Cargo.toml"
"$py" "$root/bench/guard_peers.py"
# the speed targets of the whole pipeline on one thread (issue #17): distinct 1 KB
# prompts per second (target >= 10,000) and the p99 latency of a 4 KB prompt
# (target <= 1 ms)
cargo build -q --release -p rampart-guard --example guard_speed --manifest-path "$root/Cargo.toml"
speed="$("$root/target/release/examples/guard_speed" "${GUARD_SPEED_SECONDS:-5}")"
echo "rampart guard speed (one thread): $speed"
"$py" - "$speed" <<'PY'
import json, sys
s = json.loads(sys.argv[1])
print(f"  distinct 1 KB prompts/s: {s['prompts_1kb_per_second']:,.0f} (target 10,000: {s['prompts_1kb_per_second'] / 10000:.2f}x)")
print(f"  4 KB prompt latency: p50 {s['latency_4kb_ms']['p50']:.3f} ms, p99 {s['latency_4kb_ms']['p99']:.3f} ms (target 1 ms), max {s['latency_4kb_ms']['max']:.3f} ms")
PY
