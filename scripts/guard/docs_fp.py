#!/usr/bin/env python3
"""False alarms of the attack detectors on ordinary technical documentation and source
code that no threshold or model was tuned on: the READMEs and NEWS files under
/usr/share/doc (Debian), the markdown files npm ships in /usr/lib/node_modules, the
long descriptions (READMEs) in the METADATA of installed Python packages, and about 500
files each of Python's standard library and of npm's JavaScript. None of these is a
training source (scripts/guard/sources.json has the Rust crates' documentation and
code, a different ecosystem).

    python3 scripts/guard/docs_fp.py [--rampart target/release/rampart] [--classifier FILE]

A document counts as a false alarm when the default policy's verdict is flag or block
and an attack finding (CLS, INJ, JBK, EXF, OBF, OOD, LEK, OUT) scores at least 0.5;
redacting an author's e-mail address is not counted. Prints the rate per corpus and the
rules behind the alarms (no texts: the set stays held out). The corpora are what this
machine has installed, so figures compare builds on one machine, not across machines.
"""

from __future__ import annotations

import argparse
import collections
import email
import glob
import gzip
import hashlib
import json
import os
import subprocess
import tempfile

ATTACK = ("CLS", "INJ", "JBK", "EXF", "OBF", "OOD", "LEK", "OUT")
MAX_CHARS = 40_000


def documents() -> list[tuple[str, str]]:
    seen: set[str] = set()
    out: list[tuple[str, str]] = []

    def emit(text: str, source: str) -> None:
        text = text.strip()
        h = hashlib.sha1(text.encode()).hexdigest()
        if len(text) >= 200 and h not in seen:
            seen.add(h)
            out.append((text[:MAX_CHARS], source))

    for f in sorted(glob.glob("/usr/share/doc/*/*")):
        b = os.path.basename(f).lower()
        if "debian" in b or not (b.startswith(("readme", "news")) or b.endswith(".md")):
            continue
        try:
            raw = gzip.open(f).read() if f.endswith(".gz") else open(f, "rb").read()
            emit(raw.decode("utf-8"), "debian-doc")
        except (OSError, UnicodeDecodeError, EOFError):
            pass
    for f in sorted(glob.glob("/usr/lib/node_modules/**/*.md", recursive=True)):
        try:
            emit(open(f, encoding="utf-8").read(), "npm-md")
        except (OSError, UnicodeDecodeError):
            pass
    metadata = glob.glob(os.path.expanduser("~/.pyenv/versions/*/lib/python3*/site-packages/*.dist-info/METADATA"))
    metadata += glob.glob("/usr/lib/python3/dist-packages/*.dist-info/METADATA")
    for f in sorted(set(metadata)):
        try:
            body = email.message_from_string(open(f, encoding="utf-8").read()).get_payload()
        except (OSError, UnicodeDecodeError):
            continue
        if isinstance(body, str):
            emit(body, "pypi-metadata")
    # source code a developer pastes: Python's standard library and npm's JavaScript,
    # every k-th file in path order (about 500 of each)
    for source, files in (
        ("python-stdlib", glob.glob(os.path.expanduser("~/.pyenv/versions/*/lib/python3*/**/*.py"), recursive=True)),
        ("npm-js", glob.glob("/usr/lib/node_modules/npm/**/*.js", recursive=True)),
    ):
        files = sorted(set(files))
        for f in files[:: max(1, len(files) // 500)]:
            try:
                emit(open(f, encoding="utf-8").read(), source)
            except (OSError, UnicodeDecodeError):
                pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap.add_argument("--rampart", default=os.path.join(root, "target", "release", "rampart"))
    ap.add_argument("--classifier", help="a CLS001 model file instead of the bundled one")
    args = ap.parse_args()
    docs = documents()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for text, _ in docs:
            f.write(json.dumps({"text": text}) + "\n")
        path = f.name
    cmd = [args.rampart, "guard", "scan", "--jsonl", path, "--format", "json", "-q"]
    if args.classifier:
        cmd += ["--classifier", args.classifier]
    # exit status 1 means "something was blocked": expected here
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    os.unlink(path)
    lines = done.stdout.splitlines()
    if done.returncode not in (0, 1) or len(lines) != len(docs):
        raise SystemExit(f"rampart guard scan failed ({done.returncode}): {done.stderr[-2000:]}")
    total, alarms = collections.Counter(), collections.Counter()
    rules, sole = collections.Counter(), collections.Counter()
    for (_, source), line in zip(docs, lines):
        r = json.loads(line)
        total[source] += 1
        hit = sorted({x["rule"] for x in r["findings"] if x["rule"][:3] in ATTACK and x["score"] >= 0.5})
        if r["verdict"] in ("flag", "block") and hit:
            alarms[source] += 1
            rules.update(hit)
            if len(hit) == 1:
                sole[hit[0]] += 1
    for source in sorted(total):
        print(f"{source:<16} {alarms[source]:>4}/{total[source]:<4} {alarms[source] / total[source]:.1%} flagged or blocked as attacks")
    n, a = sum(total.values()), sum(alarms.values())
    print(f"{'all':<16} {a:>4}/{n:<4} {a / max(n, 1):.1%}")
    print("rules behind the alarms:", ", ".join(f"{k} {v}" for k, v in rules.most_common()))
    print("alone:", ", ".join(f"{k} {v}" for k, v in sole.most_common()))


if __name__ == "__main__":
    main()
