"""The database side of the index: SQLite's FTS5 or PostgreSQL's tsvector.

Both index the terms `cms.search.text` made, so neither has to understand Chinese:
each term is a literal string to them. On SQLite an FTS5 table mirrors the entries'
term columns through triggers and finds the matches, which are ranked from their
own term columns; on PostgreSQL a generated tsvector column with a GIN index holds
them, and ts_rank ranks. Title, summary and body
weigh 1.0, 0.4 and 0.2 on both. Queries are built from quoted terms only, so what a
reader types is never the database's query syntax.

The triggers live outside Django's knowledge: a later migration that makes SQLite
rebuild the entry table must install them again (`install`).
"""

from django.db import NotSupportedError
from django.db.models import BooleanField, F, FloatField, Func

FTS = "cms_search_fts"
COLUMNS = ("title_terms", "summary_terms", "body_terms")
WEIGHTS = (1.0, 0.4, 0.2)
# Terms in a typical title, summary and body, for BM25's length normalisation.
TYPICAL_LENGTHS = (16, 48, 800)

_TERMS = ", ".join(COLUMNS)
_OLD = ", ".join(f"old.{column}" for column in COLUMNS)
_NEW = ", ".join(f"new.{column}" for column in COLUMNS)
_DELETE_OLD = (
    f"INSERT INTO {FTS}({FTS}, rowid, {_TERMS}) VALUES ('delete', old.id, {_OLD});"  # noqa: E501, S608
)
_INSERT_NEW = f"INSERT INTO {FTS}(rowid, {_TERMS}) VALUES (new.id, {_NEW});"  # noqa: S608
SQLITE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({_TERMS}, content='cms_search_entry', "
    "content_rowid='id', tokenize='ascii')",
    "CREATE TRIGGER cms_search_entry_insert AFTER INSERT ON cms_search_entry "
    f"BEGIN {_INSERT_NEW} END",
    "CREATE TRIGGER cms_search_entry_delete AFTER DELETE ON cms_search_entry "
    f"BEGIN {_DELETE_OLD} END",
    "CREATE TRIGGER cms_search_entry_update AFTER UPDATE ON cms_search_entry "
    f"BEGIN {_DELETE_OLD} {_INSERT_NEW} END",
]
SQLITE_REMOVE = [
    *(
        f"DROP TRIGGER cms_search_entry_{name}"
        for name in ("insert", "delete", "update")
    ),
    f"DROP TABLE {FTS}",
]

# 'simple' only lowercases; the terms are already lowercase, letters and digits.
POSTGRESQL = [
    "ALTER TABLE cms_search_entry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    + " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, {column}), '{weight}')"
        for column, weight in zip(COLUMNS, "ABC", strict=True)
    )
    + ") STORED",
    "CREATE INDEX cms_search_entry_document ON cms_search_entry USING GIN (document)",
]
POSTGRESQL_REMOVE = [
    "DROP INDEX cms_search_entry_document",
    "ALTER TABLE cms_search_entry DROP COLUMN document",
]


# The title's terms alone, small enough to stay in the entry's row: whether the
# title matches is the first part of the cheap bound (cms.search.database),
# asked of every match of a common word, which the whole document, stored out
# of line, would make a read of its own per match.
# Its GIN index finds the title matches of a word that is common in bodies
# but rare in titles without reading every match. The entries newest first
# (cms.search.database.RECENT) are an index too, walked to find the candidates
# of a word common in titles or bodies. (SQLite cannot index NULLS LAST; its
# candidates are sorted from the FTS5 matches.)
POSTGRESQL_TITLE = [
    "ALTER TABLE cms_search_entry ADD COLUMN title_document tsvector GENERATED "
    "ALWAYS AS (to_tsvector('simple'::regconfig, title_terms)) STORED",
    "CREATE INDEX cms_search_entry_title_document ON cms_search_entry "
    "USING GIN (title_document)",
    "CREATE INDEX cms_search_entry_recent ON cms_search_entry "
    "(date DESC NULLS LAST, id DESC)",
]
POSTGRESQL_TITLE_REMOVE = [
    "DROP INDEX cms_search_entry_recent",
    "DROP INDEX cms_search_entry_title_document",
    "ALTER TABLE cms_search_entry DROP COLUMN title_document",
]

# An entry's row keeps what the searches filter and sort on (kind, model,
# locale, date, the title's terms: storage MAIN, in the row). A row over ~2 kB
# (an article's, with its document) has its values moved out of line (TOAST)
# until it is under the target: 128 bytes, so every text, their terms and the
# document go, not only enough of them to fit 2 kB. A common pair of words
# ("2021 年度": 14,000 of 100,000 articles) makes the candidates (cms.search.
# database) and the count read all its matches' rows, and rows of ~560 bytes
# instead of ~1.3 kB are half the pages (8,189 instead of 19,079). The texts
# are read only for the page of results shown. Rows are laid out when written
# (an indexed change, `rebuild_search_index`).
NARROW = ("kind", "model", "title_document")
POSTGRESQL_NARROW = [
    "ALTER TABLE cms_search_entry SET (toast_tuple_target = 128)",
    "ALTER TABLE cms_search_entry "
    + ", ".join(f"ALTER COLUMN {column} SET STORAGE MAIN" for column in NARROW),
]
POSTGRESQL_NARROW_REMOVE = [
    "ALTER TABLE cms_search_entry RESET (toast_tuple_target)",
    "ALTER TABLE cms_search_entry "
    + ", ".join(f"ALTER COLUMN {column} SET STORAGE EXTENDED" for column in NARROW),
]


