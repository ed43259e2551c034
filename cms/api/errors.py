"""Errors on the API routes (/graphql/ and /api/...): always JSON, and nothing
about the server in them.

An exception's text can hold file paths, SQL, host names or a connection string,
so a client is told that something failed and what it can do about it, never why
the server failed; the server's log keeps the whole traceback.

- Every error carries `extensions.code`, one of `CODES` (the one list, also in the
  README), so a client branches on the code, never on the wording. Errors raised
  on purpose are made with `client_error` (or `bad_input`, `unknown`), which only
  takes a code of the list.
- GraphQL answers (`format_error`, the hook of cms.api.views.GraphQLView): an error
  raised on purpose keeps its message and extensions: a GraphQLError from a
  resolver (a bad argument, a rate limit with its `RATE_LIMITED` code), and the
  errors of parsing, validation, variables and the query limits. Any other
  exception raised while resolving a field is logged with its traceback and
  answered as "Internal server error." with `extensions.code` INTERNAL_SERVER_ERROR
  (with the field's path, so the client knows which part failed).
- `ApiErrors` (middleware, first in MIDDLEWARE so it wraps all the others): an
  exception that escapes a view on these routes is logged and signalled as Django
  does, and answered with the same JSON and status 500, in every settings module;
  with DEBUG on, Django would send its debug page. A 400, 403 or 5xx answer made
  elsewhere (another middleware's exception, Django's own error pages, the CSRF
  check's 403) becomes that JSON too.
- A database that does not answer (Django's OperationalError or InterfaceError,
  wherever it is raised: a resolver, a view, a middleware) is not the client's
  fault nor a bug: `server_error` (the project's handler500) answers 503 with
  `Retry-After`, as JSON with SERVICE_UNAVAILABLE on the API routes and as a
  plain page elsewhere, never with the connection's host or the driver's text.
"""

import json
import logging
import sys

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.log import log_response
from django.views import defaults
from graphene_django.views import HttpError
from graphql import GraphQLError

logger = logging.getLogger(__name__)

# The routes of cms/urls.py that answer JSON.
API_PATHS = ("/graphql/", "/api/")

# Every `extensions.code` the API answers with, and when (the README has this
# list: "Over HTTP, and errors").
CODES = {
    "BAD_REQUEST": "The HTTP request is malformed: no query, a body that is not "
    "JSON or nested too deeply, variables that are not an object, a mutation over "
    "GET, an operationName the document lacks, a malformed persisted query or one "
    "whose hash is not its query's; a body over the size limit (HTTP "
    "413); a file upload (HTTP 415).",
    "GRAPHQL_PARSE_FAILED": "The query is not GraphQL.",
    "GRAPHQL_VALIDATION_FAILED": "The query does not fit the schema.",
    "BAD_USER_INPUT": "An argument or variable has a wrong value: a wrong type, an "
    "unknown locale, perPage out of range, an order not allowed.",
    "NOT_FOUND": "A filter names something that does not exist (an unknown "
    "category, tag, tier, region, industry or unit slug).",
    "UNAUTHENTICATED": "A credential is not valid: a preview token in the query, "
    "or the request's frontend token (cms.api.tokens, HTTP 401).",
    "FORBIDDEN": "The request is refused (a session without a CSRF token).",
    "RATE_LIMITED": "The client is over a rate limit; `retryAfter` says how many "
    "seconds to wait.",
    "PERSISTED_QUERY_NOT_FOUND": "A persisted query's hash names no document "
    "this server knows (cms.api.persisted): Apollo's link then sends the query.",
    "PERSISTED_QUERY_NOT_ALLOWED": "With CMS_TRUSTED_DOCUMENTS on, the document "
    "is not registered (manage.py register_documents).",
    "QUERY_TOO_COMPLEX": "The query is over a limit of CMS_GRAPHQL_LIMITS.",
    "SERVICE_UNAVAILABLE": "The database does not answer for now (HTTP 503); "
    "`Retry-After` says how many seconds to wait.",
    "INTERNAL_SERVER_ERROR": "The server failed; its log has the details.",
}


def client_error(code, message, node=None, **extensions):
    """A GraphQLError with `code` (one of CODES) and any other extensions."""
    if code not in CODES:
        raise ValueError(f"{code!r} is not one of cms.api.errors.CODES.")
    return GraphQLError(message, node, extensions={"code": code, **extensions})


def bad_input(message, node=None):
    """The error for an argument or variable with a wrong value."""
    return client_error("BAD_USER_INPUT", message, node)


def unknown(argument, value, what, key="slug"):
    """The error for a filter argument naming nothing: `what` is what it names,
    by its `key`."""
    return client_error(
        "NOT_FOUND", f"Unknown {argument} {value!r}: no {what} has this {key}."
    )


def with_code(error, code):
    """`error`, with `code` unless it has a code already."""
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}
    return error


INTERNAL = {
    "message": "Internal server error.",
    "extensions": {"code": "INTERNAL_SERVER_ERROR"},
}
BAD_REQUEST = {"message": "Bad request.", "extensions": {"code": "BAD_REQUEST"}}
FORBIDDEN = {"message": "Forbidden.", "extensions": {"code": "FORBIDDEN"}}

