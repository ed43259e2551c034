"""Search over GraphQL: what it finds, how it answers bad input, and how the index
follows the content (cms.search)."""

import io
import json
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction

from cms.localization.translators import converter
from cms.search.models import SearchEntry
from newsroom.models import NewsArticlePage, NewsCategory, NewsIndexPage
from organisation.demo_members import generated_companies
from organisation.models import (
    CommitteePage,
    MemberCompany,
    OrgUnit,
    Person,
    Position,
    Region,
)
from tests.factories import MemberCompanyFactory, NewsArticlePageFactory

# The search corpus (tests/search/corpus.py): the 2021 article in three editions,
# the association's units and people, 5,000 member companies.
# Every test in the database, so that pytest-django keeps them together (it runs
# tests without the database last, which would build the module's data again).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]

SEARCH = """
query($text: String!, $locale: String, $types: [SearchType!], $all: Boolean,
      $perPage: Int) {
  search(query: $text, locale: $locale, types: $types, allLocales: $all,
         perPage: $perPage) {
    totalCount
    items {
      type locale score excerpt
      item {
        __typename
        ... on NewsArticlePage { title slug url tags { name } categories { name } }
        ... on OrgUnit { name slug }
        ... on Person { name }
        ... on MemberCompany { name creditCode region { name } }
      }
    }
  }
}
"""


def search(gql, text, **variables):
    return gql(SEARCH, text=text, **variables)["search"]


def titles(gql, text, locale="zh-hans"):
    found = search(gql, text, locale=locale, types=["NEWS_ARTICLE"])
    return [hit["item"]["title"] for hit in found["items"]]


def news_index(code="zh-hans"):
    return NewsIndexPage.objects.get(locale__language_code=code)


def article(code="zh-hans", publish=True, **fields):
    page = NewsArticlePageFactory(parent=news_index(code), live=False, **fields)
    if publish:
        page.save_revision().publish()
    return NewsArticlePage.objects.get(pk=page.pk)


def paragraph(text):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


def test_the_stock_failure_words_inside_traditional_text_are_found(gql):
    """Stock Wagtail's database backend finds this page by none of 黨支部, 黨建 and
    協會: they sit inside runs of Chinese text."""
    page = article(
        "zh-hant",
        title="浙江省中小企業協會黨支部召開黨建工作會議",
        summary="協會黨支部書記主持會議。",
        body=paragraph("會議部署了下半年的黨建工作，協會全體黨員參加。"),
    )
    for word in ("黨支部", "黨建", "協會", "党支部", "党建", "协会"):
        assert page.title in titles(gql, word, "zh-hant"), word
    listing = gql(
        '{ newsArticles(locale: "zh-hant", search: "党建工作会议") '
        "{ totalCount items { title } } }"
    )["newsArticles"]
    assert [item["title"] for item in listing["items"]] == [page.title]


def test_a_word_opencc_writes_otherwise_in_a_phrase_is_found_in_either_script(gql):
    """The zh-hant edition, converted by OpenCC, reads 瞭解, 藉口 and 回覆, which
    its character table does not convert back: Simplified readers' words find
    them, and the Traditional words find the zh-hans edition."""
    simplified = "企业了解扶持政策，不找借口，三日内回复"
    traditional = converter("s2t").convert(simplified)
    assert "瞭解" in traditional and "藉口" in traditional and "回覆" in traditional
    hant = article("zh-hant", title="政策解讀會", body=paragraph(traditional))
    hans = article(title="政策解读会", body=paragraph(simplified))
    for word in ("了解", "借口", "回复"):
        assert hant.title in titles(gql, word, "zh-hant"), word
    for word in ("瞭解", "藉口", "回覆"):
        assert hans.title in titles(gql, word), word


def test_full_width_case_and_mixed_latin_and_numbers(gql):
    page = article(title="RCEP 企業培訓：2021 年度計劃", summary="Trade rules.")
    for query in (
        "rcep 企业",
        "ＲＣＥＰ",
        "Rcep 培训",
        "2021年度",
        "２０２１ 年度",
        "TRADE",
    ):
        assert titles(gql, query) == [page.title], query
    assert titles(gql, "2022 年度") == []


def test_results_are_typed_scored_and_marked(gql):
    found = search(gql, "党支部", locale="zh-hant")
    hits = found["items"]
    assert found["totalCount"] == len(hits) == 2
    assert [hit["type"] for hit in hits] == ["UNIT", "NEWS_ARTICLE"]
    assert hits[0]["item"] == {
        "__typename": "OrgUnit",
        "name": "黨支部（籌）",
        "slug": "party-branch",
    }
    assert hits[0]["score"] > hits[1]["score"] > 0
    assert hits[0]["excerpt"] == "<mark>黨支部</mark>（籌）"
    assert "<mark>黨支部</mark>" in hits[1]["excerpt"]
    assert hits[1]["item"]["url"].startswith("/zh-hant/")


