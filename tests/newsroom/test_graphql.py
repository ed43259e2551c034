"""The newsroom's GraphQL: newsArticles, newsArticle, newsCategories, newsArchive."""

import datetime
import re
from pathlib import Path

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction

from newsroom.importer import LegacyNewsImporter
from newsroom.models import (
    ArticleViewCount,
    NewsIndexPage,
)
from organisation.models import OrganisationIndexPage
from tests.factories import (
    CommitteeIndexPageFactory,
    CommitteePageFactory,
    NewsArticleAuthorFactory,
    NewsArticlePageFactory,
    NewsCategoryFactory,
    PersonFactory,
    article_relations_read,
)

PINYIN = re.compile(r"\([a-zü\u00e0-\u01dc]+\)")
LIST = """query ($locale: String, $category: String, $tag: String, $year: Int,
  $month: Int, $featured: Boolean, $order: String, $page: Int, $perPage: Int) {
  newsArticles(locale: $locale, category: $category, tag: $tag, year: $year,
    month: $month, featured: $featured, order: $order, page: $page,
    perPage: $perPage) {
    totalCount page perPage numPages hasNextPage hasPreviousPage
    items { title locale publicationDate viewCount }
  }
}"""


SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "demo/content/2021-07-12-party-building-guidance-visit.txt"
)


def index(code="zh-hans"):
    return NewsIndexPage.objects.get(locale__language_code=code)


def article(code="zh-hans", **fields):
    return NewsArticlePageFactory(parent=index(code), **fields)


def titles(data):
    return [item["title"] for item in data["newsArticles"]["items"]]


def test_the_sample_article_in_the_traditional_listing(gql):
    """The old site's real export, imported as the importer does (its file says
    61 views), as the zh-hant listing shows it."""
    # Published as it is: its damaged characters are not in what this reads.
    result = LegacyNewsImporter("zh-hant", publish_damaged=True).import_file(SAMPLE)
    assert not result.error
    query = """{ newsArticles(locale: "zh-hant") { totalCount items {
      title publicationDate viewCount categories { name }
      body { blockType field ... on HeadingBlock { text level }
             ... on RichTextBlock { value } }
    } } }"""
    data = gql(query)["newsArticles"]
    assert data["totalCount"] == 1
    [item] = data["items"]
    assert item["publicationDate"] == "2021-07-12"
    assert item["viewCount"] == 61
    assert item["categories"] == [{"name": "協會動態"}]
    headings = [b for b in item["body"] if b["blockType"] == "HeadingBlock"]
    assert [(h["text"], h["level"]) for h in headings] == [
        ("一、協會創新工作情況", 2),
        ("二、落實浙江省經信領域黨建會議精神", 2),
    ]
    text = item["title"] + " ".join(b.get("value") or "" for b in item["body"])
    assert "協會" in text and not PINYIN.search(text)


def test_listing_is_newest_first_paginated_and_in_one_locale(gql):
    for day in (3, 1, 2):
        article(title=f"简 {day}", date=datetime.date(2025, 5, day))
    article("en", title="English one", date=datetime.date(2025, 5, 9))
    data = gql(LIST, locale="zh-hans", perPage=2)
    assert titles(data) == ["简 3", "简 2"]
    assert data["newsArticles"] | {"items": None} == {
        "totalCount": 3,
        "page": 1,
        "perPage": 2,
        "numPages": 2,
        "hasNextPage": True,
        "hasPreviousPage": False,
        "items": None,
    }
    assert titles(gql(LIST, locale="zh-hans", perPage=2, page=2)) == ["简 1"]
    assert titles(gql(LIST, locale="zh-hans", page=3, perPage=2)) == []
    assert titles(gql(LIST, locale="en")) == ["English one"]


def test_filters(gql):
    notices = NewsCategoryFactory(name="通知公告", slug="notices")
    a = article(title="甲", date=datetime.date(2024, 3, 5), featured=True)
    a.categories = [notices]
    a.tags.add("会员大会")
    a.save()
    article(title="乙", date=datetime.date(2024, 4, 5))
    article(title="丙", date=datetime.date(2023, 3, 5))
    assert titles(gql(LIST, category="notices")) == ["甲"]
    assert titles(gql(LIST, tag="会员大会")) == ["甲"]
    assert titles(gql(LIST, featured=True)) == ["甲"]
    assert titles(gql(LIST, year=2024)) == ["乙", "甲"]
    assert titles(gql(LIST, year=2024, month=3)) == ["甲"]
    # An unknown slug is an error, not an empty list that looks like no news.
    assert gql.errors(LIST, category="no-such-category") == [
        "Unknown category 'no-such-category': no news category has this slug."
    ]


