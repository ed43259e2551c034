"""The admin in three languages: listings show the locale and switch between
locales."""

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from newsroom.models import NewsIndexPage


@pytest.fixture
def editor(admin_client, admin_user):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    return admin_client


def test_snippet_listing_is_per_locale_with_a_switcher(editor, categories):
    url = reverse("wagtailsnippets_newsroom_newscategory:list")
    rows = {
        code: f'id="snippet_{category.pk}_title">{category.name}<'
        for code, category in categories.items()
    }
    for code, row in rows.items():
        html = editor.get(url, {"locale": code}).content.decode()
        assert row in html
        assert all(other not in html for c, other in rows.items() if c != code)
        # Links to the same listing in the other locales.
        for other in {"zh-hans", "zh-hant", "en"} - {code}:
            assert f'name="locale" value="{other}"' in html


def test_page_explorer_shows_the_locale_and_links_the_translations(editor, db):
    pages = {p.locale.language_code: p for p in NewsIndexPage.objects.all()}
    html = editor.get(reverse("wagtailadmin_explore", args=[pages["zh-hant"].pk]))
    html = html.content.decode()
    assert Locale.objects.get(language_code="zh-hant").get_display_name() in html
    for code in ("zh-hans", "en"):
        assert reverse("wagtailadmin_explore", args=[pages[code].pk]) in html
