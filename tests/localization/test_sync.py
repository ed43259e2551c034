"""The automatic Traditional edition and translations through wagtail-localize."""

import json
import re
from urllib.parse import unquote

import polib
import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.models import Locale
from wagtail.users.models import UserProfile
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationLog,
)

from cms.localization.sync import sync_traditional
from newsroom.models import NewsArticlePage, NewsCategory, NewsIndexPage
from organisation.models import OrgUnit
from tests.factories import NewsArticlePageFactory

PINYIN = re.compile(r"\([a-zü\u00e0-\u01dc]+\)")


def locale(code):
    return Locale.objects.get(language_code=code)


def paragraphs(*texts):
    return json.dumps([{"type": "paragraph", "value": f"<p>{t}</p>"} for t in texts])


def body_texts(page):
    return [str(block.value) for block in page.body]


@pytest.fixture
def draft(db):
    def draft(title="发展党支部头发", texts=("头发和发展", "后来的干部")):
        index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
        return NewsArticlePageFactory(
            parent=index,
            title=title,
            slug=title,
            summary="软件后来",
            body=paragraphs(*texts),
            live=False,
        )

    return draft


def traditional(page):
    return page.get_translation(locale("zh-hant")).specific


def test_publishing_a_simplified_page_makes_its_traditional_edition(draft, publish):
    page = publish(draft())
    hant = traditional(page)
    assert hant.live
    assert hant.title == "發展黨支部頭髮"
    assert hant.slug == "發展黨支部頭髮"
    assert hant.summary == "軟件後來"
    assert body_texts(hant) == ["<p>頭髮和發展</p>", "<p>後來的幹部</p>"]
    assert not PINYIN.search(hant.title + "".join(body_texts(hant)))
    assert hant.get_parent().specific == NewsIndexPage.objects.get(
        locale__language_code="zh-hant"
    )
    assert unquote(hant.url) == "/zh-hant/news/發展黨支部頭髮/"


def test_a_republished_source_updates_the_edition_and_keeps_overrides(
    draft, publish, admin_user
):
    page = publish(draft())
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=locale("zh-hant")
    )
    # An editor corrects one segment by hand in wagtail-localize's editor.
    segment = StringSegment.objects.get(
        source=translation.source, string__data="头发和发展"
    )
    url = reverse(
        "wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]
    )
    editor = APIClient()
    editor.force_login(admin_user)
    response = editor.put(url, {"value": "秀髮與發展"}, format="multipart")
    assert response.status_code in (200, 201), response.content

    page.title = "协会发展"
    blocks = [dict(block) for block in page.body.raw_data]  # keeps the block ids
    blocks[1]["value"] = "<p>后来的干部参加会议</p>"
    page.body = json.dumps(blocks)
    page = publish(page)

    hant = traditional(page)
    assert hant.title == "協會發展"
    assert body_texts(hant) == ["<p>秀髮與發展</p>", "<p>後來的幹部參加會議</p>"]
    override = StringTranslation.objects.get(
        translation_of=segment.string, locale=locale("zh-hant")
    )
    assert override.translation_type == StringTranslation.TRANSLATION_TYPE_MANUAL
    assert override.last_translated_by == admin_user


def test_stopped_synchronisation_and_hand_made_editions_are_left_alone(draft, publish):
    page = publish(draft())
    translation = Translation.objects.get(source__object_id=page.translation_key)
    translation.enabled = False
    translation.save()
    page.title = "协会新闻"
    page = publish(page)
    assert traditional(page).title == "發展黨支部頭髮"

    # The skeleton's sections were made by hand in each locale (as the demo's are):
    # no sync takes them over.
    news = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    hant_title = traditional(news).title
    news.title = "新闻中心"
    publish(news)
    assert traditional(news).title == hant_title
    assert not Translation.objects.filter(source__object_id=news.translation_key)


def test_with_automatic_sync_off_the_edition_waits_and_then_catches_up(
    draft, publish, settings
):
    page = publish(draft())
    settings.CMS_AUTO_TRADITIONAL = False
    page.title = "协会后来"
    page = publish(page)
    assert traditional(page).title == "發展黨支部頭髮"
    sync_traditional(page)
    # save_target publishes once the sync's transaction commits; it has.
    assert traditional(page).title == "協會後來"


