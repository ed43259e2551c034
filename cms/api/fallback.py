"""The `fallback` argument: `locale: "en", fallback: ["zh-hans"]` as a chain of
Locales (how chains resolve: cms.content.editions)."""

import graphene

from .locales import resolve_locale, site_locales


def fallback_argument():
    return graphene.List(
        graphene.NonNull(graphene.String),
        description=(
            "Locales to fall back to, in order, for items with no live edition in "
            "`locale`; each item's resolvedLocale says which one it came from."
        ),
    )


def locale_chain(locale, fallback):
    """The chain of Locales for a `locale` (a code, or a Locale already resolved)
    and a `fallback` list of codes; duplicates are dropped."""
    first = locale if hasattr(locale, "language_code") else resolve_locale(locale)
    chain = [first]
    if fallback:
        locales = site_locales()  # one query, however long the list
        for code in fallback:
            candidate = resolve_locale(code, locales)
            if candidate not in chain:
                chain.append(candidate)
    return tuple(chain)
