"""Ids per locale chain (cms.content.editions.edition_id): an object read through
another chain than its own locale alone has another id, so a normalising client
cache (Apollo's InMemoryCache, keys `__typename:id`) never shows one locale's
values in another locale's query; ids given by the API are taken back; URLs of
fallback items are those of the locale they resolved to."""

import datetime
import uuid

import pytest
from wagtail.rich_text import RichText

from newsroom.models import NewsIndexPage
from organisation.models import CommitteePage, OrganisationIndexPage
from tests import factories
from tests.client_cache import NormalisedCache
from tests.factories import NewsArticlePageFactory, in_locales, publish

pytestmark = pytest.mark.django_db

CHAIN = "@en,zh-hans"

ARTICLE = """query ($slug: String!, $locale: String, $fallback: [String!]) {
  newsArticle(slug: $slug, locale: $locale, fallback: $fallback) { ...A }
  newsArticles(locale: $locale, fallback: $fallback, order: "title") {
    items { ...A } }
  newsCategories(locale: $locale, fallback: $fallback) {
    __typename id name articleCount }
}
fragment A on NewsArticlePage {
  __typename id title url urlPath resolvedLocale
  categories { __typename id name articleCount }
  body { __typename id ... on RichTextBlock { value } }
  parent { __typename id title url }
  translationStatus { locale url }
}"""

STRUCTURE = """query ($locale: String) {
  committees(locale: $locale) { __typename id name url resolvedLocale
    chair { __typename id roleLabel person { __typename id name } } }
  memberCompanies(locale: $locale) { items { __typename id name
    tier { __typename id name } } }
}"""


