"""No input gives a server error: property-based requests to every root field.

The root fields and their arguments come from the schema itself, so a new field is
fuzzed without a change here. Each answer must be JSON with `data` or `errors`
(status 200 or 400), never a 500 or an HTML error page. Hostile documents
(variables whose defaults are hostile, recursive fragments, type-system
definitions) must not even cause an unexpected error inside the answer.
"""

import json

import pytest
from django.conf import settings as django_settings
from django.test import Client
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    StringValueNode,
    get_named_type,
    print_ast,
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
    """A JSON answer: 200, 400, or 413 for a body over CMS_GRAPHQL_MAX_BODY_SIZE
    (generated variables can be that long)."""
    assert response.status_code in (200, 400, 413), (
        response.status_code,
        response.content[:500],
    )
    body = response.json()
    assert isinstance(body, dict | list)
    if isinstance(body, dict):
        assert "errors" in body or "data" in body, body


def examples(count):
    """Hypothesis settings for `count` generated requests against the real
    endpoint (the database fixture is function-scoped on purpose: rolled back
    once per test, not per example)."""
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
    )


def send(request):
    """POST a generated (query, variables) and check the answer."""
    query, variables = request
    body = json.dumps({"query": query, "variables": variables})
    check(Client().post("/graphql/", body, content_type="application/json"))


@pytest.mark.django_db
@examples(300)
@given(request=requests())
def test_every_root_field_answers_any_arguments(request):
    send(request)


def test_the_fuzzer_reaches_every_root_field():
    names = {name for _op, name, _field in ROOT_FIELDS}
    assert {"pages", "page", "search", "newsArticles", "recordArticleView"} <= names
    assert len(names) > 25


@pytest.mark.django_db
@examples(150)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        ANY_JSON.map(json.dumps).map(str.encode),
        st.integers(min_value=1, max_value=3000).map(
            lambda n: json.dumps({"query": "{" * n + "}" * n}).encode()
        ),
        st.integers(min_value=1, max_value=500).map(
            lambda n: json.dumps(
                {
                    "query": "{ pages { items "
                    + "{ children " * n
                    + "{ id }"
                    + " }" * n
                    + " } }"
                }
            ).encode()
        ),
    ),
    content_type=st.sampled_from(
        ["application/json", "application/graphql", "text/plain", "multipart/form-data"]
    ),
)
def test_malformed_bodies_are_clear_errors(body, content_type):
    response = Client().post("/graphql/", body, content_type=content_type)
    # No file uploads: multipart is refused before it is read (test_bodies.py);
    # an empty body is sent without its content type; a body over the limit is
    # refused unread (413).
    expected = (400, 415) if content_type == "multipart/form-data" else (200, 400)
    if len(body) > django_settings.CMS_GRAPHQL_MAX_BODY_SIZE:
        expected = (413, 415)
    assert response.status_code in expected, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")


# Hostile documents: variable defaults, recursive fragments, type-system
# definitions. The limits must measure what runs, and never crash on what cannot.


