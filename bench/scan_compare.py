#!/usr/bin/env python3
"""Helper for bench/scan.sh: corpus generation, peer comparison and timing.

Standard library only (runs with the system python3; the peer scanners are
called as programs from bench/work/venv/bin).

    scan_compare.py corpus --repo ROOT --work WORK
        Copy the rampart-scan fixtures into WORK/corpus/fixtures (manifest to
        WORK/corpus/manifest.json) and generate the multi-GB PyTorch
        checkpoints in WORK/corpus/big/ (reused when already complete).

    scan_compare.py run --work WORK --rampart BIN --venv VENV
        Per-file detection of every tool on every corpus file, whole-corpus and
        big-checkpoint timings (best of 3), the table, and the verdict on the
        targets. Exit status 1 when a gating target fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

GiB = 1 << 30
MiB = 1 << 20

# ---------------------------------------------------------------------------
# corpus

FIXTURES_REL = Path("crates/rampart-scan/tests/fixtures")
BENIGN_TORCH = "benign/pytorch/state_dict.pt"
EVIL_TORCH = "malicious/pytorch/payload_in_data_pkl.pt"
BIG_STORAGES = 2  # data.pkl of the fixture references storages "0" and "1"
BIG_TOTAL = 4 * GiB  # bytes of storage data in each big checkpoint
CHUNK = 64 * MiB
MIN_FREE = 20 * 10**9
BIG_FILES = {"checkpoint-4g.pt": BENIGN_TORCH, "checkpoint-4g-evil.pt": EVIL_TORCH}


def data_pkl_of(pt: Path) -> bytes:
    with zipfile.ZipFile(pt) as zf:
        names = [n for n in zf.namelist() if n.endswith("/data.pkl")]
        if len(names) != 1:
            raise SystemExit(f"{pt}: expected exactly one */data.pkl member, found {names}")
        return zf.read(names[0])


def big_is_complete(path: Path, pkl: bytes) -> bool:
    """Present, large enough and with the expected data.pkl (a cheap check:
    only the central directory and data.pkl are read)."""
    if not path.is_file() or path.stat().st_size < BIG_TOTAL:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            sizes = {i.filename: i.file_size for i in zf.infolist()}
            return (
                zf.read("archive/data.pkl") == pkl
                and sum(v for k, v in sizes.items() if k.startswith("archive/data/")) == BIG_TOTAL
            )
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def write_big(path: Path, pkl: bytes) -> None:
    """A torch.save-style zip checkpoint (ZIP_STORED, zip64) written with the
    standard library only: data.pkl, byteorder, storages data/0..N, version."""
    tmp = path.with_name(path.name + ".partial")
    zero = bytes(CHUNK)
    per_storage = BIG_TOTAL // BIG_STORAGES
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr("archive/data.pkl", pkl)
        zf.writestr("archive/byteorder", b"little")
        for i in range(BIG_STORAGES):
            with zf.open(f"archive/data/{i}", "w", force_zip64=True) as out:
                left = per_storage
                while left:
                    n = min(left, CHUNK)
                    out.write(zero[:n])
                    left -= n
        zf.writestr("archive/version", b"3\n")
        zf.writestr("archive/.data/serialization_id", b"0" * 40)
    tmp.replace(path)


REALISTIC_FILES = 40
REALISTIC_LAYERS = 48  # x ~16 tensors per layer: ~800 tensors, like a mid-size transformer


def realistic_data_pkl(seed: int) -> bytes:
    """A state_dict pickle as torch.save writes it (protocol 2, OrderedDict of
    _rebuild_tensor_v2 calls with storage persistent ids), produced by the
    standard pickle module with stand-in modules: pickling never calls anything."""
    import io
    import pickle
    import sys
    import types

    def fake(modname: str, **attrs):
        mod = sys.modules.get(modname) or types.ModuleType(modname)
        for k, v in attrs.items():
            v.__module__ = modname
            v.__qualname__ = k
            v.__name__ = k
            setattr(mod, k, v)
        sys.modules[modname] = mod
        return mod

    class FloatStorage:  # stands for torch.FloatStorage
        pass

    def _rebuild_tensor_v2(*args):  # stands for torch._utils._rebuild_tensor_v2
        raise RuntimeError("never called")

    fake("torch", FloatStorage=FloatStorage)
    fake("torch._utils", _rebuild_tensor_v2=_rebuild_tensor_v2)

    class Storage:
        def __init__(self, key: str, numel: int):
            self.key, self.numel = key, numel

    class Tensor:
        def __init__(self, storage: Storage, shape: tuple):
            self.storage, self.shape = storage, shape

        def __reduce__(self):
            stride = (self.shape[1], 1) if len(self.shape) == 2 else (1,)
            return (_rebuild_tensor_v2, (self.storage, 0, self.shape, stride, False, collections.OrderedDict()))

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, Storage):
                return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
            return None

    import collections
    sd = collections.OrderedDict()
    key = 0
    names = ["attn.q_proj.weight", "attn.q_proj.bias", "attn.k_proj.weight", "attn.k_proj.bias",
             "attn.v_proj.weight", "attn.v_proj.bias", "attn.o_proj.weight", "attn.o_proj.bias",
             "mlp.up_proj.weight", "mlp.up_proj.bias", "mlp.down_proj.weight", "mlp.down_proj.bias",
             "ln_1.weight", "ln_1.bias", "ln_2.weight", "ln_2.bias"]
    for layer in range(REALISTIC_LAYERS):
        for n in names:
            shape = (64, 64) if n.endswith("weight") and "ln" not in n else (64,)
            numel = shape[0] * (shape[1] if len(shape) > 1 else 1)
            sd[f"model.layers.{layer}.{n}"] = Tensor(Storage(str(key), numel), shape)
            key += 1
    sd["lm_head.weight"] = Tensor(Storage(str(key), 64 * 1000 + seed), (1000, 64))
    buf = io.BytesIO()
    Pickler(buf, protocol=2).dump(sd)
    return buf.getvalue()


def write_realistic(dst: Path) -> list[dict]:
    """REALISTIC_FILES checkpoints with ~800 tensors each (tiny storages): the
    pickle work a scanner does on a real model, without gigabytes of disk."""
    dst.mkdir(parents=True, exist_ok=True)
    entries = []
    for i in range(REALISTIC_FILES):
        pkl = realistic_data_pkl(i)
        path = dst / f"model-{i:02d}.pt"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(zipfile.ZipInfo("archive/data.pkl", (2024, 1, 1, 0, 0, 0)), pkl)
            zf.writestr(zipfile.ZipInfo("archive/byteorder", (2024, 1, 1, 0, 0, 0)), b"little")
            zf.writestr(zipfile.ZipInfo("archive/data/0", (2024, 1, 1, 0, 0, 0)), bytes(256))
            zf.writestr(zipfile.ZipInfo("archive/version", (2024, 1, 1, 0, 0, 0)), b"3\n")
        entries.append({"path": f"benign/realistic/{path.name}", "format": "pytorch-zip", "expect": [],
                        "source": "bench: torch.save-style state_dict with ~800 tensors"})
    return entries


def cmd_corpus(args: argparse.Namespace) -> int:
    repo = Path(args.repo).resolve()
    work = Path(args.work).resolve()
    src = repo / FIXTURES_REL
    corpus = work / "corpus"
    dst = corpus / "fixtures"
    if dst.exists():
        shutil.rmtree(dst)
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("manifest.json"))
    shutil.copy2(src / "manifest.json", corpus / "manifest.json")
    manifest = json.loads((src / "manifest.json").read_text())
    print(f"corpus: {len(manifest)} fixture files copied to {dst.relative_to(repo)}")
    realistic = write_realistic(dst / "benign" / "realistic")
    manifest.extend(realistic)
    (corpus / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"corpus: {len(realistic)} realistic checkpoints (~800 tensors each) written to benign/realistic")

    # the scientific-Python corpus (bench/scan_corpus.sh): benign files written by the
    # libraries themselves; a sample per set (one protocol and two joblib variants per
    # object) keeps the per-file runs of the peers within minutes.
    sci_root = work / "corpus-sci"
    sample = re.compile(os.environ.get("BENCH_SCI_SAMPLE", r"\.(p4\.pkl|joblib|z3\.joblib|to_pickle\..*\.pkl|npy)$"))
    for set_dir in sorted(p for p in sci_root.iterdir() if p.is_dir()) if sci_root.is_dir() else []:
        n = 0
        for f in sorted(set_dir.rglob("*")):
            rel = f.relative_to(set_dir)
            if not f.is_file() or rel.parts[0] == "user" or not sample.search(f.name):
                continue
            if f.name.endswith(".joblib") and not re.search(r"(\.z3)?\.joblib$", f.name):
                continue
            if re.search(r"\.(gzip|bz2|xz|lzma)\.joblib$", f.name):
                continue
            dest_rel = Path("benign") / f"sci-{set_dir.name}" / rel
            (dst / dest_rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dst / dest_rel)
            manifest.append({"path": str(dest_rel), "format": "", "expect": [],
                             "source": f"bench/scan_corpus.py, set {set_dir.name}"})
            n += 1
        print(f"corpus: {n} scientific-Python files of set {set_dir.name} copied to benign/sci-{set_dir.name}")
    (corpus / "manifest.json").write_text(json.dumps(manifest, indent=1))

    big = corpus / "big"
    big.mkdir(exist_ok=True)
    for name, source in BIG_FILES.items():
        path = big / name
        pkl = data_pkl_of(src / source)
        if big_is_complete(path, pkl):
            print(f"corpus: reusing {path.relative_to(repo)} ({path.stat().st_size / GiB:.2f} GiB)")
            continue
        path.unlink(missing_ok=True)
        free = shutil.disk_usage(big).free
        if free < MIN_FREE:
            print(
                f"corpus: SKIPPING {name}: only {free / 1e9:.1f} GB free on {big} "
                f"(need {MIN_FREE / 1e9:.0f} GB); the multi-GB timing will be skipped"
            )
            continue
        t0 = time.perf_counter()
        print(f"corpus: generating {path.relative_to(repo)} (data.pkl from {source}) ...", flush=True)
        write_big(path, pkl)
        print(f"corpus: wrote {path.stat().st_size / GiB:.2f} GiB in {time.perf_counter() - t0:.0f} s")
    return 0


# ---------------------------------------------------------------------------
# running the tools

TOOLS = ["rampart", "picklescan", "modelscan", "fickling"]
PEERS = TOOLS[1:]
PER_FILE_TIMEOUT = 120
BIG_TIMEOUT = 600


class Ctx:
    def __init__(self, args: argparse.Namespace) -> None:
        self.work = Path(args.work).resolve()
        self.rampart = str(Path(args.rampart).resolve())
        venv = Path(args.venv).resolve()
        self.bin = {p: str(venv / "bin" / p) for p in PEERS}
        self.tmp = self.work / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.corpus = self.work / "corpus"
        self.fixtures = self.corpus / "fixtures"
        self.big = self.corpus / "big"
        self.repeats = args.repeats
        self.env = dict(os.environ, NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")


def run(ctx: Ctx, argv: list[str], timeout: float) -> tuple[int | None, str, str, float]:
    """(exit code or None on timeout, stdout, stderr, wall seconds). Runs in
    WORK/tmp so modelscan finds no settings file and uses its defaults."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(
            argv, cwd=ctx.tmp, env=ctx.env, stdin=subprocess.DEVNULL,
            capture_output=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, "", "", time.perf_counter() - t0
    dt = time.perf_counter() - t0
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), dt


