"""The reading templates of every page type (issue 18, item 1): each previews from
its edit form in the admin, and the organisation's pages show its people,
committees and member tiers as the GraphQL data model has them, in the page's
language."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import get_page_models
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from home.models import BasePage, HomePage
from newsroom.models import NewsArticlePage, NewsIndexPage
from organisation.models import (
    CommitteeIndexPage,
    CommitteePage,
    OrganisationIndexPage,
)
from tests.factories import NewsArticlePageFactory
from tests.newsroom.test_templates import Elements


def form_of(page):
    """The edit form's data for `page`, as the admin posts it, with its own
    content changed to say "preview" (what the preview must show)."""
    data = {"title": f"{page.title} preview", "slug": page.slug}
    if isinstance(page, HomePage | NewsIndexPage):
        data["intro"] = "预览简介"
    if isinstance(page, OrganisationIndexPage | CommitteeIndexPage):
        data["intro"] = rich_text("<p>预览简介</p>")
    if isinstance(page, CommitteePage):
        data["unit"] = page.unit_id
        data["body"] = streamfield([("heading", {"text": "预览标题", "level": "3"})])
    if isinstance(page, NewsArticlePage):
        data.update(
            summary="预览简介",
            body=streamfield([("heading", {"text": "预览标题", "level": "3"})]),
            authors=inline_formset([]),
            tags="",
        )
    return nested_form_data(data)


def pages_of_every_type(code):
    """A page of each page type in locale `code`."""
    committee = CommitteePage.objects.get(locale__language_code=code, slug="health")
    article = NewsArticlePageFactory(
        parent=NewsIndexPage.objects.get(locale__language_code=code)
    )
    article.save_revision()
    return [
        HomePage.objects.get(locale__language_code=code),
        NewsIndexPage.objects.get(locale__language_code=code),
        article,
        OrganisationIndexPage.objects.get(locale__language_code=code),
        committee.get_parent().specific,
        committee,
    ]


@pytest.mark.parametrize(("code", "lang"), [("zh-hant", "zh-Hant"), ("en", "en")])
def test_every_page_type_previews_its_edit_form(client, db, association, code, lang):
    pages = pages_of_every_type(code)
    page_types = {model for model in get_page_models() if issubclass(model, BasePage)}
    assert {type(page) for page in pages} == page_types
    client.force_login(get_user_model().objects.create_superuser("e", password="p"))
    for page in pages:
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        posted = client.post(url, form_of(page))
        assert posted.json() == {"is_valid": True, "is_available": True}, page
        response = client.get(url)
        assert response.status_code == 200, page
        html = response.content.decode()
        shown = Elements(html)
        assert shown.all("html")[0]["lang"] == lang
        assert shown.texts("h1") == [f"{page.title} preview"], page
        assert "预览" in html.replace(f"{page.title} preview", ""), page


def test_the_organisation_page_shows_leaders_tiers_and_committees(
    client, db, association
):
    about = OrganisationIndexPage.objects.get(locale__language_code="zh-hant")
    html = client.get(about.url).content.decode()
    shown = Elements(html)
    assert shown.all("html")[0]["lang"] == "zh-Hant"
    assert {"協會領導", "會員單位", "專業委員會"} <= set(shown.texts("h2"))
    # Roles and people in Traditional; a committee's chair is not a leader.
    assert "常務副會長" in shown.texts("span") and "蔡章生" in html
    assert "李明" not in html
    # The tiers, highest first, with their active members (factories.TIER_SIZES).
    rows = shown.texts("th")
    assert rows[:2] == ["常務副會長單位", "副會長單位"]
    assert shown.texts("td")[:2] == ["2", "1"]
    assert "共 10 家會員單位" in html
    # Committees named in Traditional, linked to their pages in this locale.
    blockchain = CommitteePage.objects.get(
        locale__language_code="zh-hant", slug="blockchain"
    )
    links = {a["href"] for a in shown.all("a")}
    assert blockchain.url in links and "區塊鏈專業委員會" in shown.texts("a")


def test_committee_pages_show_their_people_in_the_pages_language(
    client, db, association
):
    committee = CommitteePage.objects.get(locale__language_code="en", slug="blockchain")
    html = client.get(committee.url).content.decode()
    shown = Elements(html)
    assert shown.all("html")[0]["lang"] == "en"
    assert "People" in shown.texts("h2")
    people = shown.texts("li")
    assert people[:4] == ["Chair", "Li Ming", "Deputy chair", "Zhou Hua"]
    index = committee.get_parent()
    listing = Elements(client.get(index.url).content.decode())
    assert {"Health Committee", "Blockchain Committee"} <= set(listing.texts("a"))
    home = HomePage.objects.get(locale__language_code="en")
    links = Elements(client.get(home.url).content.decode()).all("a")
    assert {page.url for page in home.get_children().live()} <= {
        a["href"] for a in links
    }
