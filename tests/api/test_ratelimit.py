"""Rate limits (cms.api.ratelimit): per client, counted in the shared cache, with a
clear error when exceeded."""

import json

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from tests.factories import live_article

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0"
VIEW = "mutation ($id: ID!) { recordArticleView(id: $id) { viewCount } }"
SEARCH = '{ search(query: "党支部") { totalCount } }'


@pytest.fixture
def limits(settings):
    settings.CMS_RATE_LIMITS = {"search": (3, 60), "article-view": (2, 60)}


@pytest.fixture
def article(db):
    return live_article()


def graphql(client, query, **variables):
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()


def reader(address="203.0.113.7"):
    return Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=address)


def test_the_view_count_mutation_is_limited_per_client(limits, article):
    client = reader()
    for _ in range(2):
        assert "errors" not in graphql(client, VIEW, id=article.pk)
    [error] = graphql(client, VIEW, id=article.pk)["errors"]
    assert error["message"].startswith(
        "Too many requests (article-view) from this client: at most 2 in 60 seconds."
    )
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < error["extensions"]["retryAfter"] <= 61
    # Another client is not affected.
    assert "errors" not in graphql(reader("198.51.100.2"), VIEW, id=article.pk)


def test_the_view_endpoint_answers_429(limits, article):
    client = reader()
    for _ in range(2):
        assert client.post(f"/api/news/{article.pk}/view/").status_code == 200
    response = client.post(f"/api/news/{article.pk}/view/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 61
    assert "at most 2 in 60 seconds" in response.json()["error"]


def test_the_count_is_shared_through_redis(limits, article, settings):
    """Production counts in Redis: every process sees the same count."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "cms-test-ratelimit",
        }
    }
    caches["default"].clear()
    try:
        client = reader("192.0.2.99")
        graphql(client, VIEW, id=article.pk)
        keys = redis.Redis(db=15).keys("cms-test-ratelimit:*ratelimit:article-view:*")
        assert len(keys) == 1
        # A count another process made is honoured here.
        redis.Redis(db=15).set(keys[0], 2)
        [error] = graphql(client, VIEW, id=article.pk)["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
    finally:
        caches["default"].clear()


def test_search_is_limited_per_client_on_every_field(limits, db):
    client = reader()
    for _ in range(2):
        assert "errors" not in graphql(client, SEARCH)
    listing = '{ newsArticles(search: "党建") { totalCount } }'
    assert "errors" not in graphql(client, listing)
    for query in (
        SEARCH,
        listing,
        '{ memberCompanies(search: "锦恒") { totalCount } }',
    ):
        [error] = graphql(client, query)["errors"]
        assert "Too many requests (search)" in error["message"]
    assert "errors" not in graphql(reader("198.51.100.2"), SEARCH)


def test_new_renditions_are_capped_per_client(limits, settings, db):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    settings.CMS_RATE_LIMITS = {**settings.CMS_RATE_LIMITS, "rendition": (2, 60)}
    image = get_image_model().objects.create(title="封面", file=get_test_image_file())
    query = (
        "query($id: ID!, $w: Int) { image(id: $id) { rendition(width: $w) { url } } }"
    )
    client = reader()
    for width in (320, 480):
        assert "errors" not in graphql(client, query, id=image.pk, w=width)
    # The client has had two renditions made: the third new one is refused
    # before any image is processed.
    [error] = graphql(client, query, id=image.pk, w=640)["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert not image.renditions.filter(filter_spec="width-640").exists()
    # Renditions that exist cost nothing and others are served.
    assert "errors" not in graphql(reader("198.51.100.2"), query, id=image.pk, w=320)
    assert "errors" not in graphql(reader("198.51.100.2"), query, id=image.pk, w=640)


@pytest.mark.parametrize(
    "proxies, forwarded",
    [
        # Reached directly: X-Forwarded-For is the client's own claim.
        (0, ["6.6.6.{n}"]),
        # Behind one proxy, which appends the address it sees: only that entry
        # is believed, whatever the client put in front of it.
        (1, ["6.6.6.{n}, 198.51.100.9"]),
    ],
)
def test_a_client_cannot_escape_its_limit_by_naming_another_address(
    limits, article, settings, proxies, forwarded
):
    settings.CMS_NUM_PROXIES = proxies
    client = reader("10.0.0.1")
    statuses = [
        client.post(
            f"/api/news/{article.pk}/view/",
            HTTP_X_FORWARDED_FOR=forwarded[0].format(n=n),
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]
