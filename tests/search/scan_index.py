"""A second implementation of cms.search.engine.SearchIndex, for the test that the
GraphQL layer reads the index through that interface only: a plain scan of the
index entries in Python, matching each term against the entries' terms (made by
the same normalisation, cms.search.text) and scoring by the columns' weights.

Slow (it reads every entry of the kinds asked for) but real: it answers from the
same entries, applies the same visibility and locale chain rules, and counts
exactly. Its scores differ from the database's (a term's best column weight,
summed), which lets a test tell which implementation answered.
"""

from django.db.models import Case, FloatField, Value, When

from cms.api.pagination import Count
from cms.search.backends import WEIGHTS
from cms.search.documents import kinds
from cms.search.engine import Matched, Ranked, SearchIndex
from cms.search.models import SearchEntry
from cms.search.text import normalise

COLUMNS = ("title_terms", "summary_terms", "body_terms")


def score(entry, query):
    """The sum, over the query's terms, of the weight of the best column that
    has the term; None when a term is in none."""
    columns = [getattr(entry, column).split() for column in COLUMNS]
    total = 0.0
    for term in query.terms:
        weights = [
            weight
            for terms, weight in zip(columns, WEIGHTS, strict=True)
            if any(
                t == term.text or (term.prefix and t.startswith(term.text))
                for t in terms
            )
        ]
        if not weights:
            return None
        total += max(weights)
    return total


def visible_ids(kinds_wanted):
    """{model label: ids an anonymous reader may see}."""
    return {
        document.model._meta.label_lower: set(
            document.visible().values_list("pk", flat=True)
        )
        for kind, document in kinds().items()
        if kind in kinds_wanted
    }


def visible_in_chain(kinds_wanted, chain):
    """The entries of `kinds_wanted` an anonymous reader may see, of every locale
    (chain None) or each item's in the first locale of `chain` that has one."""
    shown = visible_ids(kinds_wanted)
    entries = [
        entry
        for entry in SearchEntry.objects.filter(kind__in=kinds_wanted)
        .select_related("locale")
        .order_by("pk")
        if entry.object_id in shown[entry.model]
    ]
    if chain is None:
        return entries
    order = {locale.pk: rank for rank, locale in enumerate(chain)}
    first = {}
    for entry in entries:
        rank = order.get(entry.locale_id)
        key = entry.translation_key
        if rank is not None and rank < first.get(key, len(chain)):
            first[key] = rank
    return [
        e
        for e in entries
        if e.locale_id in order and order[e.locale_id] == first[e.translation_key]
    ]


class ScanIndex(SearchIndex):
    def search(self, query, kinds_wanted, chain):
        entries = visible_in_chain(kinds_wanted, chain)
        hits = []
        for entry in entries:
            entry.score = score(entry, query)
            if entry.score is not None:
                hits.append(entry)
        hits.sort(key=lambda entry: (-entry.score, entry.pk))
        return Ranked(Count(len(hits)), lambda start, stop: hits[start:stop])

    def matching(self, queryset, query, kind, locales, ranked=True):
        best = {}
        label = queryset.model._meta.label_lower
        for entry in SearchEntry.objects.filter(
            kind=kind, model=label, locale__in=locales
        ):
            found = score(entry, query)
            if found is not None:
                best[entry.object_id] = max(found, best.get(entry.object_id, 0.0))
        scored = Case(
            *(When(pk=pk, then=Value(value)) for pk, value in best.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
        found = queryset.filter(pk__in=best).annotate(search_score=scored)
        return Matched(found, Count(found.count()))

    def suggest(self, text, kinds_wanted, chain, limit):
        weights = {kind: doc.suggestion_weight for kind, doc in kinds().items()}
        found = [
            entry
            for entry in visible_in_chain(kinds_wanted, chain)
            if text in normalise(entry.title)
        ]
        found.sort(
            key=lambda entry: (
                not normalise(entry.title).startswith(text),
                -weights[entry.kind],
                -(entry.date.toordinal() if entry.date else 0),
                -entry.pk,
            )
        )
        return found[:limit]
