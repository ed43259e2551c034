"""/healthz and /readyz (issue 15, item 4).

Each dependency is broken for real: the cache and the media bucket are pointed at
a local port nothing listens on, and the database in a production process
(tests/test_production_settings.py's `manage`) started with a DATABASE_URL whose
port is closed. The answer names the failed dependency and nothing about where it
is.
"""

import json

import pytest

from cms import health
from tests.conftest import free_port, s3_options
from tests.test_production_settings import manage

SECRET = "mk-db-password"


def get(client, path, **headers):
    response = client.get(path, **headers)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    return response.status_code, response.json()


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_answers_without_the_database_or_a_redirect(client, path):
    # No `db` fixture: any query here would fail the test.
    status, body = get(client, path, HTTP_HOST="10.1.2.3:8000")
    assert (status, body) == (200, {"status": "ok"})


def test_readyz_names_each_dependency(client, db):
    status, body = get(client, "/readyz")
    assert status == 200
    assert body == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "tasks": "ok"},
    }
    assert list(body["checks"]) == list(health.CHECKS)


def test_readyz_reaches_the_media_bucket(client, db, media_bucket):
    status, body = get(client, "/readyz/")
    assert status == 200
    assert body["checks"]["storage"] == "ok"


def test_other_methods_are_refused(client):
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def assert_failed(status, body, dependency, *hidden, along=()):
    """Only `dependency` failed, and those `along` with it (the task queue is a
    table of the database)."""
    failed = [dependency, *along]
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["failed"] == failed
    assert all(
        state == ("failed" if name in failed else "ok")
        for name, state in body["checks"].items()
    )
    text = json.dumps(body)
    for detail in ("127.0.0.1", "localhost", *hidden):
        assert detail not in text


def test_readyz_names_a_cache_that_does_not_answer(client, db, settings):
    port = str(free_port())
    settings.CACHES = {
        "default": {
            # Production's: it would serve from process memory, /readyz asks Redis.
            "BACKEND": "cms.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    assert_failed(*get(client, "/readyz"), "cache", port)


def test_readyz_names_a_bucket_that_does_not_answer(client, db, settings):
    port = str(free_port())
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "cms.content.storage.PrivateS3Storage",
            "OPTIONS": s3_options(f"http://127.0.0.1:{port}", "mk-media"),
        },
    }
    assert_failed(*get(client, "/readyz"), "storage", port, "mk-media")


def test_readyz_names_a_bucket_that_does_not_exist(client, db, settings, s3_endpoint):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "cms.content.storage.PrivateS3Storage",
            "OPTIONS": s3_options(s3_endpoint, "mk-no-such-bucket"),
        },
    }
    assert_failed(*get(client, "/readyz"), "storage", "mk-no-such-bucket")


ASK = (
    "import json; from django.test import Client;"
    "r = Client(HTTP_HOST='10.1.2.3:8000').get({path!r});"
    "print(json.dumps([r.status_code, r['Cache-Control'], r.json()]))"
)


def test_production_readyz_names_a_database_that_does_not_answer():
    port = str(free_port())
    database = f"postgres://cms:{SECRET}@127.0.0.1:{port}/mk_cms"
    for path, expected_status in (("/healthz", 200), ("/readyz", 503)):
        # Plain HTTP, an address for a host: no HTTPS redirect, no host check.
        result = manage(
            "shell", "--no-imports", "-c", ASK.format(path=path), DATABASE_URL=database
        )
        assert result.returncode == 0, result.stderr
        status, cache_control, body = json.loads(result.stdout.splitlines()[-1])
        assert (status, cache_control) == (expected_status, "no-store")
    assert_failed(status, body, "database", port, SECRET, "mk_cms", along=["tasks"])
    # Why is for the operator's log.
    assert port in result.stderr
