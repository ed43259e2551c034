"""Locale fallback chains: `locale: "en", fallback: ["zh-hans"]`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from newsroom.models import NewsArticlePage, NewsIndexPage
from tests import factories
from tests.factories import NewsArticlePageFactory

LIST = """query ($fallback: [String!], $category: String, $perPage: Int, $page: Int) {
  newsArticles(locale: "en", fallback: $fallback, category: $category,
               order: "date", perPage: $perPage, page: $page) {
    totalCount numPages
    items { title locale resolvedLocale categories { name resolvedLocale } }
  }
}"""


def locale(code):
    return Locale.objects.get(language_code=code)


def english_edition(page, live=True):
    edition = page.copy_for_translation(locale("en"))
    edition.title = f"EN {page.title}"
    edition.save_revision().publish() if live else edition.save_revision()
    return NewsArticlePage.objects.get(pk=edition.pk)


@pytest.fixture
def categories(db):
    """The association-news category in every locale."""
    # The slug as the importer makes it, from the zh-hant name.
    return factories.association_news(slug="協會動態")


@pytest.fixture
def everywhere(categories):
    """An article with a live edition in every locale (the zh-hant one first, as
    an imported article is), each in its locale's association-news category."""
    return factories.in_locales(
        NewsArticlePageFactory,
        {
            code: {
                "parent": NewsIndexPage.objects.get(locale__language_code=code),
                "title": title,
                "categories": [categories[code]],
            }
            for code, title in [
                ("zh-hant", "協會指導黨建工作"),
                ("zh-hans", "协会指导党建工作"),
                ("en", "Guidance on party building"),
            ]
        },
        slug="party-building",
    )


@pytest.fixture
def articles(categories, everywhere):
    """Three zh-hans articles: one without English, one with a live English
    edition, one whose English edition is only a draft; plus `everywhere`, which
    has all three editions."""
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    category = categories["zh-hans"]
    only_chinese = NewsArticlePageFactory(parent=index, title="只有中文")
    only_chinese.categories = [category]
    only_chinese.save()
    translated = NewsArticlePageFactory(parent=index, title="有英文版")
    draft_english = NewsArticlePageFactory(parent=index, title="英文版是草稿")
    return {
        "only_chinese": only_chinese,
        "translated": translated,
        "english": english_edition(translated),
        "draft_english": draft_english,
        "draft": english_edition(draft_english, live=False),
    }


def items(data):
    return [(i["title"], i["resolvedLocale"]) for i in data["newsArticles"]["items"]]


def test_without_fallback_a_missing_translation_is_absent(gql, articles):
    data = gql(LIST)
    assert [r for _t, r in items(data)] == ["en", "en"]
    assert "EN 有英文版" in [t for t, _r in items(data)]


def test_listing_falls_back_item_by_item(gql, articles):
    data = gql(LIST, fallback=["zh-hans"])
    found = dict(items(data))
    assert found["只有中文"] == "zh-hans"
    assert found["EN 有英文版"] == "en"
    assert found["英文版是草稿"] == "zh-hans"  # the English draft does not count
    assert "有英文版" not in found  # never both editions of one article
    assert data["newsArticles"]["totalCount"] == 4
    for item in data["newsArticles"]["items"]:
        assert item["locale"] == item["resolvedLocale"]


def test_filters_and_pagination_work_on_resolved_items(gql, articles):
    data = gql(LIST, fallback=["zh-hans"], category="協會動態")
    assert data["newsArticles"]["totalCount"] == 2
    only = next(i for i in data["newsArticles"]["items"] if i["title"] == "只有中文")
    # The Chinese article's category, named through the chain: English first.
    assert only["categories"] == [{"name": "Association news", "resolvedLocale": "en"}]
    pages = [gql(LIST, fallback=["zh-hans"], perPage=3, page=n) for n in (1, 2)]
    assert pages[0]["newsArticles"]["numPages"] == 2
    seen = [t for page in pages for t, _r in items(page)]
    assert len(seen) == len(set(seen)) == 4


def test_single_items_fall_back(gql, articles):
    query = """query ($id: ID, $slug: String, $fallback: [String!]) {
      newsArticle(id: $id, slug: $slug, locale: "en", fallback: $fallback) {
        title resolvedLocale
      }
    }"""
    only = articles["only_chinese"]
    assert gql(query, slug=only.slug)["newsArticle"] is None
    found = gql(query, slug=only.slug, fallback=["zh-hans"])["newsArticle"]
    assert found == {"title": "只有中文", "resolvedLocale": "zh-hans"}
    # Asked by the Chinese edition's id, the English edition comes back.
    by_id = gql(query, id=articles["translated"].pk, fallback=["zh-hans"])
    assert by_id["newsArticle"] == {"title": "EN 有英文版", "resolvedLocale": "en"}


