"""Preview tokens (cms.api.preview): one revision of one page, for an hour, and
never forged or guessed."""

import ast
import stat
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.test import RequestFactory
from django.utils import timezone

from cms.content.models import PreviewToken
from cms.content.previews import make_token
from cms.settings.dev import checkout_secret_key
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory

PREVIEW = "query($token: String) { page(token: $token) { id title } }"
SETTINGS = Path(__file__).resolve().parents[2] / "cms" / "settings"


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


def test_tokens_expire(gql, draft):
    token = make_token(draft)
    PreviewToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    [error] = gql.errors(PREVIEW, token=token)
    assert (
        error == "The preview token has expired: open the preview from the admin again."
    )
    make_token(draft)  # making a token clears the expired ones
    assert not PreviewToken.objects.filter(expires_at__lte=timezone.now()).exists()


def test_the_database_keeps_only_a_hash_of_the_token(draft):
    token = make_token(draft)
    [stored] = PreviewToken.objects.values_list("key_hash", flat=True)
    assert token not in stored and len(token) >= 43


def test_preview_tokens_cannot_be_forged_from_public_ids(gql, draft):
    """Finding 2: a token named {"page": id, "revision": id}, so anyone holding the
    signing key (committed for development) could open any draft by counting."""
    forged = [
        signing.dumps(
            {"page": draft.pk, "revision": draft.latest_revision_id},
            salt="cms.api.preview",
        ),
        signing.dumps({"page": draft.pk, "revision": draft.latest_revision_id}),
        str(draft.latest_revision_id),
        f"{draft.pk}:{draft.latest_revision_id}",
        "id=1;page_type=home.HomePage:abc",
    ]
    for token in forged:
        assert gql.errors(PREVIEW, token=token) == ["The preview token is not valid."]


def test_wrong_preview_tokens_are_rate_limited(client, gql, draft, settings):
    settings.CMS_RATE_LIMITS = {**settings.CMS_RATE_LIMITS, "preview-token": (3, 600)}
    good = make_token(draft)
    assert gql(PREVIEW, token=good)["page"]["title"] == "预览草稿"  # not counted
    for attempt in range(3):
        assert gql.errors(PREVIEW, token=f"guess-{attempt}") == [
            "The preview token is not valid."
        ]
    status, body = gql.post(PREVIEW, {"token": good})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert body["data"]["page"] is None


def test_the_admin_preview_sends_editors_to_the_frontend(draft, settings, gql):
    settings.CMS_PREVIEW_URL = "https://www.example.org/preview?token={token}"
    response = draft.serve_preview(RequestFactory().get("/"), "")
    assert response.status_code == 302
    url = urlparse(response["Location"])
    assert url.netloc == "www.example.org"
    [token] = parse_qs(url.query)["token"]
    assert gql(PREVIEW, token=token)["page"]["title"] == "预览草稿"


def test_no_settings_module_commits_a_secret_key():
    """Finding 2: dev.py committed its SECRET_KEY. No settings module may assign
    SECRET_KEY a literal string."""
    for module in SETTINGS.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Assign) and any(
                getattr(target, "id", None) == "SECRET_KEY" for target in node.targets
            ):
                assert not isinstance(node.value, ast.Constant), module.name
    assert len(django_settings.SECRET_KEY) >= 50


def test_development_key_is_random_per_checkout_and_kept(tmp_path):
    first = checkout_secret_key(tmp_path / "a")
    assert checkout_secret_key(tmp_path / "a") == first  # kept across restarts
    assert checkout_secret_key(tmp_path / "b") != first  # another checkout
    assert len(first) >= 50
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o600
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text()
    assert "/.secret-key" in ignored.splitlines()


LOCALE_PREVIEW = """query($token: String, $locale: String, $fallback: [String!]) {
  page(token: $token, locale: $locale, fallback: $fallback) {
    title locale resolvedLocale
  }
  newsArticle(token: $token, locale: $locale, fallback: $fallback) { title }
}"""


def test_a_preview_honours_the_locale_asked_for(gql, draft, english):
    """A frontend's preview route in one language asks with its locale: the
    previewed page if it is in that locale (or its fallback), else an error
    naming the page's locale, so the frontend can switch routes."""
    token = make_token(draft)
    for arguments in (
        {},
        {"locale": "zh-hans"},
        {"locale": "en", "fallback": ["zh-hans"]},
    ):
        data = gql(LOCALE_PREVIEW, token=token, **arguments)
        assert data["page"]["title"] == data["newsArticle"]["title"] == "预览草稿"
        assert data["page"]["locale"] == "zh-hans"
    assert (
        gql(LOCALE_PREVIEW, token=token, locale="en", fallback=["zh-hans"])["page"][
            "resolvedLocale"
        ]
        == "zh-hans"
    )
    status, body = gql.post(LOCALE_PREVIEW, {"token": token, "locale": "zh-hant"})
    assert status == 200
    assert body["data"] == {"page": None, "newsArticle": None}
    for error in body["errors"]:
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "locale": "zh-hans"}
        assert error["message"] == (
            "This preview token opens a page in locale 'zh-hans', not 'zh-hant': "
            "ask with locale: 'zh-hans' (or without locale)."
        )


def test_news_article_opens_only_articles(gql, draft):
    home = draft.get_parent().get_parent().specific
    home.title = "首页草稿"
    home.save_revision()
    token = make_token(home)
    data = gql(LOCALE_PREVIEW, token=token)
    assert data == {
        "page": {"title": "首页草稿", "locale": "zh-hans", "resolvedLocale": "zh-hans"},
        "newsArticle": None,
    }


def test_the_preview_url_may_name_the_locale(draft, settings, gql):
    settings.CMS_PREVIEW_URL = "https://www.example.org/{locale}/preview?token={token}"
    url = urlparse(draft.serve_preview(RequestFactory().get("/"), "")["Location"])
    assert url.path == "/zh-hans/preview"
    [token] = parse_qs(url.query)["token"]
    assert (
        gql(LOCALE_PREVIEW, token=token, locale="zh-hans")["page"]["title"]
        == "预览草稿"
    )
