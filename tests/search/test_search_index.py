"""The GraphQL layer reads the index through cms.search.engine only: a second
implementation (tests/search/scan_index.py, a scan in Python), configured by
CMS_SEARCH_INDEX, answers `search`, `newsArticles(search:)` and
`searchSuggestions` with the same results as the database's, by its own
scores."""

import pytest

from tests.search.test_relevance import CASES, key, resolve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]

SCAN = "tests.search.scan_index.ScanIndex"
SEARCH = """query ($text: String!, $locale: String, $fallback: [String!]) {
  search(query: $text, locale: $locale, fallback: $fallback, perPage: 50) {
    totalCount totalCountIsEstimate
    items { type locale score
      item { ... on NewsArticlePage { slug } ... on OrgUnit { slug }
             ... on Person { name } ... on MemberCompany { creditCode } } } } }"""
NEWS = """query ($text: String!, $locale: String) {
  newsArticles(search: $text, locale: $locale) {
    totalCount totalCountIsEstimate items { slug } } }"""
# Relevance cases with at most 50 results, every type among them.
QUERIES = [
    ("黨支部", "zh-hant"),
    ("协会", "zh-hans"),
    ("区块链", "zh-hans"),
    ("Blockchain", "en"),
    ("蔡章生 秘书长", "zh-hant"),
    ("2020 疫情", "zh-hans"),
    ("西湖区 锦恒", "zh-hans"),
    ("部支", "zh-hans"),
]


def answers(gql, text, locale, **variables):
    found = gql(SEARCH, text=text, locale=locale, **variables)["search"]
    news = gql(NEWS, text=text, locale=locale)["newsArticles"]
    return {
        "keys": {key(hit) for hit in found["items"]},
        "scores": [hit["score"] for hit in found["items"]],
        "count": (found["totalCount"], found["totalCountIsEstimate"]),
        "news": (
            news["totalCount"],
            news["totalCountIsEstimate"],
            {item["slug"] for item in news["items"]},
        ),
    }


def test_a_second_implementation_answers_the_same(gql, settings):
    expected = {(case.query, case.locale): case.expected for case in CASES}
    for text, locale in QUERIES:
        database = answers(gql, text, locale)
        settings.CMS_SEARCH_INDEX = SCAN
        scan = answers(gql, text, locale)
        settings.CMS_SEARCH_INDEX = "cms.search.database.DatabaseIndex"
        wanted = {resolve(k, locale) for k in expected[(text, locale)]}
        assert scan["keys"] == database["keys"] == wanted, text
        assert scan["count"] == database["count"] == (len(wanted), False), text
        assert scan["news"] == database["news"], text
        # The scan's own scores (a term's best column weight, summed: 1.0 for a
        # title, 0.4 a summary, 0.2 a body), not the database's.
        assert all(abs(s * 5 - round(s * 5)) < 1e-9 for s in scan["scores"]), text
        assert scan["scores"] != database["scores"] or not wanted, text


def test_a_fallback_chain_through_the_second_implementation(gql, settings):
    """An English search falling back to zh-hans: the article once, in English
    (it has an English edition that matches), the same through both."""
    database = answers(gql, "party building", "en", fallback=["zh-hans"])
    settings.CMS_SEARCH_INDEX = SCAN
    scan = answers(gql, "party building", "en", fallback=["zh-hans"])
    assert scan["keys"] == database["keys"]
    assert scan["count"] == database["count"]
    assert resolve("article", "en") in scan["keys"]


SUGGEST = """query ($prefix: String!, $locale: String) {
  searchSuggestions(prefix: $prefix, locale: $locale, limit: 20) {
    text type locale } }"""


def test_suggestions_through_the_second_implementation(gql, settings):
    """The same titles, in the same order (starting before containing, then the
    kind's weight, then the newest), from the scan as from the database."""
    for prefix, locale in [("协会", "zh-hans"), ("協會", "zh-hant"), ("党", "zh-hans")]:
        database = gql(SUGGEST, prefix=prefix, locale=locale)["searchSuggestions"]
        settings.CMS_SEARCH_INDEX = SCAN
        scan = gql(SUGGEST, prefix=prefix, locale=locale)["searchSuggestions"]
        settings.CMS_SEARCH_INDEX = "cms.search.database.DatabaseIndex"
        assert database, prefix
        assert [s["text"] for s in scan] == [s["text"] for s in database], prefix