def test_orders(gql):
    for title, day, views in (("b", 1, 5), ("a", 2, 50), ("c", 3, 0)):
        page = article(title=title, date=datetime.date(2025, 1, day))
        ArticleViewCount.objects.create(article=page, count=views)
    assert titles(gql(LIST, order="date")) == ["b", "a", "c"]
    assert titles(gql(LIST, order="-title")) == ["c", "b", "a"]
    assert titles(gql(LIST, order="-viewCount")) == ["a", "b", "c"]
    assert titles(gql(LIST, order="viewCount")) == ["c", "b", "a"]


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"order": "owner__password"}, "Cannot order newsArticles by"),
        ({"order": "-date,title"}, "Cannot order newsArticles by"),
        ({"perPage": 0}, "perPage must be between 1 and 50"),
        ({"perPage": 51}, "perPage must be between 1 and 50"),
        ({"page": 0}, "page must be between 1"),
        ({"month": 13, "year": 2024}, "month must be between 1 and 12"),
        ({"month": 3}, "month needs year"),
        ({"locale": "xx"}, "Unknown locale 'xx'"),
    ],
)
def test_bad_arguments_are_clear_errors(gql, variables, message):
    [error] = gql.errors(LIST, **variables)
    assert message in error


def test_drafts_and_private_articles_are_never_listed_or_counted(gql):
    article(title="草稿", live=False)
    data = gql("{ newsArticles { totalCount } newsArchive { year } }")
    assert data == {"newsArticles": {"totalCount": 0}, "newsArchive": []}


def test_news_article_by_slug_url_path_and_id(gql):
    page = article(title="单篇", slug="single")
    query = """query ($slug: String, $urlPath: String, $id: ID, $locale: String) {
      newsArticle(slug: $slug, urlPath: $urlPath, id: $id, locale: $locale)
      { title } }"""
    expected = {"newsArticle": {"title": "单篇"}}
    assert gql(query, slug="single") == expected
    assert gql(query, urlPath="/news/single/") == expected
    assert gql(query, id=page.pk) == expected
    assert gql(query, slug="single", locale="en") == {"newsArticle": None}
    # A page that is not an article is not an article.
    assert gql(query, urlPath="/news/") == {"newsArticle": None}


def test_categories_with_counts_and_archive(gql):
    notices, policy = (
        NewsCategoryFactory(name="通知公告", slug="notices"),
        NewsCategoryFactory(name="政策法规", slug="policy"),
    )
    for day, categories in ((1, [notices]), (2, [notices, policy])):
        page = article(date=datetime.date(2024, 2, day))
        page.categories = categories
        page.save()
    article(date=datetime.date(2023, 12, 1))
    data = gql(
        "{ newsCategories { name slug articleCount } newsArchive "
        "{ year month articleCount } }"
    )
    assert data["newsCategories"] == [
        {"name": "政策法规", "slug": "policy", "articleCount": 1},
        {"name": "通知公告", "slug": "notices", "articleCount": 2},
    ]
    assert data["newsArchive"] == [
        {"year": 2024, "month": 2, "articleCount": 2},
        {"year": 2023, "month": 12, "articleCount": 1},
    ]
    hant_category = NewsCategoryFactory(
        name="協會動態", slug="news", locale=Locale.objects.get(language_code="zh-hant")
    )
    article("zh-hant", categories=[hant_category])
    hant = gql('{ newsCategories(locale: "zh-hant") { name articleCount } }')
    assert hant["newsCategories"] == [{"name": "協會動態", "articleCount": 1}]


def test_the_sidebar_follows_the_listing_fallback(gql):
    """English readers with a fallback to zh-hans see the same articles in the
    listing, the categories and the archive: categories named in English where
    translated, counted by the articles the listing shows."""
    english = Locale.objects.get(language_code="en")
    notices = NewsCategoryFactory(name="通知公告", slug="notices")
    NewsCategoryFactory(name="政策法规", slug="policy")
    translated = notices.copy_for_translation(english)
    translated.name = "Notices"
    translated.save()
    for day in (1, 2):
        article(date=datetime.date(2024, 3, day), categories=[notices])
    query = """{ newsArticles(locale: "en", fallback: ["zh-hans"]) { totalCount }
      newsCategories(locale: "en", fallback: ["zh-hans"]) { name articleCount }
      newsArchive(locale: "en", fallback: ["zh-hans"]) { year month articleCount }
    }"""
    data = gql(query)
    assert data["newsArticles"]["totalCount"] == 2
    assert data["newsCategories"] == [
        {"name": "Notices", "articleCount": 2},
        {"name": "政策法规", "articleCount": 0},
    ]
    assert data["newsArchive"] == [{"year": 2024, "month": 3, "articleCount": 2}]
    alone = gql('{ newsCategories(locale: "en") { name articleCount } }')
    assert alone["newsCategories"] == [{"name": "Notices", "articleCount": 0}]
    # Each category is its edition, its id naming the chain it was read through
    # (its articleCount depends on it): a client cache keyed by __typename:id
    # keeps Notices with fallback, Notices alone and 通知公告 apart.
    query = """query ($fallback: [String!]) {
      newsCategories(locale: "en", fallback: $fallback) {
        __typename id resolvedLocale } }"""
    typed = gql(query, fallback=["zh-hans"])["newsCategories"]
    assert [(c["__typename"], c["id"], c["resolvedLocale"]) for c in typed][0] == (
        "NewsCategory",
        f"{translated.pk}@en,zh-hans",
        "en",
    )
    assert gql(query)["newsCategories"][0]["id"] == str(translated.pk)


