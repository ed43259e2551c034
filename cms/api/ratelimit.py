"""Per-client rate limits, counted in the cache (Redis in production), so that all
of the application's processes share one count per client.

A fixed window per scope: at most `limit` calls per `seconds`, from
`settings.RATE_LIMITS`. Clients are told how long to wait.
"""

import time

from django.conf import settings
from django.core.cache import cache
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


def add(request, scope, amount=1):
    """Count `amount` calls of `scope` by `request`'s client; the new count."""
    _limit, seconds, prefix, _end = window(scope)
    key = f"{prefix}:{client_ip(request)}"
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


def check(request, scope):
    """RateLimited if `request`'s client has used up `scope`, without counting."""
    limit, _seconds, prefix, _end = window(scope)
    if cache.get(f"{prefix}:{client_ip(request)}", 0) >= limit:
        refuse(scope)


def rate_limited_error(limited):
    """The GraphQL error for RateLimited, with the wait in its extensions."""
    return GraphQLError(
        str(limited),
        extensions={"code": "RATE_LIMITED", "retryAfter": limited.retry_after},
    )
