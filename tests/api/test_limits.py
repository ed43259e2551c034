"""Query limits (cms.api.limits): hostile queries are refused before they run,
with errors that name the limit."""

import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from graphql import get_introspection_query
from grapple.schema import schema

from newsroom.models import NewsIndexPage
from tests.factories import NewsArticlePageFactory, NewsCategoryFactory

SCHEMA = schema.graphql_schema


def deep(levels):
    return (
        "{ pages { items { " + "children { " * levels + "id" + " }" * levels + " } } }"
    )


# Queries over a limit of CMS_GRAPHQL_LIMITS, and words of their error.
HOSTILE = [
    (deep(12), "levels deep, over the limit of 12 (MAX_DEPTH)"),
    (
        "{ " + " ".join(f"a{i}: locales {{ code }}" for i in range(11)) + " }",
        "11 root fields, over the limit of 10 (MAX_ROOT_FIELDS)",
    ),
    (
        "{ locales { " + " ".join(f"a{i}: code" for i in range(31)) + " } }",
        "31 aliases, over the limit of 30 (MAX_ALIASES)",
    ),
    (
        "{ pages(perPage: 100) { items { children(limit: 100) { "
        "children(limit: 100) { id } } } } }",
        "estimated cost, over the limit of 200000 (MAX_COST)",
    ),
    (
        "{ newsArticles(perPage: 50) { items { relatedArticles { children "
        "(limit: 100) { descendants(limit: 100) { id } } } } } }",
        "estimated cost, over the limit of 200000 (MAX_COST)",
    ),
    (
        "{ pages(perPage: 101) { totalCount } }",
        "perPage 101 on pages is over the maximum",
    ),
    (
        '{ search(query: "党", perPage: 1000) { totalCount } }',
        "perPage 1000 on search is over the maximum page size of 100",
    ),
]
# A page size over MAX_PAGE_SIZE is a wrong argument, as a perPage over a field's
# own maximum is: refused before running too.
PAGE_SIZES = ("perPage 101 on pages", "perPage 1000 on search")


@pytest.mark.parametrize(("query", "message"), HOSTILE)
def test_hostile_queries_are_refused_before_running(gql, query, message):
    with CaptureQueriesContext(connection) as queries:
        status, body = gql.post(query)
    assert status == 200
    assert any(message in error["message"] for error in body["errors"]), body
    code = "BAD_USER_INPUT" if message.startswith(PAGE_SIZES) else "QUERY_TOO_COMPLEX"
    assert {error["extensions"]["code"] for error in body["errors"]} == {code}
    assert "data" not in body or body["data"] is None
    assert len(queries) == 0


def test_limits_count_fragments_and_variables(gql):
    query = """
    query($n: PositiveInt, $p: Int) { ...A }
    fragment A on Query { pages(perPage: $p) { items { ...B } } }
    fragment B on PageInterface { children(limit: $n) { children(limit: $n) { id } } }
    """
    errors = gql.errors(query, n=100, p=100)
    assert any("1010102 estimated cost" in error for error in errors), errors
    assert gql(query, n=3, p=3)["pages"] is not None


def test_a_fragment_cycle_is_a_validation_error_not_a_crash(gql):
    [error] = gql.errors(
        "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }"
    )
    assert "Cannot spread fragment" in error


def test_ordinary_queries_pass(gql):
    category = NewsCategoryFactory()
    for _n in range(3):
        NewsArticlePageFactory(parent=news_index("zh-hans"), categories=[category])
    data = gql(
        "{ newsArticles(perPage: 50) { items { title categories { name } "
        "relatedArticles { title } } } organisation { memberCount } }"
    )
    assert len(data["newsArticles"]["items"]) == 3
    assert len(data["newsArticles"]["items"][0]["relatedArticles"]) == 2


def test_limits_come_from_settings(gql, settings):
    settings.CMS_GRAPHQL_LIMITS = {**settings.CMS_GRAPHQL_LIMITS, "MAX_DEPTH": 2}
    [error] = gql.errors("{ pages { items { id } } }")
    assert "over the limit of 2 (MAX_DEPTH)" in error


