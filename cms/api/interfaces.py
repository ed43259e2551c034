"""The GraphQL interface of every page type (settings.GRAPPLE["PAGE_INTERFACE"]).

It is grapple's PageInterface plus what a multilingual frontend needs on every page:
`locale` (the language code) and `translations` (the same page in the other locales,
enough for a language switcher and hreflang links), and a `urlPath` that
`page(urlPath:)` takes back (grapple's is Wagtail's, home page slug and all). Its
tree fields (parent, children, ancestors, descendants, siblings) are re-resolved so
that they show only live, public pages of the page's own locale, with a checked
`order`: grapple's return a draft parent, Wagtail's root page, any ORM ordering, and
the home pages of all locales together as siblings.
"""

import graphene
from grapple.types.interfaces import PageInterface as GrapplePageInterface
from grapple.types.interfaces import get_page_interface
from wagtail.models import Page

from cms.content.editions import (
    below,
    by_key,
    chain_of,
    mark,
    parent_in_chain,
    resolved,
)
from cms.content.public_urls import site_url_path
from cms.content.visibility import visible_pages

from . import seo
from .listing import page_list, visible_parent
from .locales import ID_DESCRIPTION, edition_locale_code, resolve_edition_id
from .status import load_translation_status, translation_status_field
from .translations import TranslationLoader


class PageInterface(GrapplePageInterface):
    id = graphene.ID(description=ID_DESCRIPTION)
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
    url_path = graphene.String(
        required=True,
        description=(
            "Path below the site's home page in the page's locale, e.g. '/news/' "
            "('/' for the home page): what `page(urlPath:, locale:)` takes."
        ),
    )
    translation_status = translation_status_field(resolver=load_translation_status)
    translations = graphene.List(
        graphene.NonNull(get_page_interface),
        required=True,
        description=(
            "The live, public translations of this page in the other locales, "
            "in the site's language order."
        ),
    )

    canonical_url = seo.CANONICAL_URL
    alternates = seo.ALTERNATES
    og_image = seo.OG_IMAGE

    resolve_locale = resolve_resolved_locale = edition_locale_code
    resolve_id = resolve_edition_id

    def resolve_canonical_url(self, info):
        return seo.canonical_url(self, info.context)

    def resolve_alternates(self, info):
        return seo.alternates(self, info.context)

    def resolve_og_image(self, info):
        return seo.og_image(self, info.context)

    def resolve_url_path(self, info):
        return site_url_path(self)

    def resolve_translations(self, info):
        return TranslationLoader.for_request(info.context).load(self)

    def resolve_parent(self, info, **kwargs):
        chain = chain_of(self)
        if len(chain) == 1:
            return visible_parent(self, info.context)
        return parent_in_chain(self, chain, info.context)

    def resolve_children(self, info, **kwargs):
        return tree(self, info, kwargs, children, below)

    def resolve_descendants(self, info, **kwargs):
        return tree(self, info, kwargs, descendants, below)

    def resolve_ancestors(self, info, **kwargs):
        return tree(self, info, kwargs, ancestors, by_key)

    def resolve_siblings(self, info, **kwargs):
        return tree(self, info, kwargs, siblings, siblings_in_chain)

    def resolve_next_siblings(self, info, **kwargs):
        return tree(self, info, kwargs, following, by_key)

    def resolve_previous_siblings(self, info, **kwargs):
        return tree(self, info, kwargs, preceding, by_key)


# Tree relations of a page, live and public.
def children(page):
    return visible_pages().child_of(page)


def descendants(page):
    return visible_pages().descendant_of(page)


def ancestors(page):
    return visible_pages().ancestor_of(page)


def siblings(page):
    return visible_pages().sibling_of(page, False)


def following(page):
    return visible_pages(page.get_next_siblings())


def preceding(page):
    return visible_pages(page.get_prev_siblings())


def siblings_in_chain(page, chain, relation):
    """The children of the parent's editions in the chain, but for this item
    (siblings that exist only in another locale of the chain included)."""
    parent = Page.objects.filter(path=page.path[: -page.steplen]).first()
    pages = below(parent, chain, children)
    return pages.exclude(translation_key=page.translation_key)


def tree(page, info, kwargs, relation, in_chain):
    """A tree list of `page`: `relation(page)` in the page's own locale, or with a
    fallback chain (see cms.api.fallback) `in_chain(page, chain, relation)`
    resolved through the chain."""
    chain = chain_of(page)
    if len(chain) == 1:
        pages = relation(page).filter(locale_id=page.locale_id)
    else:
        pages = resolved(in_chain(page, chain, relation), visible_pages(), chain)
    return mark(page_list(pages, info, **kwargs), chain)
