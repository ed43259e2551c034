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


# Finding 7: an unexpected error is a JSON answer that tells the client nothing
# about the server, in every settings module (development has DEBUG on).

SECRET = "could not connect to db.internal.example:5432 (/srv/cms/secret.py)"


def leaks(text):
    return any(
        part in text
        for part in ("db.internal.example", "/srv/cms", "secret.py", "Traceback")
    )


def fail(*args, **kwargs):
    raise RuntimeError(SECRET)


@pytest.fixture
def debug_client(db, settings):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    return client


def test_unexpected_exception_is_json_without_details(
    debug_client, monkeypatch, caplog
):
    # In a resolver: masked in the GraphQL answer, logged with its traceback.
    monkeypatch.setattr("cms.api.pages.site_locales", fail)
    answer = post(debug_client)
    assert answer.status_code == 200
    body = answer.json()
    assert body["data"] is None  # locales is a non-null list
    [error] = body["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert error["path"] == ["locales"]
    assert not leaks(answer.content.decode())
    assert SECRET in caplog.text
    assert "Traceback" in caplog.text


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("cms.api.limits.check", "/graphql/"),
        ("newsroom.views.record_view", "/api/news/1/view/"),
        # In a middleware, where Django makes the 500 (its debug page here).
        ("django.middleware.common.CommonMiddleware.process_request", "/graphql/"),
    ],
)
def test_unexpected_exception_outside_graphql_is_json(
    debug_client, monkeypatch, caplog, target, path
):
    monkeypatch.setattr(target, fail)
    answer = debug_client.post(
        path, json.dumps({"query": QUERY}), content_type="application/json"
    )
    assert answer.status_code == 500
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {
        "errors": [
            {
                "message": "Internal server error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        ]
    }
    assert SECRET in caplog.text  # the server's log has it all


def test_deliberate_errors_keep_their_message_and_code(client, db, settings):
    settings.CMS_RATE_LIMITS = {**settings.CMS_RATE_LIMITS, "search": (1, 60)}
    query = '{ search(query: "党") { totalCount } }'
    post(client, query)
    [error] = post(client, query).json()["errors"]
    assert error["message"].startswith("Too many requests (search)")
    assert error["extensions"]["code"] == "RATE_LIMITED"
    [error] = post(client, '{ pages(locale: "xx") { totalCount } }').json()["errors"]
    assert error["message"].startswith("Unknown locale 'xx'.")


def test_post_without_the_final_slash_is_json(debug_client):
    """An outside review: `POST /graphql` (no slash) answered Django's debug page,
    with the settings and the environment (DATABASE_URL, MEDIA_ROOT, PATH)."""
    answer = debug_client.post(
        "/graphql", json.dumps({"query": QUERY}), content_type="application/json"
    )
    assert answer.status_code == 500
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert b"DATABASE" not in answer.content