def news_index(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


def post(client, body):
    response = client.post(
        "/graphql/", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


def test_batches_run_each_operation_up_to_the_limit(client, db):
    NewsArticlePageFactory(parent=news_index("zh-hant"))
    status, answers = post(
        client,
        [
            {"query": "{ locales { code } }"},
            {"query": '{ newsArticles(locale: "zh-hant") { totalCount } }'},
        ],
    )
    assert status == 200
    assert answers[0]["data"]["locales"][0]["code"] == "zh-hans"
    assert answers[1]["data"]["newsArticles"]["totalCount"] == 1
    status, body = post(client, [{"query": "{ locales { code } }"}] * 11)
    assert status == 400
    assert body["errors"][0]["message"] == "A batch holds 1 to 10 operations, not 11."
    status, body = post(client, [])
    assert status == 400
    status, body = post(client, ["{ locales { code } }"])
    assert status == 400
    assert body["errors"][0]["message"] == "Each operation of a batch is an object."


def test_introspection_follows_the_setting(gql):
    assert gql("{ __schema { queryType { name } } }")["__schema"]
    with override_settings(CMS_GRAPHQL_INTROSPECTION=False):
        errors = gql.errors("{ __schema { queryType { name } } }")
        assert "introspection has been disabled" in errors[0]
        # Ordinary queries, __typename included, still run.
        assert gql("{ locales { __typename code } }")["locales"]
    # Validation is remembered per document and rules: on again, it runs again.
    assert gql("{ __schema { queryType { name } } }")["__schema"]


@pytest.mark.parametrize("introspection", [True, False])
def test_every_graphql_rule_is_checked_with_introspection_on_or_off(gql, introspection):
    """Without introspection (production's default) GraphQL's own rules hold
    too: a field the schema lacks, a wrong argument, an unused variable."""
    with override_settings(CMS_GRAPHQL_INTROSPECTION=introspection):
        for query, message in [
            ("{ noSuchField }", "Cannot query field 'noSuchField' on type 'Query'."),
            ("{ locales(first: 1) { code } }", "Unknown argument 'first'"),
            ("query ($x: Int) { locales { code } }", "Variable '$x' is never used."),
        ]:
            for _ in range(2):  # the second time too (remembered when valid only)
                status, body = gql.post(query)
                assert status == 200
                [error] = body["errors"]
                assert message in error["message"]
                assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
                assert "data" not in body


# Finding 4: the limits must see the variables' defaults, as execution does.


@pytest.mark.parametrize("order", ["nosuchfield", "-latest_revision__id"])
def test_variable_default_order_is_checked(gql, order):
    query = f'query ($o: String = "{order}") {{ pages(order: $o) {{ totalCount }} }}'
    with CaptureQueriesContext(connection) as queries:
        status, body = gql.post(query)
    assert status == 200
    [error] = body["errors"]
    assert error["message"].startswith(f"Cannot order pages by {order!r}."), error
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Choices are" not in json.dumps(body)  # Django's list of Page fields
    assert len(queries) == 0


def test_variable_default_page_size_counts(gql):
    query = """query ($n: PositiveInt = 100, $p: Int = 100) { pages(perPage: $p) {
      items { siblings(limit: $n) { siblings(limit: $n) { id } } } } }"""
    with CaptureQueriesContext(connection) as queries:
        status, body = gql.post(query)
    assert status == 200
    cost, queried = body["errors"]
    assert "1010102 estimated cost, over the limit of 200000" in cost["message"]
    assert "10100 estimated database queries" in queried["message"]
    assert cost["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert len(queries) == 0
    [message] = gql.errors(
        "query ($n: Int = 101) { pages(perPage: $n) { totalCount } }"
    )
    assert "perPage 101 on pages is over the maximum page size of 100" in message
    # A value sent for the variable still wins over its default.
    assert gql(query, n=2, p=2)["pages"]


def test_argument_defaults_count(gql, settings):
    """An argument left out takes the schema's default (recentNews: 5)."""
    settings.CMS_GRAPHQL_LIMITS = {**settings.CMS_GRAPHQL_LIMITS, "MAX_COST": 7}
    query = '{ committee(slug: "none") { recentNews { id } } }'
    assert gql(query) == {"committee": None}
    [error] = gql.errors(query.replace("recentNews", "recentNews(limit: 6)"))
    assert "8 estimated cost, over the limit of 7 (MAX_COST)" in error


def test_variables_that_do_not_coerce_are_a_clear_error(gql):
    status, body = gql.post(
        "query ($n: Int) { pages(perPage: $n) { totalCount } }", {"n": "many"}
    )
    assert status == 200
    [error] = body["errors"]
    assert error["message"].startswith("Variable '$n' got invalid value 'many'")


# Finding 5: introspection is counted like any other field, with its own cap.

INTROSPECTION_ALIASES = (
    "{ __schema { "
    + " ".join(f"t{i}: types {{ ...Type }}" for i in range(20))
    + " } } fragment Type on __Type { name fields { ...Field } }"
    " fragment Field on __Field { name args { name type { name } } type { name } }"
)


def test_introspection_aliases_are_refused(gql):
    with CaptureQueriesContext(connection) as queries:
        status, body = gql.post(INTROSPECTION_ALIASES)
    assert status == 200
    [error] = body["errors"]
    assert "introspection cost, over the limit of" in error["message"]
    assert "(MAX_INTROSPECTION_COST)" in error["message"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert len(queries) == 0
    # Each alias is counted; one of them alone is an ordinary request.
    one = INTROSPECTION_ALIASES.replace(
        " ".join(f"t{i}: types {{ ...Type }}" for i in range(1, 20)), ""
    )
    assert len(gql(one)["__schema"]["t0"]) > 50


def test_introspection_counts_aliases_and_depth(gql, settings):
    [error] = gql.errors(
        "{ __schema { types { " + " ".join(f"a{i}: name" for i in range(31)) + " } } }"
    )
    assert "31 aliases, over the limit of 30 (MAX_ALIASES)" in error
    depth = settings.CMS_GRAPHQL_LIMITS["MAX_INTROSPECTION_DEPTH"]
    nested = "ofType { " * depth + "name" + " }" * depth
    [error] = gql.errors(f'{{ __type(name: "Query") {{ {nested} }} }}')
    assert f"over the limit of {depth} (MAX_INTROSPECTION_DEPTH)" in error


def test_introspection_is_counted_on_the_schema(gql, settings):
    """A list counts what it holds: here one name per field of PageInterface."""
    fields = SCHEMA.get_type("PageInterface").fields
    cost = 1 + 1 + len(fields)  # __type, its fields, a name for each
    query = (
        '{ __type(name: "PageInterface") { fields(includeDeprecated: true) { name } } }'
    )
    settings.CMS_GRAPHQL_LIMITS = {
        **settings.CMS_GRAPHQL_LIMITS,
        "MAX_INTROSPECTION_COST": cost,
    }
    assert len(gql(query)["__type"]["fields"]) == len(fields)
    settings.CMS_GRAPHQL_LIMITS = {
        **settings.CMS_GRAPHQL_LIMITS,
        "MAX_INTROSPECTION_COST": cost - 1,
    }
    [error] = gql.errors(query)
    assert f"{cost} introspection cost, over the limit of {cost - 1}" in error
    # Past the limit, counting stops.
    [error] = gql.errors(INTROSPECTION_ALIASES)
    assert f"more than {cost - 1} introspection cost" in error


@pytest.mark.parametrize(
    "options",
    [
        {},
        {
            "descriptions": True,
            "specified_by_url": True,
            "directive_is_repeatable": True,
            "schema_description": True,
            "input_value_deprecation": True,
        },
    ],
)
def test_full_introspection_query_passes(gql, options):
    """The query GraphiQL and graphql-codegen send for the whole schema."""
    data = gql(get_introspection_query(**options))
    names = {type_["name"] for type_ in data["__schema"]["types"]}
    assert {"Query", "PageInterface", "NewsArticlePage"} <= names


# Finding 7: hostile documents are clear GraphQL errors, never a crash.


@pytest.mark.parametrize(
    "query",
    [
        "{ pages { items { ...F } } } "
        "fragment F on PageInterface { children { ...F } }",
        "{ pages { items { ...A } } } "
        "fragment A on PageInterface { children { ...B } } "
        "fragment B on PageInterface { parent { ...A } }",
        "{ ...Q } fragment Q on Query { pages { items { ...F } } } "
        "fragment F on PageInterface { ... on PageInterface { children { ...F } } }",
    ],
)
def test_recursive_fragment_is_a_validation_error(gql, query):
    status, body = gql.post(query)
    assert status == 200
    messages = [error["message"] for error in body["errors"]]
    assert any(message.startswith("Cannot spread fragment") for message in messages)


@pytest.mark.parametrize(
    "definition",
    [
        "schema { query: Query }",
        "type X { a: Int }",
        "extend type Query { x: Int }",
        "directive @d on FIELD",
        "scalar S",
    ],
)
def test_schema_definition_in_query_is_an_error(gql, definition):
    for query in (
        f"{{ locales {{ code }} }} {definition}",
        f"{definition} {{ locales {{ code }} }}",
    ):
        status, body = gql.post(query)
        assert status == 200
        [error] = body["errors"]
        assert error["message"].endswith("definition is not executable."), error


def test_fragments_spread_many_times_are_checked_in_linear_time(gql):
    """Each fragment spreads the one before twice: 2^40 expansions written out."""

    def chain(body):
        return "fragment F0 on PageInterface { id } " + " ".join(
            f"fragment F{i} on PageInterface {{ {body.format(f'...F{i - 1}')} }}"
            for i in range(1, 41)
        )

    flat = "fragment R0 on Query { locales { code } } " + " ".join(
        f"fragment R{i} on Query {{ ...R{i - 1} ...R{i - 1} }}" for i in range(1, 41)
    )
    for query, message in (
        (
            "{ pages { items { ...F40 } } } "
            + chain("children {{ {0} }} parent {{ {0} }}"),
            "(MAX_DEPTH)",
        ),
        (
            "{ pages { items { ...F40 } } } "
            + chain("a: children {{ {0} }} b: parent {{ {0} }}"),
            "aliases, over the limit of 30 (MAX_ALIASES)",
        ),
        ("{ ...R40 } " + flat, None),
    ):
        start = time.perf_counter()
        status, body = gql.post(query)
        assert time.perf_counter() - start < 2
        if message:
            assert status == 200
            assert any(message in error["message"] for error in body["errors"]), body
        else:  # execution, too, collects a fragment once per selection set
            assert "errors" not in body
            assert body["data"]["locales"]


def test_variables_that_are_not_an_object_are_a_clear_error(client, db):
    response = client.post(
        "/graphql/",
        json.dumps({"query": "{ locales { code } }", "variables": [1]}),
        content_type="application/json",
    )
    assert response.status_code == 400  # a malformed request, whatever the Accept
    [error] = response.json()["errors"]
    assert error["message"] == "variables must be an object, not an array."
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_documents_over_the_token_limit_are_refused_before_validation(gql):
    """Validation's cost grows with every definition of the document, used or not:
    unused fragments are refused by their size before any rule runs."""
    unused = " ".join(
        f"fragment F{i} on NewsArticlePage {{ title summary slug }}" for i in range(600)
    )
    status, body = gql.post(f"{{ locales {{ code }} }} {unused}")
    assert status == 200
    [error] = body["errors"]
    assert "more than 5000 tokens" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert body.get("data") is None


def test_syntax_errors_say_where(gql):
    status, body = gql.post("{ locales { code }")
    assert status == 200
    [error] = body["errors"]
    assert error["message"].startswith("Syntax Error:")
    assert error["locations"] == [{"line": 1, "column": 19}]


def test_per_page_queries_are_limited_inside_the_cost_limit(gql):
    """An outside review: `siblings` nested in lists of 100, just under the cost
    limit, sent 10,000 queries (8 s); ten such operations in a batch, 106 s."""
    query = """{ pages(perPage: 100) { items { siblings(limit: 100) {
      siblings(limit: 18) { id } } } } }"""
    status, body = gql.post(query)
    assert status == 200
    [error] = body["errors"]
    assert error["message"] == (
        "The query is refused: 10100 estimated database queries, over the limit "
        "of 500 (MAX_QUERIES)."
    )
    assert gql("{ pages(perPage: 100) { items { children { id } } } }")["pages"]


def test_a_batch_shares_one_cost_limit(client, db, settings):
    settings.CMS_GRAPHQL_LIMITS = {**settings.CMS_GRAPHQL_LIMITS, "MAX_COST": 2_500}
    operation = {"query": "{ pages(perPage: 100) { items { id title slug } } }"}
    status, answers = post(client, [operation] * 10)
    refused = [
        n
        for n, answer in enumerate(answers)
        if "estimated cost of the batch" in str(answer.get("errors"))
    ]
    assert refused == [8, 9]  # the 9th and 10th go over 2,500 together
    assert all(answer["data"]["pages"] for answer in answers[:8])
