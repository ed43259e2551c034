from pathlib import Path

from cms.api.schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_is_the_live_schema():
    """Frontends generate their types from schema.graphql: run `make schema`."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is out of date; run `make schema` and commit it."
    )


def test_schema_has_locale_arguments_and_fields():
    sdl = schema_sdl()
    assert "locale: String!" in sdl
    assert "translations: [PageInterface!]!" in sdl
    assert "pages(\n" in sdl and "locales: [Locale!]!" in sdl


def test_grapples_unpaginated_snippets_field_is_gone(gql):
    """It would answer with all 5,000 member companies at once, across locales."""
    [message] = gql.errors("{ snippets { snippetType } }")
    assert "Cannot query field 'snippets'" in message
