"""Which pages anonymous readers may see: the one definition every path uses (the
GraphQL API, search, view counting, Wagtail's HTML routes, redirects)."""

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page


def visible_pages(pages=None):
    """The pages an anonymous reader may see: live, public, not past their expiry
    (publish_scheduled unpublishes them only when it next runs), not Wagtail's
    root."""
    if pages is None:
        pages = Page.objects.all()
    current = Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now())
    return pages.live().public().filter(current, depth__gt=1)


def is_expired(page):
    """Whether `page` is past its expiry, whether or not publish_scheduled has
    unpublished it yet (the same test as `visible_pages`, for one page in hand)."""
    return page.expire_at is not None and page.expire_at <= timezone.now()
