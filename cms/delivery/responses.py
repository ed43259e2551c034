"""The response cache: whole API responses kept in the shared cache, each with
the keys (cms.delivery.changes) of everything it was computed from, and never
served once one of them changed.

An entry holds the body, its ETag, its keys, the time its computation STARTED
and the time it expires. Invalidation does not look for entries: the
subscriber of cms.delivery.changes stamps each changed key with the time of
the change (one `set_many`), and an entry is served only if every one of its
keys was last stamped before the entry's computation started (less
CLOCK_MARGIN, for clocks of different processes). A change committed while a
response was being computed therefore invalidates it, whichever finishes
first: a reader never gets a response older than a change that had committed
before the reader's request. A hit costs no SQL and one cache round-trip
(the entry and the generation, a counter of changes) while nothing changed
since the entry was last checked, two otherwise (its keys' stamps too: see
`fetch`).

Every entry depends on `all` (privacy, sites, locales) and, through
`ANY_CHANGE`, optionally on every change: what no narrower key describes is
recorded as depending on ANY_CHANGE, which the subscriber stamps with each
change (correct by default, never stale).

Scheduled publishing: a page becomes invisible at its `expire_at` before the
worker's publish_scheduled unpublishes it (cms.content.visibility), and a
scheduled revision goes live only when that task runs; so an entry (and the
HTTP max-age of its response) never lasts past the nearest `expire_at` of a
live page or `go_live_at` of a page or revision, site-wide (`next_schedule`:
a global bound, simpler than one per key, and exact: at worst it shortens
entries while something is scheduled). The bound is itself cached and
recomputed after any change or scheduling.

View counts (newsroom) change without a content change: responses that show
them, or are ordered by them, live at most CMS_VIEW_COUNT_MAX_AGE seconds (0:
not cached).

While Redis is away, cms.cache.FailSafeRedisCache answers from process memory,
where other processes neither see this process's stamps nor it theirs: the
response cache then neither reads nor writes. A process that saw the outage
stamps `all` once it reaches Redis again, so that no entry computed before
the outage outlives the changes made during it. Residual window: another
process that did not itself notice the outage may serve such an entry between
Redis's return and the first cache call of a process that made the change
(its next request or change: at most RETRY_INTERVAL after it next does
anything). Stamps have no expiry; with Redis's `maxmemory`, use a `volatile-*`
eviction policy so that they are never evicted (entries have a TTL, stamps
none).

This module imports no GraphQL: cms.api.caching records the keys while a
query runs, and answers HTTP.
"""

import contextvars
import datetime
import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import post_init, post_save
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.models import AbstractRendition
from wagtail.models import Page, Revision

from . import changes

logger = logging.getLogger(__name__)

PREFIX = "cms:responses:"
STAMP = PREFIX + "stamp:"
SCHEDULE = PREFIX + "schedule"
GENERATION = PREFIX + "generation"
# Stamped with every change: the key of what no narrower key describes.
ANY_CHANGE = "any"
# Stamped when a revision is scheduled: not a change readers see yet, but the
# responses computed before do not know the new bound of their lifetime. Every
# response depends on it (scheduling is rare); it is no surrogate key.
SCHEDULED = "scheduled"
# Seconds by which clocks of different processes may differ.
CLOCK_MARGIN = 1.0

CURRENT = contextvars.ContextVar("cms_response_recording", default=None)


@dataclass
class Recording:
    """What one response depends on, gathered while it is computed: `keys`,
    whether it may be stored at all (`storable`: no mutation, preview or error),
    and whether it shows view counts (`brief`)."""

    key: str | None
    start: float = field(default_factory=time.time)
    keys: set = field(default_factory=lambda: {changes.ALL, SCHEDULED})
    storable: bool = True
    brief: bool = False
    until: float | None = None
    generation: int | None = None
    tracking: bool = True  # False: only whether it may be cached is asked


def current():
    """The recording of the response being computed, None outside one."""
    return CURRENT.get()


def depend(*keys):
    """Record that the response being computed depends on `keys`."""
    recording = CURRENT.get()
    if recording is not None:
        recording.keys.update(k for k in keys if k)


def not_storable():
    """The response being computed must not be cached (a mutation, a preview,
    an error)."""
    recording = CURRENT.get()
    if recording is not None:
        recording.storable = False


def shows_view_counts():
    recording = CURRENT.get()
    if recording is not None:
        recording.brief = True


def enabled():
    return settings.CMS_RESPONSE_CACHE


def request_key(*parts):
    """The cache key of a request, from the parts that make its body (document
    text or persisted hash, operation name, canonical variables, client class,
    media type...)."""
    text = "\x1f".join(str(p) for p in parts)
    digest = hashlib.sha256(text.encode(errors="surrogatepass")).hexdigest()
    return PREFIX + digest