def on_postgresql(statements):
    """A migration's function (RunPython) executing `statements` on PostgreSQL;
    on SQLite, which has no such index, nothing."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


install_title = on_postgresql(POSTGRESQL_TITLE)
uninstall_title = on_postgresql(POSTGRESQL_TITLE_REMOVE)
install_narrow = on_postgresql(POSTGRESQL_NARROW)
uninstall_narrow = on_postgresql(POSTGRESQL_NARROW_REMOVE)


def statements(connection, remove=False):
    if connection.vendor == "sqlite":
        return SQLITE_REMOVE if remove else SQLITE
    if connection.vendor == "postgresql":
        return POSTGRESQL_REMOVE if remove else POSTGRESQL
    raise NotSupportedError("cms.search supports SQLite and PostgreSQL only.")


def install(apps, schema_editor):
    for statement in statements(schema_editor.connection):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    for statement in statements(schema_editor.connection, remove=True):
        schema_editor.execute(statement)


def fts5_query(query):
    """All terms, each a quoted FTS5 string (a prefix one with *)."""
    return " ".join(
        '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")
        for term in query.terms
    )


def tsquery(query):
    """All terms ANDed, each a quoted tsquery lexeme (a prefix one with :*)."""
    return " & ".join(
        "'"
        + term.text.replace("\\", "\\\\").replace("'", "''")
        + "'"
        + (":*" if term.prefix else "")
        for term in query.terms
    )


class SearchFunc(Func):
    """An expression on a search entry's id (aliased wherever the query puts the
    entry table, also inside subqueries) for the vendor's full text search."""

    def __init__(self, query):
        super().__init__(F("pk"))
        self.query = query

    def entry_id(self, compiler):
        return compiler.compile(self.source_expressions[0])

    def document(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.source_expressions[0].alias)
        return f"{alias}.{connection.ops.quote_name('document')}"

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("cms.search supports SQLite and PostgreSQL only.")


class Matches(SearchFunc):
    """True for entries that contain every term of the query."""

    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra):
        entry_id, params = self.entry_id(compiler)
        sql = f"{entry_id} IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"  # noqa: S608
        return sql, [*params, fts5_query(self.query)]

    def as_postgresql(self, compiler, connection, **extra):
        document = self.document(compiler, connection)
        return f"{document} @@ %s::tsquery", [tsquery(self.query)]


class TitleMatches(SearchFunc):
    """True for entries whose title alone contains every term of the query."""

    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra):
        entry_id, params = self.entry_id(compiler)
        sql = f"{entry_id} IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"  # noqa: S608
        return sql, [*params, f"title_terms : ({fts5_query(self.query)})"]

    def as_postgresql(self, compiler, connection, **extra):
        alias = compiler.quote_name_unless_alias(self.source_expressions[0].alias)
        return f"{alias}.title_document @@ %s::tsquery", [tsquery(self.query)]


class Score(SearchFunc):
    """How well an entry matches the query; higher is better."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        # bm25() needs a MATCH of its own, which SQLite would run again for every
        # row ranked. The entry's own term columns are enough for BM25's term
        # part: per term, the best of its columns' weight × tf·(k1+1) / (tf + k1·
        # (1 - b + b·length/typical length)), tf and length counted in SQL.
        alias = compiler.quote_name_unless_alias(self.source_expressions[0].alias)
        parts, params = [], []
        for term in self.query.terms:
            needle = f" {term.text}" + ("" if term.prefix else " ")
            columns = []
            for column, weight, typical in zip(
                COLUMNS, WEIGHTS, TYPICAL_LENGTHS, strict=True
            ):
                padded = f"(' ' || {alias}.{column} || ' ')"
                removed = f"length(replace({padded}, %s, ''))"
                tf = f"((length({padded}) - {removed}) / {len(needle)})"
                length = f"(length({padded}) - length(replace({padded}, ' ', '')))"
                norm = f"1.2 * (0.25 + 0.75 * {length} / {typical}.0)"
                columns.append(f"{weight} * {tf} * 2.2 / ({tf} + {norm})")
                params += [needle, needle]
            parts.append(f"max({', '.join(columns)})")
        return f"({' + '.join(parts)})", params

    def as_postgresql(self, compiler, connection, **extra):
        document = self.document(compiler, connection)
        # ts_rank's weights are for D, C, B, A.
        weights = ", ".join(map(str, (0.0, *reversed(WEIGHTS))))
        sql = f"ts_rank(ARRAY[{weights}]::float4[], {document}, %s::tsquery)"
        return sql, [tsquery(self.query)]
