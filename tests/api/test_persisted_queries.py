"""Persisted queries on /graphql/ (cms.api.persisted): Apollo's automatic
persisted queries over GET, POST and batches, as Apollo Client's
persisted-query link sends them; GraphQL over HTTP's `documentId`; and
trusted-documents mode (CMS_TRUSTED_DOCUMENTS), with documents registered by
`manage.py register_documents`."""

import hashlib
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.api import persisted
from cms.api.models import TrustedDocument
from tests.api.test_frontend_tokens import frontend

LOCALES = "query Locales {\n  locales {\n    code\n  }\n}"
PROBE = "query Probe {\n  __typename\n}"
CODES = ["zh-hans", "zh-hant", "en"]


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def extensions(query):
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}


def get(client, query=None, hashed=None, **params):
    """GET as Apollo's link sends it: operationName, variables and extensions as
    JSON strings in the URL."""
    if hashed is not None:
        params["extensions"] = json.dumps(extensions(hashed))
    if query is not None:
        params["query"] = query
    response = client.get("/graphql/", params)
    return response.status_code, response.json()


def post(client, body, **headers):
    response = client.post(
        "/graphql/", json.dumps(body), content_type="application/json", **headers
    )
    return response.status_code, response.json()


def code(body):
    [error] = body["errors"]
    return error["extensions"]["code"]


@pytest.fixture(autouse=True)
def forget():
    """Each test starts with no document known to the process."""
    persisted.LOCAL.clear()
    yield
    persisted.LOCAL.clear()


@pytest.fixture
def trusted(settings, db):
    settings.CMS_TRUSTED_DOCUMENTS = True


def register(query, name=""):
    return TrustedDocument.objects.create(
        sha256=sha256(query), body=query, operation_name=name, source="test"
    )


def test_apollo_flow_over_get(client, db):
    status, body = get(client, hashed=LOCALES, operationName="Locales")
    assert status == 200
    assert body == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    # Apollo's link sends the query with its hash: it runs, and is remembered
    # in the shared cache, so another process finds it too.
    status, body = get(client, LOCALES, hashed=LOCALES, operationName="Locales")
    assert status == 200
    assert [locale["code"] for locale in body["data"]["locales"]] == CODES
    assert cache.get(f"apq:{sha256(LOCALES)}") == LOCALES
    persisted.LOCAL.clear()  # as in another process
    status, body = get(client, hashed=LOCALES, variables="{}")
    assert status == 200
    assert [locale["code"] for locale in body["data"]["locales"]] == CODES


def test_apollo_flow_over_post_with_variables(client, db):
    query = "query Tags($n: PositiveInt) { tags(limit: $n) { id } }"
    request = {"extensions": extensions(query), "variables": {"n": 1}}
    status, body = post(client, request)
    assert (status, code(body)) == (200, "PERSISTED_QUERY_NOT_FOUND")
    # The media type of GraphQL over HTTP makes it a request error (400).
    status, body = post(
        client, request, HTTP_ACCEPT="application/graphql-response+json"
    )
    assert (status, code(body)) == (400, "PERSISTED_QUERY_NOT_FOUND")
    assert post(client, {**request, "query": query}) == (200, {"data": {"tags": []}})
    assert post(client, request) == (200, {"data": {"tags": []}})


def test_batches_resolve_each_operation(client, db):
    status, body = post(
        client,
        [
            {"extensions": extensions(LOCALES)},
            {"query": PROBE, "extensions": extensions(PROBE)},
            {"query": LOCALES, "extensions": extensions(LOCALES)},
        ],
    )
    assert status == 200
    assert code(body[0]) == "PERSISTED_QUERY_NOT_FOUND"
    assert body[1]["data"] == {"__typename": "Query"}
    assert len(body[2]["data"]["locales"]) == 3
    status, body = post(
        client,
        [{"extensions": extensions(PROBE)}, {"extensions": extensions(LOCALES)}],
    )
    assert status == 200
    assert body[0]["data"] == {"__typename": "Query"}
    assert len(body[1]["data"]["locales"]) == 3