# Each classifier returns (status, detail); status is one of
# detected | clean | error | unsupported | timeout.

def rampart_argv(ctx: Ctx, path: Path) -> list[str]:
    return [ctx.rampart, "scan", "--format", "json", "--no-progress", str(path)]


def classify_rampart(rc, out, err, malformed: bool):
    if rc is None:
        return "timeout", ""
    try:
        files = json.loads(out)["files"]
    except (ValueError, KeyError):
        return "error", f"exit {rc}: {err.strip()[:200]}"
    verdicts = [f["verdict"] for f in files]
    rules = sorted({x["rule"] for f in files for x in f["findings"]})
    detail = f"{','.join(verdicts)} {' '.join(rules)}".strip()
    # Flagged = malicious, or suspicious (findings a reviewer must look at: the
    # peers, fickling especially, flag every non-standard-library import the same way).
    if "malicious" in verdicts or "suspicious" in verdicts or (malformed and rules):
        return "detected", detail
    if "error" in verdicts:
        return "error", detail
    return "clean", detail


def picklescan_argv(ctx: Ctx, path: Path) -> list[str]:
    return [ctx.bin["picklescan"], "--path", str(path)]


def classify_picklescan(rc, out, err, malformed: bool):
    # exit 1 = dangerous globals; exit 2 = scan error (picklescan returns 2 on a
    # scan error even when it also found dangerous globals, so read the summary).
    if rc is None:
        return "timeout", ""
    text = out + err
    m = re.search(r"Dangerous globals: (\d+)", text)
    dangerous = int(m.group(1)) if m else 0
    m = re.search(r"Scanned files: (\d+)", text)
    scanned = int(m.group(1)) if m else -1
    sus = re.search(r"Suspicious globals: (\d+)", text)
    sus_n = int(sus.group(1)) if sus else 0
    found = sorted(set(re.findall(r"dangerous import '([^']+)'", text)))
    if rc == 1 or dangerous > 0:
        return "detected", "; ".join(found)
    if rc == 2 or "could not parse" in text or "ERROR: parsing" in text:
        line = next((l for l in text.splitlines() if "parse" in l or "rror" in l), "")
        return "error", (line.split(": ", 2)[-1][:160] + (f" (suspicious globals: {sus_n})" if sus_n else ""))
    if scanned == 0:
        return "unsupported", "scanned 0 files"
    if rc != 0:
        return "error", f"exit {rc}"
    return "clean", f"suspicious globals: {sus_n}" if sus_n else ""


