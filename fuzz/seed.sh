#!/usr/bin/env bash
# Seeds every fuzz target's corpus with the scanner's test fixtures.
set -euo pipefail
cd "$(dirname "$0")"
for target in fuzz_targets/*.rs; do
  name=$(basename "$target" .rs)
  mkdir -p "corpus/$name"
  find ../crates/rampart-scan/tests/fixtures ../crates/rampart-scan/tests/data -type f ! -name '*.json' -print0 |
    while IFS= read -r -d '' f; do cp "$f" "corpus/$name/seed-$(sha256sum "$f" | cut -c1-16)"; done
done
# the CLS002 loader also starts from the guard's valid and invalid test models
for f in ../crates/rampart-guard/tests/data/onnx/*.onnx; do
  cp "$f" "corpus/guard_onnx/seed-$(sha256sum "$f" | cut -c1-16)"
done
# probe packs start from the shipped packs
for f in ../crates/rampart-redteam/packs/*.jsonl; do
  cp "$f" "corpus/redteam_pack/seed-$(sha256sum "$f" | cut -c1-16)"
done
# imports start from the real garak and promptfoo exports
for f in ../crates/rampart-redteam/tests/data/garak-*/report.jsonl ../crates/rampart-redteam/tests/data/promptfoo-*/results.json; do
  cp "$f" "corpus/redteam_import/seed-$(sha256sum "$f" | cut -c1-16)"
done
