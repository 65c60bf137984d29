"""Production settings pass `check --deploy`; every variable the settings read is documented."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.support.settings_files import (
    PRODUCTION,
    ROOT,
    SETTINGS,
    env_vars_read_by_settings,
    read_settings,
)


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
