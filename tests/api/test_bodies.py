"""Request bodies the API does not read (issue 15, item 5): JSON nested too deep,
file uploads, bodies over the limit. Each is a 4xx with a clear JSON error."""

import json

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

pytestmark = pytest.mark.django_db

DEEP = 50_000


def error_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    return error["message"]


@pytest.mark.parametrize(
    "body",
    [
        "[" * DEEP + "]" * DEEP,
        json.dumps({"query": "{ __typename }"})[:-1]
        + ', "variables": {"a": '
        + "[" * DEEP
        + "]" * DEEP
        + "}}",
    ],
    ids=["batch", "variables"],
)
def test_json_nested_50000_deep_is_a_400(client, body):
    response = client.post("/graphql/", body, content_type="application/json")
    assert error_of(response, 400) == "The JSON body is nested too deeply."


def test_json_nested_deep_on_the_view_endpoint_is_no_server_error(client):
    body = "[" * DEEP + "]" * DEEP
    response = client.post(
        "/api/news/999999/view/", body, content_type="application/json"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_graphql_takes_no_file_upload(client):
    upload = encode_multipart(
        BOUNDARY, {"query": "{ __typename }", "file": ("x" * 10_000).encode()}
    )
    response = client.generic("POST", "/graphql/", upload, MULTIPART_CONTENT)
    assert "no file uploads" in error_of(response, 415)


def test_a_body_over_the_limit_is_a_413_before_it_is_read(settings):
    settings.CMS_GRAPHQL_MAX_BODY_SIZE = 1000
    query = "{ __typename }" + " " * 1000
    body = json.dumps({"query": query})
    # A body the stream cannot give: the view must refuse it on the length alone.
    response = Client().generic(
        "POST", "/graphql/", body, "application/json", CONTENT_LENGTH="10000000"
    )
    assert "over 1000 bytes" in error_of(response, 413)
    response = Client().post("/graphql/", body, content_type="application/json")
    assert response.status_code == 413
    small = json.dumps({"query": "{ __typename }"})
    response = Client().post("/graphql/", small, content_type="application/json")
    assert response.json() == {"data": {"__typename": "Query"}}