def modelscan_argv(ctx: Ctx, path: Path, report: Path) -> list[str]:
    return [ctx.bin["modelscan"], "-p", str(path), "-r", "json", "-o", str(report)]


def classify_modelscan_report(rc, report: Path):
    # exit 0 no issues / 1 issues / 2 scan errors / 3 nothing supported scanned;
    # the JSON report tells issues, errors and skips apart.
    if rc is None:
        return "timeout", ""
    try:
        d = json.loads(report.read_text())
    except (OSError, ValueError):
        return "error", f"exit {rc}, no report"
    issues = d.get("issues", [])
    errors = d.get("errors", [])
    if issues:
        return "detected", "; ".join(sorted({f"{i.get('severity')} {i.get('module')}.{i.get('operator')}" for i in issues}))
    if errors:
        return "error", "; ".join(sorted({f"{e.get('category')}: {e.get('description', '')[:100]}" for e in errors}))
    if d.get("summary", {}).get("scanned", {}).get("total_scanned", 0) == 0:
        return "unsupported", "nothing scanned (skipped)"
    return "clean", ""


def fickling_argv(ctx: Ctx, path: Path, print_results: bool = False) -> list[str]:
    # --json-output: fickling otherwise appends to ./safety_results.json;
    # --print-results (per-file runs only) gives the reason for the detail column
    return [ctx.bin["fickling"], "--check-safety", "--json-output", os.devnull,
            *(["--print-results"] if print_results else []), str(path)]


