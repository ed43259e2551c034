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
MAX_BASE_LENGTH = 240


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
    # Leave room in Wagtail's 255 characters for a "-N" suffix.
    return slug[:MAX_BASE_LENGTH].strip("-") or "page"


def numbered(base, is_taken):
    """`base`, or `base-2`, `base-3`, ...: the first one that is not taken."""
    slug, number = base, 1
    while is_taken(slug):
        number += 1
        slug = f"{base}-{number}"
    return slug


def free_slug(base, parent, page=None):
    """The first of `base`, `base-2`, ... that no other child of `parent` uses."""
    return numbered(base, lambda slug: not Page._slug_is_available(slug, parent, page))


def is_derived_from_title(slug, title):
    """True when the slug is empty or what Wagtail's admin derives from the title,
    i.e. nobody chose it by hand. Both sides go through slugify, which folds the
    full-width forms (２０２６) that the admin's script leaves as they are."""
    return not slug or slugify(slug, allow_unicode=True) == slugify(
        title, allow_unicode=True
    )
