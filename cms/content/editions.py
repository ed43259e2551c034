"""Editions: a page or translatable snippet exists once per locale, its editions
sharing a translation key. This module is the one place that finds the edition of
a row in another locale, or in the first locale of a chain that has one.

A chain is a requested locale followed by its fallbacks (`locale: "en",
fallback: ["zh-hans"]`): a reader of the English site sees an article that has no
English edition yet in Chinese rather than not at all, if the frontend says so.
For each translation key the item shown is its edition in the first locale of
the chain that has a visible one. The choice is made in SQL (`resolved`), before
filters, ordering and pagination, so a page of 10 is 10 resolved items and counts
are right. Each item remembers its chain (`mark`) so that its nested relations
(children, parent, related articles, categories) resolve through the same chain.

What an item shows depends on that chain (its links, children, categories, a
unit's committee page and role labels), so its GraphQL `id` names it too
(`edition_id`): a client cache keyed by `__typename:id` (Apollo's, urql's) keeps
one object per row and chain, never one row's values read for another chain.
"""

import copy

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Value,
    When,
)
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from .requests import current_request, per_request
from .visibility import visible_pages, visible_q

LOCALE_CHAIN = "_cms_locale_chain"


def chain_of(item):
    """The chain an item was resolved through; just its own locale otherwise
    (by id only: fetching each item's Locale row would cost a query per item)."""
    return getattr(item, LOCALE_CHAIN, None) or (Locale(pk=item.locale_id),)


def mark(items, chain):
    """The items, each remembering the chain. An item that already remembers
    another one (a snippet row two lists of a request share) is copied, so that
    each list keeps its own chain."""
    chain = tuple(chain)
    marked = []
    for item in items:
        if getattr(item, LOCALE_CHAIN, chain) != chain:
            item = copy.copy(item)
        setattr(item, LOCALE_CHAIN, chain)
        marked.append(item)
    return marked


def edition_id(item, request=None):
    """The GraphQL id of an item: its row's id ("12") when it is read in its own
    locale alone, else the row's id and the chain it was read through
    ("12@en,zh-hans"; a row with no locale of its own, a member company or a
    position, always names it). `row_id` takes either back."""
    chain = getattr(item, LOCALE_CHAIN, None)
    own = getattr(item, "locale_id", None)
    if not chain or (len(chain) == 1 and chain[0].pk == own):
        return str(item.pk)
    codes = language_codes(request)
    return f"{item.pk}@{','.join(codes[locale.pk] for locale in chain)}"


def row_id(value):
    """(the row's id as the string before "@", the language codes of the chain
    after it: [] for a plain id), for an id that `edition_id` gave."""
    row, _at, chain = str(value).partition("@")
    return row, chain.split(",") if chain else []


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


def first_in_chain(queryset, chain):
    """The item of `queryset` (editions of one translation key) in the earliest
    locale of the chain, marked with the chain; None if there is none."""
    return first_of(queryset.filter(locale__in=chain), chain)


def first_of(items, chain):
    """The one of `items` (editions of one translation key) in the earliest
    locale of the chain, marked with the chain; None if there is none."""
    found = {item.locale_id: item for item in items}
    for locale in chain:
        if locale.pk in found:
            return mark([found[locale.pk]], chain)[0]
    return None


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
    path = page.path[: -page.steplen]

    def load():
        parent = Page.objects.filter(path=path).first()
        return parent and first_in_chain(
            visible_pages().filter(translation_key=parent.translation_key).specific(),
            chain,
        )

    key = ("parent-in-chain", path, tuple(locale.pk for locale in chain))
    return per_request(request, key, load)


def link_targets(pages, chain):
    """Where a link to each of `pages` (Pages or None) should lead a reader of
    `chain` (see `link_targets_of`), in one query."""
    targets = link_targets_of({page.pk for page in pages if page is not None}, chain)
    return [None if page is None else targets[page.pk] for page in pages]


