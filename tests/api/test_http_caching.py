"""HTTP caching of /graphql/ answers (cms.api.caching): Cache-Control per kind of
answer, a strong ETag and 304 without SQL, no cookie for anonymous readers, Vary
only on what changes the body, surrogate keys."""

import hashlib
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from cms.api.models import FrontendToken
from cms.api.tokens import issue
from cms.content.previews import make_token
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=60, stale-while-revalidate=60"
PRIVATE = "private, no-store"
LISTING = '{ newsArticles(locale: "zh-hans") { items { id title } } }'


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.CMS_RESPONSE_CACHE = True
    settings.CMS_HTTP_MAX_AGE = 60
    settings.CMS_HTTP_STALE_WHILE_REVALIDATE = 60
    settings.CMS_CDN_MAX_AGE = 0


def get(client, query, **headers):
    return client.get("/graphql/", {"query": query}, **headers)


def post(client, query, **headers):
    return client.post(
        "/graphql/",
        json.dumps({"query": query}),
        content_type="application/json",
        **headers,
    )


def test_an_anonymous_query_is_public_with_a_strong_etag_and_no_cookie(client):
    article = factories.live_article(title="公开")
    response = get(client, LISTING)
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.cookies == {}
    assert "Set-Cookie" not in str(response.serialize_headers())
    assert response["Vary"] == "Accept, origin"
    assert not response.has_header("Content-Language")
    keys = response["Surrogate-Key"].split(" ")
    assert {f"page:{article.pk}", "list:newsroom.newsarticlepage:zh-hans"} <= set(keys)
    assert response["Cache-Tag"].split(",") == keys
    assert keys == sorted(keys)
    assert response["Content-Length"] == str(len(response.content))
    # The same body from the cache: the same ETag and headers.
    again = get(client, LISTING)
    assert again["X-Cache"] == "HIT"
    assert (again.content, again["ETag"]) == (response.content, etag)
    assert again["Cache-Control"] == PUBLIC and again.cookies == {}