def test_a_translatable_snippet_gets_its_traditional_edition(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        category = NewsCategory.objects.create(
            name="党建工作", slug="党建工作", locale=locale("zh-hans")
        )
    hant = category.get_translation(locale("zh-hant"))
    # The name is converted; the slug, the key frontends filter by, is shared.
    assert (hant.name, hant.slug) == ("黨建工作", "党建工作")
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "党建动态"
        category.save()
    hant.refresh_from_db()
    assert hant.name == "黨建動態"


def test_english_through_a_po_file(
    draft, publish, admin_client, admin_user, django_capture_on_commit_callbacks
):
    page = publish(draft())
    en = locale("en")
    response = admin_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [en.pk]},
    )
    assert response.status_code == 302, response.content
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=en
    )
    # The editor tells English needs a human (no service is configured).
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    edit = admin_client.get(
        reverse("wagtailadmin_pages:edit", args=[page.get_translation(en).pk])
    )
    assert "English needs a human translator" in edit.content.decode()

    download = admin_client.get(
        reverse("wagtail_localize:download_pofile", args=[translation.pk])
    )
    po = polib.pofile(download.content.decode())
    english = {
        "发展党支部头发": "Developing the Party branch",
        "头发和发展": "Hair and development",
        "后来的干部": "Later cadres",
        "软件后来": "Software, later",
    }
    for entry in po:
        entry.msgstr = english.get(entry.msgid, "")
    upload = admin_client.post(
        reverse("wagtail_localize:upload_pofile", args=[translation.pk]),
        {"file": _po_upload(po)},
    )
    assert upload.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    en_page = NewsArticlePage.objects.get(
        translation_key=page.translation_key, locale=en
    )
    assert en_page.title == "Developing the Party branch"
    assert body_texts(en_page) == ["<p>Hair and development</p>", "<p>Later cadres</p>"]
    assert en_page.summary == "Software, later"
    assert en_page.live
    assert en_page.slug == "developing-the-party-branch"


def _po_upload(po):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("translation.po", str(po).encode(), "text/x-gettext")


def test_an_unchanged_source_is_not_synchronised_again(
    draft, publish, django_capture_on_commit_callbacks
):
    page = publish(draft())
    logs = TranslationLog.objects.count()
    publish(page)
    assert TranslationLog.objects.count() == logs
    with django_capture_on_commit_callbacks(execute=True):
        category = NewsCategory.objects.create(
            name="党建工作", slug="dangjian", locale=locale("zh-hans")
        )
    logs = TranslationLog.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        category.save()
    assert TranslationLog.objects.count() == logs


def test_a_failing_sync_does_not_fail_the_save(db, django_capture_on_commit_callbacks):
    # A zh-hant category made by hand holds the slug the new edition would share.
    NewsCategory.objects.create(name="公告", slug="notices", locale=locale("zh-hant"))
    with django_capture_on_commit_callbacks(execute=True):
        category = NewsCategory.objects.create(
            name="通知公告", slug="notices", locale=locale("zh-hans")
        )
    assert NewsCategory.objects.filter(pk=category.pk).exists()
    assert not category.has_translation(locale("zh-hant"))


def test_unit_slugs_are_shared_by_the_traditional_edition(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        unit = OrgUnit.objects.create(
            name="区块链专业委员会",
            slug="区块链",
            unit_type="committee",
            locale=locale("zh-hans"),
        )
    hant = unit.get_translation(locale("zh-hant"))
    assert (hant.name, hant.slug) == ("區塊鏈專業委員會", "区块链")


def test_a_new_article_keeps_its_categories(db):
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    category = NewsCategory.objects.create(
        locale=locale("zh-hans"), name="协会动态", slug="news"
    )
    page = NewsArticlePage(title="新文章", slug="新文章", categories=[category])
    index.add_child(instance=page)
    assert list(NewsArticlePage.objects.get(pk=page.pk).categories.all()) == [category]


def test_a_page_is_converted_with_its_sites_variant(draft, publish, settings):
    """The association's site set to Taiwan's vocabulary: its pages' editions
    use it; another site named in the setting does not change them."""
    options = settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR["OPTIONS"]
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        **settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR,
        "OPTIONS": {**options, "TRADITIONAL_VARIANT": "s2t,localhost=s2twp"},
    }
    page = publish(draft(title="软件信息", texts=("软件信息",)))
    assert page.get_site().hostname == "localhost"
    hant = traditional(page)
    assert (hant.title, body_texts(hant)) == ("軟體資訊", ["<p>軟體資訊</p>"])
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        **settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR,
        "OPTIONS": {**options, "TRADITIONAL_VARIANT": "s2t,tw.example.org=s2twp"},
    }
    page.title = "软件信息更新"
    hant = traditional(publish(page))
    assert hant.title == "軟件信息更新"
