"""The shared cache (Redis in production), which degrades instead of breaking.

Readers must not notice that Redis is away: Wagtail keeps the sites' root paths in
the cache (every page `url` of a GraphQL answer comes from them), and the rate
limits and view de-duplication count in it. With Django's RedisCache, a Redis that
does not answer makes each of those raise a ConnectionError carrying the address
("Error 111 connecting to 127.0.0.1:6390").

`FailSafeRedisCache` is Django's RedisCache with short socket timeouts (a dead
host costs half a second, not Redis's default five), and while Redis does not
answer, every cache call is served by a process-local LocMemCache instead: values
are recomputed per process, rate limits and de-duplicated views count per process
(a client may then get up to one quota per process). The outage is logged once
per process when it starts and once when Redis answers again; in between, Redis
is tried again every RETRY_INTERVAL seconds (not on every call), and on its
return the local values are dropped, so nothing stale outlives the outage.
`ping()` asks Redis itself, for /readyz (cms/health.py).
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Seconds Redis may take to accept a connection and to answer a command.
TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
# The local cache's size during an outage: one entry per client and scope (rate
# limits) and per client and article (views), so more than LocMemCache's 300.
LOCAL_ENTRIES = 10_000


class Outage:
    """Whether one Redis server is away, shared by all threads of the process
    (Django makes a cache object per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0


OUTAGES = {}


class SharedClients(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool.
    Django makes a new one for every cache call, and making one (it builds its
    table of response callbacks) costs about a millisecond, more than the call
    itself: a GraphQL answer makes dozens of cache calls (site root paths, rate
    limits, renditions), and a cached answer one. A `redis.Redis` may be shared
    by threads: each command takes a connection from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class FailSafeRedisCache(RedisCache):
    """RedisCache that falls back to process-local memory while Redis does not
    answer (see the module docstring). RETRY_INTERVAL (seconds, default 5) is a
    key of the cache's settings beside LOCATION."""

    def __init__(self, server, params):
        options = {**TIMEOUTS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = SharedClients
        self.retry_interval = params.get("RETRY_INTERVAL", 5)
        # Where, without the password of redis://:password@host.
        self.where = ", ".join(
            urlsplit(location).netloc.rpartition("@")[2] or location
            for location in self._servers
        )
        self.outage = OUTAGES.setdefault(self.where, Outage())
        self.local = LocMemCache(
            f"fail-safe:{self.where}",
            {**params, "OPTIONS": {"MAX_ENTRIES": LOCAL_ENTRIES}},
        )

    def ping(self):
        """Raises unless Redis itself answers."""
        self._cache.get_client(write=True).ping()

    def _call(self, name, *args, **kwargs):
        if time.monotonic() >= self.outage.retry_at:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                self._lost(error)
            else:
                if self.outage.down:
                    self._back()
                return result
        return getattr(self.local, name)(*args, **kwargs)

    def _lost(self, error):
        with self.outage.lock:
            self.outage.retry_at = time.monotonic() + self.retry_interval
            if self.outage.down:
                return
            self.outage.down = True
        logger.warning(
            "The cache (Redis at %s) does not answer (%s): serving from process "
            "memory; rate limits and view de-duplication count per process until "
            "it is back.",
            self.where,
            type(error).__name__,
        )

    def _back(self):
        with self.outage.lock:
            if not self.outage.down:
                return
            self.outage.down = False
            self.local.clear()
        logger.warning("The cache (Redis at %s) answers again: shared.", self.where)


def _fail_safe(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or process memory while Redis is away."
    return method


# Every method of RedisCache that talks to Redis; BaseCache builds the others
# (decr, get_or_set, incr_version, the async ones) on these.
for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(FailSafeRedisCache, _name, _fail_safe(_name))
