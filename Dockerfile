# Rakor's image: one image for web (gunicorn), worker and beat (Celery) and the migrate step.
# Build: docker compose build. Run: docker compose up (see the README's "Production" section).

# Front-end assets (Bootstrap, its icons, htmx) come from npm with package-lock.json, never a CDN;
# settings.STATICFILES_DIRS reads them from node_modules/.
FROM node:22-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    VAR_DIR=/app/var
WORKDIR /app
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home rakor
# What WeasyPrint needs to lay out the PDFs (Pango, HarfBuzz's font subsetting) and the fonts
# the documents name (DejaVu), from Debian: the slim image has none of them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# The runtime dependencies of pyproject.toml at the versions pinned in requirements.lock (the lock
# also pins the test tools, which the image does not need). A layer of its own: code changes
# do not reinstall them.
COPY pyproject.toml requirements.lock ./
RUN python -c "import subprocess, sys, tomllib; \
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-c', 'requirements.lock', *deps])"

COPY . .
COPY --from=assets /app/node_modules ./node_modules
# Editable: settings find templates/, static/ and locale/ beside the code, in /app.
RUN pip install --no-deps -e . \
 && if find locale -name django.po 2>/dev/null | grep -q .; then \
      pybabel compile --use-fuzzy -d locale -D django --statistics; \
    fi \
 && CELERY_BROKER_URL=redis://build-only python manage.py collectstatic --noinput \
 && mkdir -p var/media var/exports var/records \
 && chown -R rakor:rakor var

USER rakor
EXPOSE 8000
# Sync workers with a 30-second limit per request, renewed after about 1,000 requests: the
# values of gunicorn.conf.py and docker-compose.yml (see the README, "At national scale").
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "sync", \
     "--timeout", "30", "--graceful-timeout", "30", \
     "--max-requests", "1000", "--max-requests-jitter", "100", "--access-logfile", "-"]
