"""Redis away (issue 15, item 5): readers notice nothing, limits count per process.

The cache is production's (cms.cache.FailSafeRedisCache) on a private
`redis-server` that the test stops mid-test and starts again; the requests are real
ones through the test client.
"""

import json
import logging

import pytest
from django.test import Client

from tests.factories import live_article

pytestmark = pytest.mark.django_db

LISTING = """{ newsArticles(locale: "zh-hans") { items { id title url } } }"""
SEARCH = """{ search(query: "宁波港口", locale: "zh-hans") {
  totalCount items { item { ... on NewsArticlePage { id url } } } } }"""
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0"


@pytest.fixture
def redis_cache(private_redis, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.FailSafeRedisCache",
            "LOCATION": private_redis.url,
            "RETRY_INTERVAL": 0,
        }
    }
    settings.CMS_RATE_LIMITS = {**settings.CMS_RATE_LIMITS, "article-view": (3, 60)}
    return private_redis


def graphql(client, query):
    response = client.post(
        "/graphql/", json.dumps({"query": query}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def reads(client, article):
    """What a reader gets: the listing, a search, the article's page."""
    listing = graphql(client, LISTING)["newsArticles"]["items"]
    found = graphql(client, SEARCH)["search"]
    page = client.get(article.url)
    assert page.status_code == 200
    assert article.title in page.content.decode()
    return listing, found


def view(client, article):
    response = client.post(f"/api/news/{article.pk}/view/")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def outage_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "cms.cache"]


def test_reads_stay_correct_and_limits_count_per_process_while_redis_is_away(
    redis_cache, caplog
):
    article = live_article(title="宁波港口发布会")
    reader = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9")
    before = reads(reader, article)
    assert before[0][0]["url"] == article.url and article.url
    assert before[1]["items"][0]["item"]["url"] == article.url
    assert redis_cache.keys(), "the cache was not Redis"

    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="cms.cache"):
        for _ in range(3):
            assert reads(reader, article) == before
        # De-duplicated and limited per process: counted once, refused at 4.
        assert view(reader, article) == (200, {"viewCount": 1, "counted": True})
        assert view(reader, article) == (200, {"viewCount": 1, "counted": False})
        assert view(reader, article)[0] == 200
        status, body = view(reader, article)
    assert status == 429 and "Too many requests" in body["error"]
    [lost] = outage_lines(caplog)
    assert "does not answer" in lost and "per process" in lost
    assert "6379" not in lost

    caplog.clear()
    redis_cache.start()
    with caplog.at_level(logging.WARNING, logger="cms.cache"):
        assert reads(reader, article) == before
        # Back on Redis (this one keeps nothing on disk, so it starts empty).
        assert view(reader, article) == (200, {"viewCount": 2, "counted": True})
    assert outage_lines(caplog) == [
        f"The cache (Redis at 127.0.0.1:{redis_cache.port}) answers again: shared."
    ]
    assert any(b"newsroom:view" in key for key in redis_cache.keys())


def test_nothing_about_redis_reaches_a_client(redis_cache, client):
    article = live_article(title="宁波港口发布会")
    redis_cache.stop()
    answers = [
        client.post(
            "/graphql/",
            json.dumps({"query": LISTING}),
            content_type="application/json",
        ),
        client.post(f"/api/news/{article.pk}/view/"),
        client.get(article.url),
        client.get("/zh-hans/"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.content
        text = answer.content.decode()
        for detail in ("Error 111", "Connection refused", str(redis_cache.port)):
            assert detail not in text
