"""The response cache (cms.delivery.responses, cms.api.caching) over the real
endpoint: each kind of change drops exactly the cached responses that depended
on it and no others; the schedule bounds how long a response is kept; a hit
costs no SQL; Redis away and back."""

import datetime
import json
import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from cms.delivery import responses
from newsroom.models import NewsArticlePage, NewsIndexPage
from organisation.models import OrganisationIndexPage
from tests import factories
from tests.conftest import TcpProxy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def response_cache(settings, monkeypatch):
    settings.CMS_RESPONSE_CACHE = True
    # One process, one clock: what is computed 20 ms after a change is valid
    # (with the margin of production, only a second later).
    monkeypatch.setattr(responses, "CLOCK_MARGIN", 0.01)
    settings.CMS_HTTP_MAX_AGE = 3600
    settings.CMS_HTTP_STALE_WHILE_REVALIDATE = 600


def read(client, query):
    """(X-Cache, data, SQL queries) of a GET of `query`, which must succeed."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/graphql/", {"query": query})
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return response["X-Cache"], body["data"], len(queries)


def news(code):
    items = "totalCount items { id title }"
    return f"""{{ newsArticles(locale: "{code}") {{ {items} }} }}"""


def section(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


class Reads:
    """The cached reads of the matrix, by name."""

    def __init__(self, client, queries):
        self.client, self.queries = client, queries

    def prime(self):
        """Every read cached (and a second read of each is a hit without SQL)."""
        for name, query in self.queries.items():
            read(self.client, query)
            state, _data, sql = read(self.client, query)
            assert (name, state, sql) == (name, "HIT", 0)

    def dropped(self):
        """The names of the reads that are no longer served from the cache (each
        is read again, so cached afresh); the others cost no SQL."""
        time.sleep(0.02)
        gone = set()
        for name, query in self.queries.items():
            state, _data, sql = read(self.client, query)
            if state == "MISS":
                gone.add(name)
            else:
                assert sql == 0, name
        return gone


@pytest.fixture
def matrix(client):
    category = factories.association_news(slug="policy")
    first = factories.live_article(title="培训会开幕", categories=[category["zh-hans"]])
    second = factories.live_article(title="年会")
    factories.live_article(parent=section("en"), title="Annual meeting")
    factories.SiteSettingsFactory(name="协会")
    factories.MenuFactory(items=[factories.menu_item(page=section("zh-hans"))])
    queries = {
        "news zh-hans": news("zh-hans"),
        "news zh-hant": news("zh-hant"),
        "news en": news("en"),
        "article A": f"""{{ newsArticle(locale: "zh-hans", slug: "{first.slug}") {{
            title categories {{ name }} previousArticle {{ id }} nextArticle {{ id }}
        }} }}""",
        "article B": f"""{{ newsArticle(id: "{second.pk}") {{ title url }} }}""",
        "committees": """{ committees(locale: "zh-hans") { slug name } }""",
        "settings": """{ siteSettings(locale: "zh-hans") { name } }""",
        "menu": """{ menu(key: "header", locale: "zh-hans") {
            items { label url } } }""",
        "search": """{ search(query: "培训", locale: "zh-hans") {
            totalCount items { item { ... on NewsArticlePage { id title } } } } }""",
    }
    reads = Reads(client, queries)
    reads.prime()
    return reads, first, second, category


ARTICLE_LISTS = {"news zh-hans", "article A"}


def test_each_change_drops_exactly_what_depended_on_it(
    matrix, django_capture_on_commit_callbacks
):
    reads, first, second, category = matrix
    commit = django_capture_on_commit_callbacks

    # A new article, with its automatic zh-hant edition, indexed for search.
    with commit(execute=True):
        factories.live_article(title="培训通知")
    assert reads.dropped() == {*ARTICLE_LISTS, "news zh-hant", "search"}
    state, data, _sql = read(reads.client, reads.queries["search"])
    assert data["search"]["totalCount"] == 2

    # Republished: its zh-hant edition is synced, its reader by id and the
    # search index (reindexed) follow.
    with commit(execute=True):
        second.title = "年会（更新）"
        factories.publish(second)
    assert reads.dropped() == {*ARTICLE_LISTS, "news zh-hant", "article B", "search"}
    assert read(reads.client, reads.queries["article B"])[1]["newsArticle"] == {
        "title": "年会（更新）",
        "url": second.url,
    }

    # A snippet the article shows.
    with commit(execute=True):
        category["zh-hans"].name = "政策法规"
        category["zh-hans"].save()
    # (The articles are indexed with their categories' names. The listing asks
    # for none of its items' categories, so it neither loads them nor goes.)
    assert reads.dropped() == {"article A", "search"}

    # Site settings, then a menu.
    with commit(execute=True):
        row = factories.SiteSettingsFactory._meta.model.objects.get()
        row.name = "浙江省中小企业协会"
        row.save()
    assert reads.dropped() == {"settings"}
    assert read(reads.client, reads.queries["settings"])[1]["siteSettings"] == {
        "name": "浙江省中小企业协会"
    }
    with commit(execute=True):
        menu = factories.MenuFactory._meta.model.objects.get(
            locale__language_code="zh-hans"
        )
        menu.items = [factories.menu_item(url="https://example.org/", label="外链")]
        menu.save()
    assert reads.dropped() == {"menu"}

    # An organisation unit.
    with commit(execute=True):
        factories.OrgUnitFactory(slug="newly", name="新委员会")
    assert reads.dropped() == {"committees", "search"}  # units are searchable

    # Unpublished: gone from the lists and the search index.
    with commit(execute=True):
        NewsArticlePage.objects.get(pk=first.pk).unpublish()
    assert reads.dropped() == {*ARTICLE_LISTS, "search"}

    # Moved below another section: a new URL (wagtail-localize moves its
    # zh-hant edition too).
    about = OrganisationIndexPage.objects.get(locale__language_code="zh-hans")
    with commit(execute=True):
        Page.objects.get(pk=second.pk).move(about, pos="last-child")
    assert reads.dropped() == {*ARTICLE_LISTS, "news zh-hant", "article B"}
    assert read(reads.client, reads.queries["article B"])[1]["newsArticle"][
        "url"
    ].startswith(about.url)

    # Deleted (with its zh-hant edition), and out of the index.
    with commit(execute=True):
        Page.objects.get(pk=second.pk).delete()
    assert reads.dropped() == {*ARTICLE_LISTS, "news zh-hant", "article B", "search"}

    # Nothing committed, nothing dropped.
    assert reads.dropped() == set()


def test_the_search_index_changes_on_the_worker(
    matrix, task_queue, django_capture_on_commit_callbacks
):
    reads, *_rest = matrix
    with django_capture_on_commit_callbacks(execute=True):
        factories.live_article(title="培训报名")
    # The content changed at once; the index (and the zh-hant edition) waits.
    assert reads.dropped() == ARTICLE_LISTS
    assert read(reads.client, reads.queries["search"])[1]["search"]["totalCount"] == 1
    task_queue.run()
    # The index, and the new zh-hant edition: a change of the article's editions
    # (tk:), which the zh-hans listing that read the article depends on.
    assert reads.dropped() == {"search", "news zh-hant", "news zh-hans"}
    assert read(reads.client, reads.queries["search"])[1]["search"]["totalCount"] == 2


def test_after_a_publish_returns_the_next_read_shows_it(
    client, django_capture_on_commit_callbacks
):
    article = factories.live_article(title="旧标题")
    query = f"""{{ newsArticle(id: "{article.pk}") {{ title }} }}"""
    read(client, query)
    assert read(client, query)[:2] == ("HIT", {"newsArticle": {"title": "旧标题"}})
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "新标题"
        factories.publish(article)
    assert read(client, query)[:2] == ("MISS", {"newsArticle": {"title": "新标题"}})


def test_a_change_stamped_while_a_response_was_computed_invalidates_it():
    """The race: a change committed after the computation started may or may not
    have been read, so the response is not served afterwards."""
    recording = responses.Recording(responses.PREFIX + "raced")
    recording.keys.add("page:1")
    responses.stamp_keys(["page:1"])  # committed while it was computed
    responses.store(recording, b"{}", '"e"', "application/json", 60)
    assert responses.fetch(recording.key) is None
    # Stamped before the computation started (more than the clocks' margin).
    cache.set(responses.STAMP + "page:1", time.time() - 2 * responses.CLOCK_MARGIN)
    calm = responses.Recording(responses.PREFIX + "calm")
    calm.keys.add("page:1")
    responses.store(calm, b"{}", '"e"', "application/json", 60)
    assert responses.fetch(calm.key)["body"] == b"{}"


def max_age(response):
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1])


def test_expiry_and_go_live_bound_the_lifetime(
    client, django_capture_on_commit_callbacks
):
    soon = timezone.now() + datetime.timedelta(seconds=3)
    factories.live_article(title="即将下线", expire_at=soon)
    query = news("zh-hans")
    response = client.get("/graphql/", {"query": query})
    assert 0 < max_age(response) <= 3
    assert "即将下线" in response.content.decode()
    assert client.get("/graphql/", {"query": query})["X-Cache"] == "HIT"
    time.sleep(3.2)
    response = client.get("/graphql/", {"query": query})
    assert response["X-Cache"] == "MISS"
    assert "即将下线" not in response.content.decode()

    # A revision scheduled to go live in 20 seconds (not yet a change readers
    # see) bounds the lifetime of what is computed after it.
    article = factories.live_article(title="定时")
    article.title = "定时发布"
    read(client, news("en"))
    with django_capture_on_commit_callbacks(execute=True):
        revision = article.save_revision()
        revision.approved_go_live_at = timezone.now() + datetime.timedelta(seconds=20)
        revision.save()
    # Nothing readers see changed, but what was computed before may not know
    # the new bound: every response is computed afresh.
    response = client.get("/graphql/", {"query": news("en")})
    assert response["X-Cache"] == "MISS"
    assert 15 <= max_age(response) <= 20
    assert int(response["Cache-Control"].split("stale-while-revalidate=")[1]) <= 20


def test_view_counts_are_kept_briefly(client, settings):
    settings.CMS_VIEW_COUNT_MAX_AGE = 5
    article = factories.live_article(title="热门")
    shown = f"""{{ newsArticle(id: "{article.pk}") {{ title viewCount }} }}"""
    assert max_age(client.get("/graphql/", {"query": shown})) <= 5
    ordered = """{ newsArticles(order: "-viewCount") { items { id } } }"""
    assert max_age(client.get("/graphql/", {"query": ordered})) <= 5
    assert max_age(client.get("/graphql/", {"query": news("zh-hans")})) == 3600
    settings.CMS_VIEW_COUNT_MAX_AGE = 0
    cache.clear()
    client.get("/graphql/", {"query": shown})
    assert client.get("/graphql/", {"query": shown})["X-Cache"] == "MISS"


def test_undeclared_root_fields_depend_on_every_change(client, monkeypatch):
    from cms.api import caching

    monkeypatch.delitem(caching.DECLARED, ("Query", "locales"))
    read(client, "{ locales { code } }")
    assert read(client, "{ locales { code } }")[0] == "HIT"
    responses.stamp_keys(["wagtailimages.image:999999", responses.ANY_CHANGE])
    assert read(client, "{ locales { code } }")[0] == "MISS"


def test_every_root_field_is_covered():
    """Each root field's type is a model's (the rules find its keys) or its keys
    are declared; none falls back to depending on every change."""
    from grapple.schema import schema

    from cms.api import caching

    query = schema.graphql_schema.query_type
    uncovered = [
        name
        for name, field in query.fields.items()
        if caching.model_of_type(field.type) is None
        and ("Query", name) not in caching.DECLARED
    ]
    assert uncovered == []


# ------------------------------------------------------------------- outage


@pytest.fixture
def proxied_redis(private_redis, settings):
    """The production cache on a Redis reached through a proxy that the test
    cuts and restores (Redis keeps its data meanwhile)."""
    proxy = TcpProxy(("127.0.0.1", private_redis.port))
    proxy.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{proxy.port}/0",
            "RETRY_INTERVAL": 0,
        }
    }
    yield proxy
    if proxy.running:
        proxy.stop()
    responses.Shared.saw_outage = False


def test_redis_away_neither_read_nor_written_and_nothing_stale_after(
    proxied_redis, django_capture_on_commit_callbacks, caplog
):
    article = factories.live_article(title="停电前")
    query = f"""{{ newsArticle(id: "{article.pk}") {{ title }} }}"""
    reader = Client()
    read(reader, query)
    assert read(reader, query)[0] == "HIT"

    proxied_redis.stop()
    for _ in range(2):  # computed each time: no entry kept in process memory
        assert read(reader, query)[:2] == (
            "MISS",
            {"newsArticle": {"title": "停电前"}},
        )
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "停电中"
        factories.publish(article)  # its stamps cannot reach Redis

    proxied_redis.start()
    # Redis still holds the entry from before; it missed the change.
    assert read(reader, query)[:2] == ("MISS", {"newsArticle": {"title": "停电中"}})
    time.sleep(0.02)  # past the clocks' margin after the stamp of `all`
    read(reader, query)
    assert read(reader, query)[0] == "HIT"
    assert any("is back" in r.getMessage() for r in caplog.records)


def test_a_hit_is_one_cache_call_while_nothing_changed(client, monkeypatch):
    article = factories.live_article(title="计数")
    query = f"""{{ newsArticle(id: "{article.pk}") {{ title }} }}"""
    read(client, query)
    calls, depth = [], []

    def counted(name, original):
        def call(*args, **kwargs):
            if not depth:  # (LocMemCache's get_many calls its get)
                calls.append(name)
            depth.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                depth.pop()

        return call

    for name in ("get", "get_many", "set", "set_many", "has_key"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    assert read(client, query)[::2] == ("HIT", 0)
    assert calls == ["get_many"]  # the entry and the generation
    # After a change elsewhere: its keys' stamps are read once, and the entry
    # is kept with the new generation.
    responses.stamp_keys(["wagtailimages.image:999999"])
    calls.clear()
    assert read(client, query)[::2] == ("HIT", 0)
    assert calls == ["get_many", "get_many", "set"]
    calls.clear()
    assert read(client, query)[::2] == ("HIT", 0)
    assert calls == ["get_many"]


def test_post_is_cached_too_and_keyed_by_variables(client):
    article = factories.live_article(title="变量")
    query = "query A($id: ID) { newsArticle(id: $id) { title } }"

    def post(**variables):
        return client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
        )

    assert post(id=str(article.pk))["X-Cache"] == "MISS"
    assert post(id=str(article.pk))["X-Cache"] == "HIT"
    other = post(id="999999")
    assert other["X-Cache"] == "MISS"
    assert other.json() == {"data": {"newsArticle": None}}
