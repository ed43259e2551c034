"""The PostgreSQL variant: tsvector with the 'simple' configuration, which only
lowercases (the terms are lowercase already): no stemming, no stop words."""

from operator import and_, or_

from django.contrib.postgres.search import SearchQuery
from django.db.models import F
from modelsearch.backends.database.postgres import postgres
from modelsearch.backends.database.postgres.query import Lexeme
from modelsearch.query import Phrase, PlainText

from . import CompilerMixin, TermsMixin, alternatives, combine, making


class PostgresIndexer(TermsMixin, postgres.ObjectIndexer):
    pass


class PostgresIndex(postgres.PostgresIndex):
    add_items = making(PostgresIndexer, postgres.PostgresIndex.add_items)


class PostgresSearchQueryCompiler(CompilerMixin, postgres.PostgresSearchQueryCompiler):
    def build_tsquery_content(self, query, config=None, invert=False):
        if isinstance(query, PlainText | Phrase):
            groups = alternatives(query, autocomplete=self.LAST_TERM_IS_PREFIX)

            def lexeme(text, prefix):
                return Lexeme(text, prefix=prefix, invert=invert)

            # Negated, by De Morgan: no group has all its terms.
            inner, outer = (or_, and_) if invert else (and_, or_)
            lexemes = combine(groups, lexeme, inner, outer)
            return SearchQuery(lexemes, search_type="raw", config=config)
        return super().build_tsquery_content(query, config=config, invert=invert)

    def get_search_vectors(self, search_query):
        vectors = self.get_index_vectors(search_query)
        return vectors[:1] if self.fields else vectors


class PostgresAutocompleteQueryCompiler(
    PostgresSearchQueryCompiler, postgres.PostgresAutocompleteQueryCompiler
):
    def get_index_vectors(self, search_query):
        return [
            (F("index_entries__title"), F("index_entries__title_norm")),
            (F("index_entries__body"), 1.0),
            (F("index_entries__autocomplete"), 1.0),
        ]


class PostgresSearchBackend(postgres.PostgresSearchBackend):
    query_compiler_class = PostgresSearchQueryCompiler
    autocomplete_query_compiler_class = PostgresAutocompleteQueryCompiler
    index_class = PostgresIndex

    def __init__(self, params):
        super().__init__(params)
        self.config = "simple"