def test_title_weighs_more_than_summary_more_than_body(gql):
    article(title="普通新闻甲", summary="概览", body=paragraph("会员大会在杭州召开。"))
    article(title="普通新闻乙", summary="会员大会召开", body=paragraph("正文。"))
    article(title="会员大会召开", summary="概览", body=paragraph("正文。"))
    article(title="普通新闻丙", summary="概览", body=paragraph("无关。"))
    found = search(gql, "会员大会", types=["NEWS_ARTICLE"])["items"]
    assert [hit["item"]["title"] for hit in found] == [
        "会员大会召开",
        "普通新闻乙",
        "普通新闻甲",
    ]
    assert found[0]["score"] > found[1]["score"] > found[2]["score"]


def test_excerpts_escape_html(gql):
    article(title="标签测试", summary="<script>alert(1)</script> 标签测试")
    excerpt = search(gql, "标签测试")["items"][0]["excerpt"]
    assert "<script>" not in excerpt
    assert "&lt;script&gt;" in excerpt and "<mark>标签测试</mark>" in excerpt


def test_one_locale_unless_all_are_asked_for(gql):
    def locales(**variables):
        found = search(gql, "蔡章生", perPage=50, **variables)["items"]
        return {hit["locale"] for hit in found}

    assert locales() == {"zh-hans"}
    assert locales(locale="zh-hant") == {"zh-hant"}
    assert locales(all=True) == {"zh-hans", "zh-hant"}
    people = search(gql, "蔡章生", types=["PERSON"], all=True)["items"]
    assert {hit["item"]["name"] for hit in people} == {"蔡章生"}
    english = search(gql, "Cai Zhangsheng", locale="en", types=["PERSON"])["items"]
    assert [hit["item"]["name"] for hit in english] == ["Cai Zhangsheng"]


def test_types_narrow_the_results(gql):
    found = search(gql, "区块链", types=["COMMITTEE", "PERSON"])["items"]
    assert {hit["type"] for hit in found} == {"COMMITTEE", "PERSON"}
    assert {hit["item"]["__typename"] for hit in found} == {"OrgUnit", "Person"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "query is empty"),
        ("   \n", "query is empty"),
        ("党" * 101, "query is 101 characters long; at most 100 are allowed"),
        ("！？、。…", "has no letters, digits or Chinese characters"),
    ],
)
def test_bad_queries_are_clear_errors(gql, text, message):
    [error] = gql.errors(SEARCH, text=text)
    assert message in error


def test_wrong_arguments_are_clear_errors(gql):
    assert (
        "perPage must be between 1 and 50"
        in gql.errors(SEARCH, text="党", perPage=51)[0]
    )
    [error] = gql.errors(SEARCH, text="党", types=["PAGE"])
    assert "SearchType" in error and "PAGE" in error
    [error] = gql.errors(SEARCH, text="党", locale="fr")
    assert "fr" in error


@pytest.mark.parametrize(
    "text",
    [
        'AND OR NOT "unclosed',
        "a* NEAR(a b) title:党",
        "'; DROP TABLE cms_search_entry; --",
        "党 & 支部 | !协会 <-> :* \\",
        "^ - + () {} [] ~ ' \" ``",
        "\u202e\u200b\ufeff党\u0301支部",
        "𠀀𠀁 ﷽ 🎉",
    ],
)
def test_any_input_is_text_never_syntax(gql, text):
    status, body = gql.post(SEARCH, {"text": text})
    assert status == 200
    if "errors" in body:
        assert (
            "has no letters, digits or Chinese characters"
            in body["errors"][0]["message"]
        )
    else:
        assert body["data"]["search"]["totalCount"] >= 0
    assert SearchEntry.objects.exists()


def test_the_index_follows_publishing(gql):
    page = article(publish=False, title="未发布的草稿新闻")
    assert titles(gql, "草稿新闻") == []
    page.save_revision().publish()
    assert titles(gql, "草稿新闻") == ["未发布的草稿新闻"]

    # A newer draft is not searchable until it is published.
    page.title = "机密修改稿"
    page.save_revision()
    assert titles(gql, "机密修改稿") == []
    assert titles(gql, "草稿新闻") == ["未发布的草稿新闻"]
    NewsArticlePage.objects.get(pk=page.pk).get_latest_revision().publish()
    assert titles(gql, "机密修改稿") == ["机密修改稿"]
    assert titles(gql, "草稿新闻") == []

    NewsArticlePage.objects.get(pk=page.pk).unpublish()
    assert titles(gql, "机密修改稿") == []
    assert not SearchEntry.objects.filter(object_id=page.pk, kind="NEWS_ARTICLE")

    page = NewsArticlePage.objects.get(pk=page.pk)
    page.save_revision().publish()
    assert titles(gql, "机密修改稿") == ["机密修改稿"]
    page.delete()
    assert titles(gql, "机密修改稿") == []
    assert not SearchEntry.objects.filter(object_id=page.pk, kind="NEWS_ARTICLE")


