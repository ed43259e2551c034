"""The GraphQL interface of every page type (settings.GRAPPLE["PAGE_INTERFACE"]).

It is grapple's PageInterface plus what a multilingual frontend needs on every page:
`locale` (the language code) and `translations` (the same page in the other locales,
enough for a language switcher and hreflang links). Its sibling lists stay inside the
page's locale: the home pages of all locales are siblings below Wagtail's root, and
grapple would list them together.
"""

import graphene
from grapple.types.interfaces import PageInterface as GrapplePageInterface
from grapple.types.interfaces import get_page_interface
from grapple.utils import resolve_queryset
from wagtail.models import Page

from .locales import language_order, locale_codes


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

    def resolve_siblings(self, info, **kwargs):
        return visible_in_locale(self, self.get_siblings(), info, kwargs)

    def resolve_next_siblings(self, info, **kwargs):
        return visible_in_locale(self, self.get_next_siblings(), info, kwargs)

    def resolve_previous_siblings(self, info, **kwargs):
        return visible_in_locale(self, self.get_prev_siblings(), info, kwargs)


def visible_in_locale(page, pages, info, kwargs):
    """The live, public pages of `pages` in `page`'s locale, other than `page`."""
    pages = pages.exclude(pk=page.pk).filter(locale_id=page.locale_id)
    return resolve_queryset(pages.live().public().specific(), info, **kwargs)


class TranslationLoader:
    """Loads page translations for a whole listing in one query.

    A listing resolver calls `prime(pages)` with the pages it returns; the first
    `translations` lookup in the request then fetches the translations of all primed
    pages at once, so a listing's query count does not grow with its length. Pages
    reached otherwise are loaded on their own.
    """

    def __init__(self, request):
        self.request = request
        self.pending = set()
        self.by_key = {}

    @classmethod
    def for_request(cls, request):
        loader = getattr(request, "_cms_translation_loader", None)
        if loader is None:
            loader = request._cms_translation_loader = cls(request)
        return loader

    def prime(self, pages):
        self.pending.update(
            p.translation_key for p in pages if p.translation_key not in self.by_key
        )

    def load(self, page):
        if page.translation_key not in self.by_key:
            keys = self.pending | {page.translation_key}
            self.pending = set()
            for key in keys:
                self.by_key[key] = []
            visible = (
                Page.objects.live()
                .public()
                .filter(translation_key__in=keys)
                .specific(defer=True)
            )
            for translation in visible:
                self.by_key[translation.translation_key].append(translation)
        translations = [t for t in self.by_key[page.translation_key] if t.pk != page.pk]
        codes = locale_codes(self.request)
        return sorted(translations, key=lambda t: language_order(codes[t.locale_id]))
