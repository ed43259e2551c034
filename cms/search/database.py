"""The search index in the project's own database (cms.search.backends: SQLite's
FTS5, PostgreSQL's tsvector): the `SearchIndex` that `CMS_SEARCH_INDEX` names by
default.

Up to `CMS_SEARCH_EXACT_LIMIT` matches everything is exact: every match is
ranked and counted. Whether a search is above the limit costs a count that stops
at limit + 1 rows. Above it, ranking and counting every match would cost time in
proportion to the matches (2.8 to 4.2 s for a common word at 100,000 articles on
PostgreSQL), so:

- candidates: the first `CMS_SEARCH_CANDIDATES` matches by a cheap bound, read
  from the entries' own columns without ranking: entries whose title matches
  the query first, newest first (`SearchEntry.date`; items without a date after
  those with one, then the newest entries), then the other matches, newest
  first. Only these are ranked (ts_rank, BM25 on SQLite) and shown, best
  first: the results end after them, and numPages counts their pages.
- count: an estimate of all matches (PostgreSQL's planner statistics of the
  index; SQLite has none and counts them), flagged `estimate`.

Visibility and the locale chain are applied to the candidates, so a candidate
that a reader may not see is left out rather than replaced. For a listing's
`search` argument (`matching`), the limit is asked of the index's matches in
the listing's locales, before its other filters (category, year...), and the
candidates are chosen among those: a filtered listing above the limit shows
the candidates that pass its filters. Ordered by anything but relevance it
keeps every match (nothing is ranked), only its count is an estimate.
"""

import datetime
import json

from django.db import connection
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from cms.api.pagination import Count
from cms.content.editions import resolved

from . import suggestions
from .backends import Matches, Score, TitleMatches, on_postgresql
from .documents import only_visible
from .engine import Matched, Ranked, SearchIndex, candidate_limit, exact_limit
from .models import SearchEntry

# Newest first: the entries' dates (those without one last), then the newest
# entries; on PostgreSQL the order of the index `cms_search_entry_recent`.
RECENT = (F("date").desc(nulls_last=True), F("pk").desc())


def matches(query, kinds_wanted, locales=None):
    """The entries of `kinds_wanted` (in `locales`, or any) that contain every
    query term."""
    found = SearchEntry.objects.filter(Matches(query), kind__in=kinds_wanted)
    return found if locales is None else found.filter(locale__in=locales)


def visible_entries(kinds_wanted, chain):
    """The entries of `kinds_wanted` an anonymous reader may see: of every locale
    (chain None), or of a locale chain, where only each item's entry in the first
    locale of the chain that has a visible one counts, chosen before matching
    (cms.content.editions.resolved), so that an item shows once and counts once.

    Visibility is asked entry by entry (`only_visible`), so a rare word costs a
    few lookups, not a list of every visible page.
    """
    visible = only_visible(
        SearchEntry.objects.filter(kind__in=kinds_wanted), kinds_wanted
    )
    return resolved(visible, visible, chain) if chain else visible


# PostgreSQL counts through this function (migration 0006), whose own setting
# keeps the planner off sequential scans while it plans the count.
POSTGRESQL_COUNT = [
    """CREATE FUNCTION cms_search_count(query text) RETURNS bigint
    LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
    DECLARE found bigint;
    BEGIN
        EXECUTE 'SELECT COUNT(*) FROM (' || query || ') counted' INTO found;
        RETURN found;
    END $$""",
]
POSTGRESQL_COUNT_REMOVE = ["DROP FUNCTION cms_search_count(text)"]
install_count = on_postgresql(POSTGRESQL_COUNT)
uninstall_count = on_postgresql(POSTGRESQL_COUNT_REMOVE)


def capped_count(queryset):
    """The number of rows of `queryset`, counted up to the exact limit + 1 only.

    PostgreSQL's planner would count the matches of a common pair of words
    ("2021 年度": one article in ten) by reading the table in order until the
    limit + 1-th match, which reads every passed entry's document (out of line,
    as in `newest`): 180 ms at 100,000 articles. The words' index finds the same
    rows without reading a document (12 ms), so the count is planned without
    sequential scans (`cms_search_count`)."""
    capped = queryset.order_by()[: exact_limit() + 1]
    if connection.vendor != "postgresql":
        return capped.count()
    sql, params = capped.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cms_search_count(%s)", [connection.ops.compose_sql(sql, params)]
        )
        return cursor.fetchone()[0]


def estimate(queryset):
    """How many rows `queryset` has, by PostgreSQL's planner; counted elsewhere."""
    if connection.vendor != "postgresql":
        return queryset.count()
    plan = queryset.order_by().explain(format="json")
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"])


# Walking the newest entries reads the whole document (out of line) of each
# one it passes; sorting the matches from their index reads none, but reads
# every match's row. On the benchmark a document read costs about ten rows.
DOCUMENT_READ = 10


