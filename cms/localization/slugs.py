"""Slugs of translated pages.

- Chinese slugs survive translation: wagtail-localize cleans a translated page's
  slug with Django's `slugify`, which drops every non-ASCII character: 协会动态
  would become an empty slug in the Traditional edition instead of 協會動態.
  Wagtail itself keeps Unicode slugs (WAGTAIL_ALLOW_UNICODE_SLUGS), so the
  translated slug is cleaned the same way.
- An English edition gets its slug from its English title: the slug is a segment,
  and a translator who translates the title but not the slug would otherwise
  leave the Chinese source's slug in the English URL (/en/news/协会发展/). When an
  edition in a language other than Chinese has its source's slug but a title of
  its own, the slug is made from that title as wagtail-localize builds the
  edition (it then makes it unique among its siblings).
"""

from functools import partial

from django.utils.text import slugify
from wagtail.models import Page
from wagtail_localize import models as localize_models
from wagtail_localize.segments.ingest import ingest_segments

unicode_slugify = partial(slugify, allow_unicode=True)


def ingest_with_title_slug(original, translation, source_locale, locale, segments):
    """wagtail-localize's `ingest_segments`, then the slug from the translated
    title where the source's slug was kept (see the module's docstring)."""
    ingest_segments(original, translation, source_locale, locale, segments)
    if (
        isinstance(translation, Page)
        and not locale.language_code.lower().startswith("zh")
        and translation.slug == original.slug
        and translation.title != original.title
    ):
        translation.slug = unicode_slugify(translation.title) or translation.slug


def patch_translated_slugs():
    # Fail at start-up, not with mangled slugs, if wagtail-localize changes.
    if getattr(localize_models, "slugify", None) not in (slugify, unicode_slugify):
        raise RuntimeError(
            "wagtail_localize.models no longer uses django.utils.text.slugify; "
            "check how it cleans translated slugs (cms/localization/slugs.py)."
        )
    if getattr(localize_models, "ingest_segments", None) not in (
        ingest_segments,
        ingest_with_title_slug,
    ):
        raise RuntimeError(
            "wagtail_localize.models no longer calls ingest_segments; check how "
            "translated pages get their slugs (cms/localization/slugs.py)."
        )
    localize_models.slugify = unicode_slugify
    localize_models.ingest_segments = ingest_with_title_slug
