"""GraphQL of the site's own content: `siteSettings` and `menu`.

Both are translatable snippets with a row per locale; the root fields return the
row of the first locale of the request's chain (`locale`, then `fallback`) that
has one, as its edition with its own id. A menu's items are hand-built
(`MenuItem`): each page item is that page's edition in the requested chain, read
from the stored ids in a fixed number of queries however long the menu, and left
out, with its sub-items, when anonymous readers can see no edition of it. The
settings' default sharing image stands in for pages without one (cms.api.seo).
"""

import graphene
from django.conf import settings
from grapple.registry import registry
from grapple.types.interfaces import get_page_interface
from wagtail.models import Page

from cms.api.assembly import root_query
from cms.api.errors import client_error
from cms.api.extensions import extend
from cms.api.fallback import fallback_argument, locale_chain
from cms.api.locales import locale_argument
from cms.api.seo import default_image
from cms.content.editions import chain_of, first_in_chain, mark, resolved
from cms.content.requests import per_request
from cms.content.visibility import visible_pages

from .models import Menu, SiteSettings


class MenuItem(graphene.ObjectType):
    """One entry of a menu, as readers of the requested locale see it."""

    label = graphene.String(
        required=True, description="The item's label, or its page's title."
    )
    url = graphene.String(required=True)
    page = graphene.Field(
        get_page_interface,
        description="The page's edition in the requested chain; null for links.",
    )
    external = graphene.Boolean(
        required=True, description="Whether the item links outside the site."
    )
    children = graphene.List(
        graphene.NonNull(lambda: MenuItem), required=True, description="Sub-items."
    )


def item_values(raw_list):
    """Stored values of a ListBlock, in either of Wagtail's formats (with or
    without the ids of its items)."""
    return [
        item["value"] if isinstance(item, dict) and "value" in item else item
        for item in raw_list or []
    ]


def page_ids(values):
    for value in values:
        if value.get("page"):
            yield value["page"]
        yield from page_ids(item_values(value.get("children")))


def pages_in_chain(ids, chain):
    """{stored page id: the page's live, public edition in the chain}."""
    keys = dict(Page.objects.filter(pk__in=ids).values_list("pk", "translation_key"))
    editions = resolved(
        visible_pages().filter(translation_key__in=set(keys.values())),
        visible_pages(),
        chain,
    ).specific()
    by_key = {page.translation_key: page for page in mark(editions, chain)}
    return {pk: by_key[key] for pk, key in keys.items() if key in by_key}


def menu_items(values, pages, request):
    items = []
    for value in values:
        children = menu_items(item_values(value.get("children")), pages, request)
        if value.get("page"):
            page = pages.get(value["page"])
            if page is None:
                continue
            items.append(
                MenuItem(
                    label=value.get("label") or page.title,
                    url=page.get_url(request),
                    page=page,
                    external=False,
                    children=children,
                )
            )
        elif value.get("url"):
            items.append(
                MenuItem(
                    label=value.get("label") or value["url"],
                    url=value["url"],
                    page=None,
                    external=True,
                    children=children,
                )
            )
    return items


def resolve_items(menu, info):
    values = [block["value"] for block in menu.items.raw_data]
    pages = pages_in_chain(list(page_ids(values)), chain_of(menu))
    return menu_items(values, pages, info.context)


extend(
    Menu,
    items=graphene.Field(
        graphene.List(graphene.NonNull(MenuItem)),
        required=True,
        resolver=resolve_items,
        description=(
            "The items in order; pages anonymous readers cannot see are left out, "
            "with their sub-items."
        ),
    ),
)


def of(model):
    return lambda: registry.models[model]


@root_query
class SiteContentQuery:
    site_settings = graphene.Field(
        of(SiteSettings),
        locale=locale_argument(),
        fallback=fallback_argument(),
        description=(
            "The association's name, contact details, filings and social accounts "
            "in the first locale of the chain that has them."
        ),
    )
    menu = graphene.Field(
        of(Menu),
        key=graphene.String(required=True, description="header or footer."),
        locale=locale_argument(),
        fallback=fallback_argument(),
        description="A menu of the first locale of the chain that has one.",
    )

    def resolve_site_settings(self, info, locale=None, fallback=None):
        rows = SiteSettings.objects.select_related("logo", "wechat_qr_code")
        return first_in_chain(rows, locale_chain(locale, fallback))

    def resolve_menu(self, info, key, locale=None, fallback=None):
        if key not in Menu.Key.values:
            raise client_error(
                "NOT_FOUND",
                f"Unknown menu {key!r}. Menus: {', '.join(Menu.Key.values)}.",
            )
        return first_in_chain(
            Menu.objects.filter(key=key), locale_chain(locale, fallback)
        )


@default_image
def default_sharing_image(request, chain):
    """The id of the default sharing image of the site settings in the first
    locale of the chain that has one set, else of the default locale's."""

    def load():
        rows = SiteSettings.objects.exclude(default_og_image=None).values_list(
            "locale_id", "locale__language_code", "default_og_image_id"
        )
        images = {}
        for locale_id, code, image_id in rows:
            images[locale_id] = image_id
            if code == settings.LANGUAGE_CODE:
                images[code] = image_id
        return images

    images = per_request(request, "default-sharing-images", load)
    found = (images.get(locale.pk) for locale in chain)
    return next(filter(None, found), None) or images.get(settings.LANGUAGE_CODE)