def test_if_none_match_is_a_304_without_any_sql(client, django_assert_num_queries):
    factories.live_article(title="缓存")
    etag = get(client, LISTING)["ETag"]
    with django_assert_num_queries(0):
        response = get(client, LISTING, HTTP_IF_NONE_MATCH=etag)
        head = client.head("/graphql/", {"query": LISTING}, HTTP_IF_NONE_MATCH=etag)
        listed = get(client, LISTING, HTTP_IF_NONE_MATCH=f'"other", {etag}')
    assert [response.status_code, head.status_code, listed.status_code] == [304] * 3
    assert response.content == b""
    assert response["ETag"] == etag and response["Cache-Control"] == PUBLIC
    assert not response.has_header("Surrogate-Key")  # the 200's stay at the CDN
    assert get(client, LISTING, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # A POST is never answered with a 304.
    assert post(client, LISTING, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_304_on_a_miss_too_when_the_body_is_the_same(client):
    etag = get(client, LISTING)["ETag"]
    cache.clear()
    response = get(client, LISTING, HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, response["X-Cache"]) == (304, "MISS")


def test_with_the_response_cache_off_answers_are_revalidated(client, settings):
    settings.CMS_RESPONSE_CACHE = False
    response = get(client, LISTING)
    assert response["Cache-Control"] == "no-cache"
    assert response.cookies == {} and response["Vary"] == "Accept, origin"
    assert not response.has_header("Surrogate-Key")
    again = get(client, LISTING, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and not again.has_header("X-Cache")


def test_the_cdn_max_age(client, settings):
    settings.CMS_CDN_MAX_AGE = 600
    assert get(client, LISTING)["Cache-Control"] == f"{PUBLIC}, s-maxage=600"


def test_accept_changes_the_media_type_and_so_the_entry(client):
    plain = get(client, LISTING)
    typed = get(client, LISTING, HTTP_ACCEPT="application/graphql-response+json")
    assert typed["X-Cache"] == "MISS"
    assert typed["Content-Type"].startswith("application/graphql-response+json")
    assert plain["Content-Type"].startswith("application/json")
    assert get(client, LISTING, HTTP_ACCEPT="application/graphql-response+json")[
        "Content-Type"
    ].startswith("application/graphql-response+json")


def test_accept_language_changes_no_successful_answer(client, settings):
    """Why Vary leaves Accept-Language out: a successful answer is the same in
    every admin language (only error messages are translated)."""
    settings.CMS_RESPONSE_CACHE = False
    factories.live_article(title="语言")
    query = """{ locales { code name } newsArticles(locale: "en") { totalCount }
      newsCategories(locale: "zh-hant") { name } }"""
    bodies = {
        get(client, query, HTTP_ACCEPT_LANGUAGE=language).content
        for language in ("zh-hans", "zh-hant", "en")
    }
    assert len(bodies) == 1


def test_mutations_are_private(client):
    article = factories.live_article(title="浏览")
    response = post(
        client, f"mutation {{ recordArticleView(id: {article.pk}) {{ viewCount }} }}"
    )
    assert response.status_code == 200 and "errors" not in response.json()
    assert response["Cache-Control"] == PRIVATE
    assert response.cookies == {}
    assert not response.has_header("ETag")


def test_previews_are_private_and_never_cached(client):
    parent = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    draft = factories.NewsArticlePageFactory(parent=parent, live=False, title="草稿")
    draft.save_revision()
    draft = NewsArticlePage.objects.get(pk=draft.pk)
    query = f'{{ page(token: "{make_token(draft)}") {{ title }} }}'
    for _ in range(2):
        response = get(client, query)
        assert response.json() == {"data": {"page": {"title": "草稿"}}}
        assert response["Cache-Control"] == PRIVATE
        assert not response.has_header("X-Cache")


def test_errors_are_private_and_never_cached(client):
    for query in ("{ nope }", '{ newsArticles(locale: "xx") { totalCount } }'):
        response = get(client, query)
        assert response.json()["errors"]
        assert response["Cache-Control"] == PRIVATE
        assert response.cookies == {}
        assert get(client, query)["Cache-Control"] == PRIVATE
    assert get(client, "")["Cache-Control"] == PRIVATE  # no query at all: a 400


def test_frontend_tokens_are_private(db):
    token = FrontendToken(name="站点")
    secret = issue(token)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = get(client, LISTING)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    unknown = get(Client(HTTP_AUTHORIZATION="Bearer nope"), LISTING)
    assert unknown.status_code == 401 and unknown["Cache-Control"] == PRIVATE


def test_editors_with_a_session_are_private_and_keep_their_csrf_cookie(db):
    user = get_user_model().objects.create_superuser("editor", password="pw-1234567")
    editor = Client()
    editor.force_login(user)
    response = editor.get("/graphql/", {"query": LISTING})
    assert response["Cache-Control"] == PRIVATE
    assert "csrftoken" in response.cookies
    assert not response.has_header("X-Cache")


def test_a_batch_is_answered_uncached(client):
    response = client.post(
        "/graphql/",
        json.dumps([{"query": LISTING}]),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert response.cookies == {}


def test_graphiql_is_never_answered_from_the_cache(client, settings):
    settings.CMS_GRAPHIQL = True
    get(client, LISTING)
    assert get(client, LISTING)["X-Cache"] == "HIT"
    page = get(client, LISTING, HTTP_ACCEPT="text/html")
    assert page["Content-Type"].startswith("text/html")
    assert page["Cache-Control"] == PRIVATE


def test_too_many_keys_for_a_header_give_way_to_broader_ones():
    from cms.api.caching import MAX_SURROGATE_BYTES, surrogate_keys

    rows = [f"page:{n}" for n in range(MAX_SURROGATE_BYTES // 6)]
    keys = ["all", "scheduled", "list:wagtailcore.page:en", "search:en", *rows]
    assert surrogate_keys(keys) == [
        "all",
        "list:wagtailcore.page:en",
        "search:en",
        "any",
    ]
    assert surrogate_keys(keys[:5]) == [
        "all",
        "list:wagtailcore.page:en",
        "search:en",
        "page:0",
    ]


def test_automatic_persisted_queries_over_get_are_cached(client):
    """What a CDN sees from Apollo's persisted query link: a GET naming the
    document by its hash, cached once the hash is known."""
    factories.live_article(title="持久化")
    sha = hashlib.sha256(LISTING.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha}})
    by_hash = {"extensions": extensions}
    unknown = client.get("/graphql/", by_hash)
    assert unknown.json()["errors"][0]["extensions"]["code"] == (
        "PERSISTED_QUERY_NOT_FOUND"
    )
    assert unknown["Cache-Control"] == PRIVATE
    client.post(
        "/graphql/",
        json.dumps({"query": LISTING, "extensions": json.loads(extensions)}),
        content_type="application/json",
    )
    first = client.get("/graphql/", by_hash)
    assert (first["X-Cache"], first["Cache-Control"]) == ("MISS", PUBLIC)
    again = client.get("/graphql/", by_hash)
    assert (again["X-Cache"], again.content) == ("HIT", first.content)
    assert "持久化" in again.content.decode()


def test_an_answer_asked_through_another_host_is_another_answer(client, settings):
    # Without CMS_PUBLIC_BASE_URLS, absolute URLs come from the request's origin:
    # an answer made for one Host must never be served to another (poisoning).
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    article = factories.live_article(title="主机")
    slug = article.slug
    query = f'{{ newsArticle(locale: "zh-hans", slug: "{slug}") {{ canonicalUrl }} }}'
    poisoned = get(client, query, HTTP_HOST="evil.example")
    assert "evil.example" in poisoned.json()["data"]["newsArticle"]["canonicalUrl"]
    honest = get(client, query)
    assert honest["X-Cache"] == "MISS"
    assert honest.json()["data"]["newsArticle"]["canonicalUrl"].startswith(
        "http://testserver/"
    )


def test_a_weak_if_none_match_is_compared_weakly(client):
    # nginx's gzip weakens the ETags it passes on; If-None-Match compares weakly.
    etag = get(client, LISTING)["ETag"]
    assert get(client, LISTING, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


def test_each_media_type_has_its_own_etag(client):
    json_answer = get(client, LISTING, HTTP_ACCEPT="application/json")
    graphql_answer = get(
        client, LISTING, HTTP_ACCEPT="application/graphql-response+json"
    )
    assert json_answer.content == graphql_answer.content
    assert json_answer["ETag"] != graphql_answer["ETag"]


def test_a_persisted_query_is_registered_even_when_its_text_is_cached(client):
    # A text no other test sends: each process remembers the hashes it saw.
    QUERY = '{ newsArticles(locale: "zh-hant") { items { id } totalCount } }'
    digest = hashlib.sha256(QUERY.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    post(client, QUERY)
    assert post(client, QUERY)["X-Cache"] == "HIT"
    # Apollo's link: the hash alone is unknown, then the text with the hash.
    unknown = client.get("/graphql/", {"extensions": extensions}).json()
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registration = client.post(
        "/graphql/",
        json.dumps({"query": QUERY, "extensions": json.loads(extensions)}),
        content_type="application/json",
    )
    assert "errors" not in registration.json()
    by_hash = client.get("/graphql/", {"extensions": extensions})
    assert "errors" not in by_hash.json(), by_hash.json()
    assert client.get("/graphql/", {"extensions": extensions})["X-Cache"] == "HIT"
