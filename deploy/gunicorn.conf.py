"""Gunicorn's configuration for production: `gunicorn -c deploy/gunicorn.conf.py`.

Why gunicorn with threaded workers (gthread), and the measurements behind it:
README, "Production". Every number comes from the environment, with the default
shown; the README's table lists them.
"""

import os


def _number(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "cms.wsgi:application"
bind = os.environ.get("CMS_WEB_BIND", "127.0.0.1:8000").split(",")
# Processes, and threads in each: a request holds a thread for as long as its
# client takes to send the body, so threads, not processes, are what slow
# clients use up.
workers = _number("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = _number("CMS_WEB_THREADS", 8)
# A request running longer than this is killed with its worker.
timeout = _number("CMS_WEB_TIMEOUT", 30)
# After TERM or HUP, requests in flight get this long to finish.
graceful_timeout = _number("CMS_WEB_GRACEFUL_TIMEOUT", 30)
# Each worker is replaced after about this many requests (0: never).
max_requests = _number("CMS_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
keepalive = 5
# Signals (TERM, HUP) are the interface; no control socket in the home folder.
control_socket_disable = True
# Load Django once in the master and fork ready workers from it (django.setup
# alone takes seconds); see `when_ready` for the rest of the warm-up.
preload_app = True
# gunicorn's own lines (start, workers booted, stopped, killed) on stderr as one
# JSON object each, like the application's (cms.observability; README, "Logs").
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cms.observability.RequestId"}},
    "formatters": {"json": {"()": "cms.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}
    },
}


def on_starting(server):
    """Django's system checks, which `runserver` and `manage.py worker` run
    before they start: a setting the project refuses (cms_search.E001) stops
    the start with its message, rather than a server answering wrongly."""
    import io

    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", stdout=io.StringIO())
    except SystemCheckError as error:
        raise RuntimeError(str(error)) from None  # gunicorn: the message, exit 1


def when_ready(server):
    """Before the first worker forks: build what Django otherwise builds on the
    first request of every worker (the URLconf, which assembles the GraphQL
    schema; the reverse-URL tables; each language's translation catalogue), so
    no reader waits for it. Nothing here opens a connection that forked workers
    would then share."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018 - built on first access
