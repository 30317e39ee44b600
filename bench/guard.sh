#!/usr/bin/env bash
# Side-by-side: rampart guard against detect-secrets (secrets) and Presidio's pattern
# recognizers (personal data) on the same texts, in one run. Prints recall, look-alike
# false-positive rate and texts per second for each.
#
#   bench/guard.sh
#
# Peers that need a PyTorch model download (LLM Guard's ML scanners, LlamaFirewall's
# PromptGuard) are not run here; see docs/guard.md. Attack-detection figures for rampart
# come from scripts/guard/eval.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/guard/setup.sh" >/dev/null
py="$root/target/guard/venv/bin/python"
"$py" -m pip install -q "detect-secrets==1.5.0" "presidio-analyzer==2.2.366"
cargo build -q --release -p rampart-guard --example guard_scan --manifest-path "$root/Cargo.toml"
"$py" "$root/bench/guard_peers.py"
