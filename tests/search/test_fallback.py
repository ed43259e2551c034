"""`search(fallback:)`: each item once, in the first locale of the chain that has
it, chosen before matching and pagination (cms.search.schema.entries)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.search.models import SearchEntry
from newsroom.models import NewsIndexPage
from tests import factories
from tests.factories import NewsArticlePageFactory, in_locales, publish

pytestmark = pytest.mark.django_db

SEARCH = """query ($text: String!, $locale: String, $fallback: [String!],
                   $all: Boolean, $types: [SearchType!], $perPage: Int) {
  search(query: $text, locale: $locale, fallback: $fallback, allLocales: $all,
         types: $types, perPage: $perPage) {
    totalCount numPages
    items { locale item { __typename
      ... on NewsArticlePage { id title url urlPath resolvedLocale }
      ... on MemberCompany { id name tier { name } } } }
  } }"""


def index(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


def article(titles):
    """An article published in the locales of `titles` ({code: title})."""
    editions = in_locales(
        NewsArticlePageFactory,
        {
            code: {
                "parent": index(code),
                "title": title,
                "slug": f"{title.replace(' ', '-')}-{code}",
            }
            for code, title in titles.items()
        },
        date=datetime.date(2030, 1, 1),
    )
    return {code: publish(page) for code, page in editions.items()}


@pytest.fixture
def articles():
    return {
        "only_chinese": article({"zh-hans": "RCEP 报告"}),
        "both": article({"zh-hans": "RCEP 政策", "en": "RCEP policy"}),
        # The English edition does not match: the item is not found in English.
        "english_differs": article({"zh-hans": "RCEP 会议", "en": "Meeting"}),
    }


def search(gql, **variables):
    return gql(SEARCH, text="RCEP", types=["NEWS_ARTICLE"], **variables)["search"]


def titles(found):
    return sorted(hit["item"]["title"] for hit in found["items"])


def test_fallback_shows_items_without_an_english_edition_once(gql, articles):
    assert titles(search(gql, locale="en")) == ["RCEP policy"]
    found = search(gql, locale="en", fallback=["zh-hans"])
    assert titles(found) == ["RCEP policy", "RCEP 报告"]
    assert found["totalCount"] == 2
    assert titles(search(gql, locale="zh-hans")) == [
        "RCEP 会议",
        "RCEP 报告",
        "RCEP 政策",
    ]
    everywhere = search(gql, all=True)
    assert everywhere["totalCount"] == 4


def test_fallback_items_are_their_resolved_editions(gql, articles):
    """The hit's locale, the item's resolvedLocale, URL and urlPath are those of
    the edition found; its id names the chain it was read through."""
    found = search(gql, locale="en", fallback=["zh-hans"])
    hits = {hit["item"]["title"]: hit for hit in found["items"]}
    chinese = articles["only_chinese"]["zh-hans"]
    hit = hits["RCEP 报告"]
    assert hit["locale"] == hit["item"]["resolvedLocale"] == "zh-hans"
    assert hit["item"]["url"] == chinese.url
    assert hit["item"]["url"].startswith("/zh-hans/")
    assert hit["item"]["urlPath"] == f"/news/{chinese.slug}/"
    assert hit["item"]["id"] == f"{chinese.pk}@en,zh-hans"
    english = articles["both"]["en"]
    assert hits["RCEP policy"]["item"]["id"] == f"{english.pk}@en,zh-hans"
    assert hits["RCEP policy"]["item"]["url"].startswith("/en/")
    alone = search(gql, locale="en")["items"][0]["item"]
    assert alone["id"] == str(english.pk)


def test_fallback_is_resolved_before_pagination(gql, articles):
    first = search(gql, locale="en", fallback=["zh-hans"], perPage=1)
    assert (first["totalCount"], first["numPages"], len(first["items"])) == (2, 2, 1)


def test_an_unpublished_edition_gives_way_to_the_next_locale(gql, articles):
    articles["both"]["en"].unpublish()
    found = search(gql, locale="en", fallback=["zh-hans"])
    assert titles(found) == ["RCEP 报告", "RCEP 政策"]


def test_a_member_company_is_one_result_in_a_chain(gql):
    """A company has an entry per locale: one item, read in the first locale."""
    tier = factories.MembershipTierFactory(name="理事单位")
    factories.translation_of(tier, "en", name="Director")
    company = factories.MemberCompanyFactory(name="甬渤澜RCEP科技有限公司", tier=tier)
    found = gql(
        SEARCH,
        text="甬渤澜",
        locale="en",
        fallback=["zh-hans"],
        types=["MEMBER_COMPANY"],
    )["search"]
    assert found["totalCount"] == 1
    [hit] = found["items"]
    assert hit["locale"] == "en"
    assert hit["item"] == {
        "__typename": "MemberCompany",
        "id": f"{company.pk}@en,zh-hans",
        "name": "甬渤澜RCEP科技有限公司",
        "tier": {"name": "Director"},
    }


def test_query_count_does_not_grow_with_the_page(gql):
    for number in range(6):
        article({"zh-hans": f"RCEP 报告 {number}"})
    search(gql, locale="en", fallback=["zh-hans"])  # Wagtail's per-process caches
    counts = []
    for per_page in (2, 6):
        with CaptureQueriesContext(connection) as queries:
            found = search(gql, locale="en", fallback=["zh-hans"], perPage=per_page)
        assert len(found["items"]) == per_page
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_migration_fills_the_keys_of_existing_entries(articles):
    """Entries from before the key existed get their objects' keys (a company's
    its own), as the indexer gives them."""
    factories.MemberCompanyFactory(name="锦恒科技有限公司")
    expected = dict(SearchEntry.objects.values_list("pk", "translation_key"))
    assert None not in expected.values()
    SearchEntry.objects.update(translation_key=None)
    migration = importlib.import_module(
        "cms.search.migrations.0002_entry_translation_key"
    )
    migration.fill_keys(apps, None)
    assert dict(SearchEntry.objects.values_list("pk", "translation_key")) == expected
