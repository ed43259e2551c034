"""/healthz and /readyz, for load balancers, process managers and monitors.

Both are answered by the first middleware, before any other runs: no locale
redirect (LocaleMiddleware sent /healthz to /zh-hans/healthz/), no HTTPS redirect
and no ALLOWED_HOSTS check (a load balancer asks over plain HTTP, by address,
inside the network), no session, cookie or rate limit, and `Cache-Control:
no-store`, so no cache in between answers for the process.

- /healthz: the process answers. It touches nothing else, the database included,
  so a process manager restarts a stuck process, not every process whenever the
  database is away.
- /readyz: every dependency in CHECKS answers; 200 when all do, else 503. The
  JSON names each dependency with "ok" or "failed" and lists the failed ones;
  why one failed (host, port, message) goes to the log only.

A dependency joins /readyz with `@readiness_check("name")` on a function that
raises when it does not answer; the order of registration is the order checked.
"""

import logging

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

CHECKS = {}
PROBE = "cms-readyz-probe"


def readiness_check(name):
    """Registers a function that raises unless dependency `name` answers."""

    def register(check):
        CHECKS[name] = check
        return check

    return register


@readiness_check("database")
def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@readiness_check("cache")
def shared_cache():
    """Redis itself answers (cms.cache would otherwise answer from process
    memory); any other cache, that it keeps a value."""
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
        return
    cache.set(PROBE, "ok", 10)
    if cache.get(PROBE) != "ok":
        raise RuntimeError("the cache keeps no value")


@readiness_check("storage")
def media_storage():
    """The media bucket answers the application's credentials (PrivateS3Storage);
    any other storage, that asking for a file does not fail."""
    ping = getattr(default_storage, "ping", None)
    if ping is not None:
        ping()
    else:
        default_storage.exists(PROBE)


def healthz():
    return JsonResponse({"status": "ok"})


def readyz():
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            logger.exception("Readiness check %r failed", name)
            checks[name] = "failed"
        else:
            checks[name] = "ok"
    failed = [name for name, state in checks.items() if state != "ok"]
    return JsonResponse(
        {"status": "unavailable" if failed else "ready", "checks": checks}
        | ({"failed": failed} if failed else {}),
        status=503 if failed else 200,
    )


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz}


class HealthEndpoints:
    """Answers /healthz and /readyz (with or without a trailing slash) itself;
    first in MIDDLEWARE (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info.rstrip("/"))
        if endpoint is None:
            return self.get_response(request)
        if request.method in ("GET", "HEAD"):
            response = endpoint()
        else:
            response = JsonResponse({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
        response["Cache-Control"] = "no-store"
        return response
