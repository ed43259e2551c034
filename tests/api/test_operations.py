"""The operations a real site sends (frontend/operations/*.graphql), as a frontend
team uses them: validated against the committed schema.graphql, as graphql-codegen
validates them, then sent over /graphql/ in every locale, as Apollo Client sends
them (with `__typename` added to every selection), with checks of what comes back,
and every response put into one normalising client cache."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import (
    build_schema,
    parse,
    print_ast,
    validate,
)

from cms.api.management.commands.register_documents import (
    graphql_files,
    spreads,
    with_typenames,
)
from newsroom.models import NewsIndexPage
from organisation.models import OrganisationIndexPage
from tests import factories
from tests.client_cache import NormalisedCache
from tests.factories import (
    CODES,
    EVERY_BLOCK_TEXTS,
    EVERY_BLOCK_TYPES,
    MenuFactory,
    NewsArticlePageFactory,
    SiteSettingsFactory,
    every_block_body,
    in_locales,
    menu_item,
    translation_of,
)

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "frontend" / "operations"
FRAGMENTS = "fragments.graphql"
NAMES = {
    "zh-hans": "浙江省中小企业协会",
    "zh-hant": "浙江省中小企業協會",
    "en": "Zhejiang SME Association",
}
TITLES = {
    "zh-hans": "协会召开数字经济座谈会",
    "zh-hant": "協會召開數字經濟座談會",
    "en": "Association holds a digital economy forum",
}
# A word of the title, as a reader would search for it.
WORDS = {"zh-hans": "座谈会", "zh-hant": "座談會", "en": "forum"}
ORIGIN = "http://testserver"  # the test client's: no CMS_PUBLIC_BASE_URLS
HREFLANG = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}
# The renditions fragments.graphql asks for.
RENDITIONS = ("width-320", "width-640", "width-1024", "fill-800x450")


def fragments():
    """The shared fragments by name."""
    document = parse((OPERATIONS / FRAGMENTS).read_text(encoding="utf-8"))
    return {fragment.name.value: fragment for fragment in document.definitions}


def operation(name):
    """The operation in `name`.graphql with the fragments it uses, as one
    document (what a code generator or Apollo's `gql` puts together, and what
    `manage.py register_documents` registers)."""
    return parse(operation_texts()[name])


def operation_texts():
    return {doc.name: doc.body for doc in graphql_files([OPERATIONS])}


NAMES_OF_OPERATIONS = sorted(
    path.stem for path in OPERATIONS.glob("*.graphql") if path.name != FRAGMENTS
)


def test_the_operations_are_the_sites_pages():
    assert NAMES_OF_OPERATIONS == [
        "Article",
        "Committee",
        "HomePage",
        "LanguageSwitcher",
        "MemberDirectory",
        "NewsList",
        "Organisation",
        "Search",
        "SiteChrome",
        "Sitemap",
    ]


@pytest.mark.parametrize("name", NAMES_OF_OPERATIONS)
def test_operation_is_valid_against_the_committed_schema(name):
    """What codegen checks: every field, argument and fragment exists in
    schema.graphql (test_schema checks that file is the live schema), and every
    shared fragment is used by some operation."""
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    assert validate(schema, operation(name)) == []


def test_without_possible_types_fragments_on_interfaces_read_back_missing(gql, site):
    """Why frontend/possible-types.json is shipped: without it a client cache
    cannot tell that a NewsArticlePage is a PageInterface, and the SEO
    fragment's fields read back as missing (Apollo's InMemoryCache then returns
    the article without them, silently)."""
    run(gql, "Article", NormalisedCache(), locale="zh-hans", slug="digital-forum")
    blind = NormalisedCache(possible_types={})
    with pytest.raises(AssertionError):
        run(gql, "Article", blind, locale="zh-hans", slug="digital-forum")


def test_every_shared_fragment_is_used():
    used = set().union(*(spreads(operation(n)) for n in NAMES_OF_OPERATIONS))
    assert used == set(fragments())


# ------------------------------------------------------------------ the site


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """For the module: what the operations show, in every locale: site settings,
    header and footer menus, a category, an article with every block type (three
    editions of one article), the association's structure and member
    directory."""
    with factories.rolled_back(django_db_blocker):
        news = {
            code: NewsIndexPage.objects.get(locale__language_code=code)
            for code in CODES
        }
        about = {
            page.locale.language_code: page
            for page in OrganisationIndexPage.objects.select_related("locale")
        }
        image, document = factories.ImageFactory(), factories.DocumentFactory()
        # Made once: a rendition a test makes is rolled back with it, and the
        # next would be another file, which a client cache would rightly see as
        # another value of the same image.
        image.get_renditions(*RENDITIONS)
        source = SiteSettingsFactory(name=NAMES["zh-hans"], default_og_image=image)
        for code in CODES[1:]:
            translation_of(source, code, name=NAMES[code])
        for code in CODES:
            MenuFactory(
                locale=factories.locale(code),
                items=[
                    menu_item(page=news[code], children=[menu_item(page=about[code])]),
                    menu_item(url="https://jxt.zj.gov.cn/", label=f"经信厅 {code}"),
                ],
            )
            MenuFactory(
                key="footer",
                locale=factories.locale(code),
                items=[menu_item(page=about[code])],
            )
        category = factories.association_news()
        cover = factories.ImageFactory()
        cover.get_renditions(*RENDITIONS)
        articles = in_locales(
            NewsArticlePageFactory,
            {
                code: {
                    "parent": news[code],
                    "title": TITLES[code],
                    "body": every_block_body(code, image, document),
                    "categories": [category[code]],
                    "cover_image": cover,
                }
                for code in CODES
            },
            slug="digital-forum",
            featured=True,
        )
        for article in articles.values():
            factories.publish(article)
        vocab = factories.vocabularies()
        factories.member_companies(vocab)
        factories.structure(about)
        yield Site(articles, image, cover)


@dataclass
class Site:
    articles: dict  # code -> the article's edition
    default_image: object  # the site's sharing image
    cover: object  # the article's cover


def run(client, name, cache, **variables):
    """Send operation `name` as Apollo Client does; its data, written to `cache`,
    which must still give back every response written to it."""
    document = with_typenames(operation(name))
    status, body = client.post(print_ast(document), variables)
    assert status == 200
    assert "errors" not in body, body["errors"]
    cache.write(document, body["data"])
    cache.check()
    return body["data"]


@pytest.fixture(scope="module")
def cache():
    """One client cache for every operation in every locale, as one visitor's
    browser switching languages keeps it."""
    return NormalisedCache()


@pytest.mark.parametrize("code", CODES)
def test_site_chrome(gql, site, cache, code):
    data = run(gql, "SiteChrome", cache, locale=code)
    assert [loc["code"] for loc in data["locales"]] == list(CODES)
    assert data["siteSettings"]["name"] == NAMES[code]
    assert data["siteSettings"]["resolvedLocale"] == code
    news, link = data["header"]["items"]
    assert news["page"]["url"].startswith(f"/{code}/")
    assert news["children"][0]["page"]["url"].startswith(f"/{code}/")
    assert (link["external"], link["label"]) == (True, f"经信厅 {code}")
    [about] = data["footer"]["items"]
    assert about["url"] == news["children"][0]["url"]


@pytest.mark.parametrize("code", CODES)
def test_home_page(gql, site, cache, code):
    data = run(gql, "HomePage", cache, locale=code)
    home = data["page"]
    assert home["url"] == f"/{code}/"
    assert home["canonicalUrl"] == f"{ORIGIN}/{code}/"
    assert {a["hreflang"]: a["url"] for a in home["alternates"]} == {
        **{HREFLANG[c]: f"{ORIGIN}/{c}/" for c in CODES},
        "x-default": f"{ORIGIN}/zh-hans/",
    }
    assert home["ogImage"]["id"] == str(site.default_image.pk)
    assert {s["locale"] for s in data["page"]["translationStatus"]} == set(CODES)
    [featured] = data["featured"]["items"]
    assert (featured["title"], featured["locale"]) == (TITLES[code], code)
    assert data["latest"]["totalCount"] == 1


@pytest.mark.parametrize("code", CODES)
def test_news_list_category_and_archive(gql, site, cache, code):
    article = site.articles[code]
    data = run(gql, "NewsList", cache, locale=code, category="news")
    [item] = data["newsArticles"]["items"]
    assert item["id"] == str(article.pk)
    assert item["url"] == article.url
    [category] = data["newsCategories"]
    assert (category["slug"], category["articleCount"]) == ("news", 1)
    assert category["name"] == item["categories"][0]["name"]
    [month] = data["newsArchive"]
    assert (month["year"], month["month"]) == (article.date.year, article.date.month)
    archive = run(gql, "NewsList", cache, locale=code, **month_of(article))
    assert archive["newsArticles"]["totalCount"] == 1


def month_of(article):
    return {"year": article.date.year, "month": article.date.month}


@pytest.mark.parametrize("code", CODES)
def test_article_with_every_block_generic_and_typed(gql, site, cache, code):
    data = run(gql, "Article", cache, locale=code, slug="digital-forum")
    article = data["newsArticle"]
    assert article["title"] == TITLES[code]
    assert article["canonicalUrl"] == ORIGIN + site.articles[code].url
    assert article["ogImage"]["id"] == article["coverImage"]["id"]
    assert article["ogImage"]["id"] == str(site.cover.pk)
    blocks = article["bodyBlocks"]
    assert [b["__typename"] for b in blocks] == EVERY_BLOCK_TYPES
    assert [b["blockType"] for b in article["body"]] == EVERY_BLOCK_TYPES
    assert all(b["jsonValue"] is not None for b in article["body"])
    heading, paragraph, caption, quote, who, link, table, rows = EVERY_BLOCK_TEXTS[code]
    heading_block, rich, image, quote_block, embed, document, table_block = blocks
    assert (heading_block["text"], heading_block["level"]) == (heading, 3)
    assert paragraph in rich["value"]
    assert image["caption"] == caption and image["image"]["rendition"]["url"]
    assert (quote_block["text"], quote_block["attribution"]) == (quote, who)
    assert embed["url"].startswith("https://www.youtube.com/")
    assert document["linkText"] == link and document["document"]["url"]
    assert (table_block["caption"], table_block["rows"]) == (table, rows)
    switcher = {s["locale"]: s["url"] for s in article["translationStatus"]}
    assert switcher == {c: site.articles[c].url for c in CODES}


@pytest.mark.parametrize("code", CODES)
def test_search(gql, site, cache, code):
    data = run(gql, "Search", cache, locale=code, query=WORDS[code])
    hits = [hit["item"] for hit in data["search"]["items"]]
    assert {"__typename": "NewsArticlePage", "id": str(site.articles[code].pk)} in [
        {"__typename": h["__typename"], "id": h["id"]} for h in hits
    ]
    assert all(hit["locale"] == code for hit in data["search"]["items"])
    # Through a fallback chain, the same article is another object (its id
    # names the chain), found once; zh-hans falling back to itself is no chain.
    chained = run(
        gql, "Search", cache, locale=code, fallback=["zh-hans"], query=WORDS[code]
    )
    articles = [
        hit["item"]["id"]
        for hit in chained["search"]["items"]
        if hit["item"]["__typename"] == "NewsArticlePage"
    ]
    [found] = articles
    assert found.partition("@")[0] == str(site.articles[code].pk)
    assert ("@" in found) == (code != "zh-hans")


@pytest.mark.parametrize("code", CODES)
def test_organisation(gql, site, cache, code):
    data = run(gql, "Organisation", cache, locale=code)
    [association] = data["orgUnits"]
    assert association["name"] == factories.ASSOCIATION[1 + CODES.index(code)]
    assert {unit["slug"] for unit in association["children"]} == {
        "secretariat",
        "party-branch",
        "committees",
    }
    assert data["organisation"]["memberCount"] == sum(factories.TIER_SIZES.values())
    [leader] = data["people"]
    assert leader["person"]["name"] == factories.PEOPLE[0][1 + CODES.index(code)]


@pytest.mark.parametrize("code", CODES)
def test_committee(gql, site, cache, code):
    data = run(gql, "Committee", cache, locale=code, slug="blockchain")
    assert [c["slug"] for c in data["committees"]] == [
        slug for slug, *_names in factories.COMMITTEES
    ]
    committee = data["committee"]
    names = factories.PEOPLE
    assert committee["chair"]["person"]["name"] == names[1][1 + CODES.index(code)]
    assert [p["person"]["name"] for p in committee["deputyChairs"]] == [
        names[2][1 + CODES.index(code)]
    ]
    assert {s["locale"] for s in committee["translationStatus"] if s["url"]} == set(
        CODES
    )


@pytest.mark.parametrize("code", CODES)
def test_member_directory(gql, site, cache, code):
    data = run(gql, "MemberDirectory", cache, locale=code, tier="director")
    tiers = {tier["slug"]: tier for tier in data["membershipTiers"]}
    assert tiers["director"]["memberCount"] == factories.TIER_SIZES["director"]
    companies = data["memberCompanies"]
    assert companies["totalCount"] == factories.TIER_SIZES["director"]
    assert {c["tier"]["name"] for c in companies["items"]} == {
        tiers["director"]["name"]
    }


@pytest.mark.parametrize("code", CODES)
def test_language_switcher(gql, site, cache, code):
    data = run(gql, "LanguageSwitcher", cache, locale=code, urlPath="/news/")
    urls = {s["locale"]: s["url"] for s in data["page"]["translationStatus"]}
    assert urls == {c: f"/{c}/news/" for c in CODES}


@pytest.mark.parametrize("code", CODES)
def test_sitemap_listing(gql, site, cache, code):
    data = run(gql, "Sitemap", cache, locale=code)["publicUrls"]
    urls = {item["urlPath"]: item for item in data["items"]}
    assert set(urls) >= {"/", "/news/", "/about/", "/news/digital-forum/"}
    assert data["totalCount"] == len(data["items"])
    article = urls["/news/digital-forum/"]
    assert article["url"] == ORIGIN + site.articles[code].url
    assert article["pageType"] == "NewsArticlePage"
    assert article["lastModified"]
    assert len(article["alternates"]) == len(CODES) + 1  # and x-default


# What each operation is sent with, besides `locale`.
VARIABLES = {
    "Article": lambda code: {"slug": "digital-forum"},
    "Committee": lambda code: {"slug": "blockchain"},
    "HomePage": lambda code: {},
    "LanguageSwitcher": lambda code: {"urlPath": "/news/"},
    "MemberDirectory": lambda code: {"tier": "director"},
    "NewsList": lambda code: {"category": "news"},
    "Organisation": lambda code: {},
    "Search": lambda code: {"query": WORDS[code]},
    "SiteChrome": lambda code: {},
    "Sitemap": lambda code: {},
}


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("name", NAMES_OF_OPERATIONS)
def test_operation_is_cacheable_and_the_same_from_the_cache(
    db, client, site, settings, name, code
):
    """Each operation, as Apollo sends it over GET (what a CDN caches), is kept
    by the response cache and comes back from it byte for byte, with keys
    precise enough that none depends on every change."""
    settings.CMS_RESPONSE_CACHE = True
    params = {
        "query": print_ast(with_typenames(operation(name))),
        "variables": json.dumps({"locale": code, **VARIABLES[name](code)}),
    }
    computed = client.get("/graphql/", params)
    assert computed.status_code == 200
    assert "errors" not in computed.json(), computed.json()["errors"]
    assert computed["Cache-Control"].startswith("public, max-age=")
    assert "any" not in computed["Surrogate-Key"].split(" ")
    cached = client.get("/graphql/", params)
    assert (cached["X-Cache"], cached.content) == ("HIT", computed.content)
    assert cached["ETag"] == computed["ETag"]