def classify_fickling(rc, out, err, malformed: bool):
    # exit 0 clean / 1 unsafe / 2 error (incl. "No pickle files detected")
    if rc is None:
        return "timeout", ""
    if rc == 1:
        reason = next((l.strip() for l in out.splitlines() if l.strip()), "")
        return "detected", reason[:160]
    if rc == 0:
        return "clean", ""
    if "No pickle files detected" in err:
        return "unsupported", "no pickle found (the CLI reads raw pickles only)"
    line = next((l for l in err.splitlines() if l.strip()), f"exit {rc}")
    return "error", line[:160]


def scan_one(ctx: Ctx, tool: str, path: Path, malformed: bool, timeout: float):
    """(status, detail, seconds) for one tool on one file."""
    if tool == "rampart":
        rc, out, err, dt = run(ctx, rampart_argv(ctx, path), timeout)
        return (*classify_rampart(rc, out, err, malformed), dt)
    if tool == "picklescan":
        rc, out, err, dt = run(ctx, picklescan_argv(ctx, path), timeout)
        return (*classify_picklescan(rc, out, err, malformed), dt)
    if tool == "modelscan":
        report = ctx.tmp / "modelscan-report.json"
        report.unlink(missing_ok=True)
        rc, out, err, dt = run(ctx, modelscan_argv(ctx, path, report), timeout)
        return (*classify_modelscan_report(rc, report), dt)
    if tool == "fickling":
        rc, out, err, dt = run(ctx, fickling_argv(ctx, path, print_results=True), timeout)
        return (*classify_fickling(rc, out, err, malformed), dt)
    raise ValueError(tool)