def test_nested_relations_follow_the_chain(gql, articles):
    query = """{
      page(urlPath: "/news/", locale: "en", fallback: ["zh-hans"]) {
        resolvedLocale
        children { title resolvedLocale
          ... on NewsArticlePage {
            parent { title resolvedLocale }
            relatedArticles { title resolvedLocale }
          }
        }
      }
    }"""
    data = gql(query)["page"]
    assert data["resolvedLocale"] == "en"
    children = {c["title"]: c for c in data["children"]}
    assert children["只有中文"]["resolvedLocale"] == "zh-hans"
    assert children["EN 有英文版"]["resolvedLocale"] == "en"
    assert "有英文版" not in children
    # The Chinese article's parent is the English news section, which exists.
    assert children["只有中文"]["parent"] == {"title": "News", "resolvedLocale": "en"}
    # Related through the shared category: `everywhere`, in English.
    related = children["只有中文"]["relatedArticles"]
    assert [r["resolvedLocale"] for r in related] == ["en"]


def test_unknown_fallback_locale_is_a_clear_error(gql, articles):
    assert gql.errors(LIST, fallback=["xx"]) == [
        "Unknown locale 'xx'. This site has: zh-hans, zh-hant, en."
    ]


def test_fallback_listing_query_count_is_flat(gql, articles):
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    query = """{ newsArticles(locale: "en", fallback: ["zh-hans"], perPage: 50) {
      items { title resolvedLocale categories { name } translationStatus { locale }
              translations { locale } parent { title } } } }"""
    gql(query)  # warm the caches that any first request fills
    with CaptureQueriesContext(connection) as few:
        gql(query)
    for n in range(12):
        NewsArticlePageFactory(parent=index, title=f"更多 {n}")
    gql(query)
    with CaptureQueriesContext(connection) as many:
        data = gql(query)
    assert len(data["newsArticles"]["items"]) == 16
    assert len(many) == len(few)


def test_an_id_of_any_edition_stands_for_the_item(gql, everywhere):
    original = everywhere["zh-hant"]
    query = """query ($id: ID, $fallback: [String!]) {
      page(id: $id, locale: "en", fallback: $fallback) { locale } }"""
    assert gql(query, id=original.pk, fallback=["zh-hans"])["page"] == {"locale": "en"}
    # Without a fallback, the id must name an edition of the locale asked for.
    assert gql(query, id=original.pk)["page"] is None


def test_a_long_fallback_list_is_cheap(gql, articles):
    with CaptureQueriesContext(connection) as captured:
        data = gql(LIST, fallback=["zh-hans", "ZH_HANT"] * 500)
    assert data["newsArticles"]["totalCount"] == 4
    assert len(captured) < 30


def test_ancestors_and_siblings_of_a_fallback_item(gql, articles):
    query = """query ($slug: String) {
      newsArticle(slug: $slug, locale: "en", fallback: ["zh-hans"]) {
        resolvedLocale
        ancestors { resolvedLocale __typename }
        siblings { title resolvedLocale }
        parent { title resolvedLocale }
    } }"""
    data = gql(query, slug=articles["only_chinese"].slug)["newsArticle"]
    assert data["resolvedLocale"] == "zh-hans"
    # Home and news section, in English, root first.
    assert data["ancestors"] == [
        {"resolvedLocale": "en", "__typename": "HomePage"},
        {"resolvedLocale": "en", "__typename": "NewsIndexPage"},
    ]
    siblings = {s["title"]: s["resolvedLocale"] for s in data["siblings"]}
    assert siblings["EN 有英文版"] == "en"
    assert siblings["英文版是草稿"] == "zh-hans"
    assert "只有中文" not in siblings and "有英文版" not in siblings


def test_search_with_a_fallback_chain(gql, articles):
    query = """{ pages(locale: "en", fallback: ["zh-hans"], searchQuery: "有英文版",
      contentType: "newsroom.NewsArticlePage") { items { title resolvedLocale } } }"""
    # One edition per item: the English one, not also the Chinese it stands for.
    [found] = gql(query)["pages"]["items"]
    assert found == {"title": "EN 有英文版", "resolvedLocale": "en"}


def test_related_people_are_named_through_the_chain(gql, articles):
    person = factories.in_locales(
        factories.PersonFactory,
        {"zh-hans": {"name": "蔡章生"}, "en": {"name": "Cai Zhangsheng"}},
    )["zh-hans"]
    only = articles["only_chinese"]
    only.related_people = [person]
    only.save()
    english = person.get_translation(locale("en")).name
    query = """query ($slug: String, $locale: String, $fallback: [String!]) {
      newsArticle(slug: $slug, locale: $locale, fallback: $fallback) {
        relatedPeople { name } } }"""
    data = gql(query, slug=only.slug, locale="en", fallback=["zh-hans"])
    assert data["newsArticle"]["relatedPeople"] == [{"name": english}]
    chinese = gql(query, slug=only.slug, locale="zh-hans")["newsArticle"]
    assert chinese["relatedPeople"] == [{"name": "蔡章生"}]
