"""The admin's JavaScript in the editor's Chinese: StreamField's "Insert a block",
the autosave notices, wagtail-localize's translation editor. Each message of the
JavaScript catalogs of Wagtail's admin and of wagtail-localize (their `en`
djangojs.po) is translated in the catalog their views serve to a zh-hans or a
zh-hant editor, and translated from a catalog of that very language: before ours
(locale/*/LC_MESSAGES/djangojs.po), a zh-hant editor got the zh-hans text of the
messages Wagtail's zh_Hant catalog lacks (Django falls back to LANGUAGE_CODE),
and both got English for those that no catalog had."""

import json
import re
from pathlib import Path

import opencc
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import to_locale
from wagtail.users.models import UserProfile

# Each catalog view of the admin, and the app whose locale/ it serves.
VIEWS = {
    "wagtailadmin_javascript_catalog": "wagtailadmin",
    "wagtail_localize:javascript_catalog": "wagtail_localize",
}
# Our translations are in the language's script: OpenCC leaves them as they are.
SCRIPT = {"zh-hans": "t2s", "zh-hant": "s2tw"}
NEWCATALOG = re.compile(r"const newcatalog = (\{.*?\n  \});", re.S)


def key(entry):
    """The entry's key in a JavaScript catalog (Django's "context\\x04msgid")."""
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def translations(folder, language):
    """key -> translation (a list for plural messages) of a djangojs.po file."""
    path = Path(folder) / to_locale(language) / "LC_MESSAGES" / "djangojs.po"
    return {
        key(e): (
            [e.msgstr_plural[n] for n in sorted(e.msgstr_plural)]
            if e.msgid_plural
            else e.msgstr
        )
        for e in polib.pofile(str(path))
        if e.translated() and not e.obsolete
    }


def english(app):
    folder = Path(apps.get_app_config(app).path) / "locale"
    return polib.pofile(str(folder / "en" / "LC_MESSAGES" / "djangojs.po"))


@pytest.fixture
def editor(client, db, request):
    person = get_user_model().objects.create_superuser("editor", password="pw")
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = request.param
    profile.save()
    client.force_login(person)
    return request.param


def served(client, view):
    """The catalog the view's JavaScript hands to django.gettext."""
    response = client.get(reverse(view))
    assert response.status_code == 200
    return json.loads(NEWCATALOG.search(response.content.decode()).group(1))


@pytest.mark.parametrize("editor", ["zh-hans", "zh-hant"], indirect=True)
@pytest.mark.parametrize("view", VIEWS)
def test_every_javascript_message_is_in_the_editors_language(client, editor, view):
    app = VIEWS[view]
    catalog = served(client, view)
    own = translations(Path(apps.get_app_config(app).path) / "locale", editor)
    ours = translations(settings.LOCALE_PATHS[0], editor)
    messages = [key(e) for e in english(app) if not e.obsolete]
    assert len(messages) > 40
    missing = [m for m in messages if m not in ours and m not in own]
    assert missing == [], f"translate these in locale/{to_locale(editor)}/djangojs.po"
    for message in messages:
        assert catalog[message] == ours.get(message, own.get(message)), message


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_our_javascript_translations_are_in_the_languages_script(language):
    convert = opencc.OpenCC(SCRIPT[language]).convert
    ours = translations(settings.LOCALE_PATHS[0], language)
    assert len(ours) >= 20
    for text in ours.values():
        text = "".join(text)
        assert convert(text) == text


@pytest.mark.parametrize(
    "editor, view, message, expected",
    [
        ("zh-hans", "wagtailadmin_javascript_catalog", "Insert a block", "插入区块"),
        ("zh-hant", "wagtailadmin_javascript_catalog", "Insert a block", "插入區塊"),
        ("zh-hant", "wagtailadmin_javascript_catalog", "Expand all", "全部展開"),
        (
            "zh-hans",
            "wagtailadmin_javascript_catalog",
            "%(num)s pixel",
            ["%(num)s 像素"],
        ),
        ("zh-hant", "wagtail_localize:javascript_catalog", "Translate", "翻譯"),
        (
            "zh-hans",
            "wagtail_localize:javascript_catalog",
            "Stopping Synced translation",
            "正在停止同步翻译",
        ),
        # Ours in place of wagtail-localize's own ("翻译" + "OpenCC").
        (
            "zh-hans",
            "wagtail_localize:javascript_catalog",
            "Translate with ",
            "用此工具翻译：",
        ),
    ],
    indirect=["editor"],
)
def test_spot_checks(client, editor, view, message, expected):
    assert served(client, view)[message] == expected


@pytest.mark.parametrize("editor", ["zh-hant"], indirect=True)
def test_the_admin_loads_the_catalog(client, editor):
    html = client.get("/admin/").content.decode()
    assert f'<script src="{reverse("wagtailadmin_javascript_catalog")}">' in html
