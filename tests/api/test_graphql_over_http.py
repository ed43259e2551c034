"""The frontend contract over HTTP (issue 14): GraphQL over HTTP as its
specification says, one list of error codes, unknown filter slugs as errors, a
rate-limited field that fails alone, and GraphiQL without the internet.

Each class of error is sent with `Accept: application/json` and with
`Accept: application/graphql-response+json`: with the first, every well-formed
request is a 200 whose errors standard clients read; with the second, a request
error (nothing ran) is a 400; a malformed request is a 4xx with both.
"""

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from cms.api.errors import CODES
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import (
    IndustryFactory,
    MemberCompanyFactory,
    MembershipTierFactory,
    NewsArticlePageFactory,
    NewsCategoryFactory,
    OrgUnitFactory,
    PositionFactory,
    RegionFactory,
)

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def answer(client, accept, body=None, raw=None, get=None):
    """(status, media type, decoded body) of one request to /graphql/; a JSON
    `body`, a `raw` one, or `get` parameters."""
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    if get is not None:
        response = client.get("/graphql/", get, **headers)
    else:
        content = raw if raw is not None else json.dumps(body)
        response = client.post(
            "/graphql/", content, content_type="application/json", **headers
        )
    media_type, _semicolon, parameters = response["Content-Type"].partition(";")
    assert parameters.strip() == "charset=utf-8", response["Content-Type"]
    decoded = response.json()
    for error in decoded.get("errors", ()):
        assert error["extensions"]["code"] in CODES, error
        assert "Traceback" not in error["message"]
    return response.status_code, media_type, decoded


def codes(body):
    return [error["extensions"]["code"] for error in body["errors"]]