def link_targets_of(ids, chain):
    """{page id: where a link to it should lead a reader of `chain`}: the
    page's visible edition in the first locale of the chain that has one, else
    in the default locale, else the page itself; None when none of those is
    visible (or the page does not exist). One query for all the ids, the
    linked pages themselves in it."""
    ids = set(ids)
    if not ids:
        return {}
    order = [locale.pk for locale in chain]
    default = default_locale(current_request()).pk
    order += [default] if default not in order else []
    keys = Page.objects.filter(pk__in=ids).values("translation_key")
    candidates = Page.objects.filter(
        Q(translation_key__in=keys, locale__in=order) | Q(pk__in=ids)
    ).annotate(shown=ExpressionWrapper(visible_q(), output_field=BooleanField()))
    by_id, found = {}, {}
    for page in candidates:
        by_id[page.pk] = page
        if page.shown:
            found[(page.translation_key, page.locale_id)] = page

    def target(page):
        if page is None:
            return None
        for locale_id in order:
            if (page.translation_key, locale_id) in found:
                return found[(page.translation_key, locale_id)]
        return page if page.shown else None

    return {pk: target(by_id.get(pk)) for pk in ids}


def in_locale(objects, locale_id):
    """The editions in one locale of translatable objects, in their order (one
    query at most); an object with no edition there is left out."""
    objects = list(objects)
    if all(obj.locale_id == locale_id for obj in objects):
        return objects
    model = type(objects[0])
    found = rows_in(model, locale_id, [o.translation_key for o in objects])
    return [found[o.translation_key] for o in objects if o.translation_key in found]


def rows_in(model, locale, keys=None):
    """The rows of a translatable model in `locale` (a Locale or its id), by
    translation key; only those of `keys` when given (one query)."""
    rows = model.objects.filter(locale=locale)
    if keys is not None:
        rows = rows.filter(translation_key__in=keys)
    return {row.translation_key: row for row in rows}


def all_editions(model, rows):
    """Every locale's rows of `model` sharing a translation key with `rows` (a
    queryset)."""
    return model.objects.filter(translation_key__in=rows.values("translation_key"))


def snippets_in_chain(request, snippets, chain):
    """Each translatable snippet (a category, a person) replaced by its edition in
    the earliest locale of the chain that has one, or kept as it is, each
    remembering the chain. The model's rows load once per request (snippet tables
    are small, and a listing's count must stay flat), unless the request already
    knows every edition of these snippets (`remember_editions`)."""
    snippets = list(snippets)
    if snippets and any(s.locale_id != chain[0].pk for s in snippets):
        keys = {snippet.translation_key for snippet in snippets}
        rows = editions_of(request, type(snippets[0]), keys)
        snippets = [
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
    return mark(snippets, chain)


def remember_editions(request, model, rows):
    """Tell the request every edition of some translation keys of a snippet
    model: `rows`, each key's editions in every locale, loaded with what is shown
    of them. `snippets_in_chain` then shows snippets of those keys without
    reading the model's whole table (a caller that reads a few snippets anyway
    can read their editions in the same query)."""
    known = per_request(request, ("snippet-editions-of", model), dict)
    for row in rows:
        known.setdefault(row.translation_key, {})[row.locale_id] = row


def editions_of(request, model, keys):
    """{(translation key, locale id): row} of `model` for at least the
    translation keys `keys`: those the request was told (`remember_editions`) if
    it knows them all, else the whole table (`snippet_editions`)."""
    known = per_request(request, ("snippet-editions-of", model), dict)
    if keys <= known.keys():
        return {(key, pk): row for key in keys for pk, row in known[key].items()}
    return snippet_editions(request, model)


def snippet_editions(request, model):
    """{(translation key, locale id): row} of a translatable snippet model, loaded
    once per request with the rows its foreign keys point at (a person's photo, a
    unit's parent), so that showing them costs no query per row."""

    def load():
        relations = [f.name for f in model._meta.fields if f.many_to_one]
        rows = model.objects.select_related(*relations)
        return {(r.translation_key, r.locale_id): r for r in rows}

    return per_request(request, ("snippet-editions", model), load)


def locales(request=None):
    """Every Locale row, read once per request (or now, without one)."""

    def load():
        return list(Locale.objects.order_by("pk"))

    return load() if request is None else per_request(request, "locales", load)


def default_locale(request=None):
    """The default Locale (Wagtail's `Locale.get_default`), from the request's
    `locales` rather than a query of its own."""
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    found = [locale for locale in locales(request) if locale.language_code == code]
    return found[0] if found else Locale.get_default()


def language_codes(request=None):
    """{locale id: language code}, read once per request (or now, without one)."""
    return {locale.pk: locale.language_code for locale in locales(request)}
