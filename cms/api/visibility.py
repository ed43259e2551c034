"""Grapple's own page resolvers, narrowed to the pages readers may see."""

from wagtail.models import Page

from cms.content.visibility import visible_pages

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