def category_of(rel: str) -> str:
    if rel.startswith("malicious/pickle/bypass/"):
        return "malicious/pickle/bypass"
    parts = rel.split("/")
    return "/".join(parts[:2])


def cat_sort_key(cat: str):
    order = {"benign": 0, "malicious": 1, "malformed": 2, "big": 3}
    return (order.get(cat.split("/")[0], 9), cat)


def best_of(ctx: Ctx, fn, n: int):
    times = []
    for _ in range(n):
        times.append(fn())
    return min(times), times


def time_whole_corpus(ctx: Ctx, files: list[Path]) -> dict:
    d = ctx.fixtures
    report = ctx.tmp / "modelscan-dir.json"

    def one(argv):
        def f():
            rc, out, err, dt = run(ctx, argv, 3600)
            if rc is None:
                raise SystemExit(f"timeout: {argv}")
            return dt
        return f

    def fickling_loop():
        t0 = time.perf_counter()
        for p in files:
            subprocess.run(fickling_argv(ctx, p), cwd=ctx.tmp, env=ctx.env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=PER_FILE_TIMEOUT)
        return time.perf_counter() - t0

    fns = {
        "rampart": one(rampart_argv(ctx, d)),
        "picklescan": one(picklescan_argv(ctx, d)),
        "modelscan": one(modelscan_argv(ctx, d, report)),
        "fickling": fickling_loop,
    }
    res = {}
    for tool in TOOLS:
        best, all_ = best_of(ctx, fns[tool], ctx.repeats)
        res[tool] = {"best": best, "runs": all_}
        print(f"  timed {tool:10s} whole corpus: best {best:.3f} s of {', '.join(f'{t:.3f}' for t in all_)}", flush=True)
    return res


def time_big(ctx: Ctx, path: Path, malformed: bool = False) -> dict:
    res = {}
    for tool in TOOLS:
        runs = []
        status = detail = None
        for _ in range(ctx.repeats):
            s, det, dt = scan_one(ctx, tool, path, malformed, BIG_TIMEOUT)
            runs.append(dt)
            status, detail = s, det
            if s == "timeout":
                break
        res[tool] = {"best": min(runs), "runs": runs, "status": status, "detail": detail}
        print(f"  timed {tool:10s} {path.name}: best {min(runs):.3f} s of "
              f"{', '.join(f'{t:.3f}' for t in runs)} -> {status}", flush=True)
    return res


# ---------------------------------------------------------------------------
# report


def fmt_s(t: float) -> str:
    return f"{t:.3f} s" if t < 10 else f"{t:.1f} s"


def print_table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(r[i])) for r in rows + [header] if r) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r) if r else "")