def test_a_move_into_a_private_section_hides_the_article(gql):
    page = article(title="搬迁测试新闻")
    news = news_index()
    home = news.get_parent()
    private = home.add_child(
        instance=NewsIndexPage(title="内部通知", slug="internal", locale=home.locale)
    )
    PageViewRestriction.objects.create(
        page=private,
        restriction_type="password",
        password="secret",  # noqa: S106
    )
    page.move(private, pos="last-child")
    assert titles(gql, "搬迁测试") == []
    NewsArticlePage.objects.get(pk=page.pk).move(news, pos="last-child")
    found = search(gql, "搬迁测试")["items"]
    assert [unquote(hit["item"]["url"]) for hit in found] == [
        f"/zh-hans/news/{page.slug}/"
    ]


@pytest.fixture
def filed(db):
    """A published article in a new category (乡村振兴简报) with a tag (共同富裕)."""
    category = NewsCategory.objects.create(
        name="乡村振兴简报", slug="rural", locale=Locale.get_default()
    )
    page = article(title="一篇普通新闻")
    page.categories.add(category)
    page.tags.add("共同富裕")
    page.save_revision().publish()
    return NewsArticlePage.objects.get(pk=page.pk), category


def test_categories_and_tags_are_searchable_and_followed(gql, filed):
    page, category = filed
    assert titles(gql, "乡村振兴简报") == ["一篇普通新闻"]
    assert titles(gql, "共同富裕") == ["一篇普通新闻"]
    category.name = "山区发展简报"
    category.save()
    assert titles(gql, "山区发展") == ["一篇普通新闻"]
    assert titles(gql, "乡村振兴简报") == []


def test_the_index_follows_snippet_saves(gql):
    unit = OrgUnit.objects.get(slug="blockchain", locale__language_code="zh-hant")
    unit.name = "數字資產專業委員會"
    unit.save()
    found = search(gql, "数字资产", locale="zh-hant", types=["COMMITTEE"])["items"]
    assert [hit["item"]["slug"] for hit in found] == ["blockchain"]
    assert search(gql, "區塊鏈", locale="zh-hant", types=["COMMITTEE"])["items"] == []

    # A new position: the person is found by the role, in the unit's words.
    person = Person.objects.get(name="李明（示例）", locale=Locale.get_default())
    Position.objects.create(
        person=person,
        unit=OrgUnit.objects.get(slug="secretariat", locale=Locale.get_default()),
        role="deputy-secretary-general",
    )
    found = search(gql, "副秘書長", locale="zh-hant", types=["PERSON"])["items"]
    assert [hit["item"]["name"] for hit in found] == ["李明（示例）"]
    Person.objects.filter(translation_key=person.translation_key).delete()
    assert search(gql, "李明", types=["PERSON"], all=True)["items"] == []


def test_the_index_follows_member_companies_and_regions(gql):
    region = Region.objects.get(slug="pinghu", locale__language_code="en")
    companies = MemberCompany.objects.filter(region__slug="pinghu", active=True)
    region.name = "Pinghu City"
    region.save()

    def total():
        # (The English article mentions Pinghu City too.)
        found = search(gql, "Pinghu City", locale="en", types=["MEMBER_COMPANY"])
        return found["totalCount"]

    assert total() == companies.count() > 0
    company = companies.first()
    company.active = False
    company.save()
    assert total() == companies.count()
    company.delete()
    assert not SearchEntry.objects.filter(kind="MEMBER_COMPANY", object_id=company.pk)


def test_a_company_s_excerpt_shows_the_name_its_locale_shows(gql):
    """The registered name is Simplified; each locale's excerpt is of the name
    its readers see, and every name finds it."""
    MemberCompanyFactory(name="丽水锦纶电子商务有限公司", english_name="Lishui Jinlun")
    shown = {
        "zh-hans": "丽水<mark>锦纶</mark>电子商务有限公司 Lishui Jinlun",
        "zh-hant": "麗水<mark>錦綸</mark>電子商務有限公司 Lishui Jinlun",
        "en": "Lishui Jinlun 丽水<mark>锦纶</mark>电子商务有限公司",
    }
    for code, excerpt in shown.items():
        for word in ("锦纶", "錦綸"):
            found = search(gql, word, locale=code, types=["MEMBER_COMPANY"])
            assert [hit["excerpt"] for hit in found["items"]] == [excerpt], code
        found = search(gql, "Jinlun", locale=code, types=["MEMBER_COMPANY"])
        assert found["totalCount"] == 1, code


