"""Suggestions while a reader types: the titles and names (`Suggestion`, one per
search entry) that start with or contain the typed characters, in either script,
full-width or half-width, with or without spaces next to Chinese, as
`cms.search.text.suggestion_text` makes them alike.

`suggest` is the one read of suggestions. It ranks those that start with the
typed text before those that only contain it, then by the kind's weight
(Document.suggestion_weight), then newest first (the date), then the newest
row. Each rank is a query per locale of the chain that stops after `limit`
rows, so a typed character found in most titles costs no more than a rare one:

- starting with: PostgreSQL walks either the rank index (cms_search_suggestion_
  rank: locale, weight, date) and stops at the `limit`-th match, when the text
  is common, or the text's own index (locale, text text_pattern_ops) over the
  few titles that start with it, when it is rare;
- containing: first the best PROBE rows of the locale in rank order, read from
  the rank index alone (it includes the kind and the text), which hold the
  window when the text is common (ＲＣＥＰ: in 4,000 of 100,000 titles, 2 ms);
  else the GIN index of the titles' characters and character pairs (`grams`),
  which finds the titles that hold every pair of a rare text, each then
  checked with LIKE (PostgreSQL misjudges how many: it would read all 4,000).

SQLite answers the same LIKE conditions without those indexes (the same
results; its speed is not a goal).
"""

from functools import cache
from types import SimpleNamespace

from django.db import NotSupportedError, connection
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
# Suggestions read, best first, before their visibility is asked (`suggest`).
WINDOW = 100
# The rank index covers what the containing rank asks of a row (migration 0008).
POSTGRESQL_COVERING = [
    "DROP INDEX cms_search_suggestion_rank",
    "CREATE INDEX cms_search_suggestion_rank ON cms_search_suggestion "
    "(locale_id, weight DESC, date DESC NULLS LAST, id DESC) INCLUDE (kind, text)",
]
POSTGRESQL_COVERING_REMOVE = [POSTGRESQL_COVERING[0], POSTGRESQL[-1]]
# Rows of a locale the containing rank reads in rank order before it asks
# the grams' index (PostgreSQL).
PROBE = 5000
PROBED = """SELECT id FROM (
    SELECT id, kind, text, weight, date FROM cms_search_suggestion
    WHERE locale_id = %s ORDER BY weight DESC, date DESC NULLS LAST, id DESC
    LIMIT %s
) best
WHERE kind = ANY(%s) AND text LIKE %s AND text NOT LIKE %s
ORDER BY weight DESC, date DESC NULLS LAST, id DESC LIMIT %s"""


install = on_postgresql(POSTGRESQL)
uninstall = on_postgresql(POSTGRESQL_REMOVE)
install_covering = on_postgresql(POSTGRESQL_COVERING)
uninstall_covering = on_postgresql(POSTGRESQL_COVERING_REMOVE)


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


def probed(text, kinds_wanted, locale, size):
    """The ids of the best `size` suggestions of `kinds_wanted` in `locale`
    that contain `text` without starting with it, if the best PROBE rows of
    the locale hold that many; else fewer (then the grams' index decides)."""
    if connection.vendor != "postgresql":
        return []
    like = connection.ops.prep_for_like_query(text)
    parameters = [locale.pk, PROBE, list(kinds_wanted), f"%{like}%", f"{like}%", size]
    with connection.cursor() as cursor:
        cursor.execute(PROBED, parameters)
        return [row[0] for row in cursor.fetchall()]


def sort_key(suggestion):
    """ORDER in Python, to merge the locales' rows of one rank."""
    date = suggestion.date
    return (
        -suggestion.weight,
        date is None,
        -(date.toordinal() if date else 0),
        -suggestion.pk,
    )


def suggest(text, kinds_wanted, chain, limit):
    """At most `limit` Suggestions of `kinds_wanted` whose objects an anonymous
    reader may see, for `text` (`suggestion_text`, with a letter, digit or Chinese
    character), best first, each of an item in the first locale of `chain`
    that has it (as `search(fallback:)`), its `locale` set.

    However many titles match: per rank and locale, the ids of its best rows,
    visible or not (a window of max(WINDOW, 4 × limit)); then one query for
    which of them a reader may see, for both ranks when the first cannot fill
    the list; only when too few of a full window are visible are all asked.
    PostgreSQL can misjudge how many titles hold every gram of a text (ＲＣＥＰ:
    it guessed 3 of 3,000) and ask every one's visibility before sorting them
    (250 ms); sorting the narrow rows first and asking a window's costs a few
    milliseconds. The window's rows are then read by their keys alone: with the
    condition too, PostgreSQL would find them through the grams' index again
    (10 ms for ＲＣＥＰ's 4,000 titles)."""

    @cache
    def visible_in_chain():
        shown = Suggestion.objects.filter(kind__in=kinds_wanted)
        shown = only_visible(shown, kinds_wanted)
        return resolved(shown, shown, chain)

    size = max(WINDOW, 4 * limit)
    starting = Q(text__startswith=text)
    ranks = [starting, Q(text__contains=text) & ~starting & Q(HasGrams(text))]
    windows = {}  # (rank, locale): the ids of its best `size` rows, in ORDER
    shown = {}  # id: row, of the windows' rows a reader may see

    def read(rank):
        for locale in chain:
            if rank == 1:
                windows[rank, locale] = probed(text, kinds_wanted, locale, size)
                if len(windows[rank, locale]) == size:
                    continue
            rows = Suggestion.objects.filter(
                ranks[rank], kind__in=kinds_wanted, locale=locale
            )
            windows[rank, locale] = list(
                rows.order_by(*ORDER).values_list("pk", flat=True)[:size]
            )

    def read_visible(ranks_read):
        ids = [pk for rank in ranks_read for loc in chain for pk in windows[rank, loc]]
        if ids:  # none at all: the visibility query is not even built
            shown.update(visible_in_chain().in_bulk(ids))

    read(0)
    # When the first rank cannot fill the list, the second is read now, so
    # that one visibility query serves both.
    if sum(len(windows[0, locale]) for locale in chain) < limit:
        read(1)
        read_visible([0, 1])
    else:
        read_visible([0])
    found = []
    for rank, condition in enumerate(ranks):
        wanted = limit - len(found)
        if wanted <= 0:
            break
        if (rank, chain[0]) not in windows:
            read(rank)
            read_visible([rank])
        best = []
        for locale in chain:
            ids = windows[rank, locale]
            rows = [shown[pk] for pk in ids if pk in shown][:wanted]
            if len(rows) < wanted and len(ids) == size:
                # The window's best rows were mostly hidden: all are asked.
                everything = visible_in_chain().filter(condition, locale=locale)
                rows = list(everything.order_by(*ORDER)[:wanted])
            for row in rows:
                row.locale = locale
                best.append(row)
        found += sorted(best, key=sort_key)[:wanted]
    return found
