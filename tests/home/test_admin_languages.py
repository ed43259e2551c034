"""The admin speaks the three languages of the content."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.users.models import UserProfile


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, word, ours",
    [
        ("zh-hans", "跳到主要内容", "会员企业"),
        ("zh-hant", "略過至主要內容", "會員企業"),
        ("en", "Skip to main content", "Member companies"),
    ],
)
def test_admin_in_the_editors_language(client, code, word, ours):
    """Wagtail's own words and ours (the project's catalogs in locale/)."""
    user = get_user_model().objects.create_superuser("editor", password="pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = code
    profile.save()
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert f'<html lang="{code}"' in html
    assert word in html
    listing = client.get(reverse("wagtailsnippets_organisation_membercompany:list"))
    assert ours in listing.content.decode()


def test_admin_languages_match_the_content_locales(settings):
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes == ["zh-hans", "zh-hant", "en"]
    assert settings.WAGTAIL_CONTENT_LANGUAGES == settings.LANGUAGES
    assert settings.WAGTAILADMIN_PERMITTED_LANGUAGES == settings.LANGUAGES
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.WAGTAIL_I18N_ENABLED
