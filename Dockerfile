# aidtracker: gunicorn serving Django, static files served by the app itself (whitenoise).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 1000 aidtracker

# Dependencies first, from the pinned pyproject.toml, so code changes reuse this layer.
COPY pyproject.toml README.md ./
COPY aidtracker ./aidtracker
COPY requests_app ./requests_app
RUN pip install .

COPY . .
# Hashed, compressed static files, built into the image; the key only satisfies settings.
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

USER aidtracker
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["bin/start-web"]
