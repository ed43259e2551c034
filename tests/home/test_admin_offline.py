"""The admin makes no request to a third-party host (issue 18, item 7): no
Gravatar, no update check, no fonts, scripts or help links elsewhere. Editors
whose networks cannot reach those hosts would otherwise see broken avatars and
wait on timeouts."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.urls import reverse
from wagtail.models import Site

from newsroom.models import NewsIndexPage
from tests.factories import (
    EMBED_URL,
    DocumentFactory,
    ImageFactory,
    MemberCompanyFactory,
    NewsArticlePageFactory,
    every_block_body,
)

# Any quoted absolute URL (attributes, JSON props of the sidebar and widgets) and
# any url() of inline styles and stylesheets.
ABSOLUTE_URL = re.compile(r"""(?:["']|url\(\s*)((?:https?:)?//[^"'\s)<>]+)""")
STYLESHEET = re.compile(r'<link[^>]+href="(/static/[^"?]+\.css)')
# Wagtail's one link outside any template block, shown only when JavaScript is
# off (skeleton.html): a link an editor may follow, not a request.
NOSCRIPT_HELP = "https://www.enable-javascript.com/"


def own_hosts():
    return {
        "testserver",
        urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname,
        *Site.objects.values_list("hostname", flat=True),
    }


def foreign_urls(text, content=()):
    """Absolute URLs in `text` to another host than the site's own, except the
    editor's own `content` (an embed's address in the form's data)."""
    text = text.replace("\\/", "/").replace("\\u002F", "/")
    return {
        url
        for url in ABSOLUTE_URL.findall(text)
        if urlsplit(url).hostname not in own_hosts() and url not in content
    }


@pytest.fixture
def editor(client, db):
    user = get_user_model().objects.create_superuser(
        "editor", email="editor@example.org", password="pw", first_name="文"
    )
    client.force_login(user)
    return client


def test_the_admin_pages_an_editor_uses_load_nothing_from_other_hosts(editor):
    image = ImageFactory()
    document = DocumentFactory()
    news = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    article = NewsArticlePageFactory(
        parent=news,
        cover_image=image,
        body=every_block_body("zh-hans", image, document),
    )
    company = MemberCompanyFactory()
    pages = [
        "/admin/",
        f"/admin/pages/{news.pk}/",
        f"/admin/pages/{article.pk}/edit/",
        "/admin/images/",
        f"/admin/images/{image.pk}/",
        "/admin/documents/",
        reverse("wagtailsnippets_organisation_person:list"),
        reverse("wagtailsnippets_organisation_membercompany:list"),
        reverse("wagtailsnippets_organisation_membercompany:edit", args=[company.pk]),
        reverse("wagtailsnippets_newsroom_newscategory:list"),
        "/admin/news_articles/",
        "/admin/account/",
    ]
    stylesheets = set()
    for url in pages:
        response = editor.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        noscript = html.split("<noscript", 1)[1].split("</noscript>", 1)[0]
        assert NOSCRIPT_HELP in noscript
        html = html.replace(noscript, "")
        assert foreign_urls(html, content={EMBED_URL}) == set(), url
        stylesheets.update(STYLESHEET.findall(html))
    dashboard = editor.get("/admin/").content.decode()
    assert "w-upgrade" not in dashboard  # the controller that asks wagtail.org
    assert "avatar" in dashboard  # the sidebar's avatar is there, local
    assert len(stylesheets) >= 2
    for path in stylesheets:
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        with open(found, encoding="utf-8") as css:
            assert foreign_urls(css.read()) == set(), path
