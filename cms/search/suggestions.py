"""Suggestions while a reader types: the titles and names (`Suggestion`, one per
search entry) that start with or contain the typed characters, in either script,
full-width or half-width, as `cms.search.text.normalise` makes them alike.

`suggest` is the one read of suggestions. It ranks those that start with the
typed text before those that only contain it, then by the kind's weight
(Document.suggestion_weight), then newest first (the date), then the newest
row. Each rank is a query per locale of the chain that stops after `limit`
rows, so a typed character found in most titles costs no more than a rare one:

- starting with: PostgreSQL walks either the rank index (cms_search_suggestion_
  rank: locale, weight, date) and stops at the `limit`-th match, when the text
  is common, or the text's own index (locale, text text_pattern_ops) over the
  few titles that start with it, when it is rare;
- containing: the same rank index when common, or the GIN index of the titles'
  characters and character pairs (`grams`), which finds the titles that hold
  every pair of a rare text, each then checked with LIKE.

SQLite answers the same LIKE conditions without those indexes (the same
results; its speed is not a goal).
"""

from functools import cache
from types import SimpleNamespace

from django.db import NotSupportedError
from django.db.models import BooleanField, F, Func, Q

from cms.content.editions import resolved

from .backends import on_postgresql, tsquery
from .documents import only_visible
from .models import Suggestion
from .text import Term, needed_grams

# 'simple' only lowercases: the grams are normalised already, one lexeme each.
POSTGRESQL = [
    "ALTER TABLE cms_search_suggestion ADD COLUMN grams_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, grams)) STORED",
    "CREATE INDEX cms_search_suggestion_grams ON cms_search_suggestion "
    "USING GIN (grams_vector)",
    "CREATE INDEX cms_search_suggestion_text ON cms_search_suggestion "
    "(locale_id, text text_pattern_ops)",
    # ORDER, best first in each locale (SQLite takes no NULLS LAST in an index).
    "CREATE INDEX cms_search_suggestion_rank ON cms_search_suggestion "
    "(locale_id, weight DESC, date DESC NULLS LAST, id DESC)",
]
POSTGRESQL_REMOVE = [
    "DROP INDEX cms_search_suggestion_rank",
    "DROP INDEX cms_search_suggestion_text",
    "DROP INDEX cms_search_suggestion_grams",
    "ALTER TABLE cms_search_suggestion DROP COLUMN grams_vector",
]
ORDER = ("-weight", F("date").desc(nulls_last=True), "-pk")
# Suggestions read, best first, before their visibility is asked (`best`).
WINDOW = 100


install = on_postgresql(POSTGRESQL)
uninstall = on_postgresql(POSTGRESQL_REMOVE)


class HasGrams(Func):
    """True for suggestions whose grams include every gram `text` needs: on
    PostgreSQL through the GIN index; on SQLite always (LIKE decides alone)."""

    output_field = BooleanField()

    def __init__(self, text):
        super().__init__(F("pk"))
        needed = needed_grams(text)
        self.query = SimpleNamespace(terms=[Term(gram) for gram in needed])

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("cms.search supports SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler, connection, **extra):
        return "1", []

    def as_postgresql(self, compiler, connection, **extra):
        alias = compiler.quote_name_unless_alias(self.source_expressions[0].alias)
        return f"{alias}.grams_vector @@ %s::tsquery", [tsquery(self.query)]


def sort_key(suggestion):
    """ORDER in Python, to merge the locales' rows of one rank."""
    date = suggestion.date
    return (
        -suggestion.weight,
        date is None,
        -(date.toordinal() if date else 0),
        -suggestion.pk,
    )


def best(visible_in_chain, kinds_wanted, condition, locale, wanted):
    """The first `wanted` rows of `in_chain` (visible, first in the chain) in
    `locale` meeting `condition`, in ORDER: first looked for among the best
    WINDOW rows meeting it, visible or not, whose visibility alone is then
    asked; only if too few of those are visible, among all. PostgreSQL can
    misjudge how many titles hold every gram of a text (ＲＣＥＰ: it guessed 3 of
    3,000) and ask every one's visibility before sorting them (250 ms); sorting
    the narrow rows first and asking a window's costs a few milliseconds. The
    window's rows are read by their keys alone: with the condition too,
    PostgreSQL would find them through the grams' index again (10 ms for
    ＲＣＥＰ's 4,000 titles)."""
    window = max(WINDOW, 4 * wanted)
    first = Suggestion.objects.filter(condition, kind__in=kinds_wanted, locale=locale)
    ids = list(first.order_by(*ORDER).values_list("pk", flat=True)[:window])
    if not ids:
        return []  # none at all: the visibility query is not even built
    rows = visible_in_chain().filter(locale=locale).order_by(*ORDER)
    found = list(rows.filter(pk__in=ids)[:wanted])
    if len(found) < wanted and len(ids) == window:
        found = list(rows.filter(condition)[:wanted])
    return found


def suggest(text, kinds_wanted, chain, limit):
    """At most `limit` Suggestions of `kinds_wanted` whose objects an anonymous
    reader may see, for `text` (normalised, with a letter, digit or Chinese
    character), best first, each of an item in the first locale of `chain`
    that has it (as `search(fallback:)`), its `locale` set: two ranks, each
    two queries per locale of the chain (three when the best rows are mostly
    hidden), however many titles match."""

    @cache
    def visible_in_chain():
        shown = Suggestion.objects.filter(kind__in=kinds_wanted)
        shown = only_visible(shown, kinds_wanted)
        return resolved(shown, shown, chain)

    starting = Q(text__startswith=text)
    ranks = [starting, Q(text__contains=text) & ~starting & Q(HasGrams(text))]
    found = []
    for condition in ranks:
        wanted = limit - len(found)
        if wanted <= 0:
            break
        rank = []
        for locale in chain:
            for row in best(visible_in_chain, kinds_wanted, condition, locale, wanted):
                row.locale = locale
                rank.append(row)
        found += sorted(rank, key=sort_key)[:wanted]
    return found