def literal(value):
    """A GraphQL literal for a JSON-like value (not always a valid one)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return print_ast(StringValueNode(value=value))
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    return (
        "{" + ", ".join(f"{key}: {literal(item)}" for key, item in value.items()) + "}"
    )


HOSTILE_ORDERS = st.one_of(
    ODD_TEXT,
    st.sampled_from(
        [
            "nosuchfield",
            "-latest_revision__id",
            "owner__password",
            "id,owner__password",
            "title, -locked_by__email",
            "?",
            "id,",
            ",",
        ]
    ),
)
HOSTILE_SIZES = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.sampled_from([0, 1, 99, 100, 101, 2**31, -1]),
)


SIZES = ("limit", "perPage", "first", "offset", "page")


@st.composite
def requests_with_defaults(draw, only_orders_and_sizes=False):
    """A root field whose arguments are variables with defaults; some are sent,
    the others take their default. Orders and page sizes get hostile defaults."""
    fields = ROOT_FIELDS
    if only_orders_and_sizes:
        fields = [f for f in ROOT_FIELDS if {"order", *SIZES} & set(f[2].args)]
    operation, name, field = draw(st.sampled_from(fields))
    arguments = sorted(field.args)
    if only_orders_and_sizes:
        arguments = [a for a in arguments if a == "order" or a in SIZES]
    if not arguments:
        return draw(requests())
    chosen = draw(st.lists(st.sampled_from(arguments), min_size=1, unique=True))
    declared, variables = [], {}
    for argument in chosen:
        type_ = field.args[argument].type
        if argument == "order":
            default = draw(HOSTILE_ORDERS)
        elif argument in SIZES:
            default = draw(HOSTILE_SIZES)
        else:
            default = draw(value_for(type_))
        declared.append(f"${argument}: {type_name(type_)} = {literal(default)}")
        if not only_orders_and_sizes and draw(st.booleans()):
            variables[argument] = draw(value_for(type_))
    passed = ", ".join(f"{a}: ${a}" for a in chosen)
    keyword = "mutation" if operation == SCHEMA.mutation_type.name else "query"
    query = (
        f"{keyword}({', '.join(declared)}) {{ {name}({passed}) {selection(field)} }}"
    )
    return query, variables


NESTED_DEFAULTS = st.builds(
    lambda size, order, fields: (
        f"query ($n: PositiveInt = {literal(size)}, $o: String = {literal(order)}) "
        "{ pages(perPage: $n, order: $o) { items { "
        + " ".join(f"{f}(limit: $n, order: $o) {{ " for f in fields)
        + "id"
        + " }" * len(fields)
        + " } } }",
        {},
    ),
    HOSTILE_SIZES,
    HOSTILE_ORDERS,
    st.lists(st.sampled_from(["children", "siblings", "descendants", "ancestors"])),
)

TYPE_SYSTEM = st.sampled_from(
    [
        "schema { query: Query }",
        "schema { query: Query mutation: Mutation }",
        "type X { a: Int }",
        "extend type Query { x: Int }",
        "interface I { a: Int }",
        "union U = X",
        "enum E { A }",
        "input In { a: Int }",
        "scalar S",
        "directive @d on FIELD",
        "extend schema { query: Query }",
    ]
)
FRAGMENT_TYPES = st.sampled_from(["PageInterface", "Query", "__Type", "NoSuchType"])


@st.composite
def recursive_fragments(draw):
    """Fragments that spread themselves, directly, through fields, inline fragments
    or each other, spread from a root field or from the root."""
    count = draw(st.integers(min_value=1, max_value=4))
    names = [f"F{i}" for i in range(count)]
    fragments = []
    for i, name in enumerate(names):
        target = names[(i + 1) % count]  # the last spreads the first
        on = draw(FRAGMENT_TYPES)
        body = draw(
            st.sampled_from(
                [
                    f"...{target}",
                    f"id ...{target}",
                    f"children {{ ...{target} }}",
                    f"a: children {{ ...{target} }} b: parent {{ ...{target} }}",
                    f"... on PageInterface {{ children {{ ...{target} ...{target} }}"
                    " }",
                    f"fields {{ type {{ ...{target} }} }}",
                    f"pages {{ items {{ ...{target} }} }}",
                ]
            )
        )
        fragments.append(f"fragment {name} on {on} {{ {body} }}")
    operation = draw(
        st.sampled_from(
            [
                "{ pages { items { ...F0 } } }",
                "{ ...F0 }",
                '{ __type(name: "Query") { ...F0 } }',
            ]
        )
    )
    return " ".join([operation, *draw(st.permutations(fragments))])


@st.composite
def hostile_documents(draw):
    query, variables = draw(
        st.one_of(
            requests_with_defaults(),
            NESTED_DEFAULTS,
            recursive_fragments().map(lambda query: (query, {})),
        )
    )
    if draw(st.booleans()):
        definition = draw(TYPE_SYSTEM)
        query = draw(
            st.sampled_from([f"{definition} {query}", f"{query} {definition}"])
        )
    return query, variables


@pytest.mark.django_db
@examples(300)
@given(request=hostile_documents())
def test_hostile_documents_are_clear_errors(request):
    send(request)


@pytest.mark.django_db
@examples(200)
@given(
    request=st.one_of(
        requests_with_defaults(only_orders_and_sizes=True),
        NESTED_DEFAULTS,
        recursive_fragments().map(lambda query: (query, {})),
    )
)
def test_hostile_defaults_and_fragments_fail_before_any_resolver(request):
    """An order or a page size from a default is checked like one sent; a
    recursive fragment is a validation error: none of them reaches a resolver and
    fails there (an INTERNAL_SERVER_ERROR, say Django's FieldError for an
    unknown order)."""
    query, variables = request
    body = json.dumps({"query": query, "variables": variables})
    response = Client().post("/graphql/", body, content_type="application/json")
    check(response)
    for error in response.json().get("errors") or []:
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", (
            query,
            error,
        )
