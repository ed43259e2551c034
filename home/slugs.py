"""Page slugs from Chinese titles.

settings.CMS_SLUG_STYLE chooses how a title becomes a slug: "unicode" keeps the
characters (协会召开会员大会; browsers show them, Wagtail serves them), "pinyin"
spells them out for ASCII-only URLs (xie-hui-zhao-kai-hui-yuan-da-hui). Either way
the slug is never empty and never taken by a sibling.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import slugify
from pypinyin import lazy_pinyin
from wagtail.models import Page

SLUG_STYLES = ("unicode", "pinyin")


def title_slug(title):
    """The slug a title asks for, in the configured style; "page" if none is left."""
    if settings.CMS_SLUG_STYLE not in SLUG_STYLES:
        raise ImproperlyConfigured(
            f"CMS_SLUG_STYLE must be one of {SLUG_STYLES}, not "
            f"{settings.CMS_SLUG_STYLE!r}."
        )
    if settings.CMS_SLUG_STYLE == "pinyin":
        slug = slugify(" ".join(lazy_pinyin(title)))
    else:
        slug = slugify(title, allow_unicode=True)
    return slug or "page"


def free_slug(base, parent, page=None):
    """`base`, or `base-2`, `base-3`, ...: the first that no other child of `parent`
    uses."""
    slug, number = base, 1
    while not Page._slug_is_available(slug, parent, page):
        number += 1
        slug = f"{base}-{number}"
    return slug


def is_derived_from_title(slug, title):
    """True when the slug is empty or what Wagtail's admin derives from the title,
    i.e. nobody chose it by hand."""
    return not slug or slug == slugify(title, allow_unicode=True)
