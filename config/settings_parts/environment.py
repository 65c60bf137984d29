"""The environment every part reads: the .env file beside manage.py (the environment wins over
it) and VAR_DIR, where everything Rakor writes lives by default."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
# The environment wins over .env; every setting below, VAR_DIR included, is read after it.
env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
