"""The GraphQL interface of every page type (settings.GRAPPLE["PAGE_INTERFACE"]).

It is grapple's PageInterface plus what a multilingual frontend needs on every page:
`locale` (the language code) and `translations` (the same page in the other locales,
enough for a language switcher and hreflang links). Its tree fields (parent,
children, ancestors, descendants, siblings) are re-resolved so that they show only
live, public pages of the page's own locale, with a checked `order`: grapple's return
a draft parent, Wagtail's root page, any ORM ordering, and the home pages of all
locales together as siblings.
"""

import graphene
from grapple.types.interfaces import PageInterface as GrapplePageInterface
from grapple.types.interfaces import get_page_interface

from .listing import page_list, visible_pages, visible_parent
from .locales import locale_codes
from .translations import TranslationLoader


class PageInterface(GrapplePageInterface):
    locale = graphene.String(
        required=True, description="Language code of the page's locale, e.g. zh-hans."
    )
    translations = graphene.List(
        graphene.NonNull(get_page_interface),
        required=True,
        description=(
            "The live, public translations of this page in the other locales, "
            "in the site's language order."
        ),
    )

    def resolve_locale(self, info):
        return locale_codes(info.context)[self.locale_id]

    def resolve_translations(self, info):
        return TranslationLoader.for_request(info.context).load(self)

    def resolve_parent(self, info, **kwargs):
        return visible_parent(self, info.context)

    def resolve_children(self, info, **kwargs):
        return in_locale(self, visible_pages().child_of(self), info, kwargs)

    def resolve_descendants(self, info, **kwargs):
        return in_locale(self, visible_pages().descendant_of(self), info, kwargs)

    def resolve_ancestors(self, info, **kwargs):
        return in_locale(self, visible_pages().ancestor_of(self), info, kwargs)

    def resolve_siblings(self, info, **kwargs):
        return in_locale(self, visible_pages().sibling_of(self, False), info, kwargs)

    def resolve_next_siblings(self, info, **kwargs):
        pages = visible_pages(self.get_next_siblings())
        return in_locale(self, pages, info, kwargs)

    def resolve_previous_siblings(self, info, **kwargs):
        pages = visible_pages(self.get_prev_siblings())
        return in_locale(self, pages, info, kwargs)


def in_locale(page, pages, info, kwargs):
    """A tree list of `page`, restricted to its locale."""
    return page_list(pages.filter(locale_id=page.locale_id), info, **kwargs)
