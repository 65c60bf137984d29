"""config/settings.py and its parts read as files: which environment variables they read, and
the settings a process with a given environment ends up with."""

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

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
    """The names the settings read (settings.py and its parts): env.<cast>("NAME", …) calls and
    `"NAME" in env` tests."""
    names = set()
    trees = [ast.parse(path.read_text()) for path in (SETTINGS, *SETTINGS_PARTS)]
    for node in (node for tree in trees for node in ast.walk(tree)):
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


ROOT = Path(__file__).resolve().parents[2]


SETTINGS = ROOT / "config" / "settings.py"
# The modules config/settings.py reads, one per concern.
SETTINGS_PARTS = sorted((ROOT / "config" / "settings_parts").glob("*.py"))


def _is_env(node) -> bool:
    """`env`, or `environ.Env()` used in place."""
    if isinstance(node, ast.Name):
        return node.id == "env"
    return isinstance(node, ast.Call) and ast.unparse(node.func) == "environ.Env"
