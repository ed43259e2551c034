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
from wagtail.models import Page

from .fallback import below, chain_of, first_in_chain, mark, resolved
from .listing import page_list, visible_pages, visible_parent
from .locales import locale_codes
from .status import StatusLoader, translation_status_field
from .translations import TranslationLoader


class PageInterface(GrapplePageInterface):
    locale = graphene.String(
        required=True, description="Language code of the page's locale, e.g. zh-hans."
    )
    resolved_locale = graphene.String(
        required=True,
        description=(
            "The locale this edition came from: `locale` itself, or with a "
            "`fallback` chain the first locale that had a live edition."
        ),
    )
    translation_status = translation_status_field()
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

    resolve_resolved_locale = resolve_locale

    def resolve_translations(self, info):
        return TranslationLoader.for_request(info.context).load(self)

    def resolve_translation_status(self, info):
        return StatusLoader.for_request(info.context).load(self)

    def resolve_parent(self, info, **kwargs):
        chain = chain_of(self)
        if len(chain) == 1:
            return visible_parent(self, info.context)
        parent = Page.objects.filter(path=self.path[: -self.steplen]).first()
        if parent is None:
            return None
        editions = visible_pages().filter(translation_key=parent.translation_key)
        return first_in_chain(editions.specific(), chain)

    def resolve_children(self, info, **kwargs):
        return tree(self, info, kwargs, lambda page: visible_pages().child_of(page))

    def resolve_descendants(self, info, **kwargs):
        return tree(
            self, info, kwargs, lambda page: visible_pages().descendant_of(page)
        )

    def resolve_ancestors(self, info, **kwargs):
        return tree(self, info, kwargs, lambda page: visible_pages().ancestor_of(page))

    def resolve_siblings(self, info, **kwargs):
        return tree(
            self, info, kwargs, lambda page: visible_pages().sibling_of(page, False)
        )

    def resolve_next_siblings(self, info, **kwargs):
        return tree(
            self, info, kwargs, lambda page: visible_pages(page.get_next_siblings())
        )

    def resolve_previous_siblings(self, info, **kwargs):
        return tree(
            self, info, kwargs, lambda page: visible_pages(page.get_prev_siblings())
        )


def tree(page, info, kwargs, relation):
    """A tree list of `page` (`relation(page)`) in the page's locale chain: its own
    locale, or the chain it was resolved through (see cms.api.fallback)."""
    chain = chain_of(page)
    pages = resolved(below(page, chain, relation), visible_pages(), chain)
    return mark(page_list(pages, info, **kwargs), chain)
