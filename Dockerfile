# aidtracker: gunicorn serving Django, static files served by the app itself (whitenoise).
# Pinned by digest (docs/deployment.md says how to refresh it).
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 1000 aidtracker

# The pinned dependencies in a layer of their own, from pyproject.toml alone: a change to the
# code reuses this layer, only a change to pyproject.toml reinstalls them. The build backend
# comes too, so installing the project below downloads nothing.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb')); print('\n'.join(p['project']['dependencies'] + p['build-system']['requires']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the code, and the project itself on top of the dependencies already installed.
COPY . .
RUN pip install . --no-deps --no-build-isolation && rm -rf build aidtracker.egg-info
# Hashed, compressed static files, built into the image; the key only satisfies settings.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-this-key-signs-nothing-and-is-thrown-away python manage.py collectstatic --noinput

# Where the `releases` volume is mounted (docker-compose.yml): a new volume takes this
# folder's owner, so the app can write data releases there.
RUN mkdir -p /app/media && chown aidtracker:aidtracker /app/media
USER aidtracker
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["bin/start-web"]