def cmd_run(args: argparse.Namespace) -> int:
    ctx = Ctx(args)
    manifest = json.loads((ctx.corpus / "manifest.json").read_text())
    rels = [e["path"] for e in manifest]
    on_disk = {str(p.relative_to(ctx.fixtures)) for p in ctx.fixtures.rglob("*") if p.is_file()}
    extra = sorted(on_disk - set(rels))
    if extra:
        print(f"note: {len(extra)} corpus file(s) not in the manifest, not scored: {extra}")
    versions = {}
    rc, out, err, _ = run(ctx, [ctx.rampart, "--version"], 60)
    versions["rampart"] = out.split()[-1] if out.split() else "?"
    vpy = str(Path(ctx.bin["picklescan"]).with_name("python"))
    for tool in PEERS:
        rc, out, err, _ = run(ctx, [vpy, "-c", f"import importlib.metadata as m; print(m.version({tool!r}))"], 60)
        versions[tool] = out.strip() or "?"
    print("tools: " + ", ".join(f"{t} {versions[t]}" for t in TOOLS))

    # --- per-file detection (one invocation per file, sequential, all tools)
    print(f"per-file detection: {len(rels)} files x {len(TOOLS)} tools, one process per file, sequential ...", flush=True)
    results: dict[str, dict] = {}
    t0 = time.perf_counter()
    for rel in rels:
        malformed = rel.startswith("malformed/")
        path = ctx.fixtures / rel
        results[rel] = {}
        for tool in TOOLS:
            status, detail, dt = scan_one(ctx, tool, path, malformed, PER_FILE_TIMEOUT)
            results[rel][tool] = {"status": status, "detail": detail, "seconds": round(dt, 4)}
    print(f"per-file detection done in {time.perf_counter() - t0:.0f} s", flush=True)

    # --- timings
    print(f"timing: whole corpus ({ctx.fixtures.relative_to(ctx.work.parent.parent)}), one invocation per tool, best of {ctx.repeats} ...", flush=True)
    whole = time_whole_corpus(ctx, [ctx.fixtures / r for r in rels])
    big = {}
    for name in BIG_FILES:
        p = ctx.big / name
        if p.is_file():
            print(f"timing: {name} ({p.stat().st_size / GiB:.2f} GiB), best of {ctx.repeats} per tool ...", flush=True)
            big[name] = time_big(ctx, p)
            big[name]["size"] = p.stat().st_size
            results[f"big/{name}"] = {t: {k: v for k, v in big[name][t].items() if k in ("status", "detail")} for t in TOOLS}
        else:
            print(f"timing: {name} missing (generation skipped), multi-GB timing skipped")

    (ctx.work / "results.json").write_text(json.dumps(
        {"versions": versions, "repeats": ctx.repeats, "per_file": results, "whole_corpus": whole, "big": big},
        indent=1))
    with open(ctx.work / "per-file.tsv", "w") as fh:
        fh.write("path\tcategory\t" + "\t".join(f"{t}\t{t}_detail" for t in TOOLS) + "\n")
        for rel, r in results.items():
            fh.write(f"{rel}\t{cat(rel)}\t" + "\t".join(f"{r[t]['status']}\t{r[t]['detail']}" for t in TOOLS) + "\n")

    return report(ctx.work)


def cmd_report(args: argparse.Namespace) -> int:
    return report(Path(args.work).resolve())


