#!/usr/bin/env python3
"""Helper for bench/gateway.sh: writes the request body and the configs, samples
resident memory of a process tree, and turns oha's JSON results into the table.

    gateway_bench.py prepare --work DIR --mock-port P --rampart-port P --litellm-port P
    gateway_bench.py rss --pid PID --out FILE [--interval 0.05]
    gateway_bench.py stream --work DIR --gateway URL --direct URL --key KEY [--kb 32] [--n 30]
    gateway_bench.py crash --work DIR --rampart BIN --config TOML --url URL --key KEY [--seconds 3]
    gateway_bench.py report --work DIR [--rate R] [--conc C] [--duration S]

Standard library only (it runs with the system python3).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

MODEL = "tinychat"

# A realistic support conversation (~2 KB of JSON): nothing that the guard should
# block or redact (no attack text, no e-mail addresses, phone or card numbers).
SYSTEM = (
    "You are the support assistant of Northwind Outdoor, a retailer of camping and "
    "hiking equipment. Answer politely and concisely, follow the returns policy (30 days, "
    "unused items, original packaging; sale items are final), and offer to open a ticket "
    "when you cannot solve the problem yourself. Never promise refunds before the "
    "warehouse has inspected the item."
)
TURNS = [
    ("user",
     "Hi, I bought the Ridgeline 2 tent about three weeks ago and used it once on a "
     "weekend trip. One of the aluminium poles cracked near the hub while I was pitching "
     "it, the wind was not strong at all. Is this covered, and what should I do?"),
    ("assistant",
     "I'm sorry to hear about the pole. A pole that cracks during normal pitching is "
     "covered by the two-year manufacturer warranty, even after the 30-day return window, "
     "so you have a few options. We can send you a replacement pole section free of "
     "charge, or you can bring the tent to any of our stores where the staff can swap "
     "the pole on the spot. Could you tell me which section cracked (the long ridge pole "
     "or one of the two shorter crossing poles) and whether the shock cord inside is "
     "still intact? If you "
     "prefer, I can also arrange a pick-up of the whole tent by courier so the warehouse "
     "can inspect it, but that usually takes a week longer than sending the part."),
    ("user",
     "It is the long ridge pole, the second section from the end. The cord looks fine. "
     "I would prefer the replacement by post because the nearest store is two hours "
     "away. Also, the stuff sack ripped at the seam, can you add a new one to the parcel? "
     "I have a trip planned in ten days, will it arrive in time? My order number is "
     "NW-48213 and the delivery address has not changed since the purchase. Thanks a lot "
     "for the quick help, the rest of the tent was great and stayed dry all night."),
]


def body() -> dict:
    messages = [{"role": "system", "content": SYSTEM}]
    messages += [{"role": r, "content": c} for r, c in TURNS]
    return {"model": MODEL, "messages": messages, "max_tokens": 256, "temperature": 0.2}


def cmd_prepare(a: argparse.Namespace) -> None:
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(body(), separators=(",", ":"))
    (work / "body.json").write_text(raw)
    (work / "rampart.toml").write_text(f"""schema_version = 1
[system]
name = "bench"
[gateway]
listen = "127.0.0.1:{a.rampart_port}"
keys = "keys.sqlite"
default_rpm = 100000000
[[gateway.upstreams]]
name = "mock"
url = "http://127.0.0.1:{a.mock_port}/v1"
models = ["{MODEL}"]
[ledger]
path = "ledger.sqlite"
""")
    base = (work / "rampart.toml").read_text()
    # guards off: every detector family disabled (the proxy's own cost, ledger on)
    (work / "rampart-noguard.toml").write_text(base.replace(
        "[ledger]", '[guard]\ndisabled = ["CLS", "EXF", "INJ", "JBK", "LEK", "OBF", "OOD", "OUT", "PII", "SEC"]\n[ledger]'))
    # durable mode: an answer leaves only once its ledger entry is committed
    (work / "rampart-durable.toml").write_text(base + "durable = true\n")
    # monitoring on: the per-minute time series, drift and alert evaluation (#16)
    (work / "rampart-monitor.toml").write_text(base.replace(
        "[ledger]", f'[gateway.monitor]\nadmin_listen = "127.0.0.1:{a.rampart_port + 10}"\n'
        'path = "metrics.sqlite"\n[ledger]'))
    # LiteLLM proxy: one OpenAI-compatible deployment on the same mock, a master key
    # (so it authenticates like rampart does), no database, no callbacks.
    (work / "litellm.yaml").write_text(f"""model_list:
  - model_name: {MODEL}
    litellm_params:
      model: openai/{MODEL}
      api_base: http://127.0.0.1:{a.mock_port}/v1
      api_key: dummy