def test_a_hash_that_is_not_the_querys_is_a_bad_request(client, db):
    status, body = get(client, PROBE + " ", hashed=PROBE)
    assert (status, code(body)) == (400, "BAD_REQUEST")
    assert "not the SHA-256 of the query" in body["errors"][0]["message"]
    assert cache.get(f"apq:{sha256(PROBE)}") is None
    assert get(client, hashed=PROBE)[1]["errors"][0]["message"] == (
        "PersistedQueryNotFound"
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"extensions": "{"}, "extensions must be a JSON object."),
        ({"extensions": "[1]"}, "extensions must be a JSON object."),
        (
            {"extensions": json.dumps({"persistedQuery": {"version": 2}})},
            "Unsupported persisted query version: send version 1.",
        ),
        (
            {
                "extensions": json.dumps(
                    {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}
                )
            },
            "persistedQuery.sha256Hash must be a SHA-256 in hexadecimal (64 digits).",
        ),
        ({"documentId": "sha1:abc"}, "documentId must be a SHA-256 in hexadecimal"),
        ({"documentId": "0" * 64, "query": PROBE}, "documentId or query, not both"),
    ],
)
def test_malformed_persisted_queries_are_bad_requests(client, db, params, message):
    response = client.get("/graphql/", params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert message in error["message"]


def test_document_id_runs_a_registered_document(client, db):
    register(LOCALES, "Locales")
    for document_id in (f"sha256:{sha256(LOCALES)}", sha256(LOCALES).upper()):
        status, body = post(client, {"documentId": document_id})
        assert status == 200
        assert len(body["data"]["locales"]) == 3
    status, body = get(client, documentId=f"sha256:{sha256(PROBE)}")
    assert (status, code(body)) == (200, "PERSISTED_QUERY_NOT_FOUND")


def test_trusted_mode_runs_registered_documents_only(client, trusted):
    register(LOCALES, "Locales")
    for status, body in (
        get(client, hashed=LOCALES),
        get(client, documentId=f"sha256:{sha256(LOCALES)}"),
        get(client, LOCALES),  # the full text, whose hash is registered
        post(client, {"query": LOCALES, "extensions": extensions(LOCALES)}),
    ):
        assert status == 200
        assert len(body["data"]["locales"]) == 3, body

    status, body = get(client, PROBE)
    assert (status, code(body)) == (200, "PERSISTED_QUERY_NOT_ALLOWED")
    message = body["errors"][0]["message"]
    assert "not registered" in message and "manage.py register_documents" in message
    # Automatic registration is refused, and nothing is stored.
    status, body = post(client, {"query": PROBE, "extensions": extensions(PROBE)})
    assert (status, code(body)) == (200, "PERSISTED_QUERY_NOT_ALLOWED")
    assert cache.get(f"apq:{sha256(PROBE)}") is None
    status, body = get(client, hashed=PROBE)
    assert (status, code(body)) == (200, "PERSISTED_QUERY_NOT_FOUND")
    status, body = get(client, documentId=sha256(PROBE))
    assert (status, code(body)) == (200, "PERSISTED_QUERY_NOT_FOUND")


def test_trusted_mode_ignores_automatically_persisted_queries(client, settings, db):
    assert get(client, PROBE, hashed=PROBE)[1] == {"data": {"__typename": "Query"}}
    settings.CMS_TRUSTED_DOCUMENTS = True
    status, body = get(client, hashed=PROBE)
    assert (status, code(body)) == (200, "PERSISTED_QUERY_NOT_FOUND")
    # Registered later, under the same hash: it runs.
    register(PROBE)
    assert get(client, hashed=PROBE)[1] == {"data": {"__typename": "Query"}}


def test_a_token_may_be_allowed_ad_hoc_queries(trusted):
    token, secret = frontend("preview.example.org")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    status, body = post(Client(), {"query": PROBE}, **bearer)
    assert (status, code(body)) == (200, "PERSISTED_QUERY_NOT_ALLOWED")

    token.may_send_ad_hoc_queries = True
    token.save()
    assert post(Client(), {"query": PROBE}, **bearer) == (
        200,
        {"data": {"__typename": "Query"}},
    )
    # And Apollo's automatic persisted queries, for it alone.
    request = {"query": LOCALES, "extensions": extensions(LOCALES)}
    assert post(Client(), request, **bearer)[0] == 200
    hashed = {"extensions": extensions(LOCALES)}
    assert len(post(Client(), hashed, **bearer)[1]["data"]["locales"]) == 3
    assert code(post(Client(), hashed)[1]) == "PERSISTED_QUERY_NOT_FOUND"


def test_editors_signed_in_send_any_query_graphiql(trusted, admin_client):
    status, body = get(admin_client, PROBE)
    assert (status, body) == (200, {"data": {"__typename": "Query"}})
    assert code(get(Client(), PROBE)[1]) == "PERSISTED_QUERY_NOT_ALLOWED"


@pytest.mark.parametrize("mode", [False, True])
def test_a_repeated_persisted_request_costs_no_sql_query(client, settings, db, mode):
    """The document is kept in process memory: a hit needs neither the cache
    nor the database (the query itself, __typename, reads nothing)."""
    settings.CMS_TRUSTED_DOCUMENTS = mode
    if mode:
        register(PROBE)
    else:
        get(client, PROBE, hashed=PROBE)
    persisted.LOCAL.clear()
    with CaptureQueriesContext(connection) as first:
        assert get(client, hashed=PROBE)[1] == {"data": {"__typename": "Query"}}
    assert len(first) == (1 if mode else 0)  # the registry, or the cache
    for params in ({"hashed": PROBE}, {"documentId": sha256(PROBE)}):
        with CaptureQueriesContext(connection) as repeated:
            assert get(client, **params)[1] == {"data": {"__typename": "Query"}}
        assert len(repeated) == 0, repeated.captured_queries
