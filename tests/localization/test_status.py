"""`translationStatus` on pages and translatable snippets."""

from urllib.parse import unquote

import polib
import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import Translation

from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory

QUERY = """query ($id: ID) { page(id: $id) {
  translationStatus { locale url published outOfDate }
} }"""


def locale(code):
    return Locale.objects.get(language_code=code)


def statuses(gql, page):
    data = gql(QUERY, id=page.pk)["page"]["translationStatus"]
    return {s["locale"]: s for s in data}


@pytest.fixture
def article(db, publish, admin_client, django_capture_on_commit_callbacks):
    """A zh-hans article with its automatic zh-hant edition and an English
    edition translated through a PO file."""
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    page = publish(
        NewsArticlePageFactory(
            parent=index, title="协会发展", slug="协会发展", live=False
        )
    )
    admin_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [locale("en").pk]},
    )
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=locale("en")
    )
    po = translation.export_po()
    for entry in po:
        entry.msgstr = {"协会发展": "Growth"}.get(entry.msgid, "Summary")
    translation.import_po(polib.pofile(str(po)))
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    return page


def test_every_locale_with_its_url_and_publication(gql, article):
    found = statuses(gql, article)
    assert list(found) == ["zh-hans", "zh-hant", "en"]
    assert unquote(found["zh-hant"]["url"]) == "/zh-hant/news/協會發展/"
    assert found["en"]["url"] == "/en/news/growth/"
    assert all(s["published"] and not s["outOfDate"] for s in found.values())


def test_an_edited_source_marks_its_translations_out_of_date(
    gql, article, publish, settings
):
    settings.CMS_AUTO_TRADITIONAL = False
    article.title = "协会的发展"
    publish(article)
    found = statuses(gql, article)
    assert not found["zh-hans"]["outOfDate"]
    assert found["zh-hant"]["outOfDate"]
    assert found["en"]["outOfDate"]

    settings.CMS_AUTO_TRADITIONAL = True
    publish(NewsArticlePage.objects.get(pk=article.pk))
    found = statuses(gql, article)
    assert not found["zh-hant"]["outOfDate"]  # re-synchronised automatically
    assert found["en"]["outOfDate"]  # waits for its translator


def test_republishing_without_a_change_changes_nothing(gql, article, publish):
    publish(NewsArticlePage.objects.get(pk=article.pk))
    assert not any(s["outOfDate"] for s in statuses(gql, article).values())


def test_a_new_child_is_no_change_of_its_parent(gql, article, publish):
    # (Articles take no children in the admin; the tree fields change the same.)
    NewsArticlePageFactory(parent=article)
    publish(NewsArticlePage.objects.get(pk=article.pk))
    assert not any(s["outOfDate"] for s in statuses(gql, article).values())


def test_an_unpublished_edition_has_no_url(gql, article):
    english = article.get_translation(locale("en"))
    english.unpublish()
    found = statuses(gql, article)
    assert found["en"] == {
        "locale": "en",
        "url": None,
        "published": False,
        "outOfDate": False,
    }


def test_snippets_have_a_status_too(gql, categories):
    NewsArticlePageFactory(
        parent=NewsIndexPage.objects.get(locale__language_code="zh-hant"),
        slug="party-building",
        categories=[categories["zh-hant"]],
    )
    query = """{ newsArticle(locale: "zh-hant", urlPath: "/news/party-building/") {
      categories { name translationStatus { locale published outOfDate } } } }"""
    [category] = gql(query)["newsArticle"]["categories"]
    assert category["name"] == "協會動態"
    assert [s["locale"] for s in category["translationStatus"]] == [
        "zh-hans",
        "zh-hant",
        "en",
    ]
    assert not any(s["outOfDate"] for s in category["translationStatus"])
