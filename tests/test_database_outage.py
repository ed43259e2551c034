"""PostgreSQL away (issue 15, item 5): JSON 503s with Retry-After while it is, and
not one failed request once it is back.

A real production process (`runserver --nothreading`: one thread that keeps its
database connection from request to request, as a sync worker does) reaches a
PostgreSQL database of the test's own through a TCP proxy that the test starts,
stops and starts again; the machine's PostgreSQL is never touched. On the
SQLite pass too: the outage is PostgreSQL's (DATABASE_URL's server when the suite
runs there, else 127.0.0.1:5432).
"""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import TcpProxy, free_port, postgres_database
from tests.test_production_settings import ROOT, manage, production_env

LISTING = '{ newsArticles(locale: "zh-hans") { items { id title url } } }'
# Asked for the first time while the database is away: not in the response cache.
NEW_QUERY = '{ newsArticles(locale: "zh-hans") { items { id title } } }'
# As tests/conftest.py builds it: the skeleton in one transaction.
MAKE_CONTENT = """
from django.db import transaction
from tests.factories import live_article, skeleton
with transaction.atomic():
    skeleton()
article = live_article(title="宁波港口发布会")
print(article.pk, article.url)
"""


@pytest.fixture
def own_database():
    with postgres_database("cms_degrade_") as database:
        yield database


def request(base, method, path, body=None):
    """(status, headers, text) of one request; never raises for a status."""
    headers = {"Content-Type": "application/json"} if body else {}
    data = json.dumps(body).encode() if body else None
    call = urllib.request.Request(base + path, data, headers, method=method)  # noqa: S310
    try:
        response = urllib.request.urlopen(call, timeout=30)  # noqa: S310
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read().decode()


def test_json_503s_while_the_database_is_away_and_no_failure_after(
    own_database, private_redis, tmp_path
):
    host, port, name, credentials = own_database
    env = {
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": private_redis.url,
        "CMS_NUM_PROXIES": "0",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    direct = f"postgres://{credentials}{host}:{port}/{name}"
    result = manage("migrate", "--noinput", DATABASE_URL=direct, **env)
    assert result.returncode == 0, result.stderr
    result = manage("shell", "-c", MAKE_CONTENT, DATABASE_URL=direct, **env)
    assert result.returncode == 0, result.stderr
    article_id, article_url = result.stdout.split()[-2:]

    proxy = TcpProxy((host, port))
    proxy.start()
    server_port = free_port()
    log = tmp_path / "server.log"
    through_proxy = f"postgres://{credentials}127.0.0.1:{proxy.port}/{name}"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading"]
        + [f"127.0.0.1:{server_port}"],
        cwd=ROOT,
        env=production_env(DATABASE_URL=through_proxy, **env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{server_port}"
    calls = {
        "graphql": ("POST", "/graphql/", {"query": LISTING}),
        "view": ("POST", f"/api/news/{article_id}/view/", None),
        "page": ("GET", article_url, None),
    }
    try:
        wait_for(base, server, log)
        answers = {name: request(base, *call) for name, call in calls.items()}
        assert {name: answer[0] for name, answer in answers.items()} == dict.fromkeys(
            calls, 200
        ), answers
        cached = answers["graphql"][2]
        items = json.loads(cached)["data"]["newsArticles"]["items"]
        assert [item["url"] for item in items] == [article_url]
        calls["graphql"] = ("POST", "/graphql/", {"query": NEW_QUERY})

        proxy.stop()  # the database goes away
        # What the response cache holds is still served, unchanged.
        status, headers, text = request(base, "POST", "/graphql/", {"query": LISTING})
        assert (status, headers["X-Cache"], text) == (200, "HIT", cached)
        for _ in range(2):
            for what, call in calls.items():
                status, headers, text = request(base, *call)
                assert status == 503, (what, text)
                assert headers["Retry-After"] == "10"
                for detail in (str(proxy.port), "127.0.0.1", name, "connection"):
                    assert detail not in text, (what, text)
                if what == "page":
                    assert headers["Content-Type"].startswith("text/plain")
                else:
                    [error] = json.loads(text)["errors"]
                    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"

        proxy.start()  # back: every request succeeds
        assert [request(base, *call)[0] for call in calls.values()] == [200] * 3
        # A short cut while no request runs: the kept connection is dead, and the
        # health check, not a reader's request, finds out.
        proxy.stop()
        proxy.start()
        statuses = [
            request(base, *call)[0] for _ in range(5) for call in calls.values()
        ]
        assert statuses == [200] * 15, log.read_text()
    finally:
        server.terminate()
        server.wait(10)
        proxy.stop()


def wait_for(base, server, log):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if request(base, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"no answer from {base}: {log.read_text()}")
