"""Frontend tokens (cms.api.tokens, issue 14 item 7): a trusted frontend is
identified by its token on /graphql/ and /api/, counted against its own quotas
and named in the log; an unknown or revoked token is a 401; a token opens
nothing an anonymous reader cannot see."""

import hashlib
import json
import logging
from datetime import timedelta

import pytest
import wagtail_factories
from django.test import Client
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.api.errors import CODES
from cms.api.models import FrontendToken
from cms.api.tokens import issue
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory, live_article

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0"
SEARCH = '{ search(query: "党支部") { totalCount } }'
JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
ADDRESS = "203.0.113.7"


def frontend(name, **quotas):
    """A new token: (FrontendToken, secret)."""
    token = FrontendToken(name=name, quotas=quotas)
    return token, issue(token)


def caller(secret=None, address=ADDRESS, **headers):
    """A client from `address` (a frontend's server) sending `secret`."""
    if secret is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=address, **headers)


def post(client, query, **variables):
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
    )
    return response.status_code, response.json()


def limited(client, query=SEARCH, **variables):
    """The RATE_LIMITED error's message, or None if the query went through."""
    status, body = post(client, query, **variables)
    assert status == 200, body
    errors = body.get("errors") or []
    assert all(e["extensions"]["code"] == "RATE_LIMITED" for e in errors), errors
    return errors[0]["message"] if errors else None


@pytest.fixture
def limits(settings):
    settings.CMS_RATE_LIMITS = {
        **settings.CMS_RATE_LIMITS,
        "search": (3, 60),
        "article-view": (2, 60),
        "rendition": (1, 60),
    }


