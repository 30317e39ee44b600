#!/usr/bin/env bash
# Regenerates (or, with --check-only, just re-verifies) the OMS interop fixtures
# in crates/rampart-sign/tests/fixtures/oms with the Python reference package.
#   scripts/oms/gen_fixtures.sh [--regen-keys] [--check-only]
# Creates .venv-oms (gitignored) from scripts/oms/requirements.txt when missing.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$repo/.venv-oms"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$repo/scripts/oms/requirements.txt"
fi
if ! "$venv/bin/python" -c 'import model_signing' 2>/dev/null; then
  "$venv/bin/pip" install --quiet -r "$repo/scripts/oms/requirements.txt"
fi
# Fixed hash seed: Python's set iteration order (ignore_paths order in the
# payload) depends on it.  It does not make the output fully reproducible
# (protobuf Struct key order and ECDSA nonces are random), only less noisy.
export PYTHONHASHSEED=0
exec "$venv/bin/python" "$repo/scripts/oms/gen_fixtures.py" "$@"
