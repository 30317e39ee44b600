#!/usr/bin/env python3
"""Runs rampart guard, detect-secrets and Presidio pattern recognizers on the synthetic
secret and PII sets of scripts/guard/datasets.py plus the benign sets, and prints the
figures side by side (see bench/guard.sh)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "guard"))
import datasets  # noqa: E402


def rampart(texts: list[str]) -> tuple[list[set[str]], float]:
    exe = os.path.join(ROOT, "target", "release", "examples", "guard_scan")
    data = "".join(json.dumps({"text": t}) + "\n" for t in texts).encode()
    start = time.perf_counter()
    out = subprocess.run([exe], input=data, capture_output=True, check=True).stdout
    elapsed = time.perf_counter() - start
    cats = [{f["category"] for f in json.loads(l)["findings"] if f["score"] >= 0.6} for l in out.decode().splitlines()]
    return cats, elapsed


def detect_secrets(texts: list[str]) -> tuple[list[bool], float]:
    """detect-secrets' own pipeline (plugins plus its default filters), one file per
    text, as `detect-secrets scan` runs it."""
    import tempfile

    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    hits = []
    with tempfile.TemporaryDirectory() as d, default_settings():
        paths = []
        for i, t in enumerate(texts):
            path = os.path.join(d, f"t{i}.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(t + "\n")
            paths.append(path)
        start = time.perf_counter()
        for path in paths:
            sc = SecretsCollection()
            sc.scan_file(path)
            hits.append(bool(sc.data))
        elapsed = time.perf_counter() - start
    return hits, elapsed


def presidio(texts: list[str]) -> tuple[list[bool], float]:
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer, EmailRecognizer, IbanRecognizer, IpRecognizer,
        PhoneRecognizer, UkNinoRecognizer, UsSsnRecognizer,
    )

    recs = [EmailRecognizer(), CreditCardRecognizer(), IbanRecognizer(), UsSsnRecognizer(), PhoneRecognizer(), IpRecognizer(), UkNinoRecognizer()]
    for r in recs:  # warm-up (tldextract may try the network once)
        r.analyze("a@b.org", r.supported_entities, None)
    hits = []
    start = time.perf_counter()
    for t in texts:
        hits.append(any(a.score >= 0.5 for r in recs for a in r.analyze(t, r.supported_entities, None)))
    elapsed = time.perf_counter() - start
    return hits, elapsed


def report(name: str, hits: list[bool], positive: list[bool], lookalike: list[bool], elapsed: float) -> None:
    tp = sum(h and p for h, p in zip(hits, positive))
    pos = sum(positive)
    fp = sum(h and l for h, l in zip(hits, lookalike))
    neg = sum(lookalike)
    print(f"  {name:<28} recall {tp / pos:.3f} ({tp}/{pos})   look-alikes and benign flagged {fp / neg:.2%} ({fp}/{neg})   {len(hits) / elapsed:,.0f} texts/s")


def main() -> None:
    benign = [t for t, _ in datasets.benign_examples()]
    for kind, rows, peer_name, peer in (
        ("secret", datasets.secret_examples(), "detect-secrets 1.5.0", detect_secrets),
        ("pii", datasets.pii_examples(), "presidio patterns 2.2.366", presidio),
    ):
        texts = [t for t, _, _ in rows] + benign
        positive = [p for _, _, p in rows] + [False] * len(benign)
        lookalike = [not p for _, _, p in rows] + [True] * len(benign)
        print(f"{kind}: {sum(positive)} positives, {sum(lookalike)} look-alikes and benign texts")
        cats, el = rampart(texts)
        report("rampart guard", [kind in c for c in cats], positive, lookalike, el)
        hits, el = peer(texts)
        report(peer_name, hits, positive, lookalike, el)
    print("(rampart's rate includes process start and JSON I/O; the peers' are in-process)")


if __name__ == "__main__":
    main()
