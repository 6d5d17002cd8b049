"""gunicorn's configuration for orgreg, read from the environment.

    gunicorn -c deploy/gunicorn.conf.py

GUNICORN_BIND     where to listen (default 127.0.0.1:8000: the reverse proxy is in front);
                  several addresses comma-separated, unix:/run/orgreg/gunicorn.sock works too
WEB_CONCURRENCY   worker processes (default 2 per core + 1); scale out with more machines
GUNICORN_THREADS  threads per worker (default 1)
GUNICORN_TIMEOUT  seconds a request may take before its worker is replaced (default 60: long
                  PDF work runs as background jobs, so no page should come near it)
GUNICORN_MAX_REQUESTS  a worker is replaced after this many requests (default 500), so memory a
                  large PDF took is given back
FORWARDED_ALLOW_IPS    the proxy's addresses, whose X-Forwarded-* headers are trusted
                  (default 127.0.0.1)
LOG_FORMAT        "json" for one JSON object per line, as the app's own log lines

The access log is one line per request on stdout, with the request id the app returns
(X-Request-ID) and calendar feed tokens masked (orgreg.logging.MaskFeedTokens).
"""

import multiprocessing
import os

wsgi_app = "orgreg.wsgi:application"
bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
        if b.strip()]
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "500"))
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory, not on a disk that may be slow or read-only.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "orgreg"

accesslog = "-"
access_log_format = ('%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" '
                     'request_id=%({x-request-id}o)s')
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

_formatter = ("orgreg.logging.JsonFormatter" if os.environ.get("LOG_FORMAT", "").lower() == "json"
              else "orgreg.logging.TextFormatter")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_feed_tokens": {"()": "orgreg.logging.MaskFeedTokens"}},
    "formatters": {"line": {"()": _formatter}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                            "formatter": "line", "filters": ["mask_feed_tokens"]}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(),
                           "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False,
                            "filters": ["mask_feed_tokens"]},
    },
}