def test_the_database_keeps_only_a_hash_and_a_prefix(db):
    token, secret = frontend("www.example.org")
    again, other = frontend("www.example.org")
    assert secret != other and token.prefix != again.prefix
    stored = FrontendToken.objects.filter(pk=token.pk).values().get()
    assert stored["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in stored.values())
    # The prefix is shown; the 256 secret bits (43 URL-safe characters) follow.
    assert secret.startswith(f"{token.prefix}_") and token.prefix.startswith("cmsft_")
    assert len(secret.removeprefix(f"{token.prefix}_")) >= 43


def test_two_tokens_and_the_address_are_counted_apart(limits, db):
    _token, first = frontend("www.example.org")
    _token, second = frontend("m.example.org")
    for _ in range(3):
        assert limited(caller(first)) is None
    assert "at most 3 in 60 seconds" in limited(caller(first))
    # Another frontend on the same server, and the server's address without a
    # token (anonymous browsers), each have their own count.
    for _ in range(3):
        assert limited(caller(second)) is None
        assert limited(caller()) is None
    assert limited(caller(second)) is not None
    assert limited(caller()) is not None
    assert limited(caller(address="198.51.100.2")) is None


def test_a_token_has_its_own_quota(limits, db):
    _token, secret = frontend("www.example.org", search=5)
    for _ in range(5):
        assert limited(caller(secret)) is None
    assert limited(caller(secret)).startswith(
        "Too many requests (search) from this client: at most 5 in 60 seconds."
    )
    for _ in range(3):  # the address alone keeps the default, 3
        assert limited(caller()) is None
    assert limited(caller()) is not None


def test_quotas_hold_on_the_view_endpoint_and_for_renditions(limits, db):
    article = live_article()
    _token, secret = frontend("www.example.org", **{"article-view": 3, "rendition": 2})
    client = caller(secret)
    for _ in range(3):
        response = client.post(f"/api/news/{article.pk}/view/")
        assert response.status_code == 200
    response = client.post(f"/api/news/{article.pk}/view/")
    assert response.status_code == 429
    assert "at most 3 in 60 seconds" in response.json()["error"]

    image = wagtail_factories.ImageFactory(title="封面", file=get_test_image_file())
    query = "query($id: ID!, $w: Int) { image(id: $id) { rendition(width: $w) { id } }}"
    for width in (320, 480):
        assert limited(client, query, id=image.pk, w=width) is None
    assert "(rendition)" in limited(client, query, id=image.pk, w=640)
    assert limited(caller(), query, id=image.pk, w=640) is None  # the address's one
    assert limited(caller(), query, id=image.pk, w=800) is not None


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [(None, JSON), (JSON, JSON), (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE)],
)
def test_unknown_and_revoked_tokens_are_refused_with_401(db, accept, media_type):
    token, secret = frontend("www.example.org")
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    assert post(caller(secret, **headers), SEARCH)[0] == 200
    token.revoked_at = timezone.now()
    token.save()
    for wrong, message in [
        (secret, "The frontend token was revoked"),  # from the next request on
        (f"{secret}x", "The frontend token is not valid."),
        ("", "The frontend token is not valid."),
    ]:
        response = caller(wrong, **headers).post(
            "/graphql/", {"query": SEARCH}, content_type="application/json"
        )
        assert response.status_code == 401
        assert response["Content-Type"] == f"{media_type}; charset=utf-8"
        assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        [error] = response.json()["errors"]
        assert error["extensions"] == {"code": "UNAUTHENTICATED"}
        assert error["extensions"]["code"] in CODES
        assert error["message"].startswith(message)
        assert "data" not in response.json()
    article = live_article()
    response = caller(secret).post(f"/api/news/{article.pk}/view/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_other_schemes_and_other_routes_ignore_the_header(db):
    """A staging proxy's Basic credentials are not a token; HTML routes do not
    read the header at all."""
    basic = caller(HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert post(basic, SEARCH)[0] == 200
    assert caller("wrong").get("/zh-hans/").status_code == 200


def test_last_use_is_recorded_at_most_once_a_minute(db):
    token, secret = frontend("www.example.org")
    assert token.last_used_at is None
    post(caller(secret), SEARCH)
    token.refresh_from_db()
    first = token.last_used_at
    assert timezone.now() - first < timedelta(seconds=5)
    post(caller(secret), SEARCH)
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: not written again
    earlier = timezone.now() - timedelta(seconds=61)
    FrontendToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    post(caller(secret), SEARCH)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_requests_are_logged_with_the_frontend(db, caplog):
    token, secret = frontend("www.example.org (Next.js)")
    with caplog.at_level(logging.INFO, logger="cms.access"):
        post(caller(secret), SEARCH)
        post(caller(), SEARCH)  # anonymous: no frontend
    by_token, anonymous = [r for r in caplog.records if r.name == "cms.access"]
    assert by_token.frontend == "www.example.org (Next.js)"
    assert by_token.frontend_token == token.prefix
    assert by_token.getMessage().startswith("POST /graphql/ 200 ")
    assert by_token.getMessage().endswith(
        f" ms by frontend www.example.org (Next.js) ({token.prefix}…)"
    )
    assert anonymous.frontend is None and " by frontend" not in anonymous.getMessage()
    assert all(secret not in r.getMessage() for r in caplog.records)


def test_a_token_sees_exactly_what_anonymous_readers_see(db):
    news = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    draft = NewsArticlePageFactory(
        parent=news, live=False, title="草稿zq", slug="draft-zq"
    )
    draft.save_revision()
    private = live_article(title="内部zq", slug="private-zq")
    PageViewRestriction.objects.create(
        page=private, restriction_type="password", password="zq-secret"
    )
    public = live_article(title="公开zq", slug="public-zq")
    collection = Collection.get_first_root_node().add_child(name="内部图片")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="login"
    )
    image = wagtail_factories.ImageFactory(title="内部图", collection=collection)
    query = """query($draft: ID, $private: ID, $public: ID, $image: ID) {
      draft: page(id: $draft) { title }
      private: page(id: $private) { title }
      public: page(id: $public) { title }
      newsArticles { items { title } }
      image(id: $image) { title url }
    }"""
    ids = {"draft": draft.pk, "private": private.pk, "public": public.pk}
    _token, secret = frontend("www.example.org")
    with_token = post(caller(secret), query, image=image.pk, **ids)
    anonymous = post(caller(), query, image=image.pk, **ids)
    assert with_token == anonymous
    data = with_token[1]["data"]
    assert data["draft"] is None and data["private"] is None
    assert data["public"] == {"title": "公开zq"}
    assert [item["title"] for item in data["newsArticles"]["items"]] == ["公开zq"]
    assert data["image"] is None
    assert NewsArticlePage.objects.filter(pk=draft.pk, live=False).exists()