def index(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


def link_to(page):
    return ("paragraph", RichText(f'<p><a linktype="page" id="{page.pk}">x</a></p>'))


@pytest.fixture
def news():
    """`policy` in zh-hans and English; `report` only in zh-hans, linking to the
    zh-hans policy, in 协会动态 (a category in every locale)."""
    category = factories.association_news()
    policy = in_locales(
        NewsArticlePageFactory,
        {
            "zh-hans": {"parent": index("zh-hans"), "title": "政策", "slug": "policy"},
            "en": {"parent": index("en"), "title": "Policy", "slug": "policy-en"},
        },
        date=datetime.date(2030, 1, 1),
    )
    report = NewsArticlePageFactory(
        parent=index("zh-hans"),
        title="报告",
        slug="report",
        body=[link_to(policy["zh-hans"])],
        categories=[category["zh-hans"]],
    )
    for page in [*policy.values(), report]:
        publish(page)
    return {"policy": policy, "report": report, "category": category}


def test_an_article_read_in_two_chains_has_two_ids(gql, news):
    report = news["report"]
    own = gql(ARTICLE, slug="report", locale="zh-hans")["newsArticle"]
    chained = gql(ARTICLE, slug="report", locale="en", fallback=["zh-hans"])
    chained = chained["newsArticle"]
    assert own["id"] == str(report.pk)
    assert chained["id"] == f"{report.pk}{CHAIN}"
    assert chained["resolvedLocale"] == "zh-hans"
    # Its fields differ: the link leads to the English policy, the category is
    # Association news, counted in the chain; the block ids differ with them.
    assert f'href="{news["policy"]["en"].url}"' in chained["body"][0]["value"]
    assert f'href="{news["policy"]["zh-hans"].url}"' in own["body"][0]["value"]
    assert [c["name"] for c in own["categories"]] == ["协会动态"]
    assert [c["name"] for c in chained["categories"]] == ["Association news"]
    assert own["body"][0]["id"] != chained["body"][0]["id"]
    assert chained["body"][0]["id"].startswith(f"{report.pk}{CHAIN}/")
    # A fallback item's URLs are those of the locale it resolved to.
    assert chained["url"] == own["url"] == report.url
    assert chained["url"].startswith("/zh-hans/")
    assert chained["urlPath"] == own["urlPath"] == "/news/report/"
    # Its parent follows the chain: the English news section.
    assert chained["parent"]["url"] == index("en").url
    assert {s["locale"]: s["url"] for s in chained["translationStatus"]}[
        "zh-hans"
    ] == report.url


def test_an_edition_read_with_and_without_fallback_has_two_ids(gql, news):
    """The English category counts English articles alone, and English and
    zh-hans ones with the fallback: two objects for a client cache."""
    alone = gql(ARTICLE, slug="policy-en", locale="en")
    chained = gql(ARTICLE, slug="policy-en", locale="en", fallback=["zh-hans"])
    english = news["category"]["en"]
    [category_alone] = alone["newsCategories"]
    [category_chained] = chained["newsCategories"]
    assert (category_alone["id"], category_alone["articleCount"]) == (
        str(english.pk),
        0,
    )
    assert (category_chained["id"], category_chained["articleCount"]) == (
        f"{english.pk}{CHAIN}",
        1,
    )
    assert alone["newsArticle"]["id"] == str(news["policy"]["en"].pk)
    assert chained["newsArticle"]["id"] == f"{news['policy']['en'].pk}{CHAIN}"


def test_a_normalised_client_cache_never_mixes_locales(gql, news):
    """Apollo's cache after the same queries in zh-hans, in English and in
    English with the zh-hans fallback gives every query back as it was
    answered: no object of one chain took values from another."""
    cache = NormalisedCache()
    for arguments in (
        {"locale": "zh-hans"},
        {"locale": "en", "fallback": ["zh-hans"]},
        {"locale": "en"},
        {"locale": "zh-hans", "fallback": ["en"]},
    ):
        cache.write(ARTICLE, gql(ARTICLE, slug="report", **arguments))
    cache.check()
    hans, english = (
        c.pk for c in (news["category"]["zh-hans"], news["category"]["en"])
    )
    categories = {key for key in cache.objects if key.startswith("NewsCategory:")}
    assert categories == {
        f"NewsCategory:{hans}",
        f"NewsCategory:{english}{CHAIN}",
        f"NewsCategory:{english}",
        f"NewsCategory:{hans}@zh-hans,en",
    }


def test_organisation_rows_read_in_another_locale_have_their_own_ids(gql):
    """A committee, its chair and a company with no English rows are shown in
    English with English role labels, tiers and committee pages: other ids."""
    unit = factories.OrgUnitFactory(name="区块链专业委员会", slug="blockchain")
    chair = factories.PositionFactory(unit=unit, person__name="王立安")
    tier = factories.MembershipTierFactory(name="理事单位")
    factories.translation_of(tier, "en", name="Director")
    company = factories.MemberCompanyFactory(tier=tier)
    index_key, page_key = uuid.uuid4(), uuid.uuid4()
    for code in ("zh-hans", "en"):
        about = OrganisationIndexPage.objects.get(locale__language_code=code)
        committees = factories.CommitteeIndexPageFactory(
            parent=about, translation_key=index_key
        )
        factories.CommitteePageFactory(
            parent=committees, unit=unit, slug="blockchain", translation_key=page_key
        )
    cache = NormalisedCache()
    hans = gql(STRUCTURE, locale="zh-hans")
    english = gql(STRUCTURE, locale="en")
    cache.write(STRUCTURE, hans)
    cache.write(STRUCTURE, english)
    cache.check()
    [committee] = english["committees"]
    assert committee["id"] == f"{unit.pk}@en"
    assert committee["chair"]["id"] == f"{chair.pk}@en"
    assert committee["chair"]["roleLabel"] == "Chair"
    assert hans["committees"][0]["id"] == str(unit.pk)
    assert hans["committees"][0]["chair"]["roleLabel"] == "主任"
    [found] = english["memberCompanies"]["items"]
    assert (found["id"], found["tier"]["name"]) == (f"{company.pk}@en", "Director")
    assert committee["url"] != hans["committees"][0]["url"]
    assert CommitteePage.objects.filter(unit=unit).count() == 2


def test_ids_the_api_gives_are_taken_back(gql, news):
    """`page(id:)` reads an id with a chain through that chain again (the same
    object, the same id); `pages(parent:)` and `recordArticleView` take it."""
    report = news["report"]
    chained_id = f"{report.pk}{CHAIN}"
    query = """query ($id: ID!) { page(id: $id) { id resolvedLocale url
        parent { id } } }"""
    found = gql(query, id=chained_id)["page"]
    assert found["id"] == chained_id
    assert (found["resolvedLocale"], found["url"]) == ("zh-hans", report.url)
    assert gql(query, id=str(report.pk))["page"]["id"] == str(report.pk)
    parent_id = found["parent"]["id"]
    assert parent_id == f"{index('en').pk}{CHAIN}"
    children = gql(
        """query ($id: ID!) {
          pages(parent: $id, fallback: ["zh-hans"]) { items { id } } }""",
        id=parent_id,
    )["pages"]["items"]
    assert chained_id in {child["id"] for child in children}
    # Not counted (the test client is no browser), but found: no NOT_FOUND.
    viewed = gql(
        """mutation ($id: ID!) { recordArticleView(id: $id) { viewCount } }""",
        id=chained_id,
    )
    assert viewed["recordArticleView"]["viewCount"] == 0
    [error] = gql.errors(
        """mutation ($id: ID!) { recordArticleView(id: $id) { viewCount } }""",
        id=f"{report.pk + 1000}{CHAIN}",
    )
    assert f"No published news article has the id {report.pk + 1000}" in error
