"""Load test: 64 connections for 60 s against gunicorn with the production settings on the
100,000-request database, a mix of cached and uncached reads (bench/mix.lua).

    .venv/bin/python bench/load.py               # after bench/run.py has made the database

Writes bench/results/load.json and bench/results/load.md: throughput, latency, and every
HTTP status answered; the target is zero errors and zero 5xx.
"""

import argparse
import datetime
import json
import re
import subprocess
import tempfile

from run import RESULTS, ROOT, log, machine, manage, prepare, start_gunicorn, wrk

# Issue 17's target for this mix.
TARGET_RPS = 300
TARGET_P99_MS = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as static_root:
        env, _ = prepare(args.requests, static_root)
        manage(env, "collectstatic", "--noinput", "-v0")
        process, base = start_gunicorn(env)
        try:
            # The machine's speed in this run: machines of one kind differ by a third.
            wrk(f"{base}/bench/ping", 2, 16, [])
            ping = wrk(f"{base}/bench/ping", 10, 16, [])["rps"]
            log(f"bare ping: {ping:,.0f} requests/s")
            log(f"{args.connections} connections for {args.duration} s against {base}")
            out = subprocess.run(
                ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                 "--timeout", "10s", "-s", str(ROOT / "bench" / "mix.lua"), base],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
        finally:
            process.terminate()
            process.wait(timeout=30)
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )

    def latency(percentile: str) -> str:
        return re.search(rf"^\s+{percentile}%\s+(\S+)", out, re.M).group(1)

    report = {
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "requests_in_database": args.requests,
        "connections": args.connections,
        "duration_s": args.duration,
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "ping_requests_per_s": ping,
        "p50": latency("50"),
        "p99": latency("99"),
        "statuses": statuses,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
        "server_errors": sum(n for status, n in statuses.items() if status >= 500),
    }
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", report["p99"]).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    report["passed"] = (
        report["requests_per_s"] >= TARGET_RPS
        and p99_ms < TARGET_P99_MS
        and report["socket_errors"] == 0
        and report["server_errors"] == 0
    )
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        "# Load test",
        "",
        f"Measured {report['date']} with `bench/load.py`: {args.connections} connections for "
        f"{args.duration} s, wrk and gunicorn (2 sync workers, production settings) on "
        f"the same machine, {args.requests:,} requests in PostgreSQL; a mix of 80 % popular reads "
        "and 20 % cache misses (random deep pages, requests and searches; `bench/mix.lua`).",
        "",
        *[f"- **{key}**: {value}" for key, value in report["machine"].items()],
        "",
        "| Requests/s | Bare ping, same run | p50 | p99 | Socket errors | 5xx | Statuses |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {report['requests_per_s']:,.0f} | {ping:,.0f} | {report['p50']} | {report['p99']} | "
        f"{report['socket_errors']} | {report['server_errors']} | "
        + ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items()))
        + " |",
        "",
        f"Target (≥ {TARGET_RPS} requests/s, p99 < {TARGET_P99_MS} ms, no errors, no 5xx): "
        f"{'met' if report['passed'] else '**not met**'}.",
        "",
    ]
    (RESULTS / "load.md").write_text("\n".join(lines))
    log(f"Wrote {RESULTS / 'load.md'}: {'PASS' if report['passed'] else 'FAIL'}")


if __name__ == "__main__":
    main()
