"""`searchSuggestions`: titles and names that start with or contain what a reader
typed, in either script and width, ranked, visible only, and cheap however many
match (cms.search.suggestions)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail_factories import ImageFactory

from cms.search.models import Suggestion
from newsroom.models import NewsArticlePage, NewsIndexPage
from tests.factories import (
    MemberCompanyFactory,
    NewsArticleAuthorFactory,
    NewsArticlePageFactory,
    NewsCategoryFactory,
    OrgUnitFactory,
    PositionFactory,
    article_relations_read,
    in_locales,
    live_article,
    publish,
)

pytestmark = pytest.mark.django_db
SLUGS = itertools.count()

SUGGEST = """
query($prefix: String!, $locale: String, $fallback: [String!],
      $types: [SearchType!], $limit: Int) {
  searchSuggestions(prefix: $prefix, locale: $locale, fallback: $fallback,
                    types: $types, limit: $limit) {
    text type locale
    item {
      __typename
      ... on NewsArticlePage { id title url resolvedLocale }
      ... on OrgUnit { name }
      ... on Person { name }
      ... on MemberCompany { name }
    }
  }
}
"""


def suggest(gql, prefix, **variables):
    return gql(SUGGEST, prefix=prefix, **variables)["searchSuggestions"]


def texts(gql, prefix, **variables):
    return [s["text"] for s in suggest(gql, prefix, **variables)]


def news_index(code="zh-hans"):
    return NewsIndexPage.objects.get(locale__language_code=code)


def article(title, day=1, code="zh-hans", **fields):
    return live_article(
        parent=news_index(code),
        title=title,
        slug=f"suggested-{next(SLUGS)}",
        date=datetime.date(2024, 1, day),
        **fields,
    )


def test_starting_with_comes_before_containing_and_newer_before_older(gql):
    article("协会召开年会", day=1)
    article("浙江省中小企业协会举办培训", day=9)
    article("协会党支部学习", day=5)
    article("数字经济座谈会", day=7)
    found = suggest(gql, "协会")
    assert [s["text"] for s in found] == [
        "协会党支部学习",
        "协会召开年会",
        "浙江省中小企业协会举办培训",
    ]
    first = found[0]
    assert first["type"] == "NEWS_ARTICLE"
    assert first["locale"] == "zh-hans"
    assert first["item"]["__typename"] == "NewsArticlePage"
    page = NewsArticlePage.objects.get(title="协会党支部学习")
    assert first["item"]["id"] == str(page.pk)
    assert first["item"]["url"]
    # One character in most titles: none starts with it, the newest first.
    assert texts(gql, "会", limit=2) == ["浙江省中小企业协会举办培训", "数字经济座谈会"]


def test_either_script_finds_the_other_and_shows_the_title_as_stored(gql):
    article("协会秘书处工作会议")
    article("協會理事會召開", code="zh-hant")
    assert texts(gql, "協會") == ["协会秘书处工作会议"]
    assert texts(gql, "协会", locale="zh-hant") == ["協會理事會召開"]
    assert texts(gql, "理事会", locale="zh-hant") == ["協會理事會召開"]


def test_a_company_is_suggested_by_the_name_its_locale_shows(gql):
    """A company's registered name is Simplified in every locale's entry; each
    locale's readers see it as its `name` shows it (in Traditional on zh-hant,
    the English name on en), whichever name or script they typed."""
    MemberCompanyFactory(
        name="丽水锦恒电子商务有限公司", english_name="Lishui Jinheng E-commerce"
    )
    shown = {
        "zh-hans": "丽水锦恒电子商务有限公司",
        "zh-hant": "麗水錦恆電子商務有限公司",
        "en": "Lishui Jinheng E-commerce",
    }
    for code, name in shown.items():
        for prefix in ("丽水锦恒", "麗水錦恆", "Lishui"):
            found = suggest(gql, prefix, locale=code, types=["MEMBER_COMPANY"])
            assert [s["text"] for s in found] == [name], (code, prefix)
            assert found[0]["item"]["name"] == name


def test_full_width_and_case_are_alike(gql):
    article("RCEP 规则解读", day=2)
    article("企业用好 RCEP 红利", day=3)
    for prefix in ("ＲＣＥＰ", "rcep", "Rc", "ｒｃｅｐ 规"):
        expected = ["RCEP 规则解读"] if "规" in prefix else None
        found = texts(gql, prefix)
        assert found == (expected or ["RCEP 规则解读", "企业用好 RCEP 红利"]), prefix
    # Inside a word too.
    assert texts(gql, "CEP") == ["企业用好 RCEP 红利", "RCEP 规则解读"]


def test_spaces_next_to_chinese_are_alike_typed_or_not(gql):
    article("RCEP 企业培训会", day=2)
    article("协会召开 2021 年度会员大会", day=3)
    for prefix in ("RCEP企业", "rcep 企", "ＲＣＥＰ企业培训"):
        assert texts(gql, prefix) == ["RCEP 企业培训会"], prefix
    for prefix in ("协会召开2021", "协会  召开", "召开2021年度", "2021年"):
        assert texts(gql, prefix) == ["协会召开 2021 年度会员大会"], prefix
    # Between Latin words and numbers a space still counts.
    assert texts(gql, "rcep") == ["RCEP 企业培训会"]
    assert texts(gql, "召开20 21") == []


def test_units_rank_before_people_before_news_and_companies(gql):
    article("协会年会", day=30)
    MemberCompanyFactory(name="协会科技有限公司")
    unit = OrgUnitFactory(name="协会秘书处")
    PositionFactory(person__name="协会联络员", unit=unit)
    found = suggest(gql, "协会")
    assert [(s["type"], s["text"]) for s in found] == [
        ("COMMITTEE", "协会秘书处"),
        ("PERSON", "协会联络员"),
        ("NEWS_ARTICLE", "协会年会"),
        ("MEMBER_COMPANY", "协会科技有限公司"),
    ]
    assert [s["item"]["__typename"] for s in found] == [
        "OrgUnit",
        "Person",
        "NewsArticlePage",
        "MemberCompany",
    ]
    assert texts(gql, "协会", types=["MEMBER_COMPANY", "PERSON"]) == [
        "协会联络员",
        "协会科技有限公司",
    ]


def test_locale_and_fallback_as_search(gql):
    common = {"date": datetime.date(2024, 2, 1)}

    def editions(titles):
        pages = in_locales(
            NewsArticlePageFactory,
            {
                code: {
                    "parent": news_index(code),
                    "title": title,
                    "slug": f"suggested-{next(SLUGS)}",
                }
                for code, title in titles.items()
            },
            **common,
        )
        return {code: publish(page) for code, page in pages.items()}

    editions({"zh-hans": "RCEP 报告"})
    editions({"zh-hans": "RCEP 政策", "en": "RCEP policy"})
    # Its English edition does not match: the item is not suggested in English.
    editions({"zh-hans": "RCEP 会议", "en": "Meeting"})
    assert texts(gql, "rcep", locale="en") == ["RCEP policy"]
    found = suggest(gql, "rcep", locale="en", fallback=["zh-hans"])
    assert sorted((s["text"], s["locale"]) for s in found) == [
        ("RCEP policy", "en"),
        ("RCEP 报告", "zh-hans"),
    ]
    fallen = next(s for s in found if s["locale"] == "zh-hans")["item"]
    assert fallen["resolvedLocale"] == "zh-hans"
    assert fallen["id"].endswith("@en,zh-hans")
    assert sorted(texts(gql, "rcep")) == ["RCEP 会议", "RCEP 报告", "RCEP 政策"]


def test_drafts_private_and_expired_pages_are_never_suggested(gql):
    draft = NewsArticlePageFactory(parent=news_index(), title="保密草稿", live=False)
    draft.save_revision()
    expired = article("保密过期新闻")
    NewsArticlePage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    hidden = article("保密内部新闻")
    shown = article("保密制度宣讲")
    home = news_index().get_parent()
    private = home.add_child(
        instance=NewsIndexPage(title="内部", slug="internal", locale=home.locale)
    )
    PageViewRestriction.objects.create(
        page=private,
        restriction_type="password",
        password="secret",  # noqa: S106
    )
    hidden.move(private, pos="last-child")
    assert texts(gql, "保密") == ["保密制度宣讲"]
    # A newer draft's title is not suggested before it is published.
    shown.title = "保密新标题"
    shown.save_revision()
    assert texts(gql, "保密新") == []
    assert texts(gql, "保密") == ["保密制度宣讲"]


def test_a_publication_is_suggested_once_the_worker_has_indexed_it(
    gql, task_queue, django_capture_on_commit_callbacks
):
    page = NewsArticlePageFactory(parent=news_index(), title="碳足迹核算", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert texts(gql, "碳足") == []
    task_queue.run()
    assert texts(gql, "碳足") == ["碳足迹核算"]
    with django_capture_on_commit_callbacks(execute=True):
        NewsArticlePage.objects.get(pk=page.pk).unpublish()
    # Hidden at once (visibility is asked at query time), gone once indexed.
    assert texts(gql, "碳足") == []
    assert Suggestion.objects.filter(object_id=page.pk)
    task_queue.run()
    assert not Suggestion.objects.filter(object_id=page.pk)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"prefix": ""}, "prefix is empty"),
        ({"prefix": "   "}, "prefix is empty"),
        ({"prefix": "协" * 101}, "prefix is 101 characters long; at most 100"),
        ({"prefix": "，。!"}, "has no letters, digits or Chinese characters"),
        ({"prefix": "协", "limit": 0}, "limit is 0; it must be 1 to 20"),
        ({"prefix": "协", "limit": 21}, "limit is 21; it must be 1 to 20"),
        ({"prefix": "协", "types": []}, "types is empty"),
        ({"prefix": "协", "locale": "fr"}, "fr"),
    ],
)
def test_bad_input_is_a_clear_error(gql, english, variables, message):
    status, body = gql.post(SUGGEST, variables)
    assert status == 200
    [error] = body["errors"]
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_like_wildcards_are_plain_characters(gql):
    article("100% 完成")
    article("1000 家企业")
    assert texts(gql, "100%") == ["100% 完成"]
    assert texts(gql, "1_0") == []


def test_suggestions_have_a_rate_limit_of_their_own(gql, settings):
    settings.CMS_RATE_LIMITS = {**settings.CMS_RATE_LIMITS, "suggest": (2, 60)}
    settings.CMS_RATE_LIMITS["search"] = (1, 60)
    article("协会年会")
    assert texts(gql, "协") == ["协会年会"]
    assert texts(gql, "协会") == ["协会年会"]
    status, body = gql.post(SUGGEST, {"prefix": "协会年"})
    assert status == 200
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] > 0
    assert body["data"] == {"searchSuggestions": None}
    # Searching is counted apart.
    found = gql('{ search(query: "协会") { totalCount } }')["search"]
    assert found["totalCount"] == 1


def count_queries(gql, prefix, **variables):
    with CaptureQueriesContext(connection) as queries:
        suggest(gql, prefix, limit=20, **variables)
    return len(queries)


@pytest.mark.parametrize(
    "variables", [{}, {"locale": "en", "fallback": ["zh-hans", "zh-hant"]}]
)
def test_the_query_count_does_not_grow_with_the_matches(gql, variables):
    for day in range(1, 4):
        article(f"协会活动{day}", day=day)
        MemberCompanyFactory(name=f"协会{day}有限公司")
    small = count_queries(gql, "协会", **variables)
    for day in range(4, 28):
        article(f"协会活动{day}", day=day)
        article(f"浙江协会活动{day}", day=day)
        MemberCompanyFactory(name=f"协会{day}有限公司")
    assert len(suggest(gql, "协会", limit=20, **variables)) == 20
    assert count_queries(gql, "协会", **variables) <= small


def test_suggestions_behind_a_window_of_hidden_ones_are_still_found(gql, monkeypatch):
    """The best rows are read before their visibility is asked (a window of
    them): when the window holds too few visible ones, all are searched."""
    monkeypatch.setattr("cms.search.suggestions.WINDOW", 2)
    older = [article(f"窗口旧闻{n}", day=n) for n in (1, 2)]
    newer = [article(f"窗口新闻{n}", day=n) for n in (20, 21, 22)]
    NewsArticlePage.objects.filter(pk__in=[page.pk for page in newer]).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    found = texts(gql, "窗口", limit=1)
    assert found == [older[-1].title]
    assert texts(gql, "窗口") == [page.title for page in reversed(older)]


@pytest.mark.parametrize(("probe", "path"), [(5000, "best rows"), (2, "grams")])
def test_containing_reads_the_best_rows_first_then_the_pairs_index(
    gql, monkeypatch, probe, path
):
    """The titles containing a piece: when the locale's best PROBE rows hold a
    window of them (PostgreSQL), they are read from there; otherwise the
    character pairs' index finds them. The same suggestions either way."""
    monkeypatch.setattr("cms.search.suggestions.WINDOW", 2)  # limit 1: 4 rows
    monkeypatch.setattr("cms.search.suggestions.PROBE", probe)
    for day in range(1, 7):
        article(f"甲罕见词{day}日", day=day)
    with CaptureQueriesContext(connection) as queries:
        found = texts(gql, "罕见", limit=1)
    # Read now: the next request empties the connection's log.
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert found == ["甲罕见词6日"]
    if connection.vendor == "postgresql":
        assert ") best" in sql
        assert ("grams_vector" in sql) == (path == "grams")
    assert texts(gql, "罕见", limit=3) == ["甲罕见词6日", "甲罕见词5日", "甲罕见词4日"]