def newest(matched, entries):
    """The order of the non-title candidates, newest first (`matched`: the
    planner's estimate of the matches, title ones included), in the form that
    makes PostgreSQL find them the cheaper way, which its planner misjudges (it
    does not count reading the documents: walking took 2.3 s for "2021 年度",
    11% of 100,000 articles, sorting 0.4 s; for 會員企業, 68%, walking is the
    faster): walk `RECENT` (its index) when the matches are so common that
    limit × entries / matches documents cost less than the matches' rows,
    else sort an expression of the date, which no index has. Either gives the
    same order."""
    if connection.vendor == "postgresql":
        if matched * matched > DOCUMENT_READ * candidate_limit() * estimate(entries):
            return RECENT
    return (Coalesce("date", Value(datetime.date.min)).desc(), F("pk").desc())


def candidates(query, kinds_wanted, locales, matched):
    """The ids of the first `candidate_limit()` `matches` (`matched` of them, by
    the planner's estimate) by the cheap bound: those whose title matches,
    newest first, then the others, newest first. The first part stops at the
    limit, walking the newest first (`RECENT`) while title matches are common,
    else from the titles' index, as the database finds cheaper; a title match
    is a match, so it asks the title alone, which is in the entry's row, not
    the whole document. When it stops short of the limit it holds every title
    match, so the others are the newest `limit` matches less those: read
    without asking each match's title again (14,000 titles, 10 ms for
    "2021 年度" at 100,000 articles)."""
    limit = candidate_limit()
    entries = SearchEntry.objects.filter(kind__in=kinds_wanted)
    if locales is not None:
        entries = entries.filter(locale__in=locales)
    titled = entries.filter(TitleMatches(query)).order_by(*RECENT)
    chosen = list(titled.values_list("pk", flat=True)[:limit])
    if len(chosen) < limit:
        others = matches(query, kinds_wanted, locales)
        others = others.order_by(*newest(matched, entries))
        in_title = set(chosen)
        chosen += [
            pk
            for pk in others.values_list("pk", flat=True)[:limit]
            if pk not in in_title
        ][: limit - len(chosen)]
    return chosen


class DatabaseIndex(SearchIndex):
    """The index in the project's database (see the module's docstring)."""

    def search(self, query, kinds_wanted, chain):
        locales = None if chain is None else chain
        shown = visible_entries(kinds_wanted, chain)
        found = shown.filter(Matches(query))
        total = capped_count(found)
        if total <= exact_limit():
            count = Count(total)
        else:
            matched = estimate(matches(query, kinds_wanted, locales))
            chosen = candidates(query, kinds_wanted, locales, matched)
            found = shown.filter(pk__in=chosen)
            ranked_ids = list(
                found.annotate(score=Score(query))
                .order_by("-score", "pk")
                .values_list("pk", "score")
            )
            count = Count(max(matched, total), estimate=True, reachable=len(ranked_ids))
            return Ranked(count, lambda start, stop: load(ranked_ids[start:stop]))
        ranked = (
            found.annotate(score=Score(query))
            .order_by("-score", "pk")
            .select_related("locale")
        )
        return Ranked(count, lambda start, stop: list(ranked[start:stop]))

    def matching(self, queryset, query, kind, locales, ranked=True):
        # Whether the search is above the limit is asked of the index's
        # matches in `locales` alone, before the listing's filters: a count of
        # the listing's own matches would read every match to join them.
        every = matches(query, [kind], locales)
        found = queryset.filter(pk__in=every.values("object_id"))
        capped = capped_count(every)
        if capped <= exact_limit():
            count = Count(found.count())
        else:
            matched = estimate(every)
            if ranked:
                # The candidates are matches: the semi-join with every match
                # is left out.
                chosen = SearchEntry.objects.filter(
                    pk__in=candidates(query, [kind], locales, matched)
                )
                found = queryset.filter(pk__in=chosen.values("object_id"))
            reachable = found.count() if ranked else None
            # At most the matches in the index, at most the listing's rows; at
            # least the matches counted.
            guess = min(matched, estimate(queryset))
            count = Count(max(guess, reachable or 0, capped), True, reachable)
        own = SearchEntry.objects.filter(
            model=queryset.model._meta.label_lower,
            object_id=OuterRef("pk"),
            locale__in=locales,
        )
        score = own.annotate(score=Score(query)).order_by("-score").values("score")
        return Matched(found.annotate(search_score=Subquery(score[:1])), count)

    def suggest(self, text, kinds_wanted, chain, limit):
        return suggestions.suggest(text, kinds_wanted, chain, limit)


def load(ranked_ids):
    """The entries of `ranked_ids` ((id, score) pairs), in that order, scored."""
    entries = SearchEntry.objects.select_related("locale").in_bulk(
        [pk for pk, _score in ranked_ids]
    )
    hits = []
    for pk, score in ranked_ids:
        entry = entries[pk]
        entry.score = score
        hits.append(entry)
    return hits