litellm_settings:
  telemetry: false
  set_verbose: false
  json_logs: false
general_settings:
  master_key: sk-bench-master
""")
    print(f"request body: {len(raw)} bytes, {len(body()['messages'])} messages -> {work/'body.json'}")


def tree(pid: int) -> list[int]:
    """pid and its descendants (via /proc/*/stat parent ids)."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cmd_rss(a: argparse.Namespace) -> None:
    """Samples the summed VmRSS of the process tree until SIGTERM or the process ends;
    writes peak sampled RSS, the kernel's peak (VmHWM, summed) and the last sample."""
    stop = False

    def on_term(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    peak = last = hwm = samples = threads = 0
    procs = 1
    t_end = time.monotonic() + a.max_seconds
    while not stop and time.monotonic() < t_end and os.path.exists(f"/proc/{a.pid}"):
        pids = tree(a.pid)
        rss = sum(status_kb(p, "VmRSS") for p in pids)
        hwm = max(hwm, sum(status_kb(p, "VmHWM") for p in pids))
        threads = max(threads, sum(status_kb(p, "Threads") for p in pids))
        if rss:
            last = rss
            peak = max(peak, rss)
            procs = len(pids)
            samples += 1
        time.sleep(a.interval)
    Path(a.out).write_text(json.dumps(
        {"peak_rss_kb": peak, "vmhwm_kb": hwm, "last_rss_kb": last, "samples": samples, "processes": procs,
         "peak_threads": threads}))


def _post(url: str, key: str, payload: dict, timeout: float = 60.0) -> tuple[int, bytes, dict]:
    import urllib.request
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except Exception as e:  # noqa: BLE001 - any failure is a failed request here
        code = getattr(e, "code", 0)
        return code, b"", {}


def cmd_stream(a: argparse.Namespace) -> None:
    """Time streamed answers of `kb` KB (8-character deltas from the mock) through the
    gateway and straight from the mock, one at a time; the gateway's added time per KB
    of output is the streaming cost (the whole judge: windows, release, re-emission)."""
    payload = {"model": MODEL, "stream": True,
               "messages": [{"role": "user", "content": f"REPLY_LONG: {a.kb * 1024}"}]}
    out = {}
    for name, url in (("direct", a.direct), ("gateway", a.gateway)):
        times = []
        for _ in range(a.n + 2):
            t0 = time.perf_counter()
            code, body, _ = _post(url, a.key, payload)
            dt = time.perf_counter() - t0
            if code != 200 or b"[DONE]" not in body:
                raise SystemExit(f"stream via {name} failed: HTTP {code}")
            times.append(dt)
        times = sorted(times[2:])  # two warm-ups
        out[name] = times[len(times) // 2]
    per_kb_us = (out["gateway"] - out["direct"]) / a.kb * 1e6
    res = {"kb": a.kb, "n": a.n, "direct_median_ms": out["direct"] * 1e3,
           "gateway_median_ms": out["gateway"] * 1e3, "added_us_per_kb": per_kb_us}
    (Path(a.work) / "stream.json").write_text(json.dumps(res))
    print(f"   streaming {a.kb} KB: direct {res['direct_median_ms']:.1f} ms, gateway "
          f"{res['gateway_median_ms']:.1f} ms (medians of {a.n}): +{per_kb_us:.0f} us per KB")


def cmd_crash(a: argparse.Namespace) -> None:
    """The ledger's loss window: load the gateway (default mode) from 4 threads, SIGKILL
    it, and count the answered requests whose entry is not in the ledger."""
    import subprocess
    import threading
    work = Path(a.work)
    for f in work.glob("ledger.sqlite*"):
        f.unlink()
    gw = subprocess.Popen([a.rampart, "gateway", "--config", a.config], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            if _post(a.url, a.key, body(), timeout=2)[0] == 200:
                break
            time.sleep(0.1)
        stop = threading.Event()
        answered: list[tuple[str, float]] = []
        lock = threading.Lock()

        def worker() -> None:
            while not stop.is_set():
                code, _, headers = _post(a.url, a.key, body(), timeout=5)
                rid = {k.lower(): v for k, v in headers.items()}.get("x-rampart-request-id")
                if code == 200 and rid:
                    with lock:
                        answered.append((rid, time.monotonic()))

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(a.seconds)
        os.killpg(gw.pid, signal.SIGKILL)
        killed = time.monotonic()
        gw.wait()
        stop.set()
        for t in threads:
            t.join(timeout=10)
    finally:
        if gw.poll() is None:
            os.killpg(gw.pid, signal.SIGKILL)
    tail = subprocess.run([a.rampart, "audit", "tail", "-n", "100000000", "--db", str(work / "ledger.sqlite")],
                          capture_output=True, text=True, check=False).stdout
    ids = {w for w in tail.replace('"', " ").replace(",", " ").split() if w.startswith("req-")}
    before = [(r, t) for r, t in answered if t <= killed]
    lost = [(r, t) for r, t in before if r not in ids]
    oldest = max((killed - t for _, t in lost), default=0.0)
    res = {"answered": len(before), "lost": len(lost), "oldest_lost_ms": oldest * 1e3}
    (work / "crash.json").write_text(json.dumps(res))
    print(f"   SIGKILL after {a.seconds}s of load: {len(before)} answered, {len(lost)} not in the ledger"
          + (f" (the oldest answered {oldest * 1e3:.1f} ms before the kill)" if lost else ""))


def load_oha(path: Path) -> dict | None:
    try:
        d = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    codes = {str(k): int(v) for k, v in (d.get("statusCodeDistribution") or {}).items()}
    ok = codes.get("200", 0)
    errors = {str(k): int(v) for k, v in (d.get("errorDistribution") or {}).items()}
    total_time = float(d["summary"].get("total") or 0.0)
    pct = d.get("latencyPercentiles") or {}
    ms = lambda k: (float(pct[k]) * 1000.0) if pct.get(k) is not None else None  # noqa: E731
    return {
        "ok": ok,
        "codes": codes,
        "errors": errors,
        "seconds": total_time,
        "rps_ok": ok / total_time if total_time else 0.0,
        "p50": ms("p50"),
        "p90": ms("p90"),
        "p99": ms("p99"),
        "p999": ms("p99.9"),
        "mean": float(d["summary"].get("average") or 0.0) * 1000.0,
    }


def fmt(v, unit="", nd=2):
    if v is None:
        return "-"
    return f"{v:.{nd}f}{unit}"


def cmd_report(a: argparse.Namespace) -> int:
    work = Path(a.work)
    targets = [("direct", "direct to mock"), ("nginx", "nginx (plain proxy)"),
               ("bare", "bare hyper proxy"), ("rampart", "rampart (guards+ledger)"),
               ("rampart-noguard", "rampart (guards off)"), ("rampart-durable", "rampart (durable)"),
               ("rampart-monitor", "rampart (monitoring on)"), ("litellm", "LiteLLM proxy")]
    res = {}
    for key, _ in targets:
        res[key] = {
            "rate": load_oha(work / f"{key}-rate.json"),
            "max": load_oha(work / f"{key}-max.json"),
        }
        try:
            res[key]["rss"] = json.loads((work / f"{key}-rss.json").read_text())
        except (OSError, ValueError):
            res[key]["rss"] = None
        try:
            # 1-minute load average before the rate phase, after it, after the max phase
            res[key]["load"] = [float(x) for x in (work / f"{key}-load.txt").read_text().split()]
        except (OSError, ValueError):
            res[key]["load"] = None
    d = res["direct"]["rate"]

    print()
    print(f"latency at a fixed {a.rate} req/s for {a.duration}s (oha, latency-corrected); "
          f"throughput at {a.conc} connections for {a.duration}s")
    hdr = (f"{'target':<25} {'p50 ms':>8} {'p99 ms':>8} {'+p50 ms':>8} {'+p99 ms':>8} "
           f"{'max req/s':>10} {'rampart/x':>9} {'peak RSS':>10} {'non-200':>8} {'load avg':>16}")
    print(hdr)
    print("-" * len(hdr))
    r_max = (res["rampart"]["max"] or {}).get("rps_ok")
    for key, label in targets:
        rate, mx, rss = res[key]["rate"], res[key]["max"], res[key]["rss"]
        add50 = add99 = None
        if key != "direct" and rate and d and rate["p50"] is not None and d["p50"] is not None:
            add50, add99 = rate["p50"] - d["p50"], rate["p99"] - d["p99"]
        ratio = None
        if key == "litellm" and mx and r_max and mx["rps_ok"]:
            ratio = r_max / mx["rps_ok"]
        bad = 0
        for run in (rate, mx):
            if run:
                bad += sum(v for c, v in run["codes"].items() if c != "200")
        rss_txt = "-"
        if rss and rss.get("peak_rss_kb"):
            rss_txt = f"{max(rss['peak_rss_kb'], rss.get('vmhwm_kb', 0)) / 1024:.1f} MB"
            if rss.get("processes", 1) > 1:
                rss_txt += f"/{rss['processes']}p"
            if key == "direct":
                rss_txt += "*"
        print(f"{label:<25} {fmt(rate and rate['p50']):>8} {fmt(rate and rate['p99']):>8} "
              f"{fmt(add50):>8} {fmt(add99):>8} {fmt(mx and mx['rps_ok'], nd=0):>10} "
              f"{(fmt(ratio, 'x', 1) if ratio else '-'):>9} {rss_txt:>10} {bad:>8} "
              f"{'/'.join(f'{x:.1f}' for x in res[key]['load']) if res[key]['load'] else '-':>16}")
    print("  * RSS of the mock itself (it keeps the last 1024 request bodies), for scale only;"
          " /Np = summed over N processes")
    print("  load avg: the machine's 1-minute load average before the fixed-rate phase, after it,"
          f" and after the maximum phase ({os.cpu_count()} cores)")
    for key, label in targets:
        rate = res[key]["rate"]
        if rate and rate["rps_ok"] < 0.95 * a.rate:
            print(f"  {label} sustained only {rate['rps_ok']:.0f} of the {a.rate} req/s offered:"
                  " its fixed-rate latencies are mostly queueing delay")
    for key, label in targets:
        rss = res[key]["rss"]
        if rss and rss.get("peak_threads"):
            print(f"  {label:<25} peak threads {rss['peak_threads']}, last RSS {rss['last_rss_kb'] / 1024:.1f} MB")
    print()
    for key, label in targets:
        for phase in ("rate", "max"):
            run = res[key][phase]
            if not run:
                print(f"  {label} {phase}: no result")
                continue
            errs = ", ".join(f"{k}: {v}" for k, v in run["errors"].items()) or "none"
            print(f"  {label:<25} {phase:<4}: {run['ok']} x 200 in {run['seconds']:.1f}s "
                  f"({run['rps_ok']:.0f}/s), p90 {fmt(run['p90'])} ms, p99.9 {fmt(run['p999'])} ms, "
                  f"codes {run['codes']}, client errors {errs}")

    print()
    checks = []
    rr, lm, ng = res["rampart"], res["litellm"], res["rampart-noguard"]
    if rr["rate"] and d and rr["rate"]["p99"] is not None and d["p99"] is not None:
        add99 = rr["rate"]["p99"] - d["p99"]
        checks.append(("added p99 <= 1 ms at %d req/s, guards on" % a.rate, add99 <= 1.0,
                       f"{add99:.2f} ms (rampart p99 {rr['rate']['p99']:.2f} - direct p99 {d['p99']:.2f})"))
    else:
        checks.append(("added p99 <= 1 ms", False, "no result"))
    if rr["max"] and lm["max"] and lm["max"]["rps_ok"]:
        ratio = rr["max"]["rps_ok"] / lm["max"]["rps_ok"]
        checks.append((">= 60x LiteLLM throughput, guards on", ratio >= 60.0,
                       f"{ratio:.1f}x ({rr['max']['rps_ok']:.0f} vs {lm['max']['rps_ok']:.0f} req/s)"))
    else:
        checks.append((">= 60x LiteLLM throughput", False, "no result"))
    dm = res["direct"]["max"]
    if ng["max"] and dm and dm["rps_ok"]:
        share = ng["max"]["rps_ok"] / dm["rps_ok"]
        nx = res["nginx"]["max"]
        ref = f"; nginx, a plain proxy hop, reaches {100 * nx['rps_ok'] / dm['rps_ok']:.0f}%" if nx else ""
        bx = res["bare"]["max"]
        if bx:
            ref += f", a bare hyper proxy on rampart's stack {100 * bx['rps_ok'] / dm['rps_ok']:.0f}%"
        checks.append((">= 50% of direct throughput, guards off", share >= 0.5,
                       f"{100 * share:.0f}% ({ng['max']['rps_ok']:.0f} vs {dm['rps_ok']:.0f} req/s{ref})"))
    else:
        checks.append((">= 50% of direct, guards off", False, "no result"))
    if rr["rss"] and rr["rss"].get("peak_rss_kb"):
        mb = max(rr["rss"]["peak_rss_kb"], rr["rss"].get("vmhwm_kb", 0)) / 1024
        checks.append(("rampart RSS < 64 MB", mb < 64.0, f"peak {mb:.1f} MB (VmHWM over the run)"))
    else:
        checks.append(("rampart RSS < 64 MB", False, "no result"))
    mo = res["rampart-monitor"]
    if mo["rate"] and rr["rate"] and mo["max"] and rr["max"] and rr["max"]["rps_ok"]:
        print(f"  monitoring on costs {mo['rate']['p50'] - rr['rate']['p50']:+.2f} ms p50, "
              f"{mo['rate']['p99'] - rr['rate']['p99']:+.2f} ms p99 at {a.rate} req/s and runs at "
              f"{100 * mo['max']['rps_ok'] / rr['max']['rps_ok']:.0f}% of the throughput without it")
    du = res["rampart-durable"]
    if du["rate"] and rr["rate"] and du["max"] and rr["max"] and rr["max"]["rps_ok"]:
        print(f"  durable mode costs {du['rate']['p50'] - rr['rate']['p50']:+.2f} ms p50, "
              f"{du['rate']['p99'] - rr['rate']['p99']:+.2f} ms p99 at {a.rate} req/s and "
              f"{100 * du['max']['rps_ok'] / rr['max']['rps_ok']:.0f}% of the default mode's throughput")
    for name, what in (("stream.json", "streaming"), ("crash.json", "ledger loss window")):
        try:
            extra = json.loads((work / name).read_text())
        except (OSError, ValueError):
            continue
        res[what] = extra
        if what == "streaming":
            print(f"  streaming cost: +{extra['added_us_per_kb']:.0f} us per KB of output "
                  f"({extra['kb']} KB answers, medians of {extra['n']})")
        else:
            print(f"  ledger loss window (default mode, SIGKILL under load): {extra['lost']} of "
                  f"{extra['answered']} answered requests not in the ledger"
                  + (f", the oldest answered {extra['oldest_lost_ms']:.1f} ms before the kill" if extra["lost"] else ""))
    rate_ok = rr["rate"] and rr["rate"]["rps_ok"] >= 0.95 * a.rate
    if rr["rate"] and not rate_ok:
        checks.append(("rampart sustained %d req/s" % a.rate, False, f"{rr['rate']['rps_ok']:.0f}/s"))
    for name, ok, detail in checks:
        print(f"{'PASS  ' if ok else 'MISSED'}  {name:<42} {detail}")
    (work / "results.json").write_text(json.dumps({"results": res, "checks": [
        {"target": n, "pass": ok, "detail": det} for n, ok, det in checks]}, indent=2))
    return 0 if all(ok for _, ok, _ in checks) else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("prepare")
    s.add_argument("--work", required=True)
    s.add_argument("--mock-port", type=int, default=18081)
    s.add_argument("--rampart-port", type=int, default=18080)
    s.add_argument("--litellm-port", type=int, default=18082)
    s = sub.add_parser("rss")
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--interval", type=float, default=0.05)
    s.add_argument("--max-seconds", type=float, default=600)
    s = sub.add_parser("stream")
    s.add_argument("--work", required=True)
    s.add_argument("--gateway", required=True)
    s.add_argument("--direct", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--kb", type=int, default=32)
    s.add_argument("--n", type=int, default=30)
    s = sub.add_parser("crash")
    s.add_argument("--work", required=True)
    s.add_argument("--rampart", required=True)
    s.add_argument("--config", required=True)
    s.add_argument("--url", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--seconds", type=float, default=3.0)
    s = sub.add_parser("report")
    s.add_argument("--work", required=True)
    s.add_argument("--rate", type=int, default=500)
    s.add_argument("--conc", type=int, default=32)
    s.add_argument("--duration", type=int, default=20)
    a = p.parse_args()
    if a.cmd == "prepare":
        cmd_prepare(a)
        return 0
    if a.cmd == "rss":
        cmd_rss(a)
        return 0
    if a.cmd == "stream":
        cmd_stream(a)
        return 0
    if a.cmd == "crash":
        cmd_crash(a)
        return 0
    return cmd_report(a)


if __name__ == "__main__":
    sys.exit(main())
