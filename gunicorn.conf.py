"""gunicorn's settings for Rakor, read from the working directory (the image's /app, or a
checkout): its logs pass through core.logs, which redacts the secrets in addresses (the access
log's request line and Referer would otherwise print working answer and operator links)."""

logger_class = "core.logs.GunicornLogger"

# gunicorn's runtime control socket (gunicornc), which Rakor does not use: without this, every
# gunicorn on a machine shares $HOME/.gunicorn/gunicorn.ctl, and the image's user, whose home
# is not writable, gets a warning at each start.
control_socket_disable = True

# --- Workers and time limits (chosen for national scale; see the README, "At national scale").
# Sync workers: one request each, so a slow page never slows another in the same process, and
# a worker's memory is one request's. Every page answers in well under a second and no request
# holds a worker for long: big exports stream (CSV) or are built by Celery (XLSX), so a request
# that still runs after `timeout` seconds is stuck, and gunicorn replaces its worker rather
# than let it hold one of the few. The Dockerfile and docker-compose.yml pass the same values
# on the command line (which wins), so that each place says what it runs.
import multiprocessing  # noqa: E402
import os  # noqa: E402

# 2 × cores + 1 (gunicorn's rule for sync workers); docker-compose.yml sets WEB_WORKERS.
workers = int(os.environ.get("WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
# A restart (deploy, max_requests) lets a request in progress finish for this long.
graceful_timeout = 30
keepalive = 5
# Each worker is replaced after about this many requests, so that memory a request fragmented
# (a big page, a PDF) is given back; the jitter keeps the workers from restarting together.
max_requests = 1000
max_requests_jitter = 100
