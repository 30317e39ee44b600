#!/usr/bin/env bash
# Builds the support-bot example's BOM (CycloneDX 1.6 and, when the installed
# cyclonedx-python-lib knows it, 1.7) and validates it with cyclonedx-python-lib's
# strict JSON validator in a virtual environment. Run by .ci/run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rampart="${1:-$repo/target/debug/rampart}"
venv="$repo/.venv-bom"
if ! "$venv/bin/python" -c 'import cyclonedx.validation.json' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$repo/scripts/bom/requirements.txt"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$rampart" bom "$repo/examples/support-bot" --spec 1.6 --out "$work/bom-1.6.json"
"$venv/bin/python" "$repo/scripts/bom/validate.py" 1.6 "$work/bom-1.6.json"
if "$venv/bin/python" -c 'from cyclonedx.schema import SchemaVersion; SchemaVersion.V1_7' 2>/dev/null; then
  "$rampart" bom "$repo/examples/support-bot" --spec 1.7 --out "$work/bom-1.7.json"
  "$venv/bin/python" "$repo/scripts/bom/validate.py" 1.7 "$work/bom-1.7.json"
fi
