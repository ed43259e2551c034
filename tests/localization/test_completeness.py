"""Honest translations (issue 18, item 2): each translated edition knows how
much of it is translated, `translationStatus` says so, the admin shows it and
warns (or refuses) when an incomplete edition is published, and an English
edition gets its slug from its English title."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Locale
from wagtail.users.models import UserProfile
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import NewsArticlePageFactory

STATUS = """query ($id: ID) { page(id: $id) { translationStatus {
  locale outOfDate translatedRatio translatedSegments totalSegments } } }"""


def locale(code):
    return Locale.objects.get(language_code=code)


def statuses(gql, page):
    data = gql(STATUS, id=page.pk)["page"]["translationStatus"]
    return {s["locale"]: s for s in data}


@pytest.fixture
def editor(admin_client, admin_user):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    return admin_client


@pytest.fixture
def article(db, publish):
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    return publish(
        NewsArticlePageFactory(
            parent=index,
            title="协会发展",
            slug="协会-发展",
            summary="协会的发展摘要",
            live=False,
        )
    )


@pytest.fixture
def english(editor, article):
    """The article submitted for translation into English in the admin, nothing
    translated yet: its Translation."""
    editor.post(
        reverse("wagtail_localize:submit_page_translation", args=[article.pk]),
        {"locales": [locale("en").pk]},
    )
    return Translation.objects.get(
        source__object_id=article.translation_key, target_locale=locale("en")
    )


def translate(editor, translation, texts):
    """Translate the segments whose source text is in `texts` as the translation
    editor does (its PUT per segment)."""
    segments = StringSegment.objects.filter(source=translation.source)
    done = 0
    for segment in segments.select_related("string"):
        if segment.string.data in texts:
            response = editor.put(
                reverse(
                    "wagtail_localize:edit_string_translation",
                    args=[translation.pk, segment.pk],
                ),
                urlencode({"value": texts[segment.string.data]}),
                content_type="application/x-www-form-urlencoded",
            )
            assert response.status_code in (200, 201), response.content
            done += 1
    assert done == len(texts)
    return segments.count()


def edit_url(translation):
    return reverse("wagtailadmin_pages:edit", args=[translation_page(translation).pk])


def translation_page(translation):
    return translation.get_target_instance()


def publish_in_editor(editor, translation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            edit_url(translation), {"action": "publish"}, follow=True
        )
    assert response.status_code == 200
    return response.content.decode()


def test_a_partly_translated_edition_says_how_much_and_warns_on_publishing(
    gql, editor, article, english, django_capture_on_commit_callbacks
):
    total = translate(editor, english, {"协会发展": "Growth"})
    assert total >= 3  # title, slug, summary at least

    html = editor.get(edit_url(english)).content.decode()
    percent = 100 // total
    assert f"This translation is {percent}% complete: 1 of {total} segments" in html

    html = publish_in_editor(editor, english, django_capture_on_commit_callbacks)
    assert f"This edition is published {percent}% translated" in html
    assert f"readers see {total - 1} of {total} segments in" in html

    page = NewsArticlePage.objects.get(pk=translation_page(english).pk)
    assert page.live and page.title == "Growth"
    # The slug segment was not translated: the slug comes from the English title.
    assert page.slug == "growth"
    assert page.url == "/en/news/growth/"

    found = statuses(gql, article)
    assert found["en"] == {
        "locale": "en",
        "outOfDate": True,
        "translatedRatio": pytest.approx(1 / total),
        "translatedSegments": 1,
        "totalSegments": total,
    }
    assert found["zh-hans"]["translatedRatio"] == 1
    assert found["zh-hans"]["totalSegments"] is None
    hant = found["zh-hant"]
    assert hant["translatedRatio"] == 1 and not hant["outOfDate"]
    assert hant["translatedSegments"] == hant["totalSegments"] == total


def test_a_complete_edition_is_neither_flagged_nor_warned(
    gql, editor, article, english, django_capture_on_commit_callbacks
):
    segments = StringSegment.objects.filter(source=english.source)
    texts = {s.string.data: f"English {i}" for i, s in enumerate(segments)}
    texts["协会发展"] = "Growth"
    texts["协会-发展"] = "our-growth"
    translate(editor, english, texts)
    html = editor.get(edit_url(english)).content.decode()
    assert "% complete" not in html
    html = publish_in_editor(editor, english, django_capture_on_commit_callbacks)
    assert "translated: readers see" not in html
    page = translation_page(english)
    assert page.live and page.slug == "our-growth"  # a translated slug is kept
    found = statuses(gql, article)["en"]
    assert found["translatedRatio"] == 1 and not found["outOfDate"]


def test_the_setting_refuses_to_publish_an_incomplete_edition(
    editor, article, english, settings, django_capture_on_commit_callbacks
):
    settings.CMS_REFUSE_INCOMPLETE_TRANSLATIONS = True
    total = translate(editor, english, {"协会发展": "Growth"})
    html = publish_in_editor(editor, english, django_capture_on_commit_callbacks)
    assert f"Not published: {total - 1} of {total} segments are not translated" in html
    assert not NewsArticlePage.objects.get(pk=translation_page(english).pk).live


def segment_queries(queries):
    return [q for q in queries if "wagtail_localize_stringsegment" in q["sql"]]


def test_the_explorer_shows_completeness_in_its_listing_query(
    editor, article, english, publish
):
    total = translate(editor, english, {"协会发展": "Growth"})
    url = reverse(
        "wagtailadmin_explore",
        args=[NewsIndexPage.objects.get(locale__language_code="en").pk],
    )

    def explore():
        with CaptureQueriesContext(connection) as queries:
            html = editor.get(url).content.decode()
        return html, segment_queries(queries)

    html, queries = explore()
    assert f"1 of {total} translated" in html
    assert len(queries) == 1
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    for n in range(3):
        page = publish(NewsArticlePageFactory(parent=index, title=f"新闻{n}"))
        source, _created = TranslationSource.get_or_create_from_instance(page)
        Translation.objects.create(
            source=source, target_locale=locale("en")
        ).save_target()
    html, queries = explore()
    assert len(re.findall(r"\d+ of \d+ translated", html)) == 4
    assert len(queries) == 1
    # Searching the explorer goes through the same queryset hook.
    assert editor.get(url, {"q": "新闻"}).status_code == 200


def test_listing_statuses_load_in_the_same_queries(
    gql, article, english, editor, django_capture_on_commit_callbacks
):
    translate(editor, english, {"协会发展": "Growth"})
    with django_capture_on_commit_callbacks(execute=True):
        english.save_target(publish=True)
    query = """{ newsArticles(locale: "zh-hans") { items {
      translationStatus { locale translatedRatio } } } }"""

    def count():
        with CaptureQueriesContext(connection) as queries:
            data = gql(query)
        return data["newsArticles"]["items"], len(queries)

    items, few = count()
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    for n in range(3):
        NewsArticlePageFactory(parent=index, title=f"新闻{n}")
    items, many = count()
    assert len(items) == 4
    assert many == few
    ratios = [
        s["translatedRatio"]
        for item in items
        for s in item["translationStatus"]
        if s["locale"] == "en"
    ]
    assert len(ratios) == 1 and 0 < ratios[0] < 1
