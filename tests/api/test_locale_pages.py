"""Locale-correct `pages`, `page`, `locales` and the page fields `locale` and
`translations`, over the real /graphql/ endpoint, on the session's skeleton (a
home page with a news and an organisation section per locale) and what the tests
add to it.

Each stock grapple failure named in the foundation issue has a test here.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, PageViewRestriction

from home.models import HomePage
from newsroom.models import NewsArticlePage, NewsIndexPage
from organisation.models import OrganisationIndexPage
from tests import factories
from tests.factories import NewsArticlePageFactory

LOCALES = ["zh-hans", "zh-hant", "en"]
HOME_TITLES = {
    "zh-hans": "浙江省中小企业协会",
    "zh-hant": "浙江省中小企業協會",
    "en": "Zhejiang Small and Medium Enterprises Association",
}

PAGES = """
query ($locale: String, $inSite: Boolean) {
  pages(locale: $locale, inSite: $inSite, perPage: 100) {
    items { id title locale url }
  }
}
"""


def news_index(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


ARTICLE_SLUG = "2021-07-12-party-building-guidance-visit"
ARTICLE_TITLES = {
    "zh-hant": "浙江省經信領域行業黨委相關負責人一行專程來協會指導黨建工作",
    "zh-hans": "浙江省经信领域行业党委相关负责人一行专程来协会指导党建工作",
    "en": "Officials of the Party Committee visit the association",
}


@pytest.fixture
def article(db):
    """An article with an edition in every locale at the same path."""
    return factories.in_locales(
        NewsArticlePageFactory,
        {
            code: {"parent": news_index(code), "title": title}
            for code, title in ARTICLE_TITLES.items()
        },
        slug=ARTICLE_SLUG,
        date=datetime.date(2021, 7, 12),
    )


@pytest.fixture
def committee(db):
    """A committee index with one committee page, in every locale."""
    unit = factories.OrgUnitFactory(slug="blockchain")
    indexes = factories.in_locales(
        factories.CommitteeIndexPageFactory,
        {
            code: {
                "parent": OrganisationIndexPage.objects.get(locale__language_code=code)
            }
            for code in LOCALES
        },
    )
    return factories.in_locales(
        factories.CommitteePageFactory,
        {code: {"parent": indexes[code]} for code in LOCALES},
        slug="blockchain",
        unit=unit,
    )


def test_locales_lists_the_three_content_locales_default_first(gql):
    data = gql("{ locales { code name isDefault } }")
    assert data["locales"] == [
        {"code": "zh-hans", "name": "简体中文", "isDefault": True},
        {"code": "zh-hant", "name": "繁體中文", "isDefault": False},
        {"code": "en", "name": "English", "isDefault": False},
    ]


@pytest.mark.parametrize("code", LOCALES)
def test_pages_returns_one_locale_only(gql, code):
    pages = gql(PAGES, locale=code)["pages"]["items"]
    expected = Page.objects.live().filter(depth__gt=1, locale__language_code=code)
    assert {p["locale"] for p in pages} == {code}
    assert sorted(int(p["id"]) for p in pages) == sorted(
        expected.values_list("id", flat=True)
    )
    assert all(p["url"].startswith(f"/{code}/") for p in pages)


def test_pages_without_locale_is_the_default_locale(gql):
    pages = gql(PAGES)["pages"]["items"]
    assert {p["locale"] for p in pages} == {"zh-hans"}
    assert HOME_TITLES["zh-hans"] in {p["title"] for p in pages}


@pytest.mark.parametrize("code", LOCALES)
def test_in_site_includes_the_translated_trees(gql, code):
    """Stock grapple: inSite looks under the default site root only, so the
    zh-hant and en trees vanish."""
    pages = gql(PAGES, locale=code, inSite=True)["pages"]["items"]
    titles = {p["title"] for p in pages}
    assert HOME_TITLES[code] in titles
    assert news_index(code).title in titles
    assert {p["locale"] for p in pages} == {code}


def test_in_site_with_an_unknown_site_hostname_returns_nothing(gql):
    data = gql('{ pages(site: "unknown.example", locale: "en") { totalCount } }')
    assert data["pages"] == {"totalCount": 0}


@pytest.mark.parametrize("code", LOCALES)
def test_page_by_url_path_returns_the_home_page_of_each_locale(gql, code):
    query = """query ($locale: String) {
      page(urlPath: "/", locale: $locale) { title locale url }
    }"""
    page = gql(query, locale=code)["page"]
    assert page == {"title": HOME_TITLES[code], "locale": code, "url": f"/{code}/"}


@pytest.mark.parametrize("code", LOCALES)
def test_page_by_url_path_stays_in_the_requested_locale(gql, code):
    """Stock grapple: urlPath matches by suffix and returns whichever locale comes
    first; here /news/ exists in all three locales."""
    query = """query ($locale: String) {
      page(urlPath: "/news/", locale: $locale) { id locale }
    }"""
    page = gql(query, locale=code)["page"]
    assert page == {"id": str(news_index(code).pk), "locale": code}


def test_page_by_url_path_of_an_article(gql, article):
    query = """{
      page(urlPath: "news/2021-07-12-party-building-guidance-visit", locale: "zh-hant")
      { title locale ... on NewsArticlePage { publicationDate } }
    }"""
    page = gql(query)["page"]
    assert page["locale"] == "zh-hant"
    assert page["title"] == "浙江省經信領域行業黨委相關負責人一行專程來協會指導黨建工作"
    assert page["publicationDate"] == "2021-07-12"
    # The article's other editions are at the same path (issue 5).
    english = gql(query.replace('"zh-hant"', '"en"'))["page"]
    assert english["locale"] == "en"
    assert english["title"].startswith("Officials of the Party Committee")
    simplified = gql(query.replace('"zh-hant"', '"zh-hans"'))["page"]
    assert (
        simplified["title"]
        == "浙江省经信领域行业党委相关负责人一行专程来协会指导党建工作"
    )


@pytest.mark.parametrize("code", LOCALES)
def test_page_by_a_slug_that_all_locales_share(gql, code):
    """Stock grapple: "get() returned more than one Page" as soon as two locales
    share a slug."""
    query = """query ($locale: String) {
      page(slug: "news", locale: $locale) { id locale title }
    }"""
    page = gql(query, locale=code)["page"]
    assert page == {
        "id": str(news_index(code).pk),
        "locale": code,
        "title": news_index(code).title,
    }


def test_page_by_slug_without_locale_is_the_default_locale(gql):
    page = gql('{ page(slug: "news") { locale } }')["page"]
    assert page == {"locale": "zh-hans"}


def test_a_slug_repeated_inside_one_locale_is_a_clear_error(gql):
    home = HomePage.objects.get(locale__language_code="zh-hans")
    # Same slug as the news index, under another parent of the same locale.
    NewsArticlePageFactory(parent=news_index("zh-hans"), slug="about")
    assert home.get_children().filter(slug="about").exists()
    [message] = gql.errors('{ page(slug: "about", locale: "zh-hans") { id } }')
    assert "Several pages" in message and "'about'" in message


def test_page_by_id_with_a_locale_must_match(gql):
    page_id = news_index("en").pk
    query = "query ($id: ID, $locale: String) { page(id: $id, locale: $locale) { id } }"
    assert gql(query, id=page_id)["page"] == {"id": str(page_id)}
    assert gql(query, id=page_id, locale="en")["page"] == {"id": str(page_id)}
    assert gql(query, id=page_id, locale="zh-hans")["page"] is None


@pytest.mark.parametrize(
    "query, expected",
    [
        ('{ pages(locale: "fr") { totalCount } }', "Unknown locale 'fr'"),
        ('{ page(slug: "news", locale: "xx") { id } }', "Unknown locale 'xx'"),
        ('{ pages(order: "owner__password") { totalCount } }', "Cannot order pages by"),
        (
            '{ pages(contentType: "nope") { totalCount } }',
            "Unknown content type 'nope'",
        ),
        ("{ page { id } }", "page needs one of id, slug, urlPath or token"),
        (
            '{ page(id: "abc") { id } }',
            "id must be a page id (a positive whole number)",
        ),
        ('{ pages(parent: "x1") { totalCount } }', "parent must be a page id"),
        ('{ pages(ancestor: "1.5") { totalCount } }', "ancestor must be a page id"),
    ],
)
def test_bad_arguments_get_a_clear_error(gql, query, expected):
    [message] = gql.errors(query)
    assert expected in message


def test_locale_codes_are_matched_case_insensitively(gql):
    pages = gql('{ pages(locale: "zh_Hant") { items { locale } } }')["pages"]["items"]
    assert {p["locale"] for p in pages} == {"zh-hant"}


def test_content_type_filter_inside_a_locale(gql, article):
    query = '{ pages(locale: "zh-hant", contentType: "newsroom.NewsArticlePage") '
    data = gql(query + "{ items { title } } }")
    assert [p["title"] for p in data["pages"]["items"]] == [
        NewsArticlePage.objects.get(locale__language_code="zh-hant").title
    ]


def test_translations_are_the_other_locales_with_title_and_url(gql):
    query = """{ page(urlPath: "/news/", locale: "zh-hant") {
      locale translations { locale title url }
    } }"""
    page = gql(query)["page"]
    assert page["locale"] == "zh-hant"
    assert page["translations"] == [
        {"locale": "zh-hans", "title": "协会动态", "url": "/zh-hans/news/"},
        {"locale": "en", "title": "News", "url": "/en/news/"},
    ]


def test_translations_leave_out_draft_and_private_pages(gql):
    news_index("en").unpublish()
    # A restriction on one edition alone (bulk_create skips the signals that
    # give every edition the same privacy, cms.localization.privacy): what the
    # data can still hold, e.g. written by hand in the database.
    PageViewRestriction.objects.bulk_create(
        [
            PageViewRestriction(
                page=news_index("zh-hant"),
                restriction_type=PageViewRestriction.PASSWORD,
                password="x",
            )
        ]
    )
    query = '{ page(slug: "news") { translations { locale } } }'
    assert gql(query)["page"]["translations"] == []
    # Neither appears in its own locale's listing either.
    en_slugs = [
        p["slug"]
        for p in gql('{ pages(locale: "en") { items { slug } } }')["pages"]["items"]
    ]
    assert en_slugs[0] == "home-en" and "about" in en_slugs
    assert "news" not in en_slugs
    assert "news" not in {
        p["slug"]
        for p in gql('{ pages(locale: "zh-hant") { items { slug } } }')["pages"][
            "items"
        ]
    }


def test_pages_leave_out_drafts(gql):
    draft = NewsArticlePageFactory(
        parent=news_index("zh-hans"), title="草稿", live=False
    )
    titles = {p["title"] for p in gql(PAGES, locale="zh-hans")["pages"]["items"]}
    assert draft.title not in titles
    assert gql("query ($id: ID) { page(id: $id) { id } }", id=draft.pk)["page"] is None


LISTINGS = {
    "pages": """{ pages(locale: "zh-hans", contentType: "newsroom.NewsArticlePage",
      perPage: 50) { items { title locale url parent { title }
      translations { locale title url ... on NewsArticlePage { summary } } } } }""",
    "children": """{ page(slug: "news") { children(limit: 50) { title locale
      translations { locale url ... on NewsArticlePage { publicationDate } } } } }""",
}


@pytest.mark.parametrize("listing", LISTINGS)
def test_list_query_count_does_not_grow_with_its_length(gql, listing):
    """locale, parent and translations (with their type's own fields) for a whole
    list cost a fixed number of queries, at the root and nested."""
    query = LISTINGS[listing]
    parent, en_parent = news_index("zh-hans"), news_index("en")
    counts = []
    for total in (2, 12):
        while parent.get_children().count() < total:
            article = NewsArticlePageFactory(parent=parent)
            NewsArticlePageFactory(
                parent=en_parent, translation_key=article.translation_key
            )
        gql(query)  # warm the caches that any first request fills
        with CaptureQueriesContext(connection) as captured:
            data = gql(query)
        pages = (
            data["pages"]["items"] if listing == "pages" else data["page"]["children"]
        )
        assert len(pages) == total
        assert all(p["translations"][0]["locale"] == "en" for p in pages)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_locale_field_on_every_page_type(gql, article, committee):
    query = """{ pages(locale: "en", perPage: 100) { items { __typename locale } } }"""
    types = {p["__typename"]: p["locale"] for p in gql(query)["pages"]["items"]}
    assert types == {
        "HomePage": "en",
        "NewsIndexPage": "en",
        "OrganisationIndexPage": "en",
        "CommitteeIndexPage": "en",
        "CommitteePage": "en",
        "NewsArticlePage": "en",
    }


def test_children_of_a_page_are_in_its_locale(gql, article):
    query = """query ($parent: ID, $locale: String) {
      pages(parent: $parent, locale: $locale) { items { title locale } }
    }"""
    parent = news_index("zh-hant").pk
    article = NewsArticlePage.objects.get(locale__language_code="zh-hant")
    expected = [{"title": article.title, "locale": "zh-hant"}]
    assert gql(query, parent=parent)["pages"]["items"] == expected
    assert gql(query, parent=parent, locale="zh-hant")["pages"]["items"] == expected
    # With a locale, the children of the page's edition in that locale.
    english = article.get_translation(Locale.objects.get(language_code="en"))
    assert gql(query, parent=parent, locale="en")["pages"]["items"] == [
        {"title": english.title, "locale": "en"}
    ]
    home = HomePage.objects.get(locale__language_code="zh-hant").pk
    query = """query ($a: ID) {
      pages(ancestor: $a, perPage: 100) { items { title locale } }
    }"""
    descendants = gql(query, a=home)["pages"]["items"]
    expected = Page.objects.live().descendant_of(Page.objects.get(pk=home))
    assert len(descendants) == expected.count()
    assert {p["locale"] for p in descendants} == {"zh-hant"}
    assert {"協會動態", "關於協會", article.title} <= {p["title"] for p in descendants}


def test_siblings_stay_in_the_locale(gql):
    """All home pages are siblings below Wagtail's root; grapple lists them all."""
    query = """{ page(urlPath: "/", locale: "en") {
      siblings { locale } nextSiblings { locale } previousSiblings { locale }
    } }"""
    assert gql(query)["page"] == {
        "siblings": [],
        "nextSiblings": [],
        "previousSiblings": [],
    }
    news = gql('{ page(slug: "news", locale: "zh-hant") { siblings { title } } }')
    assert news["page"]["siblings"] == [{"title": "關於協會"}]


def test_chinese_text_is_sent_as_utf8_not_escaped(client, db):
    response = client.post(
        "/graphql/",
        '{"query": "{ page(slug: \\"news\\", locale: \\"zh-hant\\") { title } }"}',
        content_type="application/json",
    )
    assert response.content.decode("utf-8") == '{"data":{"page":{"title":"協會動態"}}}'


def test_tree_fields_show_no_draft_private_or_root_page(gql):
    """Stock grapple: `parent` returns a draft parent, and Wagtail's root page above
    a home page."""
    en_news = news_index("en")
    article = NewsArticlePageFactory(parent=en_news, title="Visible article")
    en_news.title = "SECRET DRAFT TITLE"
    en_news.save_revision()
    en_news.unpublish()
    query = "query ($id: ID) { page(id: $id) { parent { title } ancestors { slug } } }"
    assert gql(query, id=article.pk)["page"] == {
        "parent": None,
        "ancestors": [{"slug": "home-en"}],
    }
    home = gql(
        '{ page(urlPath: "/", locale: "en") { parent { id } children { slug } } }'
    )
    assert home["page"] == {"parent": None, "children": [{"slug": "about"}]}


@pytest.mark.parametrize("field", ["children", "descendants", "siblings", "ancestors"])
def test_tree_fields_refuse_orders_outside_the_allowlist(gql, field):
    query = f'{{ page(slug: "news") {{ {field}(order: "owner__password") {{ id }} }} }}'
    [message] = gql.errors(query)
    assert f"Cannot order {field} by 'owner__password'" in message
    ordered = gql(f'{{ page(slug: "news") {{ {field}(order: "-title") {{ id }} }} }}')
    assert isinstance(ordered["page"][field], list)
