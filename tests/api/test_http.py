"""The API over HTTP: CORS for the frontends' origins only, CSRF for requests that
carry a session, no mutation over GET, GraphiQL and introspection per
environment, and the admin login's lockout."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

QUERY = "{ locales { code } }"


def post(client, query=QUERY, **extra):
    return client.post(
        "/graphql/",
        json.dumps({"query": query}),
        content_type="application/json",
        **extra,
    )


def test_cors_only_for_the_configured_origins(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.example.org"]
    preflight = client.options(
        "/graphql/",
        HTTP_ORIGIN="https://www.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == "https://www.example.org"
    assert "Access-Control-Allow-Credentials" not in preflight
    answer = post(client, HTTP_ORIGIN="https://www.example.org")
    assert answer["Access-Control-Allow-Origin"] == "https://www.example.org"
    foreign = post(client, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in foreign
    # Only the API: the admin sends no CORS headers to anyone.
    admin = client.get("/admin/login/", HTTP_ORIGIN="https://www.example.org")
    assert "Access-Control-Allow-Origin" not in admin


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_superuser("editor", password="pw-1234567")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_requests_with_a_session_need_a_csrf_token(editor):
    assert post(editor).status_code == 403
    editor.get("/admin/")  # sets the CSRF cookie, as the admin's pages do
    token = editor.cookies["csrftoken"].value
    answer = post(editor, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 200
    assert answer.json()["data"]["locales"]


def test_anonymous_requests_need_no_csrf_token(db):
    answer = post(Client(enforce_csrf_checks=True))
    assert answer.status_code == 200


def test_no_mutation_over_get(client, db):
    query = "mutation { recordArticleView(id: 1) { viewCount } }"
    answer = client.get("/graphql/", {"query": query})
    assert answer.status_code == 405
    assert client.get("/graphql/", {"query": QUERY}).status_code == 200


def test_graphiql_is_off_outside_development(client, db):
    answer = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert answer.status_code == 400
    assert b"graphiql" not in answer.content.lower()


def test_admin_login_locks_out_after_repeated_failures(db, settings):
    get_user_model().objects.create_superuser("admin", password="right-pw-123")
    client = Client()

    def log_in(password):
        return client.post("/admin/login/", {"username": "admin", "password": password})

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in("wrong").status_code == 200  # the form again, with an error
    assert log_in("wrong").status_code == 429
    # Locked: even the right password is refused now.
    answer = log_in("right-pw-123")
    assert answer.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not locked out of a different account.
    get_user_model().objects.create_superuser("other", password="other-pw-123")
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")
    answer = elsewhere.post(
        "/admin/login/", {"username": "other", "password": "other-pw-123"}
    )
    assert answer.status_code == 302
