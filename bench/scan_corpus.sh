#!/usr/bin/env bash
# Writes the benign scientific-Python corpus for bench/scan.sh: one virtual environment
# per version set under bench/work/ (gitignored), each running bench/scan_corpus.py,
# which only WRITES pickles (it never loads one). Output: bench/work/corpus-sci/<set>/.
#
#   bash bench/scan_corpus.sh            # latest, mid and older sets
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/bench/work"
mkdir -p "$work"
for set in latest mid older; do
    case "$set" in
        latest) req="$root/bench/requirements-scan-corpus.txt" ;;
        mid) req="$root/bench/requirements-scan-corpus-mid.txt" ;;
        older) req="$root/bench/requirements-scan-corpus-older.txt" ;;
    esac
    venv="$work/sci-$set"
    stamp="$venv/.requirements.sha256"
    want="$(sha256sum "$req" | cut -d' ' -f1)"
    [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
    if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
        echo "$want" > "$stamp"
    fi
    rm -rf "$work/corpus-sci/$set"
    "$venv/bin/python" "$root/bench/scan_corpus.py" "$work/corpus-sci/$set"
done
