"""gunicorn's settings, from the environment (see .env.example)."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# Threaded workers: a client that sends its request slowly, or half of it and then waits,
# holds one thread, not a whole worker, so a few slow clients cannot starve the server without
# a proxy in front (tests/test_slow_clients.py). gunicorn has no time limit on reading a
# request: WEB_CONCURRENCY × GUNICORN_THREADS such clients would still fill every thread, so
# in production a proxy that buffers requests stays the real guard (docs/reliability.md).
# GUNICORN_THREADS=1 runs sync workers instead, as the benchmark does: threads that share a
# process share its interpreter lock, and CPU-bound requests then take turns more slowly.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Set to restart each worker after so many requests, should a leak ever appear. Off by
# default: a restarted worker starts with a cold page cache.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = "-"
errorlog = "-"
# One JSON object a line, like the app's own logs.
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": %(B)s, "duration_ms": %(M)s, '
    '"remote": "%(h)s", "user_agent": "%(a)s"}'
)