def test_a_null_limit_means_the_default(gql):
    for day in range(1, 11):
        article(f"默认条数{day}", day=day)
    assert len(texts(gql, "默认条数", limit=None)) == 8
    assert len(texts(gql, "默认条数")) == 8


ITEMS = """
query($prefix: String!, $limit: Int) {
  searchSuggestions(prefix: $prefix, limit: $limit) {
    item { ... on NewsArticlePage { title url FIELDS } }
  }
}
"""
RELATIONS = """viewCount coverImage { rendition(width: 320) { url } }
  categories { name } tags { name } authors { name }
  relatedPeople { name } relatedUnits { name }"""


def test_what_items_show_is_loaded_when_asked_and_only_then(gql):
    """A search box asks for a title and a url: the articles' relations are
    not read. Asked for, they are read in a fixed number of queries."""
    category = NewsCategoryFactory(name="协会动态")
    for day in range(1, 9):
        page = article(f"关联加载{day}", day=day, cover_image=ImageFactory())
        page.categories = [category]
        page.tags.add("培训")
        NewsArticleAuthorFactory(article=page, name="秘书处")
        page.save()
    full, bare = ITEMS.replace("FIELDS", RELATIONS), ITEMS.replace("FIELDS", "")
    gql(full, prefix="关联", limit=8)  # renditions are made on the first request
    counts = []
    for limit in (2, 8):
        with CaptureQueriesContext(connection) as queries:
            found = gql(full, prefix="关联", limit=limit)["searchSuggestions"]
        assert len(found) == limit
        for suggestion in found:
            item = suggestion["item"]
            assert item["coverImage"]["rendition"]["url"]
            assert item["categories"] == [{"name": "协会动态"}]
            assert item["tags"] == [{"name": "培训"}]
            assert item["authors"] == [{"name": "秘书处"}]
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with CaptureQueriesContext(connection) as queries:
        found = gql(bare, prefix="关联", limit=8)["searchSuggestions"]
    assert [s["item"]["title"] for s in found][0] == "关联加载8"
    assert article_relations_read(queries) == []
