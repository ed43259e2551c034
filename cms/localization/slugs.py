"""Chinese slugs survive translation.

wagtail-localize cleans a translated page's slug with Django's `slugify`, which
drops every non-ASCII character: 协会动态 would become an empty slug in the
Traditional edition instead of 協會動態. Wagtail itself keeps Unicode slugs
(WAGTAIL_ALLOW_UNICODE_SLUGS), so the translated slug is cleaned the same way.
"""

from functools import partial

from django.utils.text import slugify
from wagtail_localize import models as localize_models

unicode_slugify = partial(slugify, allow_unicode=True)


def keep_unicode_slugs():
    current = getattr(localize_models, "slugify", None)
    if current is unicode_slugify:
        return
    if current is not slugify:
        # Fail at start-up, not with mangled slugs, if wagtail-localize changes.
        raise RuntimeError(
            "wagtail_localize.models no longer uses django.utils.text.slugify; "
            "check how it cleans translated slugs (cms/localization/slugs.py)."
        )
    localize_models.slugify = unicode_slugify
