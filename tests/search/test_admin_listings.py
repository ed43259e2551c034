"""The admin's listings, searched in Chinese, then sorted by each of their
columns and filtered by each of their filters, as an editor clicks them:
modelsearch refused to sort or filter by what a model does not declare
(index.FilterField): a relation's column (a member company's industry), an
annotation (an article's views), a page's child count, an image's usage count;
each was a server error."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from wagtail.models import TranslatableMixin
from wagtail.snippets.models import get_snippet_models

from organisation.models import MemberCompany, OrgUnit, Person
from tests.factories import (
    ImageFactory,
    MemberCompanyFactory,
    NewsCategoryFactory,
    OrgUnitFactory,
    PersonFactory,
    live_article,
)

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


@pytest.fixture
def content(editor):
    """An article, a news category and an image, each found by WORD."""
    article = live_article(title=f"{WORD}行业培训会")
    category = NewsCategoryFactory(name=f"{WORD}动态")
    article.categories.add(category)
    article.save()  # a parental relation is written with its page
    ImageFactory(title=f"{WORD}培训会封面")
    return {"article": article, "category": category}


@pytest.mark.parametrize(
    "listing, params, shown",
    [
        ("/admin/news_articles/", {"ordering": "views"}, True),
        ("/admin/news_articles/", {"ordering": "-views"}, True),
        ("/admin/news_articles/", {"categories": "category"}, True),
        ("/admin/news_articles/", {"needs_review": "true"}, False),
        ("/admin/pages/search/", {"has_child_pages": "false"}, True),
        ("explorer", {"has_child_pages": "false"}, True),
        ("explorer", {"has_child_pages": "true"}, False),
        ("/admin/images/", {"ordering": "-file_size"}, True),
        ("/admin/images/", {"usage_count_min": "0", "usage_count_max": "5"}, True),
    ],
)
def test_other_listings_are_filtered_and_sorted_while_searching(
    editor, content, listing, params, shown
):
    """What modelsearch refused for its FilterFields (server errors): the
    annotations, relations and counts the admin's listings filter and sort by."""
    article = content["article"]
    if listing == "explorer":
        listing = f"/admin/pages/{article.get_parent().pk}/"
    params = {
        key: content["category"].pk if value == "category" else value
        for key, value in params.items()
    }
    answer = editor.get(listing, {"q": WORD, **params})
    assert answer.status_code == 200
    title = "培训会封面" if listing == "/admin/images/" else article.title
    assert (title in answer.content.decode()) is shown
