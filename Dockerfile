# First version: production hardening (static files, health check, settings) follows.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY aidtracker ./aidtracker
COPY requests_app ./requests_app
RUN pip install --no-cache-dir .
COPY . .

RUN useradd --create-home --uid 1000 app
USER app

EXPOSE 8000
CMD ["gunicorn", "aidtracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2"]
