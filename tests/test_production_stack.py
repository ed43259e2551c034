"""The production stack as an operator runs it (issue 15, "Done when"): two
gunicorn app servers (`-c deploy/gunicorn.conf.py`, the production settings from
the environment only) and one `manage.py worker`, sharing one PostgreSQL
database, a Redis and an S3 API; then, in order, what a reader and an editor
must be able to count on.

The stack is started once for the module; the tests run in file order on it (the
faults come last and each undoes its own). The test makes its own faults and
never touches the machine's services: PostgreSQL is reached through a TCP proxy
the test stops and starts (`TcpProxy`), Redis is a private `redis-server` it stops
and starts (`PrivateRedis`), the S3 API is moto's server (`s3_endpoint`). On the
SQLite pass too: the database is a new PostgreSQL one (`postgres_database`).
"""

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.api.test_object_storage import CDN
from tests.conftest import (
    PrivateRedis,
    TcpProxy,
    new_bucket,
    postgres_database,
    s3_environment,
)
from tests.test_app_server import slow_clients
from tests.test_production_settings import ROOT, manage, production_env
from tests.test_two_processes import PASSWORD, Server, log_in, rendition_through

LISTING = """query ($locale: String) { newsArticles(locale: $locale) {
  items { id title url } } }"""
SEARCH = """{ search(query: "会员大会", locale: "zh-hans") {
  totalCount items { item { ... on NewsArticlePage { id title url } } } } }"""
MAKE_CONTENT = f"""
from django.contrib.auth import get_user_model
from django.db import transaction
from newsroom.models import NewsIndexPage
from tests.factories import skeleton
with transaction.atomic():
    skeleton()
get_user_model().objects.create_superuser("mk-editor", "", "{PASSWORD}")
print(NewsIndexPage.objects.get(locale__language_code="zh-hans").pk)
"""
TITLE = "年度会员大会召开"
HANT_TITLE = "年度會員大會召開"
SCHEDULED = "会员大会预告"


def gunicorn(port):
    """The production start command (README, Production)."""
    return ["-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"] + [
        "--bind",
        f"127.0.0.1:{port}",
    ]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, s3_endpoint):
    tmp = tmp_path_factory.mktemp("stack")
    redis = PrivateRedis(tmp)
    redis.start()
    bucket = new_bucket(s3_endpoint)
    with postgres_database("cms_stack_") as (host, port, name, credentials):
        proxy = TcpProxy((host, port))
        proxy.start()
        env = {
            "DATABASE_URL": f"postgres://{credentials}127.0.0.1:{proxy.port}/{name}",
            "CACHE_URL": redis.url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "CMS_NUM_PROXIES": "0",
            "SECURE_SSL_REDIRECT": "false",
            "CMS_MEDIA_BASE_URL": CDN,
            "WEB_CONCURRENCY": "2",
            **s3_environment(bucket),
        }
        result = manage("migrate", "--noinput", **env)
        assert result.returncode == 0, result.stderr
        result = manage("shell", "--no-imports", "-c", MAKE_CONTENT, **env)
        assert result.returncode == 0, result.stderr
        news_index = int(result.stdout.split()[-1])

        def start(name, command):
            process_env = {**env, "MEDIA_ROOT": str(tmp / f"{name}-media")}
            return Server(production_env(**process_env), tmp / f"{name}.log", command)

        first, second = start("first", gunicorn), start("second", gunicorn)
        background = Worker(
            production_env(**env, MEDIA_ROOT=str(tmp / "worker-media")),
            tmp / "worker.log",
        )
        try:
            first.wait()
            second.wait()
            yield SimpleNamespace(
                first=first,
                second=second,
                servers=(first, second),
                worker=background,
                redis=redis,
                proxy=proxy,
                bucket=bucket,
                news_index=news_index,
            )
        finally:
            for process in (first, second, background):
                process.stop()
            proxy.stop()
            redis.stop()
    for name in ("first", "second", "worker"):
        assert not (tmp / f"{name}-media").exists(), "a file went to a disk"


class Worker:
    """`manage.py worker`, the production worker's start command (README)."""

    def __init__(self, env, log):
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def publish(server, news_index, title, slug, go_live_at=None):
    """Publishes a news article through `server`'s admin, as an editor does."""
    log_in(server)
    form = {
        "title": title,
        "slug": slug,
        "summary": "",
        "body": streamfield([]),
        "authors": inline_formset([]),
        "tags": "",
        "action-publish": "action-publish",
    }
    if go_live_at:
        form["go_live_at"] = go_live_at.astimezone(ZoneInfo("Asia/Shanghai"))
        form["go_live_at"] = form["go_live_at"].strftime("%Y-%m-%d %H:%M:%S")
    body = urlencode(
        {"csrfmiddlewaretoken": server.cookies["csrftoken"], **nested_form_data(form)}
    )
    status, headers, answer = server.request(
        "POST",
        f"/admin/pages/add/newsroom/newsarticlepage/{news_index}/",
        body.encode(),
        "application/x-www-form-urlencoded",
    )
    assert status == 302, answer[:3000]
    server.cookies.clear()


def titles(server, locale):
    items = server.graphql(LISTING, locale=locale)["newsArticles"]["items"]
    return {item["title"]: item["url"] for item in items}


