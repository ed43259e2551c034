"""Which pages anonymous readers may see: the one definition every path uses (the
GraphQL API, search, view counting, Wagtail's HTML routes, redirects)."""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction


def private_section():
    """True for a page in a private section (a view restriction on it or on an
    ancestor), as part of the page query itself. Wagtail's `public()` reads the
    restrictions in a query of their own each time a queryset is built, which
    cost a request one query per page list."""
    restrictions = PageViewRestriction.objects.filter(
        StartsWith(OuterRef("path"), F("page__path"))
    )
    return Exists(restrictions)


def visible_q():
    """The condition of the pages an anonymous reader may see: live, public, not
    past their expiry (publish_scheduled unpublishes them only when it next
    runs), not Wagtail's root."""
    current = Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now())
    return Q(live=True) & current & ~Q(private_section()) & Q(depth__gt=1)


def visible_pages(pages=None):
    """The pages of `pages` (by default all) that `visible_q` lets through."""
    if pages is None:
        pages = Page.objects.all()
    return pages.filter(visible_q())


def is_expired(page):
    """Whether `page` is past its expiry, whether or not publish_scheduled has
    unpublished it yet (the same test as `visible_pages`, for one page in hand)."""
    return page.expire_at is not None and page.expire_at <= timezone.now()
