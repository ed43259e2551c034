"""Every snippet listing of the admin, searched in Chinese, then sorted by each
of its columns and filtered by each of its filters, as an editor clicks them:
Wagtail's search refuses to sort or filter by what its model does not declare
(index.FilterField), and a relation's column (a member company's industry) it
knew only by its column name; both were server errors."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from wagtail.models import TranslatableMixin
from wagtail.snippets.models import get_snippet_models

from organisation.models import MemberCompany, OrgUnit, Person
from tests.factories import MemberCompanyFactory, OrgUnitFactory, PersonFactory

WORD = "纺织"
# The object of each indexed snippet found by WORD.
NAMES = {
    MemberCompany: f"湖州{WORD}有限公司",
    OrgUnit: f"{WORD}专业委员会",
    Person: f"{WORD}顾问",
}


@pytest.fixture
def editor(client, db):
    user = get_user_model().objects.create_superuser("editor", password="pw")
    client.force_login(user)
    MemberCompanyFactory(name=NAMES[MemberCompany])
    OrgUnitFactory(name=NAMES[OrgUnit])
    PersonFactory(name=NAMES[Person])
    return client


def orderings(page):
    """The `ordering` values of a listing's sortable column headers."""
    return sorted(set(re.findall(r"[?&]ordering=(-?\w+)", html.unescape(page))))


def filter_values(model, viewset):
    """A value for each of the listing's filters, and its locale switcher's."""
    values = {}
    for name in viewset.list_filter or []:
        field = model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            values[name] = field.related_model.objects.values_list("pk")[0][0]
        elif isinstance(field, models.BooleanField):
            values[name] = "true"
        else:
            values[name] = field.choices[0][0]
    if issubclass(model, TranslatableMixin):
        values["locale"] = "zh-hans"
    return values


@pytest.mark.parametrize(
    "model",
    sorted(get_snippet_models(), key=lambda model: model._meta.label),
    ids=lambda model: model._meta.label,
)
def test_a_search_is_sorted_and_filtered_by_every_column(editor, model):
    viewset = model.snippet_viewset
    listing = reverse(viewset.get_url_name("list"))
    found = editor.get(listing, {"q": WORD}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert found.status_code == 200
    # The columns of the listing, shown when it has rows, searched or not.
    columns = orderings(found.content.decode() + editor.get(listing).content.decode())
    name = NAMES.get(model, "")
    assert columns or not name
    for ordering in columns:
        for direction in ("", "-"):
            answer = editor.get(listing, {"q": WORD, "ordering": direction + ordering})
            assert answer.status_code == 200, ordering
            assert name in answer.content.decode(), ordering
    for field, value in filter_values(model, viewset).items():
        answer = editor.get(listing, {"q": WORD, field: value})
        assert answer.status_code == 200, field
