"""Per-client rate limits, counted in the cache (Redis in production), so that all
of the application's processes share one count per client.

A fixed window per scope: at most `limit` calls per `seconds`, from
`settings.RATE_LIMITS`. Clients are told how long to wait. A count is kept per
client address, or per any other key a caller names (one protected page, say).
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _
from graphql import GraphQLError

from cms.clients import client_ip


class RateLimited(Exception):
    """A client went over a limit; `retry_after` is in seconds."""

    def __init__(self, scope, limit, seconds, retry_after):
        self.retry_after = retry_after
        super().__init__(
            f"Too many requests ({scope}) from this client: at most {limit} in "
            f"{seconds} seconds. Try again in {retry_after} seconds."
        )


def window(scope):
    """(limit, seconds, cache key prefix of the current window, its end)."""
    limit, seconds = settings.RATE_LIMITS[scope]
    current = int(time.time() // seconds)
    return limit, seconds, f"ratelimit:{scope}:{current}", (current + 1) * seconds


def add(request, scope, amount=1, key=None):
    """Count `amount` calls of `scope` by `request`'s client (or by `key`); the
    new count."""
    _limit, seconds, prefix, _end = window(scope)
    key = f"{prefix}:{key or client_ip(request)}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=seconds + 1)
        return amount


def refuse(scope):
    limit, seconds, _prefix, end = window(scope)
    raise RateLimited(scope, limit, seconds, int(end - time.time()) + 1)


def hit(request, scope):
    """Count one call of `scope` by `request`'s client; RateLimited when over."""
    if add(request, scope) > settings.RATE_LIMITS[scope][0]:
        refuse(scope)


def check(request, scope, key=None):
    """RateLimited if `request`'s client (or `key`) has used up `scope`, without
    counting."""
    limit, _seconds, prefix, _end = window(scope)
    if cache.get(f"{prefix}:{key or client_ip(request)}", 0) >= limit:
        refuse(scope)


def rate_limited_error(limited):
    """The GraphQL error for RateLimited, with the wait in its extensions."""
    return GraphQLError(
        str(limited),
        extensions={"code": "RATE_LIMITED", "retryAfter": limited.retry_after},
    )


class SearchQueryLimit:
    """Graphene middleware: grapple's `searchQuery` arguments (pages, descendants,
    images, documents, ...) count against the client's search limit, as the
    project's own search fields do."""

    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        if args.get("search_query"):
            try:
                hit(info.context, "search")
            except RateLimited as limited:
                raise rate_limited_error(limited) from None
        return next(root, info, **args)


def password_form(view, restriction_argument):
    """Wagtail's password form view for a protected page or document collection,
    throttled: wrong passwords count per client (`RATE_LIMITS["password"]`) and
    per protected object from all clients (`"password-page"`, so guessing from
    many addresses is slow too; a guesser can thereby keep the form closed for an
    hour, which locks out no one who already entered the password). Once either
    is used up, the form answers 429 until the window ends."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        protected = f"{restriction_argument}:{kwargs[restriction_argument]}"
        try:
            check(request, "password")
            check(request, "password-page", key=protected)
        except RateLimited as limited:
            response = HttpResponse(
                _("Too many wrong passwords. Try again in %(seconds)s seconds.")
                % {"seconds": limited.retry_after},
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:  # the form again: the password was wrong
            add(request, "password")
            add(request, "password-page", key=protected)
        return response

    return guarded
