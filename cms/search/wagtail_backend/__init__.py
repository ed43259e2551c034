"""Wagtail's own search (the admin's page, image, document and snippet searches,
its choosers, grapple's `searchQuery`) with the project's Chinese-aware terms.

Wagtail's database backend leaves text to the database's tokenizer, which takes a
run of Chinese characters as one word: 协会 finds only titles that begin with it,
never 浙江省中小企业协会 nor a body sentence. This is the same backend (modelsearch's
FTS5 and tsvector variants: its index table, its signal handlers and tasks,
`manage.py update_index`) with the text it indexes and the query it compiles both
made by `cms.search.text`, as the project's own index is:

- each indexed value becomes `index_terms` of it (normalised, Chinese runs as
  bigrams), so the database holds literal terms and matches them exactly;
- a query becomes the terms of `Query` (all of them must match; a single Chinese
  character and Latin words of three or more letters as prefixes), so 協會, 协会
  and 協会 are one query. With the `or` operator each space-separated part is
  one such query and any part may match;
- autocomplete (what the admin's search boxes and choosers call) searches titles
  and bodies too, with the last term a prefix: editors search for words in the
  text, not only for the start of a title.

A quoted phrase needs its terms, not their order. `fields` can narrow a search to
the title only: the index keeps every other field's terms together in its body.
"""

import types

from django.core.exceptions import ImproperlyConfigured
from django.db import NotSupportedError, connection
from django.utils.encoding import force_str
from modelsearch.backends.base import SearchFieldError

from ..text import MAX_WORD, Query, Term, index_terms

# A term no text ever gives (index_terms drops longer words): a query with no
# terms at all (only punctuation) matches nothing.
NOTHING = Term("x" * (MAX_WORD + 1))


def alternatives(query, autocomplete):
    """The terms of a PlainText or Phrase `query` as a list of alternatives, each
    a list of terms that must all match."""
    text = query.query_string
    parts = text.split() if getattr(query, "operator", "and") == "or" else [text]
    found = []
    for part in parts:
        terms = Query(part).terms or [NOTHING]
        if autocomplete:
            # The word being typed: for a Chinese bigram this changes nothing.
            terms[-1] = Term(terms[-1].text, prefix=True)
        found.append(terms)
    return found


def combine(groups, lexeme, inner, outer):
    """`groups` as one lexeme expression: `inner` joins a group's lexemes, `outer`
    the groups (`&` and `|`, or the other way round for a negated query)."""
    joined = None
    for group in groups:
        part = None
        for term in group:
            one = lexeme(term.text, prefix=term.prefix)
            part = one if part is None else inner(part, one)
        joined = part if joined is None else outer(joined, part)
    return joined


def title_only(fields):
    """`fields` as the index can honour them: the title alone, or (None)
    everything indexed."""
    return ["title"] if fields and set(fields) == {"title"} else None


class CompilerMixin:
    """What both databases' query compilers add to modelsearch's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = title_only(self.fields)

    def check(self):
        """Only that the fields searched are indexed. modelsearch also refuses
        filters and orderings its FilterFields do not name, for search services
        that hold a copy of the data; these backends run the queryset itself in
        the database, its filters and ordering (annotations, relations)
        included. Refused, they were server errors in the admin's listings
        searched: news articles sorted by views or filtered by category, pages
        filtered by "has child pages", images by usage count or sorted by size."""
        searchable = self.queryset.model.get_searchable_search_fields()
        for name in set(self.fields or ()) - {field.field_name for field in searchable}:
            raise SearchFieldError(
                f"Cannot search with field {name!r}: it is not a SearchField of "
                f"{self.queryset.model.__name__}.",
                field_name=name,
            )


class TermsMixin:
    """Every value an object indexes, as its terms."""

    def prepare_value(self, value):
        if isinstance(value, list | dict):
            return super().prepare_value(value)  # each item through this again
        return index_terms(force_str(value))


def names(code):
    """The global names `code` reads, its comprehensions' included."""
    inner = (names(c) for c in code.co_consts if isinstance(c, types.CodeType))
    return set(code.co_names).union(*inner)


def making(indexer, add_items):
    """modelsearch's `add_items`, making `indexer`s where it makes its module's
    ObjectIndexer: the rest of its work (one write for many objects, the title
    norms) stays Wagtail's."""
    if "ObjectIndexer" not in names(add_items.__code__):
        raise ImproperlyConfigured(
            f"{add_items.__module__}.add_items no longer makes ObjectIndexer: "
            "cms.search.wagtail_backend must index its terms another way."
        )
    return types.FunctionType(
        add_items.__code__,
        {**add_items.__globals__, "ObjectIndexer": indexer},
        add_items.__name__,
        add_items.__defaults__,
        add_items.__closure__,
    )


def SearchBackend(params):  # noqa: N802 (the name Wagtail imports)
    """The backend for the default database's vendor, as Wagtail's
    `wagtail.search.backends.database` chooses."""
    # Each vendor's module of modelsearch can only be imported on that vendor.
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteSearchBackend

        return SQLiteSearchBackend(params)
    if connection.vendor == "postgresql":
        from .postgres import PostgresSearchBackend

        return PostgresSearchBackend(params)
    raise NotSupportedError("cms.search supports SQLite and PostgreSQL only.")
