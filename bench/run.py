"""Benchmark: gunicorn with the production settings on PostgreSQL, loaded by wrk on loopback.

    .venv/bin/python bench/run.py                      # 1k, 10k and 100k requests
    .venv/bin/python bench/run.py --sizes 1000 --duration 3 --runs 1   # a quick look

For each size it fills a database of its own (aidtracker_bench_<size>, kept for the next run)
with `generate_synthetic` (then VACUUM FULL, then VACUUM ANALYZE), starts gunicorn
(gunicorn.conf.py: 2 sync workers) and measures every endpoint: a warm-up, then --runs runs of
--duration seconds at --connections connections; medians are reported. Anonymous reads come
from the page cache; the uncached rows are read by a signed-in reader (an API token, sessions),
with their latency at one connection too, and one full CSV download is timed. It writes
bench/results/results.json and bench/results/results.md, with the machine's description, the
largest tables' sizes and whether each target is met.
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
PG = "postgres://aidtracker:aidtracker@127.0.0.1:5432"
# The app sits behind a TLS-terminating proxy in production; wrk plays that proxy.
HTTPS = {"X-Forwarded-Proto": "https"}


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def environment(database: str, static_root: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "TRUST_X_FORWARDED_PROTO": "1",
        "STATIC_ROOT": static_root,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
        # Two sync workers, as the targets are set (gunicorn.conf.py runs threads otherwise).
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        # One load generator is one client address: no per-client limit for it.
        "API_THROTTLE_ANON": "",
        "API_THROTTLE_USER": "",
        "PAGE_THROTTLE": "",
        "CSV_THROTTLE": "",
    }


def manage(env: dict, *args: str, quiet: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=quiet, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout or ""


def sql(database: str, statement: str):
    """Run one statement (autocommit) and return its first value, if any."""
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchone()[0] if cursor.description else None


# PostgreSQL's settings as docker-compose.yml runs it, given to each benchmark database.
SERVER_SETTINGS = {"random_page_cost": "1.1", "max_parallel_workers_per_gather": "0"}


def prepare(size: int, static_root: str) -> tuple[dict, float | None]:
    """A database with `size` synthetic requests; the seconds generating them took, if it ran."""
    database = f"aidtracker_bench_{size}"
    env = environment(database, static_root)
    try:
        present = sql(database, "SELECT count(*) FROM requests_app_aidrequest")
    except psycopg.Error:
        present = None
    if present == size:
        log(f"{database}: {size:,} requests already there; migrating it to the code")
        configure(database)
        manage(env, "migrate", "--noinput", "-v0")
        return env, None
    sql("postgres", f"DROP DATABASE IF EXISTS {database}")
    sql("postgres", f"CREATE DATABASE {database}")
    configure(database)
    manage(env, "migrate", "--noinput", "-v0")
    log(f"{database}: generating {size:,} requests")
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", "generate_synthetic", "--requests", str(size), "--seed", "1"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    elapsed = time.monotonic() - started
    # As after any bulk load: the tables are rewritten without the row versions that loading
    # left behind (a tally is updated once per row counted: 52 MB for 3,500 rows at 100,000
    # requests, read whole by the dashboard); then VACUUM marks every page all-visible, as
    # autovacuum does in time on a live database (VACUUM FULL leaves the visibility map empty),
    # so that index-only scans do not read the table after all.
    sql(database, "VACUUM FULL")
    sql(database, "VACUUM ANALYZE")
    return env, elapsed


def configure(database: str) -> None:
    for name, value in SERVER_SETTINGS.items():
        sql("postgres", f"ALTER DATABASE {database} SET {name} = {value}")


def table_sizes(database: str) -> dict:
    """Rows and total size (with indexes) of the largest tables."""
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        rows = connection.execute(
            "SELECT relname, n_live_tup, pg_total_relation_size(relid) FROM pg_stat_user_tables "
            "ORDER BY pg_total_relation_size(relid) DESC LIMIT 8"
        ).fetchall()
    return {name: {"rows": count, "mb": round(size / 2**20, 1)} for name, count, size in rows}


def signed_in(env: dict) -> dict:
    """Headers of a signed-in reader, whom the page cache never serves: a token for the API,
    a session for the pages (both checked on every request, as for a real curator)."""
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from knox.models import AuthToken\n"
        "user, _ = get_user_model().objects.get_or_create(username='bench-reader')\n"
        "_, token = AuthToken.objects.create(user)\n"
        "keys = []\n"
        "for _ in range(16):\n"
        "    session = SessionStore()\n"
        "    session['_auth_user_id'] = str(user.pk)\n"
        "    session['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'\n"
        "    session['_auth_user_hash'] = user.get_session_auth_hash()\n"
        "    session.create()\n"
        "    keys.append(session.session_key)\n"
        "print(token, *keys)\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    token, *sessions = out.stdout.split()
    # Sessions are saved on every request (the idle timeout): one each, as real curators have.
    cookies = ", ".join(f'"sessionid={key}"' for key in sessions)
    lua = Path(tempfile.gettempdir()) / "aidtracker-bench-sessions.lua"
    lua.write_text(
        f"local cookies = {{{cookies}}}\n"
        "request = function()\n"
        "  return wrk.format(nil, nil, {\n"
        '    ["Cookie"] = cookies[math.random(#cookies)], ["X-Forwarded-Proto"] = "https"})\n'
        "end\n"
    )
    return {
        "api": ["-H", f"Authorization: Token {token}"],
        "page": ["-s", str(lua)],
        "cookie": f"sessionid={sessions[0]}",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "aidtracker.wsgi",
            "--config",
            "gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            ping = urllib.request.Request(f"{base}/bench/ping", headers=HTTPS)
            urllib.request.urlopen(ping, timeout=1).close()
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("gunicorn did not start")


def endpoints(env: dict, size: int) -> tuple[dict, dict]:
    """Paths to measure as served from the page cache, and uncached as a signed-in reader
    sees them: a request in the middle of the data, the commonest pair of status and
    category (so that the filter fills a page at every size: 75 requests at 1,000, where the
    middle request's pair matched 6, and p50 grew with the rows shown rather than the data), a
    term that matches, a day half-way through the reports (with the middle request's status,
    for `as_of` + `status`), and a cursor 2,000 pages deep (or half-way down a smaller list)."""
    script = (
        "import django; django.setup()\n"
        "from django.db.models import Count\n"
        "from requests_app.models import AidRequest as R, SourceArticle as S\n"
        "from requests_app.pagination import IdPaginator, Position\n"
        "ids = R.objects.order_by('pk').values_list('pk', flat=True)\n"
        "r = R.objects.select_related('requester', 'item').get(pk=ids[len(ids) // 2])\n"
        "days = S.objects.order_by('published_on').values_list('published_on', flat=True)\n"
        "rows = R.objects.all()\n"
        "keys = [key.name for key in IdPaginator(rows, 25).ordering]\n"
        "deep = rows.values_list(*keys)[min(2000 * 25, len(ids) // 2)]\n"
        "pairs = R.objects.values_list('status', 'item__category').annotate(n=Count('pk'))\n"
        "status, category, _ = pairs.order_by('-n', 'status', 'item__category')[0]\n"
        "print(r.pk, r.requester.name.split()[0], r.status, status, category,\n"
        "      days[len(days) // 2], Position(deep).encode())\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    middle, term, status, common_status, category, day, deep = out
    matching = f"status={common_status}&category={category}"
    cached = {
        "ping": "/bench/ping",
        "api list": "/api/v1/requests/",
        "api list filtered": f"/api/v1/requests/?{matching}",
        "api list q": f"/api/v1/requests/?q={term}",
        "api deep page": f"/api/v1/requests/?page={size // 2 // 25 + 1}",
        "api detail": f"/api/v1/requests/{middle}/",
        "html list filtered": f"/requests/?{matching}",
        "html detail": f"/requests/{middle}/",
        "naive drf list": "/bench/naive/requests/",
    }
    uncached = {
        "api list": ("api", "/api/v1/requests/"),
        "api list filtered": ("api", f"/api/v1/requests/?{matching}"),
        "api detail": ("api", f"/api/v1/requests/{middle}/"),
        "api q": ("api", f"/api/v1/requests/?q={term}"),
        "api as_of": ("api", f"/api/v1/requests/?as_of={day}"),
        "api as_of+status": ("api", f"/api/v1/requests/?as_of={day}&status={status}"),
        "api cursor first": ("api", "/api/v1/requests/?cursor="),
        "api cursor deep": ("api", f"/api/v1/requests/?cursor={deep}"),
        "html list": ("page", "/requests/"),
        "html list filtered": ("page", f"/requests/?{matching}"),
        "html detail": ("page", f"/requests/{middle}/"),
        "dashboard": ("page", "/"),
        "conflicts": ("page", "/conflicts/"),
    }
    return cached, uncached


def csv_seconds(base: str, headers: dict) -> dict:
    """One full CSV download of every request, as a signed-in reader: seconds and rows."""
    request = urllib.request.Request(
        f"{base}/requests/export.csv",
        headers={**HTTPS, "Cookie": headers["cookie"]},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=120) as response:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: response.read(1 << 16), b""))
    return {"seconds": round(time.monotonic() - started, 2), "rows": lines - 1}


def wrk(url: str, duration: int, connections: int, extra: list[str]) -> dict:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        "X-Forwarded-Proto: https",
        *extra,
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(\w+)", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, sockets.groups())) if sockets else 0),
    }


def query_counts(env: dict, paths: list[str]) -> dict:
    """Queries per path on a cache miss (its first read in a new process), counted in-process
    with Django's test client, anonymously."""
    script = (
        "import json, sys, django; django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client = Client(HTTP_X_FORWARDED_PROTO='https')\n"
        "counts = {}\n"
        "for path in json.loads(sys.argv[1]):\n"
        "    with CaptureQueriesContext(connection) as queries:\n"
        "        assert client.get(path).status_code == 200, path\n"
        "    counts[path] = len(queries)\n"
        "print(json.dumps(counts))\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", script, json.dumps(paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def summary(path: str, runs: list[dict], queries: int) -> dict:
    """One endpoint's figures: medians of its runs, errors summed."""
    return {
        "path": path,
        "rps": statistics.median(r["rps"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "queries_on_miss": queries,
        "runs": runs,
    }


def measure(size: int, args, static_root: str) -> dict:
    env, generated = prepare(size, static_root)
    cached, uncached = endpoints(env, size)
    counts = query_counts(env, sorted({*cached.values(), *(p for _, p in uncached.values())}))
    headers = signed_in(env)
    process, base = start_gunicorn(env)
    results = {}
    try:
        for name, path in cached.items():
            url = base + path
            wrk(url, 2, args.connections, [])  # warm-up: fills the caches, wakes the workers
            runs = [wrk(url, args.duration, args.connections, []) for _ in range(args.runs)]
            results[name] = summary(path, runs, counts[path])
            log(
                f"{size:>7,} {name:<26} {results[name]['rps']:>8.0f} req/s  "
                f"p50 {results[name]['p50_ms']:.1f} ms  p99 {results[name]['p99_ms']:.1f} ms"
            )
        for name, (kind, path) in uncached.items():
            url, extra = base + path, headers[kind]
            wrk(url, 2, args.connections, extra)
            runs = [wrk(url, args.duration, args.connections, extra) for _ in range(args.runs)]
            row = summary(path, runs, counts[path])
            # Latency alone, without queueing behind other connections: one run moves by a
            # fifth from the next on these machines, so the median of the runs.
            alone = [wrk(url, args.duration, 1, extra)["p50_ms"] for _ in range(args.runs)]
            row["p50_1_ms"] = statistics.median(alone)
            results[f"{name} (uncached)"] = row
            log(
                f"{size:>7,} {name + ' (uncached)':<26} {row['rps']:>8.0f} req/s  "
                f"p50 {row['p50_ms']:.1f} ms  p50 at 1 connection {row['p50_1_ms']:.1f} ms"
            )
        csv = csv_seconds(base, headers)
        log(f"{size:>7,} CSV of {csv['rows']:,} rows in {csv['seconds']} s")
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {
        "requests": size,
        "generated_in_s": generated,
        "tables": table_sizes(f"aidtracker_bench_{size}"),
        "csv": csv,
        "endpoints": results,
    }


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    postgres = sql("postgres", "SHOW server_version")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    wrk_version = wrk_version.splitlines()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "load_generator": wrk_version.strip(),
        "server": "gunicorn, 2 sync workers, production settings, on wrk's machine",
    }


def check_targets(results: dict) -> list[tuple[str, bool, str]]:
    big, small = results[max(results)]["endpoints"], results[min(results)]["endpoints"]
    ping = big["ping"]["rps"]
    checks = [
        (
            "API list ≥ 25 % of ping",
            big["api list"]["rps"] / ping >= 0.25,
            f"{big['api list']['rps'] / ping:.0%}",
        ),
        (
            "API filtered list ≥ 25 % of ping",
            big["api list filtered"]["rps"] / ping >= 0.25,
            f"{big['api list filtered']['rps'] / ping:.0%}",
        ),
        (
            "API list ≥ 3× naive DRF",
            big["api list"]["rps"] / big["naive drf list"]["rps"] >= 3,
            f"{big['api list']['rps'] / big['naive drf list']['rps']:.1f}×",
        ),
        (
            "API filtered ≥ 3× naive DRF",
            big["api list filtered"]["rps"] / big["naive drf list"]["rps"] >= 3,
            f"{big['api list filtered']['rps'] / big['naive drf list']['rps']:.1f}×",
        ),
        (
            "HTML filtered list ≥ 20 % of ping",
            big["html list filtered"]["rps"] / ping >= 0.20,
            f"{big['html list filtered']['rps'] / ping:.0%}",
        ),
        (
            "Deep page p50 ≤ 1.5× page 1",
            big["api deep page"]["p50_ms"] <= 1.5 * big["api list"]["p50_ms"],
            f"{big['api deep page']['p50_ms'] / big['api list']['p50_ms']:.2f}×",
        ),
        (
            "q p50 ≤ 2× unfiltered",
            big["api list q"]["p50_ms"] <= 2 * big["api list"]["p50_ms"],
            f"{big['api list q']['p50_ms'] / big['api list']['p50_ms']:.2f}×",
        ),
    ]
    measured = [n for n in big if n != "naive drf list" and "uncached" not in n]
    worst_p99 = max(big[n]["p99_ms"] for n in measured)
    checks.append(("p99 < 250 ms, every endpoint", worst_p99 < 250, f"worst {worst_p99:.0f} ms"))
    errors = sum(big[n]["errors"] for n in measured)
    checks.append(("Zero errors, every endpoint", errors == 0, f"{errors} errors"))
    growth = max(big[n]["p50_ms"] / small[n]["p50_ms"] for n in measured if n != "ping")
    checks.append(
        (
            f"p50 at {max(results):,} ≤ 1.5× p50 at {min(results):,}",
            growth <= 1.5,
            f"worst {growth:.2f}×",
        )
    )
    return checks + uncached_targets(results)


# Issue 17's measurement of the uncached API list before the work it asked for (req/s).
UNCACHED_API_LIST_BEFORE = 14


def uncached_targets(results: dict) -> list[tuple[str, bool, str]]:
    """Issue 17's targets: what a signed-in reader, whom the page cache never serves, gets."""
    big = results[max(results)]
    small = results[min(results)]["endpoints"]
    rows = big["endpoints"]

    def rps(name: str) -> float:
        return rows[f"{name} (uncached)"]["rps"]

    checks = [
        (f"Uncached {name} ≥ {floor} req/s", rps(name) >= floor, f"{rps(name):,.0f} req/s")
        for name, floor in (
            ("api list", 100),
            ("api detail", 200),
            ("html list", 60),
            ("html detail", 100),
        )
    ]
    gain = rps("api list") / UNCACHED_API_LIST_BEFORE
    checks.append(
        (
            f"Uncached API list ≥ 7× before ({UNCACHED_API_LIST_BEFORE} req/s)",
            gain >= 7,
            f"{gain:.1f}×",
        )
    )
    uncached = [name for name in rows if name.endswith("(uncached)")]
    worst = max(uncached, key=lambda name: rows[name]["p50_1_ms"])
    checks.append(
        (
            "Uncached p50 at 1 connection ≤ 30 ms, every endpoint",
            rows[worst]["p50_1_ms"] <= 30,
            f"worst {rows[worst]['p50_1_ms']:.1f} ms ({worst})",
        )
    )
    growth = {name: rows[name]["p50_1_ms"] / small[name]["p50_1_ms"] for name in uncached}
    grew = max(growth, key=growth.get)
    checks.append(
        (
            f"Uncached p50 at {max(results):,} ≤ 1.3× at {min(results):,}",
            growth[grew] <= 1.3,
            f"worst {growth[grew]:.2f}× ({grew})",
        )
    )
    deep = rows["api cursor deep (uncached)"]["p50_1_ms"]
    first = rows["api cursor first (uncached)"]["p50_1_ms"]
    checks.append(
        ("Cursor 2,000 pages deep ≤ 1.2× page 1", deep <= 1.2 * first, f"{deep / first:.2f}×")
    )
    csv = big["csv"]
    checks.append(
        (
            f"CSV of {csv['rows']:,} rows ≤ 3 s",
            csv["seconds"] <= 3,
            f"{csv['seconds']} s",
        )
    )
    return checks


def markdown(report: dict) -> str:
    lines = ["# Benchmark results", "", f"Measured {report['date']} with `bench/run.py`.", ""]
    lines += [f"- **{key}**: {value}" for key, value in report["machine"].items()]
    lines += [
        "",
        f"Each figure is the median of {report['runs']} runs of {report['duration']} s "
        f"at {report['connections']} connections (or at 1, for the uncached p50 at one "
        "connection), after a warm-up.",
        "",
    ]
    for size, result in sorted(report["results"].items()):
        generated = result["generated_in_s"]
        lines += [f"## {int(size):,} requests", ""]
        if generated:
            lines += [f"Generated in {generated:.0f} s.", ""]
        lines += [
            "| Endpoint | Requests/s | p50 (ms) | p99 (ms) | p50, 1 connection (ms) | Errors "
            "| Queries (miss) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, row in result["endpoints"].items():
            alone = f"{row['p50_1_ms']:.1f}" if "p50_1_ms" in row else ""
            lines.append(
                f"| {name} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
                f"{alone} | {row['errors']} | {row['queries_on_miss']} |"
            )
        csv = result["csv"]
        lines += ["", f"CSV of all {csv['rows']:,} requests, signed in: {csv['seconds']} s.", ""]
        lines += ["| Table | Rows | Size with indexes (MB) |", "| --- | ---: | ---: |"]
        lines += [
            f"| {name} | {table['rows']:,} | {table['mb']:,} |"
            for name, table in result["tables"].items()
        ]
        lines.append("")
    lines += ["## Targets", "", "| Target | Met | Measured |", "| --- | --- | --- |"]
    lines += [
        f"| {name} | {'yes' if ok else '**no**'} | {value} |"
        for name, ok, value in report["targets"]
    ]
    lines += [
        "",
        "Rows marked *uncached* are read by a signed-in reader (an API token, a session), whom "
        "the page cache never serves: what curators, token clients, rare filters and every "
        "read after a write pay. The others are anonymous reads, served from the page cache "
        "after the warm-up.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as static_root:
        manage(environment("postgres", static_root), "collectstatic", "--noinput", "-v0")
        results = {size: measure(size, args, static_root) for size in args.sizes}
    report = {
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "duration": args.duration,
        "runs": args.runs,
        "connections": args.connections,
        "results": results,
    }
    report["targets"] = check_targets(results) if len(results) > 1 else []
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "results.md").write_text(markdown(report))
    log(f"Wrote {RESULTS / 'results.md'}")
    for name, ok, value in report["targets"]:
        log(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")


if __name__ == "__main__":
    main()
