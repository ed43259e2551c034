"""Query limits (cms.api.limits): hostile queries are refused before they run,
with errors that name the limit."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings


def deep(levels):
    return "{ pages { " + "children { " * levels + "id" + " }" * levels + " } }"


@pytest.mark.parametrize(
    ("query", "message"),
    [
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
            "{ pages(limit: 100) { children(limit: 100) { children(limit: 100) "
            "{ id } } } }",
            "estimated cost, over the limit of 200000 (MAX_COST)",
        ),
        (
            "{ newsArticles(perPage: 50) { items { relatedArticles { children "
            "(limit: 100) { descendants(limit: 100) { id } } } } } }",
            "estimated cost, over the limit of 200000 (MAX_COST)",
        ),
        ("{ pages(limit: 101) { id } }", "limit 101 on pages is over the maximum"),
        (
            '{ search(query: "党", perPage: 1000) { totalCount } }',
            "perPage 1000 on search is over the maximum page size of 100",
        ),
    ],
)
def test_hostile_queries_are_refused_before_running(gql, query, message):
    with CaptureQueriesContext(connection) as queries:
        status, body = gql.post(query)
    assert status == 400
    assert any(message in error["message"] for error in body["errors"]), body
    assert "data" not in body or body["data"] is None
    assert len(queries) == 0


def test_limits_count_fragments_and_variables(gql):
    query = """
    query($n: PositiveInt) { ...A }
    fragment A on Query { pages(limit: $n) { ...B } }
    fragment B on PageInterface { children(limit: $n) { children(limit: $n) { id } } }
    """
    [error] = gql.errors(query, n=100)
    assert "estimated cost" in error
    assert gql(query, n=3)["pages"] is not None


def test_a_fragment_cycle_is_a_validation_error_not_a_crash(gql):
    [error] = gql.errors(
        "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }"
    )
    assert "Cannot spread fragment" in error


def test_ordinary_queries_pass(gql):
    data = gql(
        "{ newsArticles(perPage: 50) { items { title categories { name } "
        "relatedArticles { title } } } organisation { memberCount } }"
    )
    assert data["newsArticles"]["items"]


def test_limits_come_from_settings(gql, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "MAX_DEPTH": 2}
    [error] = gql.errors("{ pages { children { id } } }")
    assert "over the limit of 2 (MAX_DEPTH)" in error


def post(client, body):
    response = client.post(
        "/graphql/", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


def test_batches_run_each_operation_up_to_the_limit(client, db):
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
    with override_settings(GRAPHQL_INTROSPECTION=False):
        errors = gql.errors("{ __schema { queryType { name } } }")
        assert "introspection has been disabled" in errors[0]
        # Ordinary queries, __typename included, still run.
        assert gql("{ locales { __typename code } }")["locales"]
