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


def hit(request, scope):
    """Count one call of `scope` by `request`'s client; RateLimited when over."""
    limit, seconds = settings.RATE_LIMITS[scope]
    now = time.time()
    window = int(now // seconds)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count > limit:
        retry_after = int((window + 1) * seconds - now) + 1
        raise RateLimited(scope, limit, seconds, retry_after)


def rate_limited_error(limited):
    """The GraphQL error for RateLimited, with the wait in its extensions."""
    return GraphQLError(
        str(limited),
        extensions={"code": "RATE_LIMITED", "retryAfter": limited.retry_after},
    )
