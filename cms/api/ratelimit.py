"""Per-client rate limits, counted in the cache (Redis in production), so that all
of the application's processes share one count per client.

A fixed window per scope: at most `limit` calls per `seconds`, from
`settings.CMS_RATE_LIMITS`. Clients are told how long to wait. `client` says who
is counted and what it may do: a frontend with its token (cms.api.tokens), with
the token's quotas, else the client's address. A caller may name another key
(one protected page, say), counted with the defaults.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import PageViewRestriction

from cms.clients import client_ip

from .errors import client_error

# The scopes the API routes count per client, which a frontend token's quotas
# may raise (the password forms are HTML, counted per address only).
API_SCOPES = {
    "search": gettext_lazy("Searches"),
    "suggest": gettext_lazy("Search suggestions"),
    "article-view": gettext_lazy("Article views"),
    "rendition": gettext_lazy("New image renditions"),
    "preview-token": gettext_lazy("Wrong preview tokens"),
}


class RateLimited(Exception):
    """A client went over a limit; `retry_after` is in seconds."""

    def __init__(self, scope, limit, seconds, retry_after):
        self.retry_after = retry_after
        super().__init__(
            f"Too many requests ({scope}) from this client: at most {limit} in "
            f"{seconds} seconds. Try again in {retry_after} seconds."
        )


class Client:
    """Who is counted: `key` in the cache, and `limit(scope)` calls allowed per
    window of `scope`."""

    def __init__(self, key, token=None):
        self.key = key
        self.token = token

    def limit(self, scope):
        if self.token is not None:
            return self.token.limit(scope)
        return settings.CMS_RATE_LIMITS[scope][0]


def client(request, key=None):
    """The one answer to "who is this and what may it do": the frontend of the
    request's token (cms.api.tokens) with its quotas; else the client's address
    (cms.clients.client_ip), or `key` if the caller names one, with the defaults
    of CMS_RATE_LIMITS. Anonymous browsers are counted per address."""
    if key is not None:
        return Client(key)
    token = getattr(request, "frontend_token", None)
    if token is not None:
        return Client(f"token:{token.pk}", token)
    return Client(client_ip(request))


def window(scope):
    """(seconds, cache key prefix of the current window, its end)."""
    seconds = settings.CMS_RATE_LIMITS[scope][1]
    current = int(time.time() // seconds)
    return seconds, f"ratelimit:{scope}:{current}", (current + 1) * seconds


def add(request, scope, amount=1, key=None):
    """Count `amount` calls of `scope` by `request`'s client (or by `key`); the
    new count."""
    seconds, prefix, _end = window(scope)
    key = f"{prefix}:{client(request, key).key}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=seconds + 1)
        return amount


def over(request, scope, key=None, amount=1):
    """Count `amount` calls; whether the client (or `key`) is now over its limit."""
    return add(request, scope, amount, key) > client(request, key).limit(scope)


def refused(request, scope, key=None):
    """The RateLimited of `scope`, telling how long its window still runs."""
    seconds, _prefix, end = window(scope)
    limit = client(request, key).limit(scope)
    return RateLimited(scope, limit, seconds, int(end - time.time()) + 1)


def hit(request, scope):
    """Count one call of `scope` by `request`'s client; RateLimited when over."""
    if over(request, scope):
        raise refused(request, scope)


def check(request, scope, key=None):
    """RateLimited if `request`'s client (or `key`) has used up `scope`, without
    counting."""
    _seconds, prefix, _end = window(scope)
    who = client(request, key)
    if cache.get(f"{prefix}:{who.key}", 0) >= who.limit(scope):
        raise refused(request, scope, key)


def rate_limited_error(limited):
    """The GraphQL error for RateLimited, with the wait in its extensions."""
    return client_error("RATE_LIMITED", str(limited), retryAfter=limited.retry_after)


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


def password_form(view, protected):
    """Wagtail's password form view for a protected page or document collection,
    throttled: every attempt counts per client (`CMS_RATE_LIMITS["password"]`) and
    per protected content from all clients (`"password-page"`; `protected(kwargs)`
    names it, the same for every edition of a page, so guessing from many
    addresses or through each locale's form is slow too). A guesser can thereby
    keep the form closed for an hour, which locks out no one who already entered
    the password. The count goes up before the password is checked, so parallel
    requests cannot slip past it, and back down when the password was right.
    Over either limit, the form answers 429 until the window ends."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        counts = [("password", None), ("password-page", protected(kwargs))]
        exceeded = [scope for scope, key in counts if over(request, scope, key)]
        if exceeded:
            limited = refused(request, exceeded[0], dict(counts)[exceeded[0]])
            response = HttpResponse(
                _("Too many wrong passwords. Try again in %(seconds)s seconds.")
                % {"seconds": limited.retry_after},
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
        response = view(request, *args, **kwargs)
        if response.status_code != 200:  # not the form again: not a wrong password
            for scope, key in counts:
                add(request, scope, amount=-1, key=key)
        return response

    return guarded


def protected_page(kwargs):
    """What a page's password form protects: the restricted page's content,
    whichever locale's edition (and restriction) the form was for
    (cms.localization.privacy keeps them alike)."""
    key = (
        PageViewRestriction.objects.filter(pk=kwargs["page_view_restriction_id"])
        .values_list("page__translation_key", flat=True)
        .first()
    )
    return f"page:{key}"
