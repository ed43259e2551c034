"""The admin's listings show booleans as icons and dates as dates, in the
editor's language (issue 18, item 7): not True/False, not "8 小时，38 分钟 之前"."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models
from wagtail.users.models import UserProfile

from home.viewsets import LocalDateColumn, YesNoColumn
from tests.factories import MemberCompanyFactory, PersonFactory, PositionFactory


@pytest.fixture
def editor(client, db):
    user = get_user_model().objects.create_superuser("editor", password="pw")
    client.force_login(user)
    return client


def tbody(client, url):
    html = client.get(url).content.decode()
    html = html[html.index('<table class="listing') :]
    return html[html.index("<tbody") : html.index("</tbody>")]


def test_member_list_shows_active_as_a_tick_or_a_cross(editor):
    MemberCompanyFactory(name="在册公司", active=True)
    MemberCompanyFactory(name="退会公司", active=False)
    rows = tbody(editor, reverse("wagtailsnippets_organisation_membercompany:list"))
    assert "True" not in rows and "False" not in rows
    assert rows.count('"#icon-check"') == 1 and rows.count('"#icon-cross"') == 1
    # Named for screen readers in the admin's language.
    assert re.search(r'w-sr-only">\s*是\s*</span>', rows)
    assert re.search(r'w-sr-only">\s*否\s*</span>', rows)


def test_people_and_positions_show_booleans_and_dates_in_the_editors_language(
    editor, db
):
    PersonFactory(name="公开联系人", contact_public=True)
    PositionFactory(
        start_date=datetime.date(2023, 6, 1), end_date=datetime.date(2026, 5, 31)
    )
    people = tbody(editor, reverse("wagtailsnippets_organisation_person:list"))
    assert '"#icon-check"' in people and "True" not in people
    positions = tbody(editor, reverse("wagtailsnippets_organisation_position:list"))
    assert "2023年6月1日" in positions and "2026年5月31日" in positions
    user = get_user_model().objects.get(username="editor")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "zh-hant"
    profile.save()
    positions = tbody(editor, reverse("wagtailsnippets_organisation_position:list"))
    assert "2023年6月1日" in positions


def test_every_snippet_listing_types_its_booleans_and_dates():
    """A boolean or date-only field listed by its bare name would show True/False
    or a plain value; each goes through home.viewsets.typed_columns."""
    untyped, typed = [], set()
    for model in get_snippet_models():
        for entry in model.snippet_viewset.list_display[1:]:
            if isinstance(entry, (YesNoColumn, LocalDateColumn)):
                typed.add(f"{model.__name__}.{entry.name}")
            elif isinstance(entry, str) and type(model._meta.get_field(entry)) in (
                models.BooleanField,
                models.DateField,
            ):
                untyped.append(f"{model.__name__}.{entry}")
    assert untyped == []
    assert {
        "MemberCompany.active",
        "Person.contact_public",
        "Position.start_date",
        "Position.end_date",
    } <= typed
