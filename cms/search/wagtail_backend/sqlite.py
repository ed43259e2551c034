"""The SQLite variant: FTS5, whose unicode61 tokenizer keeps each term whole (a
bigram, a word or a number)."""

from operator import and_, or_

from modelsearch.backends.database.sqlite import sqlite
from modelsearch.backends.database.sqlite.query import Lexeme, SearchQueryExpression
from modelsearch.query import Phrase, PlainText

from . import CompilerMixin, TermsMixin, alternatives, combine, making


class SQLiteIndexer(TermsMixin, sqlite.ObjectIndexer):
    pass


class SQLiteIndex(sqlite.SQLiteIndex):
    add_items = making(SQLiteIndexer, sqlite.SQLiteIndex.add_items)


class SQLiteSearchQueryCompiler(CompilerMixin, sqlite.SQLiteSearchQueryCompiler):
    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText | Phrase):
            groups = alternatives(query, autocomplete=self.LAST_TERM_IS_PREFIX)
            return SearchQueryExpression(combine(groups, Lexeme, and_, or_))
        return super().build_search_query_content(query, config=config)


class SQLiteAutocompleteQueryCompiler(
    SQLiteSearchQueryCompiler, sqlite.SQLiteAutocompleteQueryCompiler
):
    FTS_TABLE_FIELDS = ["title", "body", "autocomplete"]


class SQLiteSearchBackend(sqlite.SQLiteSearchBackend):
    query_compiler_class = SQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = SQLiteAutocompleteQueryCompiler
    index_class = SQLiteIndex
