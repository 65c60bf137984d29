"""Production settings pass `check --deploy`; every variable settings.py reads is documented."""

import ast
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "settings.py"

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(48)[:50],
    "ALLOWED_HOSTS": "rakor.example.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://rakor.example.go.id",
    "SITE_URL": "https://rakor.example.go.id",
    "HTTPS": "true",
    "DATABASE_URL": "postgres://rakor:secret@db.internal:5432/rakor",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "EMAIL_URL": "smtp+tls://rakor:secret@smtp.example.go.id:587",
    "DEFAULT_FROM_EMAIL": "Rakor <rakor@example.go.id>",
}


def env_vars_read_by_settings() -> set[str]:
    """The names settings.py reads: env.<cast>("NAME", …) calls and `"NAME" in env` tests."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and _is_env(node.func.value)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.ops[0], ast.In)
            and _is_env(node.comparators[0])
            and isinstance(node.left, ast.Constant)
        ):
            names.add(str(node.left.value))
    return names


def _is_env(node) -> bool:
    """`env`, or `environ.Env()` used in place."""
    if isinstance(node, ast.Name):
        return node.id == "env"
    return isinstance(node, ast.Call) and ast.unparse(node.func) == "environ.Env"


def check_deploy(tmp_path, **variables) -> subprocess.CompletedProcess:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in env_vars_read_by_settings()
        # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly warns about.
        and name not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **inherited,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "VAR_DIR": str(tmp_path),
            **variables,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_default_development_key_is_flagged(tmp_path):
    production_without_key = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = check_deploy(tmp_path, **production_without_key)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_plain_http_settings_are_flagged(tmp_path):
    result = check_deploy(tmp_path, **{**PRODUCTION, "HTTPS": "false"})

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_the_settings_reader_finds_the_variables():
    names = env_vars_read_by_settings()

    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "VAR_DIR", "STATICFILES_STORAGE"} <= names


@pytest.mark.parametrize("name", sorted(env_vars_read_by_settings()))
def test_every_variable_is_documented_in_the_readme(name):
    assert f"`{name}`" in (ROOT / "README.md").read_text()


def test_make_run_on_another_port_puts_that_port_in_the_links(tmp_path):
    """`make run PORT=8123`: the links in mail and the registration link point at :8123."""
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    honcho = next(line for line in dry_run.stdout.splitlines() if "honcho" in line)
    assignments = dict(re.findall(r"\b([A-Z_]+)=(\S+)", honcho.split(" exec ")[0]))
    served = {name: assignments[name] for name in ("DEBUG", "PORT", "RUNSERVER_PORT")}

    site_url = read_settings(tmp_path, "SITE_URL", **served)

    assert served["PORT"] == "8123"
    assert site_url == "http://127.0.0.1:8123"
    assert read_settings(tmp_path, "SITE_URL") == "http://127.0.0.1:8000"
    assert read_settings(tmp_path, "SITE_URL", **served, SITE_URL="https://x.go.id/") == (
        "https://x.go.id"
    )


def read_settings(tmp_path, *names: str, **variables) -> str:
    """The settings `names` as settings.py reads them from these variables alone (none of the
    test run's own), space-separated."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in env_vars_read_by_settings() and key != "DJANGO_SETTINGS_MODULE"
    }
    values = ", ".join(f"settings.{name}" for name in names)
    result = subprocess.run(
        [sys.executable, "-c", f"from config import settings; print({values})"],
        cwd=ROOT,
        env={**inherited, "VAR_DIR": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_var_dir_set_in_the_dot_env_file_is_where_everything_is_written(tmp_path):
    """.env beside manage.py is read before any setting, VAR_DIR included."""
    shutil.copytree(SETTINGS.parent, tmp_path / "config")
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / ".env").write_text(f"VAR_DIR={elsewhere}\n")
    inherited = {k: v for k, v in os.environ.items() if k not in env_vars_read_by_settings()}

    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.VAR_DIR, s.EMAIL_FILE_PATH, s.MEDIA_ROOT)",
        ],
        cwd=tmp_path,
        env={**inherited, "PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [str(elsewhere), f"{elsewhere}/mail", f"{elsewhere}/media"]
    assert (elsewhere / "broker" / "queue").is_dir()
