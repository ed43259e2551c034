"""Locale fallback: `locale: "en", fallback: ["zh-hans"]`.

A reader of the English site should see an article that has no English edition yet
in Chinese rather than not at all, if the frontend says so. A chain is the requested
locale followed by the fallbacks; for each translation key, the item shown is its
edition in the first locale of the chain that has a visible one. The choice is made
in SQL, before filters, ordering and pagination, so a page of 10 is 10 resolved
items and counts are right. Each item remembers its chain (`LOCALE_CHAIN`) so that
its nested relations (children, parent, related articles, categories) resolve
through the same chain; `resolvedLocale` says where each item came from.
"""

import graphene
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from wagtail.models import Locale, Page

from .locales import resolve_locale, site_locales
from .visibility import visible_pages

LOCALE_CHAIN = "_cms_locale_chain"


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


def chain_of(item):
    """The chain an item was resolved through; just its own locale otherwise
    (by id only: fetching each item's Locale row would cost a query per item)."""
    return getattr(item, LOCALE_CHAIN, None) or (Locale(pk=item.locale_id),)


def resolved(queryset, visible, chain):
    """`queryset` restricted to the chain: an item in the k-th locale of the chain
    is kept only when `visible` has no item with its translation key in an earlier
    one. `visible` is what counts as existing (live, public, the same type)."""
    if len(chain) == 1:
        return queryset.filter(locale=chain[0])
    condition = Q()
    for rank, locale in enumerate(chain):
        here = Q(locale=locale)
        if rank:
            earlier = visible.filter(
                translation_key=OuterRef("translation_key"),
                locale__in=chain[:rank],
            )
            here &= ~Exists(earlier)
        condition |= here
    return queryset.filter(condition)


def below(anchor, chain, relation):
    """The pages in `relation` to `anchor` (children, descendants, ...) in each
    locale of the chain: related to the anchor's edition in that locale."""
    if len(chain) == 1 and anchor.locale_id == chain[0].pk:
        return relation(anchor)
    anchors = Page.objects.filter(
        translation_key=anchor.translation_key, locale__in=chain
    )
    pages = None
    for edition in anchors:
        pages = relation(edition) if pages is None else pages | relation(edition)
    return pages if pages is not None else Page.objects.none()


def by_key(page, chain, relation):
    """The items `relation(page)` (in the page's own tree) stand for, each in the
    chain, in the same order: the ancestors or next siblings of a fallback item."""
    keys = list(relation(page).values_list("translation_key", flat=True))
    position = Case(
        *(When(translation_key=key, then=Value(n)) for n, key in enumerate(keys)),
        default=Value(len(keys)),
    )
    return visible_pages().filter(translation_key__in=keys).order_by(position)


def parent_in_chain(page, chain, request):
    """The parent of `page`, in the chain; remembered per request, since the items
    of a list mostly share a parent."""
    parents = request.__dict__.setdefault("_cms_chain_parents", {})
    path = page.path[: -page.steplen]
    key = (path, tuple(locale.pk for locale in chain))
    if key not in parents:
        parent = Page.objects.filter(path=path).first()
        parents[key] = parent and first_in_chain(
            visible_pages().filter(translation_key=parent.translation_key).specific(),
            chain,
        )
    return parents[key]


def mark(items, chain):
    """Remember the chain on each item (only when it is more than one locale)."""
    if len(chain) > 1:
        for item in items:
            setattr(item, LOCALE_CHAIN, chain)
    return items


def first_in_chain(queryset, chain):
    """The item of `queryset` (editions of one translation key) in the earliest
    locale of the chain, marked with the chain; None if there is none."""
    found = {item.locale_id: item for item in queryset.filter(locale__in=chain)}
    for locale in chain:
        if locale.pk in found:
            return mark([found[locale.pk]], chain)[0]
    return None


def snippets_in_chain(request, snippets, chain):
    """Each translatable snippet (a category, a person) replaced by its edition in
    the earliest locale of the chain that has one, or kept as it is. The model's
    rows load once per request: snippet tables are small, and a listing's count
    must stay flat."""
    snippets = list(snippets)
    if all(snippet.locale_id == chain[0].pk for snippet in snippets):
        return snippets
    model = type(snippets[0])
    cache = request.__dict__.setdefault("_cms_snippet_editions", {})
    if model not in cache:
        cache[model] = {
            (row.translation_key, row.locale_id): row for row in model.objects.all()
        }
    rows = cache[model]
    return [
        next(
            (
                rows[key]
                for locale in chain
                if (key := (snippet.translation_key, locale.pk)) in rows
            ),
            snippet,
        )
        for snippet in snippets
    ]
