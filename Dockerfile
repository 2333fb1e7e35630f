# The application image for web, worker and beat (docker-compose.yml). Runs from the source
# tree in /app (settings find templates, static files and locale beside the package).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=mentorship.settings

# WeasyPrint needs Pango; DejaVu carries Cyrillic for the PDF reports; the backup service
# runs pg_dump and pg_restore (the client must not be older than the PostgreSQL 16 server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
       postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Runtime dependencies only (no dev extras), pinned in pyproject.toml; a layer of their own
# so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/staticfiles /data/media /data/backups \
    && chown -R app:app /app/staticfiles /data/media /data/backups

USER app
EXPOSE 8000
CMD ["gunicorn", "mentorship.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "3"]
