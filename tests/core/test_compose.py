"""docker-compose.yml and the Dockerfile agree with the settings (no Docker engine needed)."""

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from tests.support.found import found
from tests.support.settings_files import PRODUCTION, env_vars_read_by_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
RAKOR = ["migrate", "web", "worker", "beat"]  # the services that run Rakor's image


def environment(service: str) -> dict[str, str]:
    return {name: str(value) for name, value in SERVICES[service]["environment"].items()}


def command(service: str) -> str:
    value = SERVICES[service]["command"]
    return value if isinstance(value, str) else shlex.join(value)


def default(value: str) -> str:
    """The value compose uses when the shell and .env do not set the variable."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_every_service_is_there():
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(SERVICES)
    assert SERVICES["postgres"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_rakor_services_get_every_variable_production_needs(service):
    assert set(PRODUCTION) <= set(environment(service))


@pytest.mark.parametrize("service", RAKOR)
def test_every_variable_given_is_one_the_settings_read(service):
    assert set(environment(service)) <= env_vars_read_by_settings()


@pytest.mark.parametrize("service", RAKOR)
def test_services_talk_to_postgres_redis_and_mailpit(service):
    env = {name: default(value) for name, value in environment(service).items()}

    assert env["DEBUG"] == "false"
    assert re.fullmatch(r"postgres://rakor:\w+@postgres:5432/rakor", env["DATABASE_URL"])
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert env["CACHE_URL"].startswith("redis://redis:6379/")
    assert env["CACHE_URL"] != env["CELERY_BROKER_URL"]
    assert env["EMAIL_URL"] == "smtp://mailpit:1025"


def test_web_trusts_the_forwarded_headers_of_the_proxy_it_sits_behind():
    caddyfile = COMPOSE["configs"]["caddyfile"]["content"]

    assert environment("web")["BEHIND_PROXY"] == "true"
    assert environment("web")["TRUSTED_PROXY_COUNT"] == "1"
    assert "header_up X-Forwarded-For {client_ip}" in caddyfile
    assert "trusted_proxies static private_ranges" in caddyfile


def test_the_secret_key_comes_from_the_environment_and_is_required():
    assert re.fullmatch(r"\$\{SECRET_KEY:\?.+\}", environment("web")["SECRET_KEY"])


def test_the_commands_run_the_project():
    assert "gunicorn config.wsgi" in command("web")
    assert command("worker").startswith("celery -A config worker")
    assert command("beat").startswith("celery -A config beat")
    assert command("migrate") == "python manage.py migrate --noinput"


def test_beat_is_never_more_than_one():
    beat = SERVICES["beat"]

    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


def test_migrations_run_before_web_worker_and_beat():
    for service in ("web", "worker", "beat"):
        needs = SERVICES[service]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["migrate"]["restart"] == "no"


def test_services_wait_for_healthy_dependencies():
    for service in ("postgres", "redis", "mailpit", "web", "worker"):
        assert SERVICES[service]["healthcheck"]["test"], service
    for service in ("web", "worker"):
        needs = SERVICES[service]["depends_on"]
        assert needs["postgres"]["condition"] == "service_healthy"
        assert needs["redis"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_uploaded_files_live_in_a_volume():
    assert "media" in COMPOSE["volumes"]
    for service in ("web", "worker"):
        assert "media:/app/var/media" in SERVICES[service]["volumes"]


def test_web_containers_publish_no_port_so_they_can_be_scaled():
    assert "ports" not in SERVICES["web"]
    assert any(port.endswith(":8000") for port in SERVICES["proxy"]["ports"])
    caddyfile = COMPOSE["configs"]["caddyfile"]["content"]
    assert re.search(r"dynamic a \{\s+name web\s+port 8000\b", caddyfile)


def test_mailpit_catches_smtp_and_shows_it():
    assert any(port.endswith(":8025") for port in SERVICES["mailpit"]["ports"])


def test_the_dockerfile_builds_assets_translations_and_static_files_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM node:\S+ AS assets$", dockerfile, re.M)
    assert "npm ci" in dockerfile
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "requirements.lock" in dockerfile
    assert "COPY --from=assets /app/node_modules ./node_modules" in dockerfile
    assert "pybabel compile" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users
    assert users[-1] not in ("root", "0")


def test_the_image_has_what_weasyprint_needs_to_make_the_pdfs():
    """python:3.11-slim has no Pango: without it every daftar hadir, notulen and letter fails
    in production while every test here passes."""
    dockerfile = (ROOT / "Dockerfile").read_text()

    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu"):
        assert package in dockerfile, package


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".env", ".venv", "var", "node_modules", ".git"} <= set(ignored)


def test_gunicorns_workers_and_time_limits_are_the_same_in_the_three_places():
    """Chosen for national scale (README, "At national scale"): sync workers, a request still
    running after 30 s is stuck and its worker replaced, workers renewed every ~1,000 requests.
    """
    conf: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), conf)  # noqa: S102 (the project's own file)
    web = default(command("web")).split()
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = json.loads(
        found(r"^CMD (\[.*?\])$", dockerfile.replace("\\\n", ""), re.S | re.M).group(1)
    )

    for line in (web, cmd):
        assert line[line.index("--worker-class") + 1] == conf["worker_class"] == "sync"
        assert int(line[line.index("--timeout") + 1]) == conf["timeout"] == 30
        assert int(line[line.index("--max-requests") + 1]) == conf["max_requests"] == 1000
        assert int(line[line.index("--graceful-timeout") + 1]) == conf["graceful_timeout"]
    assert web[web.index("--workers") + 1] == "3"


def test_the_files_workers_write_for_web_to_serve_are_on_shared_volumes():
    """An XLSX export or an SPJ bundle is written by a worker and downloaded from web."""
    for volume in ("exports", "records"):
        assert volume in COMPOSE["volumes"]
        for service in ("web", "worker", "beat"):
            assert f"{volume}:/app/var/{volume}" in SERVICES[service]["volumes"]