# (name, request, status with application/json, status with
# application/graphql-response+json, code, whether `data` is in the answer)
REQUEST_ERRORS = [
    ("parse error", {"query": "{ locales { code }"}, "GRAPHQL_PARSE_FAILED"),
    (
        "validation error",
        {"query": "{ locales { code nosuchfield } }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "bad variables",
        {
            "query": "query ($n: Int) { newsArticles(perPage: $n) { totalCount } }",
            "variables": {"n": "ten"},
        },
        "BAD_USER_INPUT",
    ),
    (
        "too complex",
        {
            "query": "{ "
            + " ".join(f"a{i}: locales {{ code }}" for i in range(60))
            + " }"
        },
        "QUERY_TOO_COMPLEX",
    ),
]


@pytest.mark.parametrize(
    ("name", "body", "code"), REQUEST_ERRORS, ids=[e[0] for e in REQUEST_ERRORS]
)
def test_request_errors_are_200_in_json_and_400_in_graphql_response(
    client, db, name, body, code
):
    for accept in (JSON, None, "*/*", f"{JSON}, text/html;q=0.5"):
        status, media_type, decoded = answer(client, accept, body)
        assert (status, media_type) == (200, JSON), accept
        assert code in codes(decoded)
        assert "data" not in decoded  # nothing ran
    for accept in (GRAPHQL_RESPONSE, f"{JSON};q=0.9, {GRAPHQL_RESPONSE}"):
        status, media_type, decoded = answer(client, accept, body)
        assert (status, media_type) == (400, GRAPHQL_RESPONSE), accept
        assert code in codes(decoded)
        assert "data" not in decoded


MALFORMED = [
    ("unreadable JSON body", {"raw": '{"query": "{ locales { code } }"'}, 400),
    ("no query", {"body": {"variables": {}}}, 400),
    ("a query that is not a string", {"body": {"query": ["{ locales }"]}}, 400),
    (
        "variables that are not an object",
        {"body": {"query": "{ locales { code } }", "variables": "[1]"}},
        400,
    ),
    (
        "an operationName the query lacks",
        {"body": {"query": "query A { locales { code } }", "operationName": "B"}},
        400,
    ),
    (
        "a mutation over GET",
        {"get": {"query": "mutation { recordArticleView(id: 1) { viewCount } }"}},
        405,
    ),
]


@pytest.mark.parametrize(
    ("name", "request_", "status"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_requests_are_4xx_with_both(client, db, name, request_, status):
    for accept, expected_type in ((JSON, JSON), (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE)):
        got, media_type, decoded = answer(client, accept, **request_)
        assert (got, media_type) == (status, expected_type), name
        [error] = decoded["errors"]
        assert error["extensions"] == {"code": "BAD_REQUEST"}
        assert error["message"]


def test_a_mutation_over_get_says_so(client, db):
    query = "mutation { recordArticleView(id: 1) { viewCount } }"
    _status, _type, decoded = answer(client, JSON, get={"query": query})
    assert decoded["errors"][0]["message"] == (
        "Can only perform a mutation operation from a POST request."
    )


def test_a_get_with_a_json_content_type_and_no_body_runs(client, db):
    # Some clients send `Content-Type: application/json` on every request.
    response = client.get(
        "/graphql/", {"query": "{ __typename }"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.fixture
def article(db):
    parent = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    page = NewsArticlePageFactory(parent=parent, title="会员大会")
    page.save_revision().publish()
    return NewsArticlePage.objects.get(pk=page.pk)


FIELD_ERRORS = [
    (
        "bad argument",
        "{ locales { code } newsArticles(perPage: 60) { totalCount } }",
        "BAD_USER_INPUT",
        "perPage must be between 1 and 50, not 60.",
    ),
    (
        "unknown locale",
        '{ locales { code } newsArticles(locale: "fr") { totalCount } }',
        "BAD_USER_INPUT",
        "Unknown locale 'fr'. This site has: zh-hans, zh-hant, en.",
    ),
    (
        "not found",
        '{ locales { code } newsArticles(category: "nope") { totalCount } }',
        "NOT_FOUND",
        "Unknown category 'nope': no news category has this slug.",
    ),
]


@pytest.mark.parametrize(
    ("name", "query", "code", "message"), FIELD_ERRORS, ids=[e[0] for e in FIELD_ERRORS]
)
def test_field_errors_are_200_with_both_and_keep_the_other_fields(
    client, db, name, query, code, message
):
    for accept in (JSON, GRAPHQL_RESPONSE):
        status, media_type, decoded = answer(client, accept, {"query": query})
        assert (status, media_type) == (200, accept)
        [error] = decoded["errors"]
        assert error["extensions"] == {"code": code}
        assert error["message"] == message
        assert error["path"] == ["newsArticles"]
        assert decoded["data"]["newsArticles"] is None
        assert [loc["code"] for loc in decoded["data"]["locales"]] == [
            "zh-hans",
            "zh-hant",
            "en",
        ]


def test_a_rate_limited_field_fails_alone(client, db, settings, article):
    settings.CMS_RATE_LIMITS = {**settings.CMS_RATE_LIMITS, "search": (2, 60)}
    query = """{ locales { code }
      search(query: "会员") { totalCount }
      newsArticles(search: "会员") { totalCount }
      memberCompanies(search: "会员") { totalCount }
      images(searchQuery: "会员") { title }
      documents(searchQuery: "会员") { title } }"""
    status, _type, decoded = answer(client, JSON, {"query": query})
    assert status == 200
    data = decoded["data"]
    # Two searches fit in the limit; the third field is refused, and only it.
    assert data["search"]["totalCount"] == 1
    assert data["newsArticles"]["totalCount"] == 1
    assert data["memberCompanies"] is None
    assert data["images"] is None and data["documents"] is None
    assert len(data["locales"]) == 3
    errors = decoded["errors"]
    assert [e["path"] for e in errors] == [
        ["memberCompanies"],
        ["images"],
        ["documents"],
    ]
    for error in errors:
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert 0 < error["extensions"]["retryAfter"] <= 61
    status, media_type, decoded = answer(client, GRAPHQL_RESPONSE, {"query": query})
    assert (status, media_type) == (200, GRAPHQL_RESPONSE)
    assert decoded["data"]["locales"] and decoded["data"]["search"] is None
    assert set(codes(decoded)) == {"RATE_LIMITED"}


def test_an_internal_error_is_200_with_both(monkeypatch, db):
    def fail(*args, **kwargs):
        raise RuntimeError("db.internal.example:5432")

    monkeypatch.setattr("cms.api.pages.site_locales", fail)
    client = Client(raise_request_exception=False)
    for accept in (JSON, GRAPHQL_RESPONSE):
        status, media_type, decoded = answer(
            client, accept, {"query": "{ locales { code } }"}
        )
        assert (status, media_type) == (200, accept)
        assert decoded["data"] is None  # locales is non-null
        [error] = decoded["errors"]
        assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
        assert "internal.example" not in json.dumps(decoded)


def test_a_session_without_csrf_token_is_forbidden_json(db):
    client = Client(enforce_csrf_checks=True)
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "some-session"
    response = client.post(
        "/graphql/", json.dumps({"query": "{ locales { code } }"}), "application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["extensions"] == {"code": "FORBIDDEN"}


def test_a_wrong_preview_token_is_unauthenticated(gql):
    status, body = gql.post('{ page(token: "not-a-token") { title } }')
    assert status == 200
    assert body["data"] == {"page": None}
    assert codes(body) == ["UNAUTHENTICATED"]


def test_a_batch_answers_200_in_json_and_400_in_graphql_response(client, db):
    batch = [{"query": "{ locales { code } }"}, {"query": "{ nosuchfield }"}]
    response = client.post("/graphql/", json.dumps(batch), "application/json")
    assert response.status_code == 200
    good, bad = response.json()
    assert good["status"] == 200 and good["data"]["locales"]
    assert bad["status"] == 200 and "data" not in bad
    assert codes(bad) == ["GRAPHQL_VALIDATION_FAILED"]
    response = client.post(
        "/graphql/",
        json.dumps(batch),
        "application/json",
        HTTP_ACCEPT=GRAPHQL_RESPONSE,
    )
    assert response.status_code == 400
    assert [entry["status"] for entry in response.json()] == [200, 400]


# Unknown slugs in filters are NOT_FOUND; single-item lookups stay null.

ORGANISATION = {
    "tier": "memberCompanies(tier: $slug) { totalCount }",
    "region": "memberCompanies(region: $slug) { totalCount }",
    "industry": "memberCompanies(industry: $slug) { totalCount }",
    "unit": "people(unit: $slug) { person { name } }",
    "category": "newsArticles(category: $slug) { totalCount }",
    "tag": "newsArticles(tag: $slug) { totalCount }",
}


@pytest.mark.parametrize("argument", ORGANISATION)
def test_unknown_filter_slugs_are_not_found(gql, argument):
    query = f"query ($slug: String) {{ {ORGANISATION[argument]} }}"
    status, body = gql.post(query, {"slug": "no-such-thing"})
    assert status == 200
    [error] = body["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND"}
    assert error["message"].startswith(f"Unknown {argument} 'no-such-thing': no ")


def test_known_filter_slugs_still_filter(gql, article):
    MemberCompanyFactory(
        tier=MembershipTierFactory(slug="gold"),
        region=RegionFactory(slug="xihu"),
        industry=IndustryFactory(slug="textiles"),
    )
    MemberCompanyFactory()  # in other tiers, regions and industries
    for argument, slug in (
        ("tier", "gold"),
        ("region", "xihu"),
        ("industry", "textiles"),
    ):
        query = f"query ($slug: String) {{ {ORGANISATION[argument]} }}"
        assert gql(query, slug=slug) == {"memberCompanies": {"totalCount": 1}}, slug
    PositionFactory(unit=OrgUnitFactory(slug="finance"))
    data = gql(f"query ($slug: String) {{ {ORGANISATION['unit']} }}", slug="finance")
    assert len(data["people"]) == 1
    NewsCategoryFactory(slug="notices")
    query = f"query ($slug: String) {{ {ORGANISATION['category']} }}"
    assert gql(query, slug="notices") == {"newsArticles": {"totalCount": 0}}


def test_a_tag_only_drafts_use_is_unknown(gql, article):
    article.tags.add("公开标签")
    article.save_revision().publish()
    parent = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    draft = NewsArticlePageFactory(parent=parent, live=False)
    draft.tags.add("草稿标签")
    draft.save()
    query = f"query ($slug: String) {{ {ORGANISATION['tag']} }}"
    assert gql(query, slug="公开标签") == {"newsArticles": {"totalCount": 1}}
    status, body = gql.post(query, {"slug": "草稿标签"})
    assert codes(body) == ["NOT_FOUND"]


def test_single_item_lookups_stay_null(gql):
    data = gql(
        '{ committee(slug: "nope") { name } newsArticle(slug: "nope") { title } }'
    )
    assert data == {"committee": None, "newsArticle": None}


def test_every_code_is_documented():
    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text()
    graphql_section = readme.split("## GraphQL and locales", 1)[1].split("\n## ", 1)[0]
    for code in CODES:
        assert f"`{code}`" in graphql_section, code


# GraphiQL loads with no internet: every asset is one of this site's static files.

ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"[^>]*>')
INTEGRITY = re.compile(r'integrity="([^"]*)"')


def test_graphiql_loads_its_assets_from_this_site(db, settings):
    settings.CMS_GRAPHIQL = True  # as in development
    # Static files served as production serves them (WhiteNoise), from the apps'
    # static folders, without collectstatic.
    settings.MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"] + list(
        settings.MIDDLEWARE
    )
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    browser = Client()
    page = browser.get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "GraphiQL" in html
    tags = [match.group(0) for match in ASSET.finditer(html)]
    assert len(tags) >= 9  # two style sheets, six libraries, graphene's script
    for tag in tags:
        url = ASSET.match(tag).group(1)
        assert url.startswith(settings.STATIC_URL) and "//" not in url, url
        response = browser.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content)
        assert content, url
        integrity = INTEGRITY.search(tag)
        if integrity:  # the browser refuses a file whose hash differs
            digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
            assert integrity.group(1) == f"sha256-{digest}", url
    assert "cdn." not in html and "unpkg" not in html


def test_graphiql_is_off_unless_set(client, db, settings):
    settings.CMS_GRAPHIQL = False
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
