"""`translationStatus`: in which locales a page or snippet exists, and how current.

A frontend needs this for its language switcher ("also in 繁體中文") and for a note
on an edition that lags behind its source. An edition is out of date when it is a
synchronised translation (wagtail-localize) and its source changed after the last
synchronisation into its locale (cms.localization.sync keeps the source's
`last_updated_at` current on every publication), or when some of its segments
have no translation (`translatedRatio` says how much has one). Editions made by
hand, with no translation behind them, are never out of date: nothing says what
they follow.

Loaded in batches, each edition with its visibility and staleness in one query:
pages for every page a list resolver primed, snippets a whole model at a time
(their tables are small: categories, regions, tiers, people, units).
"""

import graphene
from wagtail.models import Page

from cms.content.editions import language_codes
from cms.content.public_urls import public_url
from cms.localization.sync import with_edition_status

from .locales import language_order
from .translations import PerRequest


class TranslationStatus(graphene.ObjectType):
    """One locale an item exists in."""

    locale = graphene.String(required=True, description="Language code.")
    url = graphene.String(description="The edition's URL; null unless published.")
    published = graphene.Boolean(
        required=True, description="Whether readers can see this edition."
    )
    out_of_date = graphene.Boolean(
        required=True,
        description=(
            "Whether the edition lags behind its source: the source changed after "
            "it was last synchronised, or some of its segments are untranslated "
            "(readers see those in the source's language). Always false for the "
            "source and for editions made by hand."
        ),
    )
    translated_ratio = graphene.Float(
        required=True,
        description=(
            "Translated segments over all segments of the edition, from 0 to 1; "
            "1 for the source and for editions made by hand."
        ),
    )
    translated_segments = graphene.Int(
        description=(
            "How many of the edition's segments are translated; null for the "
            "source and for editions made by hand."
        )
    )
    total_segments = graphene.Int(
        description=(
            "How many segments the edition's source has; null for the source and "
            "for editions made by hand."
        )
    )


def translation_status_field(**kwargs):
    """The `translationStatus` field of every page and translatable snippet type."""
    return graphene.Field(
        graphene.List(graphene.NonNull(TranslationStatus)),
        required=True,
        description="Every locale this item exists in, in the site's order.",
        **kwargs,
    )


def load_translation_status(item, info):
    """The statuses of a page or translatable snippet, loaded in batches."""
    return StatusLoader.for_request(info.context).load(item)


def completeness(translated, segments):
    """The completeness fields of a status from an edition's segment counts
    (cms.localization.sync `segment_counts`)."""
    if not segments:
        return {"translated_ratio": 1.0}
    return {
        "translated_ratio": translated / segments,
        "translated_segments": translated,
        "total_segments": segments,
    }


class StatusLoader(PerRequest):
    """Per-request, batched loading of translation statuses (see module doc)."""

    def __init__(self, request):
        super().__init__(request)
        self.pending_pages = set()
        self.statuses = {}  # (model, translation_key) -> [TranslationStatus]

    def prime(self, pages):
        # Pages loaded already are left out: loading one again would list its
        # editions twice.
        self.pending_pages.update(
            p.translation_key
            for p in pages
            if (Page, p.translation_key) not in self.statuses
        )

    def load(self, item):
        model = Page if isinstance(item, Page) else type(item)
        key = (model, item.translation_key)
        if key not in self.statuses:
            if model is Page:
                keys = self.pending_pages | {item.translation_key}
                self.pending_pages = set()
                editions = Page.objects.filter(translation_key__in=keys)
            else:
                editions = model.objects.all()
            self.fill(model, with_edition_status(editions))
        return self.statuses.get(key, [])

    def fill(self, model, editions):
        """The statuses of `editions` (every edition of their translation keys,
        read through `with_edition_status`); `add` takes them from a query of
        another loader."""
        codes = language_codes(self.request)
        editions = [
            e for e in editions if (model, e.translation_key) not in self.statuses
        ]
        for edition in editions:
            self.statuses.setdefault((model, edition.translation_key), [])
        for edition in sorted(
            editions, key=lambda e: language_order(codes[e.locale_id])
        ):
            code = codes[edition.locale_id]
            if model is Page:
                published = edition.status_visible
                # The URL the edition's own `url` field gives (Page.url): the
                # site that serves this request needs no lookup.
                url = edition.url if published else None
            else:
                published, url = True, None
            status = TranslationStatus(
                locale=code,
                url=url,
                published=published,
                out_of_date=edition.status_out_of_date,
                **completeness(edition.status_translated, edition.status_segments),
            )
            # Not a field: the absolute URL of a published page (cms.api.seo).
            status.public_url = (
                public_url(edition, code, self.request)
                if model is Page and published
                else None
            )
            self.statuses[(model, edition.translation_key)].append(status)

    def add(self, pages):
        """Pages loaded elsewhere with `with_edition_status`, every edition of
        their translation keys: their statuses, without a query of their own."""
        self.pending_pages -= {p.translation_key for p in pages}
        self.fill(Page, pages)