def etag_of(body, content_type=""):
    """A strong ETag: the hash of the body and its media type (the same body in
    application/json and application/graphql-response+json are two
    representations, RFC 9110, 8.8.3)."""
    digest = hashlib.sha256(content_type.encode() + b"\n" + body).hexdigest()
    return '"' + digest[:32] + '"'


# --------------------------------------------------------------------- outage


class Shared:
    """Whether the shared cache may be used now (see the module docstring)."""

    lock = threading.Lock()
    saw_outage = False

    @classmethod
    def down(cls):
        outage = getattr(cache, "outage", None)  # cms.cache.FailSafeRedisCache
        return outage is not None and outage.down

    @classmethod
    def usable(cls):
        """False while Redis is away; on the first call after an outage this
        process saw, stamps `all` first."""
        if cls.down():
            cls.saw_outage = True
            cache.has_key(STAMP + changes.ALL)  # lets the cache try Redis again
            if cls.down():
                return False
        if cls.saw_outage:
            with cls.lock:
                if cls.saw_outage:
                    stamp_keys([changes.ALL])
                    if cls.down():
                        return False
                    cls.saw_outage = False
                    logger.warning(
                        "The shared cache is back: every cached response computed "
                        "before the outage is dropped."
                    )
        return True

    @classmethod
    def wrote(cls):
        """After a write: False (and remembered) if it went to process memory."""
        if cls.down():
            cls.saw_outage = True
            return False
        return True


# --------------------------------------------------------------------- entries


def fetch(key):
    """The entry stored under `key` if it is still valid, else None.

    One round-trip while nothing changed since the entry was checked: the
    entry and the generation (a counter each change increments after stamping
    its keys) come together, and an entry of the current generation is valid.
    Otherwise a second one reads its keys' stamps; an entry found valid then is
    kept with the generation read first (any change after that one increments
    it again, and the stamps of any change up to it were written before it was
    read)."""
    if not Shared.usable():
        return None
    found = cache.get_many([key, GENERATION])
    entry, generation = found.get(key), found.get(GENERATION)
    if entry is None or entry["expires"] <= time.time():
        return None
    if generation is not None and entry["generation"] == generation:
        return entry
    stamps = cache.get_many([STAMP + k for k in entry["keys"]])
    if Shared.down():  # the answers came from process memory
        Shared.saw_outage = True
        return None
    latest = entry["start"] - CLOCK_MARGIN
    if any(stamp >= latest for stamp in stamps.values()):
        return None
    if generation is not None:
        entry["generation"] = generation
        cache.set(
            key, entry, timeout=max(1, math.floor(entry["expires"] - time.time()))
        )
        Shared.wrote()
    return entry


def generation():
    """The current generation, read before a computation (None while the
    shared cache is away)."""
    if not Shared.usable():
        return None
    value = cache.get(GENERATION)
    if value is None:  # a new (or flushed) cache: 0 until the first change
        cache.add(GENERATION, 0, timeout=None)
        value = cache.get(GENERATION)
    return value


def lifetime(recording, now=None):
    """Seconds the response of `recording` may be kept, from now: the server
    cache's TTL, bounded by the schedule and, for view counts, by
    CMS_VIEW_COUNT_MAX_AGE."""
    now = time.time() if now is None else now
    seconds = settings.CMS_RESPONSE_CACHE_TTL
    if recording.brief:
        seconds = min(seconds, settings.CMS_VIEW_COUNT_MAX_AGE)
    upcoming = next_schedule()
    if recording.until is not None:
        upcoming = min(recording.until, upcoming or recording.until)
    if upcoming is not None:
        seconds = min(seconds, upcoming - now)
    return max(0.0, seconds)


def store(recording, body, etag, content_type, seconds, surrogate=("", "")):
    """Keep the response of `recording` for `seconds`; returns the entry (also
    when it is not stored: the headers are made from it). `surrogate`: its
    Surrogate-Key and Cache-Tag headers, made once."""
    entry = {
        "surrogate": surrogate,
        "generation": recording.generation,
        "body": body,
        "etag": etag,
        "type": content_type,
        "keys": sorted(recording.keys),
        "start": recording.start,
        "expires": time.time() + seconds,
    }
    if (
        recording.key
        and recording.storable
        and seconds >= 1
        and enabled()
        and Shared.usable()
    ):
        cache.set(recording.key, entry, timeout=math.floor(seconds))
        Shared.wrote()
    return entry


# ------------------------------------------------------------------- schedule