def test_rebuild_restores_the_index(gql):
    before = SearchEntry.objects.count()
    SearchEntry.objects.all().delete()
    assert search(gql, "党支部", locale="zh-hant")["totalCount"] == 0
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert SearchEntry.objects.count() == before
    assert search(gql, "党支部", locale="zh-hant")["totalCount"] == 2


def test_search_arguments_on_listings(gql):
    articles = gql(
        '{ newsArticles(locale: "zh-hant", search: "黨建 協會") '
        "{ totalCount items { title } } }"
    )["newsArticles"]
    assert articles["totalCount"] == 1
    assert "黨建" in articles["items"][0]["title"]
    expected = {
        c["credit_code"]
        for c in generated_companies(5000)
        if "锦恒" in c["name"] and c["region"] == "hangzhou-xihu"
    }
    members = gql(
        '{ memberCompanies(locale: "zh-hant", search: "西湖區 錦恆", perPage: 100) '
        "{ totalCount items { creditCode region { name } } } }"
    )["memberCompanies"]
    assert {item["creditCode"] for item in members["items"]} == expected
    assert {item["region"]["name"] for item in members["items"]} == {"杭州市西湖區"}


def test_listing_search_errors(gql):
    [error] = gql.errors('{ newsArticles(search: "") { totalCount } }')
    assert "search is empty" in error
    [error] = gql.errors('{ newsArticles(order: "relevance") { totalCount } }')
    assert "relevance (with search)" in error
    [error] = gql.errors('{ memberCompanies(search: "、、") { totalCount } }')
    assert "search '、、' has no letters" in error


@pytest.mark.parametrize(
    ("text", "types", "small", "large"),
    [
        ("专业委员会", ["COMMITTEE"], 2, 25),
        ("锦恒", ["MEMBER_COMPANY"], 2, 50),
        ("示例", ["PERSON"], 1, 2),
        ("查询计数", ["NEWS_ARTICLE"], 1, 4),
    ],
)
def test_query_count_does_not_grow_with_the_page(gql, text, types, small, large):
    for number in range(4):
        article(title=f"查询计数新闻 {number}", summary="示例", tags=["示例"])
    search(gql, text, types=types)  # warm Wagtail's per-process caches
    counts = []
    for per_page in (small, large):
        with CaptureQueriesContext(connection) as queries:
            found = search(gql, text, types=types, perPage=per_page)
        assert len(found["items"]) == per_page
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_only_people_with_positions_are_searchable(gql):
    Person.objects.create(
        name="王秘密", biography="某公司代表", locale=Locale.get_default()
    )
    assert search(gql, "王秘密", types=["PERSON"])["items"] == []


def test_committee_pages_bodies_are_not_copied_into_units(gql):
    """A restriction put on the page later would not reach a copy in the unit's
    entry, so the page body is not indexed with the committee."""
    page = CommitteePage.objects.get(slug="blockchain", locale=Locale.get_default())
    page.body = paragraph("内部机密讨论记录")
    page.save_revision().publish()
    assert search(gql, "机密讨论")["items"] == []
    assert search(gql, "区块链", types=["COMMITTEE"])["totalCount"] == 1


def test_a_position_moved_to_someone_else_leaves_the_first_person(gql):
    default = Locale.get_default()
    position = Position.objects.create(
        person=Person.objects.get(name="李明（示例）", locale=default),
        unit=OrgUnit.objects.get(slug="secretariat", locale=default),
        role="deputy-secretary-general",
    )
    position.person = Person.objects.get(name="周华（示例）", locale=default)
    position.save()
    found = search(gql, "副秘书长", types=["PERSON"])["items"]
    assert [hit["item"]["name"] for hit in found] == ["周华（示例）"]


def test_deleted_categories_and_renamed_tags_are_followed(gql, filed):
    page, category = filed
    category.delete()
    assert titles(gql, "乡村振兴简报") == []
    tag = page.tags.get()
    tag.name = "山区海岛"
    tag.save()
    assert titles(gql, "山区海岛") == ["一篇普通新闻"]
    assert titles(gql, "共同富裕") == []


def test_a_very_long_article_is_indexed_by_its_start(gql):
    long_text = "长文开头的独特词语。" + "".join(
        chr(0x4E00 + (n * 7919) % 20000) for n in range(120_000)
    )
    page = article(title="超长文章", body=paragraph(long_text))
    assert titles(gql, "独特词语") == [page.title]


def test_matches_in_a_name_are_marked(gql):
    [hit] = search(gql, "蔡章生", types=["PERSON"])["items"]
    assert hit["excerpt"] == "<mark>蔡章生</mark>"


def test_an_empty_type_list_is_an_error(gql):
    [error] = gql.errors(SEARCH, text="党", types=[])
    assert "types is empty" in error
