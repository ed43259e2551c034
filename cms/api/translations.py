"""Batched loading of page translations for the `translations` field."""

from cms.content.editions import language_codes
from cms.content.requests import per_request
from cms.content.visibility import visible_pages

from .locales import language_order


class PerRequest:
    """A loader kept on the request: one per request, so whatever it loaded is
    shared by all the fields of one query and forgotten after it."""

    def __init__(self, request):
        self.request = request

    @classmethod
    def for_request(cls, request):
        return per_request(request, cls, lambda: cls(request))


class TranslationLoader(PerRequest):
    """Loads page translations for whole lists in one query per page type.

    Every list resolver calls `prime(pages)` with the pages it returns; the first
    `translations` lookup after that fetches the translations of all primed pages at
    once, so a list's query count does not grow with its length. A page reached
    on its own (`page`, `parent`) is loaded on its own.
    """

    def __init__(self, request):
        super().__init__(request)
        self.pending = set()
        self.by_key = {}

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
            visible = visible_pages().filter(translation_key__in=keys).specific()
            for translation in visible:
                self.by_key[translation.translation_key].append(translation)
        translations = [t for t in self.by_key[page.translation_key] if t.pk != page.pk]
        codes = language_codes(self.request)
        return sorted(translations, key=lambda t: language_order(codes[t.locale_id]))
