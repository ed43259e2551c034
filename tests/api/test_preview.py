"""Preview tokens (cms.api.preview): one revision of one page, for an hour."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing
from django.test import RequestFactory

from cms.api.preview import make_token
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory

PREVIEW = "query($token: String) { page(token: $token) { id title } }"


@pytest.fixture
def draft(db):
    parent = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    page = NewsArticlePageFactory(parent=parent, live=False, title="预览草稿")
    page.save_revision()
    return NewsArticlePage.objects.get(pk=page.pk)


def test_a_token_opens_its_revision_and_anonymous_readers_see_nothing_else(gql, draft):
    token = make_token(draft)
    assert gql(PREVIEW, token=token)["page"] == {
        "id": str(draft.pk),
        "title": "预览草稿",
    }
    assert gql("query($id: ID) { page(id: $id) { id } }", id=draft.pk)["page"] is None
    # A later revision needs a token of its own.
    draft.title = "第二稿"
    draft.save_revision()
    assert gql(PREVIEW, token=token)["page"]["title"] == "预览草稿"
    assert gql(PREVIEW, token=make_token(draft))["page"]["title"] == "第二稿"


def test_tokens_expire(gql, draft, settings):
    token = make_token(draft)
    later = time.time() + settings.PREVIEW_TOKEN_MAX_AGE + 5
    with mock.patch("django.core.signing.time.time", return_value=later):
        [error] = gql.errors(PREVIEW, token=token)
    assert (
        error == "The preview token has expired: open the preview from the admin again."
    )


def test_a_token_opens_only_its_own_page(gql, draft):
    other = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    payload, stamp, signature = make_token(draft).split(":")
    other_payload = make_token(other).split(":")[0]
    # Another page's payload under this token's signature, a damaged signature,
    # a token of grapple's unsigned format, a token signed with another key.
    for bad in (
        f"{other_payload}:{stamp}:{signature}",
        f"{payload}:{stamp}:{signature[:-2]}xx",
        "id=1;page_type=home.HomePage:abc",
        signing.dumps({"page": other.pk, "revision": None}, key="x" * 50),
    ):
        assert gql.errors(PREVIEW, token=bad) == ["The preview token is not valid."]


def test_the_admin_preview_sends_editors_to_the_frontend(draft, settings, gql):
    settings.PREVIEW_URL = "https://www.example.org/preview?token={token}"
    response = draft.serve_preview(RequestFactory().get("/"), "")
    assert response.status_code == 302
    url = urlparse(response["Location"])
    assert url.netloc == "www.example.org"
    [token] = parse_qs(url.query)["token"]
    assert gql(PREVIEW, token=token)["page"]["title"] == "预览草稿"