def next_schedule():
    """The nearest future time (epoch seconds) at which what readers see
    changes by the schedule alone: a live page's `expire_at`, a page's or a
    revision's `go_live_at`. None if nothing is scheduled. Cached, recomputed
    after any change or newly scheduled revision."""
    usable = Shared.usable()
    if usable:
        found = cache.get_many(
            [SCHEDULE, STAMP + ANY_CHANGE, STAMP + SCHEDULED, STAMP + changes.ALL]
        )
        known = found.get(SCHEDULE)
        stamps = [v for k, v in found.items() if k != SCHEDULE]
        if (
            known is not None
            and all(s < known["start"] - CLOCK_MARGIN for s in stamps)
            and (known["at"] is None or known["at"] > time.time())
        ):
            return known["at"]
    start = time.time()
    now = timezone.now()
    times = [
        Page.objects.live()
        .filter(expire_at__gt=now)
        .aggregate(at=Min("expire_at"))["at"],
        Page.objects.filter(live=False, go_live_at__gt=now).aggregate(
            at=Min("go_live_at")
        )["at"],
        Revision.objects.filter(approved_go_live_at__gt=now).aggregate(
            at=Min("approved_go_live_at")
        )["at"],
    ]
    times = [t.timestamp() for t in times if t is not None]
    at = min(times) if times else None
    if usable:
        timeout = None if at is None else max(1, math.ceil(at - time.time()))
        cache.set(SCHEDULE, {"at": at, "start": start}, timeout=timeout)
        Shared.wrote()
    return at


# ---------------------------------------------------------------- invalidation


def stamp(change):
    """Subscriber of cms.delivery.changes: every key of `change`, and
    ANY_CHANGE, is stamped now."""
    stamp_keys([*change.keys, ANY_CHANGE])


def stamp_keys(keys):
    if Shared.down():
        Shared.saw_outage = True  # lost: `all` is stamped when Redis is back
    now = time.time()
    cache.set_many({STAMP + key: now for key in keys}, timeout=None)
    cache.add(GENERATION, 0, timeout=None)
    try:
        cache.incr(GENERATION)
    except ValueError:  # gone between the two calls (a flush): none is valid
        cache.set(GENERATION, 1, timeout=None)
    Shared.wrote()


def on_revision(sender, instance, **kwargs):
    """A revision scheduled to go live: the cached schedule is out of date."""
    if instance.approved_go_live_at is not None:
        transaction.on_commit(lambda: stamp_keys([SCHEDULED]))


# ------------------------------------------------------------------ recording


CONTENT = set()
DATED = set()


def dated(*models):
    """Rows of `models` say what holds today (a position held, or not yet or no
    longer): a response that loads one lasts until the next local midnight
    (filtered out ones are not loaded: the app declares its fields too)."""
    DATED.update(models)


def until_midnight():
    """Let the response being computed last until the next local midnight."""
    recording = CURRENT.get()
    if recording is not None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        midnight = timezone.make_aware(
            datetime.datetime.combine(tomorrow, datetime.time())
        ).timestamp()
        recording.until = min(recording.until or midnight, midnight)


def on_init(sender, instance, **kwargs):
    """Every content row loaded while a response is computed is a dependency
    of it (a page found through a link in rich text, a menu item's page...):
    its row key and, when translatable, the key of all its editions. Read from
    the instance's __dict__: a deferred field must not cost a query."""
    recording = CURRENT.get()
    if recording is None or not recording.tracking:
        return
    if not CONTENT:  # (what `all` covers needs no key of its own)
        models = changes.content_models()
        CONTENT.update(m for m in models if not issubclass(m, changes.EVERYTHING))
    if sender in DATED:
        until_midnight()
    values = instance.__dict__
    if isinstance(instance, AbstractRendition):
        image_id = values.get("image_id")
        if image_id is not None:
            recording.keys.add(row_key(get_image_model(), image_id))
        return
    if not (isinstance(instance, Page) or sender in CONTENT):
        return
    if instance.pk is None:
        return
    recording.keys.add(changes.instance_key(instance))
    translation_key = values.get("translation_key")
    if translation_key is not None:
        recording.keys.add(f"tk:{translation_key.hex}")


def row_key(model, pk):
    """changes.instance_key of `model`'s row `pk`, without making the row (a
    model's field defaults may query: an image's collection)."""
    if issubclass(model, Page):
        return f"page:{pk}"
    return f"{model._meta.label_lower}:{pk}"


def connect():
    changes.subscribe(stamp)
    post_init.connect(on_init, weak=False, dispatch_uid="cms-responses-init")
    post_save.connect(
        on_revision, sender=Revision, weak=False, dispatch_uid="cms-responses-rev"
    )