def test_previous_next_and_related(gql):
    shared = NewsCategoryFactory(slug="shared")
    first = article(title="一", date=datetime.date(2025, 1, 1))
    second = article(title="二", date=datetime.date(2025, 1, 2))
    third = article(title="三", date=datetime.date(2025, 1, 3))
    article("en", title="other locale", date=datetime.date(2025, 1, 2))
    for page in (first, third):
        page.categories = [shared]
        page.save()
    query = """query ($id: ID) { newsArticle(id: $id) {
      previousArticle { title } nextArticle { title } relatedArticles { title } } }"""
    assert gql(query, id=second.pk)["newsArticle"] == {
        "previousArticle": {"title": "一"},
        "nextArticle": {"title": "三"},
        "relatedArticles": [],
    }
    assert gql(query, id=first.pk)["newsArticle"] == {
        "previousArticle": None,
        "nextArticle": {"title": "二"},
        "relatedArticles": [{"title": "三"}],
    }


def test_renditions_only_from_the_allowlist(gql):
    image = wagtail_factories.ImageFactory(file__width=800, file__height=600)
    page = article(cover_image=image)
    query = """query ($id: ID) { newsArticle(id: $id) { coverImage {
      rendition(width: 640) { width url } srcSet(sizes: [320, 480]) } } }"""
    cover = gql(query, id=page.pk)["newsArticle"]["coverImage"]
    assert "width-640" in cover["rendition"]["url"]
    assert "width-480" in cover["srcSet"]
    [message] = gql.errors(query.replace("width: 640", "width: 641"), id=page.pk)
    assert "Filter 'width-641' is not allowed." in message
    [message] = gql.errors(query.replace("480", "333"), id=page.pk)
    assert "srcSet cannot make width 333." in message


LISTING = """query ($perPage: Int) { newsArticles(perPage: $perPage) { items {
  title viewCount locale url
  coverImage { rendition(width: 320) { url } }
  categories { name } tags { name } authors { name }
  relatedPeople { name } relatedUnits { name url }
  translations { locale url }
} } }"""


def test_listing_query_count_is_the_same_for_5_and_50_articles(gql):
    category = NewsCategoryFactory()
    person = PersonFactory(name="蔡章生")
    committee = CommitteePageFactory(
        parent=CommitteeIndexPageFactory(
            parent=OrganisationIndexPage.objects.get(locale=Locale.get_default())
        ),
        slug="blockchain",
        unit__slug="blockchain",
    ).unit
    for n in range(50):
        page = article(cover_image=wagtail_factories.ImageFactory())
        page.related_people = [person]
        page.related_units = [committee]
        page.categories = [category]
        page.tags.add(f"标签{n % 3}")
        NewsArticleAuthorFactory(article=page)
        page.save()
    counts = {}
    for per_page in (5, 50):
        gql(LISTING, perPage=per_page)  # renditions are made on the first request
        with CaptureQueriesContext(connection) as captured:
            data = gql(LISTING, perPage=per_page)
        items = data["newsArticles"]["items"]
        assert len(items) == per_page
        assert all(i["coverImage"]["rendition"]["url"] for i in items)
        assert all(i["categories"] and i["tags"] and i["authors"] for i in items)
        assert all(i["relatedPeople"] == [{"name": "蔡章生"}] for i in items)
        assert all(i["relatedUnits"][0]["url"].endswith("/blockchain/") for i in items)
        counts[per_page] = len(captured)
    assert counts[5] == counts[50]
    # What no field asks for is not loaded.
    with CaptureQueriesContext(connection) as captured:
        bare = gql("{ newsArticles(perPage: 50) { items { title url } } }")
    assert len(bare["newsArticles"]["items"]) == 50
    assert article_relations_read(captured) == []


