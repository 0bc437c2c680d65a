"""Production: Docker and Compose files checked statically (no Docker engine runs here),
Django's deploy checks, and gunicorn serving the production settings on PostgreSQL."""

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import compose
import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection

from .servers import BASE_ENV, PRODUCTION, collect_static, fetch, free_port, serve, stop

BASE = settings.BASE_DIR
COMPOSE_FILE = BASE / "docker-compose.yml"
COMPOSE_BINARY = Path(compose.__file__).parent / "docker-compose"
DOCKERFILE = (BASE / "Dockerfile").read_text()


def env_example() -> dict:
    lines = (BASE / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def compose_config(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [COMPOSE_BINARY, "-f", COMPOSE_FILE, "config", "--format", "json"],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def stack() -> dict:
    """The Compose file as Compose itself resolves it, with the example's values filled in."""
    secrets = {
        "SECRET_KEY": "example-key",
        "POSTGRES_PASSWORD": "pg-pw",
        "POSTGRES_ADMIN_PASSWORD": "pg-admin-pw",
        "REDIS_PASSWORD": "r-pw",
    }
    example = {**env_example(), **secrets}
    result = compose_config(example)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


SECRETS = ["SECRET_KEY", "POSTGRES_PASSWORD", "POSTGRES_ADMIN_PASSWORD", "REDIS_PASSWORD"]


@pytest.mark.parametrize("secret", SECRETS)
def test_compose_refuses_to_start_without_each_of_its_secrets(secret):
    example = {**env_example(), **dict.fromkeys(SECRETS, "set")}
    result = compose_config({**example, secret: ""})  # empty here wins over a local .env
    assert result.returncode != 0
    assert f"set {secret} in .env" in result.stderr


def test_database_is_official_postgresql_with_a_volume_and_a_health_check(stack):
    db = stack["services"]["db"]
    assert re.fullmatch(r"postgres:1[67](\.\d+)?@sha256:[0-9a-f]{64}", db["image"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["volumes"][0]["source"] == "pgdata"
    assert db["volumes"][0]["target"] == "/var/lib/postgresql/data"
    assert "pgdata" in stack["volumes"]


def test_the_database_plans_for_tables_in_memory_as_the_benchmark_measures_it(stack):
    from bench.run import SERVER_SETTINGS

    command = stack["services"]["db"]["command"]
    assert command[0] == "postgres" and "random_page_cost=1.1" in command
    assert [f"{name}={value}" for name, value in SERVER_SETTINGS.items()] == command[2::2]


def test_the_app_connects_as_its_own_role_not_the_images_superuser(stack):
    db = stack["services"]["db"]
    assert db["environment"]["POSTGRES_USER"] == "postgres"
    assert db["environment"]["APP_DB_PASSWORD"] == "pg-pw"  # the app's, not the superuser's
    init = next(v for v in db["volumes"] if v["target"].startswith("/docker-entrypoint-initdb.d"))
    script = (BASE / "deploy" / "postgres" / "app-role.sh").read_text()
    assert init["source"].endswith("deploy/postgres/app-role.sh")
    assert "CREATE ROLE aidtracker LOGIN NOSUPERUSER" in script
    assert "CREATE DATABASE aidtracker OWNER aidtracker" in script
    for name in ("web", "migrate", "worker"):
        url = stack["services"][name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgres://aidtracker:pg-pw@db:5432/aidtracker"), name


def test_web_waits_for_a_healthy_database_and_runs_in_production_mode(stack):
    web = stack["services"]["web"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert web["environment"]["DEBUG"] == "0"
    assert web["environment"]["DATABASE_URL"].startswith("postgres://aidtracker:")
    assert web["environment"]["REDIS_URL"] == "redis://:r-pw@redis:6379/1"
    assert web["environment"]["ALLOWED_HOSTS"].startswith("localhost,127.0.0.1,")


def test_web_scales_out_and_migrations_run_once_per_release_before_it(stack):
    web, migrate = stack["services"]["web"], stack["services"]["migrate"]
    assert "container_name" not in web and "ports" not in web  # --scale web=3 can start 3
    assert web["environment"]["RUN_MIGRATIONS"] == "0"
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["command"] == ["bin/release"] and migrate["restart"] == "no"
    assert migrate["environment"]["LOAD_SEED"] == "0"
    assert migrate["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    release = (BASE / "bin" / "release").read_text()
    assert "manage.py migrate --noinput" in release and os.access(BASE / "bin" / "release", os.X_OK)
    start = (BASE / "bin" / "start-web").read_text()
    assert "manage.py" not in start  # one definition of a release: bin/release


def test_one_worker_sends_alerts_from_the_outbox_through_the_stacks_redis(stack):
    worker, web = stack["services"]["worker"], stack["services"]["web"]
    assert worker["command"][:5] == ["celery", "-A", "aidtracker", "worker", "--beat"]
    assert {"db", "redis", "migrate"} <= set(worker["depends_on"])
    assert worker["environment"]["REDIS_URL"] == web["environment"]["REDIS_URL"]
    assert web["environment"]["SITE_URL"] == env_example()["SITE_URL"]
    assert "ports" not in worker


def test_web_and_worker_share_one_volume_of_data_releases(stack):
    web, worker = stack["services"]["web"], stack["services"]["worker"]
    for service in (web, worker):
        mounts = [(v["type"], v["source"], v["target"]) for v in service["volumes"]]
        assert mounts == [("volume", "releases", "/app/media")]
        assert service["environment"]["MEDIA_ROOT"] == "/app/media"
    assert "releases" in stack["volumes"]
    # A new volume takes the owner of the image's folder: the app's user, who writes releases.
    assert "chown aidtracker:aidtracker /app/media" in DOCKERFILE


def test_only_the_proxy_listens_beyond_the_stack(stack):
    published = {name: s["ports"] for name, s in stack["services"].items() if s.get("ports")}
    assert list(published) == ["proxy"]
    assert {port["target"] for port in published["proxy"]} == {80, 443}
    assert stack["services"]["proxy"]["volumes"][0]["source"] == str(BASE / "Caddyfile")
    assert stack["services"]["proxy"]["environment"]["SITE_ADDRESS"] == "aidtracker.example.org"


def test_the_app_reads_the_client_address_and_scheme_the_proxy_sets(stack):
    web = stack["services"]["web"]["environment"]
    assert (web["NUM_PROXIES"], web["TRUST_X_FORWARDED_PROTO"]) == ("1", "1")
    assert env_example()["NUM_PROXIES"] == "1"


def test_every_image_is_pinned_by_digest(stack):
    for name, service in stack["services"].items():
        if "build" in service:
            continue  # built from the Dockerfile, whose base image is pinned
        assert re.fullmatch(r"[a-z0-9./-]+:[\w.-]+@sha256:[0-9a-f]{64}", service["image"]), name
    assert re.search(r"^FROM python:3\.\d+-slim@sha256:[0-9a-f]{64}$", DOCKERFILE, re.M)


def test_every_service_has_a_health_check_and_resource_limits(stack):
    for name, service in stack["services"].items():
        limits = service["deploy"]["resources"]["limits"]
        assert float(limits["cpus"]) > 0 and int(limits["memory"]) > 0, name
        check = service.get("healthcheck")
        if name == "migrate":
            assert check == {"disable": True}  # a one-shot job: web waits for its exit status
        elif name == "worker":
            assert "inspect ping" in check["test"][1]  # the image's own asks the web server
        elif check is None:
            assert "build" in service and "HEALTHCHECK" in DOCKERFILE, name  # the image's own
        else:
            assert check["test"][0] in ("CMD", "CMD-SHELL"), name
    redis = stack["services"]["redis"]["command"]
    assert redis[redis.index("--maxmemory-policy") + 1] == "volatile-lru"  # Celery's keys stay


def test_no_secret_is_committed():
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    for service in raw["services"].values():
        for name, value in service.get("environment", {}).items():
            if re.search("PASSWORD|SECRET", name):
                assert str(value).startswith("${"), name
    example = env_example()
    assert {example[name] for name in SECRETS} == {""}
    ignored = subprocess.run(["git", "check-ignore", ".env"], cwd=BASE, capture_output=True)
    assert ignored.returncode == 0, ".env must be ignored by git"


def test_env_example_lists_every_variable_the_stack_reads(stack):
    raw = COMPOSE_FILE.read_text()
    used = set(re.findall(r"\$\{(\w+)", raw))
    assert used <= set(env_example())


def test_dockerfile_builds_a_slim_non_root_image_with_static_files_and_a_health_check():
    assert "RUN pip install ." in DOCKERFILE
    assert re.search(r"^RUN .*manage\.py collectstatic --noinput$", DOCKERFILE, re.M)
    user = re.search(r"^USER (\S+)$", DOCKERFILE, re.M).group(1)
    assert user != "root"
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE
    assert 'CMD ["bin/start-web"]' in DOCKERFILE
    start = (BASE / "bin" / "start-web").read_text()
    assert "exec gunicorn aidtracker.wsgi --config gunicorn.conf.py" in start
    assert os.access(BASE / "bin" / "start-web", os.X_OK)


def docker_context_excludes(path: str) -> bool:
    """Whether Docker leaves `path` out of the build context, by .dockerignore's rules: the last
    pattern that matches the path or one of its folders decides; `!` takes it back in."""
    excluded = False
    for line in (BASE / ".dockerignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        glob = pattern.removeprefix("!").strip("/")
        regex = re.escape(glob).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            excluded = not negated
    return excluded


def test_the_image_gets_the_code_it_runs():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=BASE, capture_output=True, text=True, check=True
    ).stdout.split()
    runs = [
        path
        for path in tracked
        if path.split("/")[0]
        in {"aidtracker", "requests_app", "alerts", "templates", "static", "fixtures"}
    ]
    runs += ["bin/start-web", "manage.py", "gunicorn.conf.py", "pyproject.toml", "README.md"]
    assert len(runs) > 100
    assert [path for path in runs if docker_context_excludes(path)] == []


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        "requests_app/.env.local",
        ".venv/bin/python",
        ".git/config",
        "db.sqlite3",
        "db.sqlite3-journal",
        "backup.jsonl",
        "backups/2026-11-30.jsonl",
        "media/releases/2026-11-30/requests.csv",
        "staticfiles/css/site.css",
        "requests_app/__pycache__/views.cpython-311.pyc",
        "aidtracker.egg-info/PKG-INFO",
        "tests/test_deploy.py",
        "bench/settings.py",
        "docs/api.md",
        "server.key",
    ],
)
def test_secrets_local_data_and_development_files_stay_out_of_the_image(path):
    assert docker_context_excludes(path)


def caddy(command: str) -> subprocess.CompletedProcess:
    """Debian's Caddy checks the proxy's configuration; compose's service names need no DNS."""
    if shutil.which("caddy") is None:
        reason = "Caddy is missing: apt-get install -y caddy"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return subprocess.run(
        ["caddy", command, "--config", BASE / "Caddyfile", "--adapter", "caddyfile"],
        env={"PATH": os.environ["PATH"], "SITE_ADDRESS": env_example()["SITE_ADDRESS"]},
        capture_output=True,
        text=True,
        check=False,
    )


def test_caddy_accepts_the_proxy_configuration():
    result = caddy("validate")
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr


def test_the_proxy_spreads_requests_over_every_replica_and_sets_the_client_address():
    result = caddy("adapt")
    assert result.returncode == 0, result.stderr
    site = json.loads(result.stdout)["apps"]["http"]["servers"]["srv0"]["routes"][0]
    proxy = site["handle"][0]["routes"][0]["handle"][0]

    assert site["match"] == [{"host": ["aidtracker.example.org"]}]  # TLS for it, automatically
    assert proxy["dynamic_upstreams"] == {
        "source": "a", "name": "web", "port": "8000", "refresh": 5_000_000_000
    }  # fmt: skip
    assert proxy["health_checks"]["active"]["uri"] == "/healthz"
    # The address the proxy saw replaces whatever the client sent (NUM_PROXIES=1 reads it).
    assert proxy["headers"]["request"]["set"]["X-Forwarded-For"] == ["{http.request.remote.host}"]


def test_deploy_checks_pass_with_the_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env={**BASE_ENV, **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_app_connects_as_a_role_that_owns_its_tables_and_is_not_a_superuser(db):
    """CI and docs/deployment.md connect as such a role: migrations, triggers included, and the
    whole suite need no more."""
    if connection.vendor != "postgresql":
        pytest.skip("roles are PostgreSQL's: run the suite with DATABASE_URL=postgres://…")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,), "connect as a role that is not a superuser"
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE tableowner <> current_user) "
            "FROM pg_tables WHERE schemaname = 'public'"
        )
        tables, owned_by_others = cursor.fetchone()
    assert tables > 20
    assert owned_by_others == 0


def test_postgresql_plans_a_query_the_app_repeats_once_per_connection(db):
    """Parameters are bound server-side (settings.py), so psycopg prepares a statement that a
    connection runs again and again, and PostgreSQL stops planning it on every request."""
    from requests_app.models import Actor

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's: run the suite with DATABASE_URL=…")
    for _ in range(7):
        list(Actor.objects.filter(name="Nowhere-land").values_list("pk"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"requests_app_actor"."name" = $1%'],
        )
        assert len(cursor.fetchall()) == 1


def test_healthz_answers_503_without_the_database_address_when_it_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError(
            'connection to server at "10.20.30.40", port 5432 failed: Connection refused'
        )

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database unavailable"}
    assert b"10.20.30.40" not in response.content


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


# ------------------------------------------------------------------- gunicorn, for real


@pytest.fixture
def production_server(transactional_db, tmp_path):
    """gunicorn with the production settings, on the test database, seeded."""
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL: run the suite with DATABASE_URL=postgres://…")
    call_command("load_seed", verbosity=0)
    static_root = tmp_path / "static"
    collect_static(static_root)
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    port = free_port()
    env = {"DATABASE_URL": url, "STATIC_ROOT": str(static_root), "TRUST_X_FORWARDED_PROTO": "1"}
    process = serve(env, port)
    yield f"http://127.0.0.1:{port}", static_root
    stop(process)


@pytest.mark.slow
def test_gunicorn_serves_pages_api_static_files_and_health(production_server):
    base, static_root = production_server

    for path in ["/", "/requests/", "/api/v1/requests/", "/healthz"]:
        status, headers, body = fetch(base + path)
        assert status == 200, (path, body[:300])
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert b"Cheongung air defence missile systems" in fetch(base + "/requests/")[2]
    assert json.loads(fetch(base + "/api/v1/requests/")[2])["count"] > 10

    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    status, headers, body = fetch(f"{base}/static/{manifest['css/site.css']}", **{
        "Accept-Encoding": "gzip, br"
    })  # fmt: skip
    assert status == 200
    assert headers["Content-Encoding"] in {"gzip", "br"}
    assert "immutable" in headers["Cache-Control"]
    assert "max-age=315360000" in headers["Cache-Control"]


@pytest.mark.slow
def test_plain_http_is_redirected_to_https(production_server):
    base, _ = production_server
    request = urllib.request.Request(base + "/requests/")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=10)
    redirect.value.close()
    assert redirect.value.code == 301
    assert redirect.value.headers["Location"].startswith("https://")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.slow
def test_gunicorn_reports_503_while_its_database_is_unreachable(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL: run the suite with DATABASE_URL=postgres://…")
    port = free_port()
    unreachable = f"postgres://nobody:nothing@127.0.0.1:{free_port()}/none"
    process = serve({"DATABASE_URL": unreachable, "TRUST_X_FORWARDED_PROTO": "1"}, port)
    try:
        status, _, body = fetch(f"http://127.0.0.1:{port}/healthz")
    finally:
        stop(process)
    assert status == 503
    assert json.loads(body)["reason"] == "database unavailable"
