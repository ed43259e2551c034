"""Locale lookups shared by the GraphQL resolvers.

Grapple knows nothing of locales. Every resolver that takes a `locale` argument turns
it into a Wagtail `Locale` here, so all of them accept the same spellings and give the
same error for a code the site does not have.
"""

import graphene
from django.conf import settings
from wagtail.models import Locale

from cms.content.editions import edition_id, language_codes, locales
from cms.content.requests import current_request

from .errors import bad_input


def locale_argument():
    """The `locale` argument every locale-aware field takes."""
    return graphene.String(
        description=(
            "Language code of the locale (zh-hans, zh-hant, en); "
            "the site's default locale when left out."
        )
    )


def edition_locale_code(item, info):
    """Resolves a page's or translatable snippet's own locale to its language
    code (`locale`, and `resolvedLocale` when no fallback chain replaced it)."""
    return language_codes(info.context)[item.locale_id]


ID_DESCRIPTION = (
    "The row's id, and when it was read through another locale chain than its "
    "own locale alone, that chain too ('12@en,zh-hans'): one object per row and "
    "chain for a client cache keyed by __typename:id. Arguments that take ids "
    "take either form."
)


def resolve_edition_id(item, info):
    """The `id` of a page or a row: named with the chain it was read through when
    that is not its own locale alone (cms.content.editions.edition_id)."""
    return edition_id(item, info.context)


def language_order(code):
    """Position of a language in settings.LANGUAGES, for listing locales in the
    order editors configured (default language first)."""
    codes = [c for c, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    return codes.index(code) if code in codes else len(codes)


def site_locales():
    """All content locales, in the site's language order."""
    return sorted(
        locales(current_request()), key=lambda loc: language_order(loc.language_code)
    )


def resolve_locale(code, locales=None):
    """The Locale for a `locale` argument, or the default locale when it is None.

    Codes are matched case-insensitively and with `_` or `-` (zh_Hant, zh-hant);
    an unknown code is a GraphQL error listing the codes this site has. `locales`
    (site_locales()) saves the query when several codes are resolved at once.
    """
    if code is None:
        return Locale.get_default()
    wanted = code.strip().lower().replace("_", "-")
    if locales is None:
        locales = site_locales()
    for locale in locales:
        if locale.language_code.lower() == wanted:
            return locale
    available = ", ".join(loc.language_code for loc in locales)
    raise bad_input(f"Unknown locale {code!r}. This site has: {available}.")
