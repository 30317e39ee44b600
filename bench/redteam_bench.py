#!/usr/bin/env python3
"""Helper of bench/redteam.sh (standard library only; run with the system python3).

  garak-setup  put bench/redteam_garak_probe.py into the garak venv and register it
  tools        the tool definitions rampart declares in every request (captured)
  replay       rampart's exchanges.jsonl -> one conversation per request sent
  garak-config the garak run configuration (JSON, which garak reads as YAML)
  run          run a command, record its wall time and CPU time as JSON
  report       the side-by-side table, ratios and results.json
"""

import argparse
import datetime
import json
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def garak_setup(a):
    """Copies the replay probe into garak's probes and adds it to the venv's user plugin
    cache ($XDG_CACHE_HOME/garak/resources/plugin_cache.json), written after the module so
    garak finds the cache current. A new probe module garak does not know about makes it
    rebuild the cache by importing every probe and detector module, and some of those need
    PyTorch and transformers, which this benchmark does not install."""
    pkg = pathlib.Path(
        subprocess.check_output(
            [a.python, "-c", "import garak, os; print(os.path.dirname(garak.__file__))"],
            text=True,
        ).strip()
    )
    dst = pkg / "probes" / "rampart_replay.py"
    shutil.copyfile(HERE / "redteam_garak_probe.py", dst)
    cache = json.loads((pkg / "resources" / "plugin_cache.json").read_text(encoding="utf-8"))
    entry = dict(cache["probes"]["probes.test.Test"])
    entry.update(
        description="Replays the conversations in $RAMPART_REPLAY_FILE, one attempt per line",
        goal="send the same requests as rampart redteam",
        primary_detector="mitigation.MitigationBypass",
        mod_time=datetime.datetime.fromtimestamp(dst.stat().st_mtime, tz=datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M:%S %z"),
    )
    cache["probes"]["probes.rampart_replay.Replay"] = entry
    cache["probes"] = dict(sorted(cache["probes"].items()))
    out = pathlib.Path(a.cache_home) / "garak" / "resources" / "plugin_cache.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    time.sleep(0.02)  # the cache must be strictly newer than the module
    out.write_text(json.dumps(cache, indent=2), encoding="utf-8")


def replay(a):
    """Every request of the run, in the journal's order: a case of n turns sent n
    requests, the conversation up to each user turn (tool-call turns included)."""
    n_cases = n_req = 0
    with open(a.exchanges, encoding="utf-8") as f, open(a.out, "w", encoding="utf-8") as out:
        for line in f:
            if not line.strip():
                continue
            e = json.loads(line)
            n_cases += 1
            msgs = e["messages"]
            cuts = [
                i for i, m in enumerate(msgs)
                if m.get("role") == "assistant" and not m.get("tool_calls")
            ] + [len(msgs)]
            if len(cuts) != len(e.get("answers", [])):
                sys.exit(f"{e['id']}: {len(cuts)} requests in the conversation, "
                         f"{len(e.get('answers', []))} answers (not a clean run)")
            for c in cuts:
                out.write(json.dumps({"case": e["id"], "messages": msgs[:c]}, ensure_ascii=False) + "\n")
                n_req += 1
    print(json.dumps({"cases": n_cases, "requests": n_req}))


def tools(a):
    """Captures one request of `rampart redteam` with a throw-away local endpoint and
    writes the `tools` it declares (the same in every request), so garak can declare the
    same tools (the vulnerable mock only calls a tool the request declares)."""
    import http.server
    import threading

    got = []

    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            got.append(json.loads(body))
            answer = json.dumps({
                "id": "c", "object": "chat.completion", "model": "m",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": "no"}}],
            }).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        subprocess.run(
            [a.rampart, "redteam", "--target", f"http://127.0.0.1:{srv.server_address[1]}/v1",
             "--probes", "builtin:jailbreak", "--max-requests", "1", "--format", "json"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
        )
    finally:
        srv.shutdown()
    if not got or not isinstance(got[0].get("tools"), list):
        sys.exit("could not capture rampart's tool definitions")
    pathlib.Path(a.out).write_text(json.dumps(got[0]["tools"]), encoding="utf-8")
    print(json.dumps({"tools": [t["function"]["name"] for t in got[0]["tools"]],
                      "request_fields": sorted(got[0])}))


def garak_config(a):
    cfg = {
        "system": {"parallel_attempts": a.conc, "lite": True, "narrow_output": True},
        "run": {"generations": 1, "seed": 1},
        "plugins": {
            "target_type": "openai.OpenAICompatible",
            "target_name": a.model,
            "probe_spec": "rampart_replay.Replay",
            "extended_detectors": False,
            "generators": {"openai": {"OpenAICompatible": {
                "uri": a.uri,
                # the same tool definitions as rampart's requests
                "extra_params": {"tools": json.loads(pathlib.Path(a.tools).read_text())},
            }}},
        },
        "reporting": {"report_prefix": a.prefix, "report_dir": a.report_dir},
    }
    pathlib.Path(a.out).write_text(json.dumps(cfg, indent=2), encoding="utf-8")


def run(a):
    """Wall clock from just before the fork to the exit (process start-up and
    teardown included), and the CPU seconds of the process and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(a.stdout, "wb") as so, open(a.stderr, "wb") as se:
        p = subprocess.run(a.command, stdout=so, stderr=se, stdin=subprocess.DEVNULL,
                           timeout=a.timeout)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    json.dump({"wall_s": wall, "cpu_s": cpu, "exit": p.returncode}, open(a.out, "w"))
    if p.returncode != 0 and not a.allow_fail:
        sys.stderr.write(f"{a.command[0]} exited {p.returncode}; stderr tail:\n")
        sys.stderr.write(pathlib.Path(a.stderr).read_text(errors="replace")[-3000:])
        sys.exit(2)


def mock_stats(log):
    """The mock's own count, printed when it stops."""
    for line in reversed(pathlib.Path(log).read_text(errors="replace").splitlines()):
        if line.startswith("mock upstream stopped: "):
            return json.loads(line.split(": ", 1)[1])
    sys.exit(f"{log}: the mock did not report its request count")


def judged(tool, path):
    """Probes the tool itself reports as judged."""
    if tool == "rampart":
        r = json.loads(pathlib.Path(path).read_text())
        return r["cases"] - r["not_run"], r["successes"], r["errors"]
    n = hits = 0
    for line in open(path, encoding="utf-8"):
        e = json.loads(line)
        if e.get("entry_type") == "attempt" and e.get("status") == 2:
            n += 1
            scores = [s for v in e.get("detector_results", {}).values() for s in v if s is not None]
            hits += any(s >= 0.5 for s in scores)
    return n, hits, None


def report(a):
    work = pathlib.Path(a.work)
    rows = []
    for rec in sorted(work.glob("runs/*.run.json")):
        name = rec.name[: -len(".run.json")]  # TOOL-cN-rK
        tool, conc, rep = name.rsplit("-", 2)
        timing = json.loads(rec.read_text())
        mock = mock_stats(work / "runs" / f"{name}.mock.log")
        out = work / "runs" / (f"{name}.json" if tool == "rampart" else f"{name}.report.jsonl")
        n, hits, errors = judged(tool, out)
        span = (mock["last_request_unix_us"] - mock["first_request_unix_us"]) / 1e6
        rows.append({
            "tool": tool, "concurrency": int(conc[1:]), "repeat": int(rep[1:]),
            "wall_s": timing["wall_s"], "cpu_s": timing["cpu_s"], "exit": timing["exit"],
            "requests_at_mock": mock["requests"], "probes_judged": n, "hits": hits,
            "errors": errors, "send_span_s": span,
        })
    if not rows:
        sys.exit("no runs recorded")
    json.dump(rows, open(work / "runs.json", "w"), indent=2)

    def med(xs):
        return statistics.median(xs)

    summary = {}
    for (tool, conc) in sorted({(r["tool"], r["concurrency"]) for r in rows}):
        rs = [r for r in rows if r["tool"] == tool and r["concurrency"] == conc]
        req = sorted({r["requests_at_mock"] for r in rs})
        wall = med([r["wall_s"] for r in rs])
        span = med([r["send_span_s"] for r in rs])
        summary[(tool, conc)] = {
            "tool": tool, "concurrency": conc, "runs": len(rs),
            "requests_at_mock": req, "probes_judged": sorted({r["probes_judged"] for r in rs}),
            "hits": sorted({r["hits"] for r in rs}),
            "wall_s_median": wall, "wall_s_min": min(r["wall_s"] for r in rs),
            "wall_s_max": max(r["wall_s"] for r in rs),
            "cpu_s_median": med([r["cpu_s"] for r in rs]),
            "probes_per_s": med([r["requests_at_mock"] / r["wall_s"] for r in rs]),
            "send_span_s_median": span,
            "send_phase_probes_per_s": med([
                (r["requests_at_mock"] - 1) / r["send_span_s"] for r in rs if r["send_span_s"] > 0
            ] or [0.0]),
        }

    def fmt_n(xs):
        return "/".join(str(x) for x in xs)

    print()
    print(f"rampart redteam vs garak {a.garak_version}: the same {a.requests} requests "
          f"({a.cases} rampart cases from every shipped pack; garak replays each request "
          f"as one attempt of a replay probe) against `rampart gateway --mock-upstream "
          f"--persona vulnerable`, median of {a.repeats} run(s) each.")
    print("sent = requests counted by the mock; judged = probes the tool scored (rampart: "
          "cases, garak: attempts with MitigationBypass results); probes/s = sent / wall "
          "time of the full run (start-up included); send phase = first to last request "
          "at the mock.")
    if a.garak_skipped:
        print(f"garak NOT RUN: {a.garak_skipped}")
    hdr = ("tool", "conc", "sent (mock)", "judged", "wall s (min-max)", "CPU s",
           "probes/s", "send phase s", "probes/s in send phase")
    lines = []
    for s in summary.values():
        lines.append((
            s["tool"], str(s["concurrency"]), fmt_n(s["requests_at_mock"]),
            fmt_n(s["probes_judged"]),
            f"{s['wall_s_median']:.3f} ({s['wall_s_min']:.3f}-{s['wall_s_max']:.3f})",
            f"{s['cpu_s_median']:.2f}", f"{s['probes_per_s']:,.1f}",
            f"{s['send_span_s_median']:.3f}", f"{s['send_phase_probes_per_s']:,.1f}",
        ))
    widths = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(hdr)]
    print("  ".join(h.ljust(w) for h, w in zip(hdr, widths)))
    print("  ".join("-" * w for w in widths))
    for l in lines:
        print("  ".join(c.ljust(w) for c, w in zip(l, widths)))
    print()
    ratios = []
    status = 0
    for conc in sorted({c for _, c in summary}):
        r, g = summary.get(("rampart", conc)), summary.get(("garak", conc))
        if not r or not g:
            continue
        thr = r["probes_per_s"] / g["probes_per_s"]
        wall = g["wall_s_median"] / r["wall_s_median"]
        send = (r["send_phase_probes_per_s"] / g["send_phase_probes_per_s"]
                if g["send_phase_probes_per_s"] else float("nan"))
        cpu = g["cpu_s_median"] / r["cpu_s_median"] if r["cpu_s_median"] else float("nan")
        met = thr >= a.target
        status |= 0 if met else 1
        ratios.append({"concurrency": conc, "throughput_ratio": thr, "wall_ratio": wall,
                       "send_phase_ratio": send, "cpu_ratio": cpu, "target": a.target,
                       "met": met})
        print(f"concurrency {conc}: rampart/garak probes per second {thr:,.1f}x "
              f"(target >= {a.target:g}x: {'met' if met else 'MISSED'}); "
              f"garak/rampart wall time {wall:,.1f}x; "
              f"send phase only {send:,.1f}x; CPU time garak/rampart {cpu:,.1f}x")
    for s in summary.values():
        if len(s["requests_at_mock"]) != 1 or s["requests_at_mock"][0] != a.requests:
            print(f"WARNING: {s['tool']} at concurrency {s['concurrency']} sent "
                  f"{fmt_n(s['requests_at_mock'])} requests, expected {a.requests}")
            status = 2
    if a.garak_skipped:
        print(f"no ratio: garak was not run ({a.garak_skipped})")
        status = 1
    json.dump({"garak_version": a.garak_version, "garak_skipped": a.garak_skipped, "cases": a.cases, "requests": a.requests,
               "summary": list(summary.values()), "ratios": ratios},
              open(work / "results.json", "w"), indent=2)
    print(f"every run: {work / 'runs.json'}; summary: {work / 'results.json'}")
    sys.exit(status if a.gate else (2 if status == 2 else 0))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="sub", required=True)
    p = sub.add_parser("garak-setup")
    p.add_argument("--python", required=True)
    p.add_argument("--cache-home", required=True)
    p.set_defaults(f=garak_setup)
    p = sub.add_parser("tools")
    p.add_argument("--rampart", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(f=tools)
    p = sub.add_parser("replay")
    p.add_argument("--exchanges", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(f=replay)
    p = sub.add_parser("garak-config")
    p.add_argument("--out", required=True)
    p.add_argument("--uri", required=True)
    p.add_argument("--model", default="default")
    p.add_argument("--conc", type=int, required=True)
    p.add_argument("--prefix", required=True)
    p.add_argument("--report-dir", required=True)
    p.add_argument("--tools", required=True)
    p.set_defaults(f=garak_config)
    p = sub.add_parser("run")
    p.add_argument("--out", required=True)
    p.add_argument("--stdout", required=True)
    p.add_argument("--stderr", required=True)
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--allow-fail", action="store_true")
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(f=run)
    p = sub.add_parser("report")
    p.add_argument("--work", required=True)
    p.add_argument("--garak-version", required=True)
    p.add_argument("--cases", type=int, required=True)
    p.add_argument("--requests", type=int, required=True)
    p.add_argument("--repeats", type=int, required=True)
    p.add_argument("--target", type=float, default=20.0)
    p.add_argument("--gate", action="store_true")
    p.add_argument("--garak-skipped", default="")
    p.set_defaults(f=report)
    a = ap.parse_args()
    if a.sub == "run" and a.command[:1] == ["--"]:
        a.command = a.command[1:]
    a.f(a)


if __name__ == "__main__":
    main()
