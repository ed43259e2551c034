"""Which pages anonymous readers may see: the one definition every API path uses."""

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


# Grapple's own resolvers that hand out pages: a site's pages (Wagtail's
# live().public(), which keeps a page past its expiry until publish_scheduled runs)
# and a PageChooserBlock's page (any page, drafts included).
GRAPPLE_PAGE_FIELDS = {
    ("SiteObjectType", "pages"),
    ("SiteObjectType", "page"),
    ("PageChooserBlock", "page"),
}


class GrapplePages:
    """Graphene middleware: the answers of GRAPPLE_PAGE_FIELDS narrowed to
    `visible_pages`."""

    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        value = next(root, info, **args)
        if value is None or (info.parent_type.name, info.field_name) not in (
            GRAPPLE_PAGE_FIELDS
        ):
            return value
        items = [value] if isinstance(value, Page) else list(value)
        shown = set(
            visible_pages()
            .filter(pk__in=[page.pk for page in items])
            .values_list("pk", flat=True)
        )
        if isinstance(value, Page):
            return value if value.pk in shown else None
        return [page for page in items if page.pk in shown]
