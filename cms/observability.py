"""What operators see of a running process: logs that tie together, one access line
per request, slow requests and queries named, and errors sent to Sentry.

- Request ids: `RequestLog` (the first middleware) gives each request an id, the
  caller's `X-Request-ID` when it is a plausible one (a proxy's or a frontend's,
  so one id follows a reader's request through every system) or a new random one,
  and answers it in the `X-Request-ID` header. Every log line written while the
  request runs carries it (`RequestId`, a filter of the console handler), as does
  the Sentry event of an error in it.
- The access log: one line per request on the logger `cms.access` (INFO), with
  method, path (never the query string, which may hold a reader's search),
  status, duration in milliseconds, the client's address (cms.clients) and the
  frontend whose token the request carries (cms.api.tokens). A request that
  took CMS_SLOW_REQUEST_MS or more is a WARNING; so is each SQL statement that
  took CMS_SLOW_QUERY_MS or more, on `cms.queries` (its SQL without parameters,
  which may hold personal data). 0 turns either off.
- `JsonFormatter`: one JSON object per line (production), with time, level,
  logger, message, request id, the record's structured fields (`extra`) and any
  traceback. Development keeps readable lines with the request id.
- `init_error_reporting`: Sentry, when production is given SENTRY_DSN; without
  it, nothing of Sentry runs.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

import sentry_sdk
from django.conf import settings
from django.core.signals import request_finished
from django.db import connection
from django.dispatch import receiver

from cms.clients import client_ip

access_log = logging.getLogger("cms.access")
query_log = logging.getLogger("cms.queries")

current_request_id = contextvars.ContextVar("request_id", default="-")
# What an incoming X-Request-ID may be: a UUID, a hex or base64 id, a proxy's
# "host:counter"; nothing that could forge a log line or carry a payload.
PLAUSIBLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{7,127}")
# The attributes every LogRecord has; any other was passed as `extra`.
RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
}


class RequestId(logging.Filter):
    """Puts the running request's id on every record, "-" outside requests."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: see the module docstring."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry |= {
            key: value
            for key, value in vars(record).items()
            if key not in RECORD_ATTRIBUTES
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def slow_queries(execute, sql, params, many, context):
    """A database execute wrapper: warns of a statement over CMS_SLOW_QUERY_MS."""
    start = time.monotonic()
    try:
        return execute(sql, params, many, context)
    finally:
        duration = (time.monotonic() - start) * 1000
        if duration >= settings.CMS_SLOW_QUERY_MS:
            query_log.warning(
                "Slow query (%d ms): %s",
                duration,
                sql[:2000],
                extra={"duration_ms": round(duration, 1)},
            )


class RequestLog:
    """Middleware, first of all: the request id, the access line, slow requests
    and slow queries (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if PLAUSIBLE_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Until the request is finished (`request_done`), not just through the
        # middleware: Django logs a 4xx or 5xx answer after they all ran.
        current_request_id.set(request_id)
        sentry_sdk.set_tag("request_id", request_id)
        start = time.monotonic()
        if settings.CMS_SLOW_QUERY_MS:
            with connection.execute_wrapper(slow_queries):
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        self.log(request, response, (time.monotonic() - start) * 1000)
        return response

    @staticmethod
    def log(request, response, duration):
        slow = 0 < settings.CMS_SLOW_REQUEST_MS <= duration
        frontend = getattr(request, "frontend_token", None)
        access_log.log(
            logging.WARNING if slow else logging.INFO,
            "%s%s %s %s %d ms%s",
            "Slow request: " if slow else "",
            request.method,
            request.path,
            response.status_code,
            duration,
            f" by frontend {frontend}" if frontend else "",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(duration, 1),
                "client": client_ip(request),
                "frontend": frontend.name if frontend else None,
                "frontend_token": frontend.prefix if frontend else None,
                "slow": slow,
            },
        )


@receiver(request_finished)
def request_done(**kwargs):
    """Lines written after a request was answered are no longer its."""
    current_request_id.set("-")


def init_error_reporting(dsn, environment):
    """Sends errors to Sentry at `dsn`: unhandled exceptions in requests and
    ERROR log lines, with the request id as a tag; no personal data (addresses,
    cookies, bodies) and no performance tracing."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=0,
    )