def eventually(check, seconds, what):
    """The first true answer of `check()`, tried until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while not (answer := check()):
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.5)
    return answer


def test_published_through_one_read_through_the_other_with_its_zh_hant_edition(
    stack,
):
    publish(stack.first, stack.news_index, TITLE, "meeting")
    # The worker makes the zh-hant edition and the search entries.
    eventually(
        lambda: HANT_TITLE in titles(stack.second, "zh-hant"), 30, "zh-hant edition"
    )
    hans, hant = titles(stack.second, "zh-hans"), titles(stack.second, "zh-hant")
    assert hans[TITLE].endswith("/zh-hans/news/meeting/"), hans
    assert hant[HANT_TITLE].endswith("/zh-hant/news/meeting/"), hant
    assert titles(stack.first, "zh-hant") == hant
    found = eventually(
        lambda: stack.second.graphql(SEARCH)["search"]["items"], 30, "search entry"
    )
    assert [item["item"]["title"] for item in found] == [TITLE]


def test_image_uploaded_through_one_rendition_through_the_other(stack):
    rendition_through(stack.first, stack.second, stack.bucket)


def test_scheduled_go_live_happens_without_a_command_run_by_hand(stack):
    title = SCHEDULED
    publish(
        stack.first,
        stack.news_index,
        title,
        "later",
        go_live_at=timezone.now() + timedelta(seconds=5),
    )
    assert title not in titles(stack.second, "zh-hans")
    # The worker's every-minute run of scheduled publishing (cms/worker/schedule.py).
    eventually(lambda: title in titles(stack.second, "zh-hans"), 75, "go-live")
    assert title in titles(stack.first, "zh-hans")


def reads(server):
    """What a reader gets from `server`: the listing (with its URLs), a search."""
    return (
        server.graphql(LISTING, locale="zh-hans")["newsArticles"]["items"],
        server.graphql(SEARCH)["search"],
    )


def send(server, call):
    """(status, headers, text) of one call (method, path, JSON body or None)."""
    method, path, data = call
    body = json.dumps(data).encode() if data else None
    content_type = "application/json" if data else None
    status, headers, text = server.request(method, path, body, content_type)
    return status, headers, text.decode()


def burst(stack, calls, rounds):
    """The statuses of `rounds` times each of `calls` on each server, eight at a
    time; the bodies of those that failed."""
    jobs = [(s, call) for _ in range(rounds) for s in stack.servers for call in calls]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda job: send(*job), jobs))
    return [status for status, _h, _t in answers], [
        text[:300] for status, _h, text in answers if status != 200
    ]


def graphql_call(query, **variables):
    return ("POST", "/graphql/", {"query": query, "variables": variables})


def test_redis_away_readers_get_no_5xx_and_the_same_answers(stack):
    before = reads(stack.first)
    assert reads(stack.second) == before
    listing, found = before
    assert all(item["url"] for item in listing)
    assert {i["item"]["title"] for i in found["items"]} == {TITLE, SCHEDULED}
    article = next(item for item in listing if item["title"] == TITLE)
    calls = [
        graphql_call(LISTING, locale="zh-hans"),
        graphql_call(SEARCH),
        ("GET", article["url"].removeprefix(CDN), None),
    ]
    stack.redis.stop()
    try:
        statuses, failed = burst(stack, calls, rounds=10)
        assert statuses == [200] * len(statuses), failed
        for server in stack.servers:
            assert reads(server) == before
            status, _headers, text = send(server, ("GET", "/readyz", None))
            assert status == 503 and json.loads(text)["checks"]["cache"] != "ok"
    finally:
        stack.redis.start()
    for server in stack.servers:
        assert reads(server) == before
        assert server.request("GET", "/readyz")[0] == 200


def test_database_away_json_503s_then_no_failed_request(stack):
    listing, _found = reads(stack.first)
    article = next(item for item in listing if item["title"] == TITLE)
    view = ("POST", f"/api/news/{article['id']}/view/", None)
    calls = {"graphql": graphql_call(LISTING, locale="zh-hans"), "view": view}
    # What the listing answers before: a reader may get it again from the
    # response cache while the database is away (correct data), or a 503.
    before = {send(server, calls["graphql"])[2] for server in stack.servers}
    stack.proxy.stop()  # the database goes away, for a few of the worker's polls
    away = time.monotonic()
    try:
        while time.monotonic() - away < 3:
            for server in stack.servers:
                assert server.request("GET", "/healthz")[0] == 200
                for what, call in calls.items():
                    status, headers, text = send(server, call)
                    if what == "graphql" and status == 200:
                        assert text in before, text
                        continue
                    assert status == 503, (what, text)
                    assert headers["Retry-After"] == "10"
                    assert headers["Content-Type"].startswith("application/json")
                    assert str(stack.proxy.port) not in text
                    assert "connection" not in text
                    [error] = json.loads(text)["errors"]
                    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            calls.pop("view", None)  # once: its rate limit is 30 a minute
            time.sleep(0.3)
    finally:
        stack.proxy.start()  # back: not one request fails
    calls["search"] = graphql_call(SEARCH)
    statuses, failed = burst(stack, list(calls.values()), rounds=12)
    assert statuses == [200] * len(statuses), failed
    for server in stack.servers:
        assert send(server, view)[0] == 200
    for server in stack.servers:
        assert reads(server)[0] == listing
    # The worker came through too (it polled the queue while the database was
    # away): a publication after the outage gets its zh-hant edition.
    assert stack.worker.process.poll() is None, stack.worker.log.read_text()
    publish(stack.second, stack.news_index, "理事会换届", "board")
    eventually(
        lambda: "理事會換屆" in titles(stack.first, "zh-hant"), 30, "zh-hant edition"
    )


def test_slow_clients_do_not_hold_up_other_readers(stack):
    with slow_clients([server.port for server in stack.servers]):
        for _ in range(3):
            for server in stack.servers:
                started = time.monotonic()
                assert TITLE in titles(server, "zh-hans")
                assert time.monotonic() - started < 2
