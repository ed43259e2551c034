"""Reading the search index: the one interface every searching GraphQL field uses.

`search_index()` is the implementation that `settings.CMS_SEARCH_INDEX` names (a
dotted path to a `SearchIndex` subclass). `search`, `newsArticles(search:)` and
`memberCompanies(search:)` ask it only, so another implementation (OpenSearch or
Elasticsearch with a Chinese analyzer, or this one reading a replica) is a class
and a setting, not a change to the GraphQL layer; the README's "Search at
internet scale" says when one is needed. The database implementation is
`cms.search.database.DatabaseIndex`.

What every implementation keeps to, so that the API means the same whichever
answers:
- matching: a result contains every term of the `Query` (cms.search.text), in
  its title, summary (with labels) or body, by the same normalisation;
- visibility: only what the documents' `visible()` lets through, asked at
  query time; a locale chain counts each item once, in the first locale of the
  chain that has a visible edition (cms.content.editions.resolved);
- counting: the results and their count are exact up to
  `settings.CMS_SEARCH_EXACT_LIMIT` matches. Above it only a bounded set of
  candidates (at most `candidate_limit()`, chosen by a cheap bound the
  implementation documents) is ranked, best first, and the total is an estimate:
  `Count(estimate=True, reachable=<the candidates>)`, which the API shows as
  `totalCountIsEstimate: true`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from cms.api.pagination import Count


@dataclass
class Ranked:
    """The results of `search`, best first: how many (`count`), and the hits,
    read a slice at a time (`ranked[10:20]`, what `paginate` asks for). A hit is
    an index entry (cms.search.models.SearchEntry, its `locale` loaded) with its
    `score`, higher is better."""

    count: Count
    read: Callable[[int, int], list]

    def __getitem__(self, window):
        return self.read(window.start, window.stop)


@dataclass
class Matched:
    """What `matching` gives: `queryset` narrowed to the objects that match
    (above the exact limit, to the ranked candidates among them), each annotated
    with its `search_score`; and their `count`."""

    queryset: object
    count: Count


class SearchIndex:
    """The reads of the search index. Subclasses implement every method."""

    def search(self, query, kinds, chain):
        """`Ranked` entries of `kinds` matching `query` (a cms.search.text.Query),
        in the locale chain `chain` (Locales), or of every locale (None)."""
        raise NotImplementedError

    def matching(self, queryset, query, kind, locales, ranked=True):
        """`Matched`: the objects of `queryset` (visible ones of one model, of
        result `kind`) whose entries in `locales` match `query`. `ranked`: the
        caller orders by `search_score`, so above the exact limit only the ranked
        candidates are kept; otherwise every match is (ordered by the caller's
        own fields) and only the count is estimated."""
        raise NotImplementedError

    def suggest(self, text, kinds, chain, limit):
        """At most `limit` titles and names of `kinds` for a search box as it is
        typed (`searchSuggestions`): each an object with the `title`, `kind`,
        `model`, `object_id` and `locale` of an item an anonymous reader may see,
        in the first locale of `chain` that has it, whose title, as
        cms.search.text.suggestion_text makes it, starts with or contains
        `text` (made so already); those starting with it first, then by the kind's
        `suggestion_weight`, then newest first."""
        raise NotImplementedError


def search_index():
    """The configured implementation (`settings.CMS_SEARCH_INDEX`)."""
    return import_string(settings.CMS_SEARCH_INDEX)()


def exact_limit():
    return settings.CMS_SEARCH_EXACT_LIMIT


def candidate_limit():
    """How many candidates a search above the exact limit ranks: fewer than it
    counts exactly, as ranking costs a document read each (a thousand took
    half of a common word's answer at 100,000 articles), and a reader pages
    through twenty pages, not a hundred."""
    return min(settings.CMS_SEARCH_CANDIDATES, exact_limit())