# What a 4xx made outside the API's views (Django's CSRF check, its error pages)
# becomes; a 5xx becomes INTERNAL.
REPLACED = {400: BAD_REQUEST, 403: FORBIDDEN}
# The media types of the API's JSON answers (cms.api.views negotiates them).
JSON_TYPES = ("application/json", "application/graphql-response+json")

# Exceptions that third-party resolvers raise, on purpose, for a client's bad input,
# with a fixed text that says nothing about the server: (type, exact message).
# grapple refuses a rendition filter outside GRAPPLE["ALLOWED_IMAGE_FILTERS"] with
# a TypeError.
CLIENT_ERRORS = {
    (TypeError, "Invalid filter specs. Check the `ALLOWED_IMAGE_FILTERS` setting."),
    (
        TypeError,
        "No valid filter specs for SVG. See "
        "https://docs.wagtail.org/en/stable/topics/images.html#svg-images for "
        "details.",
    ),
}

# The database does not answer (or broke off): a 503, not a bug's 500.
UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds a client is asked to wait before trying again.
RETRY_AFTER = 10
UNAVAILABLE_ERROR = {
    "message": f"The service is briefly unavailable. Try again in {RETRY_AFTER} "
    "seconds.",
    "extensions": {"code": "SERVICE_UNAVAILABLE"},
}

# Exceptions Django answers with a 4xx of its own (and logs as it should).
DJANGO_ANSWERS = (
    Http404,
    PermissionDenied,
    BadRequest,
    SuspiciousOperation,
    MultiPartParserError,
)


def unexpected(error):
    """The exception behind a GraphQL error if it is not one raised on purpose,
    else None.

    An error with a path was raised while resolving that field: it is on purpose
    if it is a GraphQLError (or was made by graphql-core itself, such as "Cannot
    return null for non-nullable field"), unexpected otherwise. An error without a
    path comes from parsing, validation, variables or the limits: its message is
    graphql-core's or ours, about the request.
    """
    if not isinstance(error, GraphQLError):
        return error
    original = error.original_error
    if error.path is None or original is None or isinstance(original, GraphQLError):
        return None
    if (type(original), str(original)) in CLIENT_ERRORS:
        return None
    return original


def format_error(error):
    """An error of a GraphQL answer as JSON (graphene-django's `format_error`)."""
    if isinstance(error, HttpError):  # the view's own words about a bad request
        return {"message": error.message, "extensions": {"code": "BAD_REQUEST"}}
    original = unexpected(error)
    if original is None:
        # Without a code of its own: a field's error raised on purpose is about
        # the arguments (grapple's, third parties' CLIENT_ERRORS); one without a
        # path is validation's (the view codes parsing, variables and limits).
        return with_code(
            error, "BAD_USER_INPUT" if error.path else "GRAPHQL_VALIDATION_FAILED"
        ).formatted
    path = getattr(error, "path", None)
    logger.error(
        "Unexpected error in GraphQL%s: %s",
        f" at {'.'.join(map(str, path))}" if path else "",
        type(original).__name__,
        exc_info=(type(original), original, original.__traceback__),
    )
    formatted = {"message": INTERNAL["message"]}
    if isinstance(error, GraphQLError):
        if error.locations is not None:
            formatted["locations"] = [
                location.formatted for location in error.locations
            ]
        if path is not None:
            formatted["path"] = path
    formatted["extensions"] = dict(INTERNAL["extensions"])
    return formatted


def is_api(request):
    """Whether the request is for an API route, with or without its final slash
    (Django answers a POST to /graphql with an error of its own)."""
    path = request.path_info
    return path.startswith(API_PATHS) or f"{path}/" in API_PATHS


def json_error(error):
    return json.dumps({"errors": [error]}, separators=(",", ":")).encode()


class ApiErrors:
    """JSON, without details, for errors on the API routes (see the module
    docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if (
            is_api(request)
            and (status in REPLACED or status >= 500)
            and not response.streaming
            and not response.get("Content-Type", "").startswith(JSON_TYPES)
        ):
            response.content = json_error(REPLACED.get(status, INTERNAL))
            response["Content-Type"] = "application/json"
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response

    def process_exception(self, request, exception):
        if not is_api(request) or isinstance(exception, DJANGO_ANSWERS + UNAVAILABLE):
            return None
        response = HttpResponse(
            json_error(INTERNAL), status=500, content_type="application/json"
        )
        # As Django does for an uncaught exception: error trackers listen to the
        # signal, and the log (and ADMINS' mail) gets the traceback.
        got_request_exception.send(sender=None, request=request)
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response


def server_error(request):
    """handler500 (cms/urls.py): Django calls it for any exception no one
    answered, inside its `except`; a database that does not answer is a 503
    (see the module docstring), anything else Django's own 500 (JSON on the API
    routes through ApiErrors)."""
    if not isinstance(sys.exc_info()[1], UNAVAILABLE):
        return defaults.server_error(request)
    if is_api(request):
        response = HttpResponse(
            json_error(UNAVAILABLE_ERROR),
            status=503,
            content_type="application/json",
        )
    else:
        response = HttpResponse(
            "Service temporarily unavailable. Please try again in a moment.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER)
    return response
