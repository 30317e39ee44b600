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
