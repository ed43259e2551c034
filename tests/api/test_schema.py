from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from grapple.schema import schema

from cms.api import assembly
from cms.api.schema import possible_types_json, schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"
POSSIBLE_TYPES_FILE = SCHEMA_FILE.parent / "frontend" / "possible-types.json"


def test_committed_schema_is_the_live_schema():
    """Frontends generate their types from schema.graphql: run `make schema`."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is out of date; run `make schema` and commit it."
    )


def test_committed_possible_types_are_the_live_schemas():
    """A client cache matches fragments on interfaces and unions with these:
    run `make schema`."""
    assert POSSIBLE_TYPES_FILE.read_text(encoding="utf-8") == possible_types_json(), (
        "frontend/possible-types.json is out of date; run `make schema`."
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


def test_every_name_the_middleware_refers_to_is_in_the_schema():
    assembly.verify(schema.graphql_schema)  # what start-up runs (cms.urls)
    assert len(list(assembly.references())) > 20


def test_a_name_missing_from_the_schema_fails_start_up(monkeypatch):
    """A grapple upgrade renaming a type or field a filter matches on must not
    silently turn the filter off."""
    monkeypatch.setattr(
        assembly,
        "GRAPPLE_PAGE_FIELDS",
        {("SiteObjectType", "pages"), ("SiteObjectType", "renamedPage")},
    )
    with pytest.raises(ImproperlyConfigured, match=r"SiteObjectType\.renamedPage"):
        assembly.verify(schema.graphql_schema)


def test_model_fields_are_described_by_their_labels_and_help_texts(gql):
    """What codegen writes into a frontend's types: a field shown without a
    description of its own has its model field's label and help text."""
    query = """{ __type(name: "SiteSettings") { fields { name description } } }"""
    fields = {f["name"]: f["description"] for f in gql(query)["__type"]["fields"]}
    assert fields["icpNumber"].startswith("ICP filing number: ICP备案号")
    assert fields["phone"] == "Phone."
    assert fields["resolvedLocale"].startswith("The locale this edition came from")
