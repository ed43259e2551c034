"""Searches with more matches than CMS_SEARCH_EXACT_LIMIT (cms.search.database):
only a bounded set of candidates is ranked, the total is an estimate and says so,
and the number of SQL queries does not grow with the matches. The limit is set
low here; benchmarks/search_scale.py measures it at 100,000 articles."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import live_article

pytestmark = pytest.mark.django_db

LIMIT = 3
# In no text of the search corpus or of the skeleton.
WORD = "氢燃料"

SEARCH = """query ($text: String!, $page: Int, $perPage: Int) {
  search(query: $text, types: [NEWS_ARTICLE], page: $page, perPage: $perPage) {
    totalCount totalCountIsEstimate numPages hasNextPage
    items { score item { ... on NewsArticlePage { title } } } } }"""
NEWS = """query ($text: String!, $page: Int, $perPage: Int, $order: String) {
  newsArticles(search: $text, page: $page, perPage: $perPage, order: $order) {
    totalCount totalCountIsEstimate numPages hasNextPage items { title } } }"""


@pytest.fixture
def limit(settings):
    settings.CMS_SEARCH_EXACT_LIMIT = LIMIT


def paragraph(text):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


def in_body(title, year):
    return live_article(
        title=title,
        summary="概览",
        body=paragraph(f"本次活动介绍了{WORD}的应用。"),
        date=datetime.date(year, 6, 1),
    )


def in_title(title, year):
    return live_article(
        title=f"{WORD}{title}",
        summary="概览",
        body=paragraph("正文。"),
        date=datetime.date(year, 6, 1),
    )


def search(gql, **variables):
    found = gql(SEARCH, text=WORD, **variables)["search"]
    found["titles"] = [hit["item"]["title"] for hit in found.pop("items")]
    return found


def news(gql, **variables):
    found = gql(NEWS, text=WORD, **variables)["newsArticles"]
    found["titles"] = [item["title"] for item in found.pop("items")]
    return found


@pytest.mark.usefixtures("limit")
def test_up_to_the_limit_everything_is_exact(gql):
    for year in (2020, 2021, 2022):
        in_body(f"新闻{year}", year)
    for found in (search(gql), news(gql)):
        assert found["totalCount"] == 3
        assert found["totalCountIsEstimate"] is False
        assert sorted(found["titles"]) == ["新闻2020", "新闻2021", "新闻2022"]


@pytest.mark.usefixtures("limit")
def test_above_the_limit_the_best_candidates_are_ranked_and_the_count_estimated(
    gql,
):
    """The candidates: title matches first (however old), then the newest; the
    older body matches are not ranked, so not shown, and the results end after
    the candidates."""
    in_title("旧闻甲", 2001)
    in_title("旧闻乙", 2002)
    for year in (2019, 2020, 2021, 2022):
        in_body(f"新闻{year}", year)
    candidates = [f"{WORD}旧闻甲", f"{WORD}旧闻乙", "新闻2022"]
    for answer in (search, news):
        found = answer(gql, perPage=10)
        assert found["totalCountIsEstimate"] is True
        # Counted up to the limit + 1, then estimated (SQLite counts them).
        assert found["totalCount"] >= LIMIT + 1
        assert (found["numPages"], found["hasNextPage"]) == (1, False)
        # Ranked: the title matches before the body match.
        assert set(found["titles"][:2]) == set(candidates[:2])
        assert found["titles"][2] == candidates[2]
        # Page by page: each candidate once, nothing after them, no error.
        pages = [answer(gql, page=page, perPage=2) for page in (1, 2, 3)]
        assert [p["titles"] for p in pages][0] == found["titles"][:2]
        assert [p["titles"] for p in pages][1:] == [found["titles"][2:], []]
        assert [(p["numPages"], p["hasNextPage"]) for p in pages] == [
            (2, True),
            (2, False),
            (2, False),
        ]


@pytest.mark.usefixtures("limit")
def test_a_title_match_among_the_newest_is_a_candidate_once(gql):
    """The newest matches, read after the title matches, include a title match
    that is also the newest: the body matches after it fill the candidates."""
    in_title("新题", 2023)
    for year in (2019, 2020, 2021, 2022):
        in_body(f"新闻{year}", year)
    for answer in (search, news):
        found = answer(gql, perPage=10)
        assert found["totalCountIsEstimate"] is True
        assert found["titles"][0] == f"{WORD}新题"
        assert sorted(found["titles"][1:]) == ["新闻2021", "新闻2022"]


def test_fewer_candidates_are_ranked_than_are_counted_exactly(gql, settings):
    """Up to the exact limit every match is ranked and shown; above it only
    CMS_SEARCH_CANDIDATES are (the title match, then the newest)."""
    settings.CMS_SEARCH_EXACT_LIMIT = 4
    settings.CMS_SEARCH_CANDIDATES = 2
    in_title("旧闻", 2001)
    for year in (2020, 2021, 2022):
        in_body(f"新闻{year}", year)
    for answer in (search, news):
        found = answer(gql, perPage=10)
        assert (found["totalCount"], found["totalCountIsEstimate"]) == (4, False)
        assert len(found["titles"]) == 4
    in_body("新闻2023", 2023)
    for answer in (search, news):
        found = answer(gql, perPage=10)
        assert found["totalCountIsEstimate"] is True
        assert found["totalCount"] >= 5
        assert sorted(found["titles"]) == sorted([f"{WORD}旧闻", "新闻2023"])
        assert (found["numPages"], found["hasNextPage"]) == (1, False)


@pytest.mark.usefixtures("limit")
def test_above_the_limit_news_by_date_keep_every_match(gql):
    """Ordered by date, nothing needs ranking: every match can be paged
    through, newest first; only the count is an estimate."""
    in_title("旧闻", 2001)
    for year in (2019, 2020, 2021, 2022):
        in_body(f"新闻{year}", year)
    found = news(gql, order="-date", perPage=10)
    assert found["totalCountIsEstimate"] is True
    assert found["titles"] == [
        "新闻2022",
        "新闻2021",
        "新闻2020",
        "新闻2019",
        f"{WORD}旧闻",
    ]


@pytest.mark.usefixtures("limit")
def test_without_search_the_count_is_exact(gql):
    found = gql("{ newsArticles { totalCount totalCountIsEstimate } }")
    assert found["newsArticles"]["totalCountIsEstimate"] is False


@pytest.mark.usefixtures("limit")
def test_queries_do_not_grow_with_the_matches(gql):
    """The same number of SQL queries at 8 matches and at 24 (both bounded),
    and no more than a fixed budget at 2 (exact): the bounded path costs a few
    more (the candidates and, on PostgreSQL, the planner's estimates), never
    one per match."""
    made = 0
    counts = {}
    for total in (2, 8, 24):
        while made < total:
            made += 1
            in_body(f"新闻{made}", 2000)
        search(gql)  # Wagtail's per-process caches
        for answer in (search, news):
            with CaptureQueriesContext(connection) as queries:
                assert len(answer(gql, perPage=10)["titles"]) <= LIMIT
            counts[total, answer.__name__] = len(queries)
    for answer in ("search", "news"):
        assert counts[8, answer] == counts[24, answer], counts
        assert counts[2, answer] <= counts[8, answer] <= 15, counts


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="how PostgreSQL lays out rows (TOAST); SQLite keeps the terms in FTS5",
)
def test_entries_keep_their_texts_out_of_line():
    """An entry's row holds what the searches filter and sort on, and once its
    texts go out of line, all go, down to 128 bytes (cms.search.backends:
    POSTGRESQL_NARROW), so that a common word's thousands of matches are read
    in few pages."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'cms_search_entry'"
        )
        assert cursor.fetchone()[0] == ["toast_tuple_target=128"]
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'cms_search_entry'::regclass AND attnum > 0 AND NOT attisdropped "
            "AND attstorage != 'p'"
        )
        storage = dict(cursor.fetchall())
    in_row = {"kind", "model", "title_document"}
    assert {name: storage[name] for name in in_row} == dict.fromkeys(in_row, "m")
    out_of_line = {"title", "summary", "body", "document", "body_terms"}
    assert {name: storage[name] for name in out_of_line} == dict.fromkeys(
        out_of_line, "x"
    )