def report(work: Path) -> int:
    """Print the table and the targets from WORK/results.json."""
    data = json.loads((work / "results.json").read_text())
    versions, results, whole, big = data["versions"], data["per_file"], data["whole_corpus"], data["big"]
    repeats = data["repeats"]
    n_fixtures = sum(1 for r in results if not r.startswith("big/"))

    # --- aggregate per category
    cats: dict[str, list[str]] = {}
    for rel in results:
        cats.setdefault(cat(rel), []).append(rel)
    ordered = sorted(cats, key=cat_sort_key)

    def is_benign(c: str) -> bool:
        return c.startswith("benign/") or c == "big/benign"

    print()
    print("=" * 78)
    print("rampart scan benchmark  (" + ", ".join(f"{t} {versions[t]}" for t in TOOLS) + ")")
    print("=" * 78)
    print("Detection per category: detected/total; benign rows: false positives/total (lower is better).")
    print("rampart detects = verdict malicious or suspicious (malformed: any finding); a peer detects = it reports an issue")
    print("(picklescan: dangerous globals, modelscan: any issue, fickling: exit 1). '~N' = N files the peer")
    print("could not analyse (error / unsupported / skipped), counted as not detected.")
    print()
    header = ["category", "files"] + TOOLS
    rows = []
    totals = {k: {t: [0, 0] for t in TOOLS} for k in ("benign", "bad")}
    for c in ordered:
        rels_c = cats[c]
        row = [c + ("  (FP)" if is_benign(c) else ""), str(len(rels_c))]
        for t in TOOLS:
            det = sum(results[r][t]["status"] == "detected" for r in rels_c)
            na = sum(results[r][t]["status"] in ("error", "unsupported", "timeout") for r in rels_c)
            k = "benign" if is_benign(c) else "bad"
            totals[k][t][0] += det
            totals[k][t][1] += len(rels_c)
            row.append(f"{det}/{len(rels_c)}" + (f" ~{na}" if na else ""))
        rows.append(row)
    rows.append([])
    for k, label in (("bad", "TOTAL malicious+malformed"), ("benign", "TOTAL benign (FP)")):
        n = next(iter(totals[k].values()))[1]
        rows.append([label, str(n)] + [f"{totals[k][t][0]}/{totals[k][t][1]}" for t in TOOLS])
    rows.append([])
    rt = whole["rampart"]["best"]
    rows.append([f"whole corpus wall time ({n_fixtures} files)", ""] + [fmt_s(whole[t]["best"]) for t in TOOLS])
    rows.append(["  ratio peer / rampart", ""] + ["1.0x"] + [f"{whole[t]['best'] / rt:.1f}x" for t in PEERS])
    for name, b in big.items():
        rows.append([f"{name} ({b['size'] / GiB:.1f} GiB)", ""] + [
            fmt_s(b[t]["best"]) + ("" if b[t]["status"] in ("detected", "clean") else f" [{b[t]['status']}]")
            for t in TOOLS])
        rows.append(["  ratio peer / rampart", ""] + ["1.0x"] + [f"{b[t]['best'] / b['rampart']['best']:.1f}x" for t in PEERS])
        rows.append(["  verdict", ""] + [b[t]["status"] for t in TOOLS])
    print_table(rows, header)
    print()
    print("Times: wall clock, best of %d, including process start-up; rampart, picklescan and modelscan get the" % repeats)
    print("corpus directory in ONE invocation; fickling has no directory mode, so its time is a loop of one")
    print("`fickling --check-safety` process per file. The big checkpoints are excluded from the whole-corpus run.")

    # --- observations
    failures = []
    print()
    print("Files a peer detected and rampart did not (target: none):")
    any_miss = False
    for t in PEERS:
        missed = [r for r in results if not is_benign(cat(r)) and results[r][t]["status"] == "detected"
                  and results[r]["rampart"]["status"] != "detected"]
        for r in missed:
            any_miss = True
            print(f"  {t}: {r}  (peer: {results[r][t]['detail'] or 'exit 1'}; rampart: "
                  f"{results[r]['rampart']['detail'] or results[r]['rampart']['status']})")
        if missed:
            failures.append(f"rampart misses {len(missed)} file(s) that {t} detects")
    if not any_miss:
        print("  none")
    print("Benign false positives of rampart (target: none):")
    fps = [r for r in results if is_benign(cat(r)) and results[r]["rampart"]["status"] == "detected"]
    for r in fps:
        print(f"  {r}: {results[r]['rampart']['detail']}")
    if fps:
        failures.append(f"rampart has {len(fps)} benign false positive(s)")
    else:
        print("  none")
    sus = [r for r in results if is_benign(cat(r)) and results[r]["rampart"]["status"] != "detected"
           and results[r]["rampart"]["detail"].split(" ")[0] not in ("clean", "")]
    if sus:
        print("Benign files rampart did not call malicious but did not call clean either:")
        for r in sus:
            print(f"  {r}: {results[r]['rampart']['detail']}")
    missed_by_rampart = [r for r in results if not is_benign(cat(r)) and results[r]["rampart"]["status"] != "detected"]
    if missed_by_rampart:
        print("Malicious/malformed files rampart did not detect (whether or not a peer did):")
        for r in missed_by_rampart:
            print(f"  {r}: {results[r]['rampart']['detail'] or results[r]['rampart']['status']}")
    print("Peer false positives on benign files (informational):")
    for t in PEERS:
        pf = [r for r in results if is_benign(cat(r)) and results[r][t]["status"] == "detected"]
        print(f"  {t}: {len(pf)}" + (": " + ", ".join(pf) if pf else ""))
    print("Peer files not analysed (error / unsupported / timeout; informational):")
    for t in PEERS:
        na = [r for r in results if results[r][t]["status"] in ("error", "unsupported", "timeout")]
        kinds = {}
        for r in na:
            kinds[results[r][t]["status"]] = kinds.get(results[r][t]["status"], 0) + 1
        print(f"  {t}: {len(na)}" + (" (" + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ")" if na else ""))
    print(f"(per-file details: {work / 'per-file.tsv'}; all numbers: {work / 'results.json'})")

    # --- targets
    print()
    print("Targets:")
    ok = lambda b: "PASS" if b else "FAIL"
    print(f"  [{ok(not any_miss)}] rampart detects everything each peer detects")
    print(f"  [{ok(not fps)}] no benign false positive")
    peer_best = min(whole[t]["best"] for t in PEERS)
    fastest = min(PEERS, key=lambda t: whole[t]["best"])
    ratio = peer_best / rt
    speed_ok = ratio >= 20
    gate_speed = os.environ.get("BENCH_GATE_SPEED") == "1"
    print(f"  [{ok(speed_ok)}] >= 20x faster than the fastest peer on the whole corpus: {ratio:.1f}x "
          f"({fastest} {fmt_s(peer_best)} vs rampart {fmt_s(rt)})"
          + ("" if gate_speed else "  (reported; gating only with BENCH_GATE_SPEED=1)"))
    if not speed_ok and gate_speed:
        failures.append(f"whole-corpus speed-up {ratio:.1f}x < 20x over {fastest}")
    if big:
        worst = max(b["rampart"]["best"] for b in big.values())
        big_ok = worst < 0.2
        print(f"  [{ok(big_ok)}] multi-GB checkpoint scan < 0.2 s: rampart best of {repeats}: "
              + ", ".join(f"{n} {fmt_s(b['rampart']['best'])}" for n, b in big.items()))
        if not big_ok:
            failures.append(f"multi-GB checkpoint scan took {worst:.3f} s (target < 0.2 s)")
        if "checkpoint-4g-evil.pt" in big and big["checkpoint-4g-evil.pt"]["rampart"]["status"] != "detected":
            failures.append("rampart did not detect checkpoint-4g-evil.pt")
        if "checkpoint-4g.pt" in big and big["checkpoint-4g.pt"]["rampart"]["status"] == "detected":
            failures.append("rampart flags the benign checkpoint-4g.pt")
    else:
        print("  [SKIP] multi-GB checkpoint scan < 0.2 s: checkpoints not generated (disk space)")
    print()
    if failures:
        print("FAILED TARGETS:")
        for f in failures:
            print(f"  - {f}")
        return 1
    print("all gating targets met")
    return 0


def cat(rel: str) -> str:
    if rel.startswith("big/"):
        return "big/malicious" if "evil" in rel else "big/benign"
    return category_of(rel)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus")
    c.add_argument("--repo", required=True)
    c.add_argument("--work", required=True)
    r = sub.add_parser("run")
    r.add_argument("--work", required=True)
    r.add_argument("--rampart", required=True)
    r.add_argument("--venv", required=True)
    r.add_argument("--repeats", type=int, default=3)
    rep = sub.add_parser("report", help="print the table again from WORK/results.json")
    rep.add_argument("--work", required=True)
    args = ap.parse_args()
    return {"corpus": cmd_corpus, "run": cmd_run, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