def test_article_type_has_every_field_of_the_issue(gql):
    data = gql('{ __type(name: "NewsArticlePage") { fields { name } } }')
    fields = {field["name"] for field in data["__type"]["fields"]}
    assert {
        "title",
        "summary",
        "publicationDate",
        "coverImage",
        "body",
        "categories",
        "tags",
        "source",
        "authors",
        "featured",
        "seoTitle",
        "searchDescription",
        "viewCount",
        "previousArticle",
        "nextArticle",
        "relatedArticles",
        "locale",
        "translations",
    } <= fields


def test_null_paging_arguments_mean_the_defaults_and_years_are_checked(gql):
    article(title="默认")
    data = gql(LIST, page=None, perPage=None, order=None)
    assert data["newsArticles"]["page"] == 1 and data["newsArticles"]["perPage"] == 10
    for year in (0, -5, 10000):
        [message] = gql.errors(LIST, year=year)
        assert "year must be between 1 and 9999" in message


def test_category_filter_stays_in_the_locale(gql):
    hans = NewsCategoryFactory(slug="notices")
    hant = NewsCategoryFactory(
        slug="notices", locale=index("zh-hant").locale, name="通知公告"
    )
    page = article(title="两类")
    page.categories = [hans, hant]
    page.save()
    data = gql(LIST, category="notices")["newsArticles"]
    assert data["totalCount"] == 1 and titles({"newsArticles": data}) == ["两类"]


def test_a_deleted_image_or_document_does_not_break_the_body(gql):
    image = wagtail_factories.ImageFactory()
    page = article(
        body=[
            ("image", {"image": image, "caption": "图", "alt_text": ""}),
            ("paragraph", "<p>正文</p>"),
        ]
    )
    image.delete()
    query = """query ($id: ID) { newsArticle(id: $id) { body {
      blockType ... on ImageBlock { image { id } caption } } } }"""
    body = gql(query, id=page.pk)["newsArticle"]["body"]
    assert body[0] == {"blockType": "ImageBlock", "image": None, "caption": "图"}
    assert body[1]["blockType"] == "RichTextBlock"


def test_document_link_text_falls_back_to_the_documents_title(gql):
    document = wagtail_factories.DocumentFactory(title="年度报告")
    page = article(
        body=[
            ("document", {"document": document, "title": ""}),
            ("document", {"document": document, "title": "下载报告"}),
        ]
    )
    query = """query ($id: ID) { newsArticle(id: $id) { body {
      ... on DocumentBlock { linkText document { title } } } } }"""
    body = gql(query, id=page.pk)["newsArticle"]["body"]
    assert [b["linkText"] for b in body] == ["年度报告", "下载报告"]


def test_drafts_and_private_articles_reach_no_field(gql):
    """Neither a draft nor a password-protected article appears anywhere: listings,
    counts, archive, single lookups, neighbours or related articles."""
    category = NewsCategoryFactory(slug="shared")
    visible = article(title="公开", date=datetime.date(2025, 6, 2))
    draft = article(title="草稿", date=datetime.date(2025, 6, 1), live=False)
    private = article(title="私密", date=datetime.date(2025, 6, 3))
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    for page in (visible, draft, private):
        page.categories = [category]
        page.save()
    hidden = {"草稿", "私密"}
    data = gql(LIST)["newsArticles"]
    assert titles({"newsArticles": data}) == ["公开"] and data["totalCount"] == 1
    counts = gql(
        "{ newsCategories { slug articleCount } newsArchive { year month "
        "articleCount } }"
    )
    assert {"slug": "shared", "articleCount": 1} in counts["newsCategories"]
    assert {"year": 2025, "month": 6, "articleCount": 1} in counts["newsArchive"]
    query = """query ($id: ID) { newsArticle(id: $id) { title
      previousArticle { title } nextArticle { title } relatedArticles { title } } }"""
    for page in (draft, private):
        assert gql(query, id=page.pk)["newsArticle"] is None
    seen = gql(query, id=visible.pk)["newsArticle"]
    assert seen == {
        "title": "公开",
        "previousArticle": None,
        "nextArticle": None,
        "relatedArticles": [],
    }
    assert hidden.isdisjoint(str(seen))


def test_neighbours_of_an_article_without_a_date(gql):
    undated = article(title="无日期", date=None)
    assert undated.date is None
    query = """query ($id: ID) { newsArticle(id: $id) {
      previousArticle { title } nextArticle { title } } }"""
    assert gql(query, id=undated.pk)["newsArticle"] == {
        "previousArticle": None,
        "nextArticle": None,
    }
