"""The tag field of a translated page completes from its own locale's tags
(cms.search.tags, cms.localization.fields), through the real admin."""

import html
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from home.roles import EDITORS, ensure_roles
from newsroom.models import NewsIndexPage
from tests.factories import NewsArticlePageFactory, NewsArticleTagFactory

URL = reverse("cms_locale_tags", args=("newsroom", "newsarticlepage", "tags"))


def index(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


def tagged(code, *names):
    """An article in locale `code`'s news section with tags `names`."""
    article = NewsArticlePageFactory(parent=index(code))
    for name in names:
        NewsArticleTagFactory(content_object=article, tag__name=name)
    return article


def offered(client, locale, term):
    response = client.get(URL, {"locale": locale, "term": term})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def tags(db):
    """Each locale's articles and their tags; RCEP is written alike everywhere."""
    tagged("zh-hans", "党建", "党员", "培训", "数字化转型", "RCEP")
    tagged("zh-hans", "党建")
    tagged("zh-hans", "党建")
    tagged("zh-hant", "黨建", "黨校", "數字化轉型", "RCEP")
    tagged("zh-hant", "黨建", "黨員")
    tagged("en", "Party building", "Digital transformation", "Training", "RCEP")
    tagged("en", "Training")


def test_a_zh_hant_page_is_offered_its_locales_tags_in_any_script(admin_client, tags):
    # Most used first, then by name (員 before 校); never 党建 or 党员.
    assert offered(admin_client, "zh-hant", "党") == ["黨建", "黨員", "黨校"]
    assert offered(admin_client, "zh-hant", "黨建") == ["黨建"]
    # Anywhere in the tag, in either script.
    assert offered(admin_client, "zh-hant", "转型") == ["數字化轉型"]
    # Used only by zh-hans and English pages: not offered.
    assert offered(admin_client, "zh-hant", "培") == []
    assert offered(admin_client, "zh-hant", "Train") == []
    assert offered(admin_client, "zh-hant", "ｒｃｅｐ") == ["RCEP"]


def test_zh_hans_and_english_pages_are_offered_theirs(admin_client, tags):
    assert offered(admin_client, "zh-hans", "黨") == ["党建", "党员"]
    assert offered(admin_client, "zh-hans", "數字") == ["数字化转型"]
    assert offered(admin_client, "zh-hans", "rcep") == ["RCEP"]
    # Full width and any case; "Training" (two articles) before the others.
    assert offered(admin_client, "en", "Ｔ") == [
        "Training",
        "Digital transformation",
        "Party building",
    ]
    assert offered(admin_client, "en", "party") == ["Party building"]
    assert offered(admin_client, "en", "党") == []


@pytest.mark.parametrize(
    "params, url",
    [
        ({"locale": "xx", "term": "党"}, URL),
        ({"term": "党"}, URL),
        ({"locale": "zh-hant"}, URL),
        ({"locale": "zh-hant", "term": "  "}, URL),
        ({"locale": "zh-hant", "term": "党"}, URL.replace("/tags/", "/title/")),
        ({"locale": "zh-hant", "term": "党"}, URL.replace("/tags/", "/nothing/")),
        ({"locale": "zh-hant", "term": "党"}, URL.replace("newsarticlepage", "nope")),
        ({"locale": "zh-hant", "term": "党"}, URL.replace("newsroom", "nothing")),
    ],
)
def test_bad_requests_are_answered_400_with_a_message(admin_client, db, params, url):
    response = admin_client.get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_only_editors_of_the_locale_get_its_tags(client, tags):
    response = client.get(URL, {"locale": "zh-hant", "term": "党"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    ensure_roles()
    user = get_user_model().objects.create_user("hant", password="pw")
    user.groups.add(Group.objects.get(name=EDITORS["zh-hant"]))
    client.force_login(user)
    assert offered(client, "zh-hant", "党") == ["黨建", "黨員", "黨校"]
    refused = client.get(URL, {"locale": "zh-hans", "term": "党"})
    assert refused.status_code == 403
    assert refused.json()["error"]


def widget_url(html_text):
    """The completion URL of the page form's tag field."""
    start = html_text.index('name="tags"')
    tag = html_text[html_text.rindex("<input", 0, start) : html_text.index(">", start)]
    value = tag.split('data-w-tag-url-value="')[1].split('"')[0]
    return html.unescape(value)


def test_the_editor_points_the_tag_field_at_its_locales_tags(admin_client, tags):
    article = tagged("zh-hant", "黨建")
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert widget_url(edit.content.decode()) == f"{URL}?locale=zh-hant"
    add = reverse(
        "wagtailadmin_pages:add",
        args=["newsroom", "newsarticlepage", index("en").pk],
    )
    html_text = admin_client.get(add).content.decode()
    assert widget_url(html_text) == f"{URL}?locale=en"
    # What the widget asks (its URL with the term added), it gets.
    response = admin_client.get(f"{widget_url(html_text)}&term=train")
    assert response.json() == ["Training"]


@pytest.mark.parametrize("count", [5, 50])
def test_queries_do_not_grow_with_the_tags(
    admin_client, db, count, django_assert_max_num_queries
):
    tagged("zh-hant", *(f"黨建{n}" for n in range(count)))
    with django_assert_max_num_queries(6):
        response = admin_client.get(URL, {"locale": "zh-hant", "term": "党建"})
    assert len(json.loads(response.content)) == min(count, 10)


def save_tagged(client, code, tags):
    """Create an article in locale `code`'s news section through the editor with
    `tags`; the messages of the page it then shows."""
    data = nested_form_data(
        {
            "title": "標籤",
            "slug": "",
            "summary": "",
            "body": streamfield([]),
            "authors": inline_formset([]),
            "tags": tags,
        }
    )
    add = reverse(
        "wagtailadmin_pages:add", args=["newsroom", "newsarticlepage", index(code).pk]
    )
    response = client.post(add, data, follow=True)
    assert response.redirect_chain, response.content
    return [str(message) for message in response.context["messages"]]


def test_simplified_tags_on_a_zh_hant_original_are_warned_about(admin_client, db):
    warnings = [
        m
        for m in save_tagged(admin_client, "zh-hant", "党建, 黨校, RCEP")
        if "党建" in m
    ]
    assert len(warnings) == 1
    assert "党建 → 黨建" in warnings[0]
    assert "黨校" not in warnings[0] and "RCEP" not in warnings[0]
    assert not [m for m in save_tagged(admin_client, "zh-hans", "党建") if "→" in m]
