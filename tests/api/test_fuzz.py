"""No input gives a server error: property-based requests to every root field.

The root fields and their arguments come from the schema itself, so a new field is
fuzzed without a change here. Each answer must be JSON with `data` or `errors`
(status 200 or 400), never a 500 or an HTML error page.
"""

import json

import pytest
from django.test import Client
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from grapple.schema import schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCHEMA = schema.graphql_schema


def root_fields():
    for root in (SCHEMA.query_type, SCHEMA.mutation_type):
        for name, field in root.fields.items():
            yield root.name, name, field


ROOT_FIELDS = sorted(root_fields(), key=lambda item: (item[0], item[1]))

# Odd text: empty, huge, control characters, right-to-left marks, combining marks,
# astral characters, full-width forms, lone surrogates, SQL and search syntax.
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\ud800",
            "\u202e\u200b\ufeff",
            "党\u0301支部",
            "𠀀𠀁🎉",
            "ＡＢＣ１２３",
            "x" * 100_000,
            "'; DROP TABLE wagtailcore_page; --",
            '" OR 1=1 --',
            "NEAR(a b) AND title:*",
            "../../etc/passwd",
            "-1",
            "99999999999999999999999",
            "zh-hans",
            "/news/",
        ]
    ),
)
ANY_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        ODD_TEXT,
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def type_name(type_):
    """The SDL name of an input type, for a variable declaration."""
    if isinstance(type_, GraphQLNonNull):
        return type_name(type_.of_type) + "!"
    if isinstance(type_, GraphQLList):
        return f"[{type_name(type_.of_type)}]"
    return type_.name


def value_for(type_):
    """Mostly values of the right shape with odd contents, sometimes anything."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        right = st.sampled_from([*named.values, "NOT_A_VALUE"])
    elif isinstance(named, GraphQLInputObjectType):
        right = ANY_JSON
    elif isinstance(named, GraphQLScalarType) and named.name in ("Int", "PositiveInt"):
        right = st.integers(min_value=-(2**40), max_value=2**40)
    elif isinstance(named, GraphQLScalarType) and named.name == "Boolean":
        right = st.booleans()
    else:
        right = ODD_TEXT
    if isinstance(type_, GraphQLList) or (
        isinstance(type_, GraphQLNonNull) and isinstance(type_.of_type, GraphQLList)
    ):
        right = st.lists(right, max_size=4)
    return st.one_of(right, right, ANY_JSON)


def selection(field):
    """The least a field needs: __typename of an object, interface or union."""
    composite = isinstance(get_named_type(field.type), GraphQLObjectType) or hasattr(
        get_named_type(field.type), "resolve_type"
    )
    return "{ __typename }" if composite else ""


@st.composite
def requests(draw):
    """A GraphQL request to one root field, with some of its arguments."""
    operation, name, field = draw(st.sampled_from(ROOT_FIELDS))
    chosen = draw(
        st.lists(st.sampled_from(sorted(field.args)), unique=True)
        if field.args
        else st.just([])
    )
    declared = ", ".join(f"${a}: {type_name(field.args[a].type)}" for a in chosen)
    passed = ", ".join(f"{a}: ${a}" for a in chosen)
    keyword = "mutation" if operation == SCHEMA.mutation_type.name else "query"
    query = (
        f"{keyword}{f'({declared})' if declared else ''} "
        f"{{ {name}{f'({passed})' if passed else ''} {selection(field)} }}"
    )
    variables = {a: draw(value_for(field.args[a].type)) for a in chosen}
    return query, variables


def check(response):
    assert response.status_code in (200, 400), (response.status_code, response.content)
    body = response.json()
    assert isinstance(body, dict | list)
    if isinstance(body, dict):
        assert "errors" in body or "data" in body, body


@pytest.mark.django_db
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=requests())
def test_every_root_field_answers_any_arguments(request):
    query, variables = request
    body = json.dumps({"query": query, "variables": variables})
    check(Client().post("/graphql/", body, content_type="application/json"))


def test_the_fuzzer_reaches_every_root_field():
    names = {name for _op, name, _field in ROOT_FIELDS}
    assert {"pages", "page", "search", "newsArticles", "recordArticleView"} <= names
    assert len(names) > 25


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        ANY_JSON.map(json.dumps).map(str.encode),
        st.integers(min_value=1, max_value=3000).map(
            lambda n: json.dumps({"query": "{" * n + "}" * n}).encode()
        ),
        st.integers(min_value=1, max_value=500).map(
            lambda n: json.dumps(
                {"query": "{ pages " + "{ children " * n + "{ id }" + " }" * n + " }"}
            ).encode()
        ),
    ),
    content_type=st.sampled_from(
        ["application/json", "application/graphql", "text/plain", "multipart/form-data"]
    ),
)
def test_malformed_bodies_are_clear_errors(body, content_type):
    response = Client().post("/graphql/", body, content_type=content_type)
    assert response.status_code in (200, 400), (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
