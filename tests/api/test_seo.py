"""SEO and discovery (issue 14, item 3), over the real routes in every locale:
seoTitle, searchDescription, ogImage, canonicalUrl and alternates on pages;
absolute URLs from CMS_PUBLIC_BASE_URLS or the request's origin; publicUrls;
the per-locale sitemaps, their index and robots.txt; `pages` as an envelope.
"""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Locale,
    PageViewRestriction,
)

from newsroom.models import NewsArticlePage, NewsIndexPage
from tests import factories
from tests.factories import ImageFactory, NewsArticlePageFactory, SiteSettingsFactory

LOCALES = ["zh-hans", "zh-hant", "en"]
ORIGIN = "http://testserver"  # the test client's host
DOMAINS = {
    "zh-hans": "https://www.zjsme.org.cn",
    "zh-hant": "https://hk.example.org",
}
DEFAULT_BASE = "https://www.example.org"
BASE_URLS = ",".join(f"{code}={url}" for code, url in DOMAINS.items())

PAGE = """query ($locale: String, $path: String) {
  page(urlPath: $path, locale: $locale) {
    id title seoTitle searchDescription canonicalUrl urlPath
    alternates { hreflang url }
    ogImage { id title }
  }
}"""


def news(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


def locale(code):
    return Locale.objects.get(language_code=code)


def article_everywhere(codes=LOCALES, slug="seo", **fields):
    """An article published in `codes`, its editions translations of each other."""
    key = uuid.uuid4()
    pages = {}
    for code in codes:
        page = NewsArticlePageFactory(
            parent=news(code),
            locale=locale(code),
            translation_key=key,
            slug=slug,
            title=f"{code} 标题",
            **fields,
        )
        page.save_revision().publish()
        pages[code] = NewsArticlePage.objects.get(pk=page.pk)
    return pages


HREFLANG = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}


@pytest.mark.parametrize("code", LOCALES)
def test_urls_come_from_the_request_origin_without_the_setting(gql, code):
    article_everywhere()
    page = gql(PAGE, locale=code, path="/news/seo/")["page"]
    assert page["canonicalUrl"] == f"{ORIGIN}/{code}/news/seo/"
    assert page["alternates"] == [
        *({"hreflang": HREFLANG[c], "url": f"{ORIGIN}/{c}/news/seo/"} for c in LOCALES),
        {"hreflang": "x-default", "url": f"{ORIGIN}/zh-hans/news/seo/"},
    ]


@pytest.mark.parametrize("code", LOCALES)
def test_urls_come_from_the_public_base_urls(gql, settings, code):
    """A locale on its own domain has no language prefix; another keeps it below
    the default base; WAGTAILADMIN_BASE_URL plays no part."""
    settings.CMS_PUBLIC_BASE_URLS = f"{BASE_URLS},{DEFAULT_BASE}/"
    settings.WAGTAILADMIN_BASE_URL = "http://admin.example.org:8000"
    article_everywhere()
    expected = {
        "zh-hans": "https://www.zjsme.org.cn/news/seo/",
        "zh-hant": "https://hk.example.org/news/seo/",
        "en": "https://www.example.org/en/news/seo/",
    }
    page = gql(PAGE, locale=code, path="/news/seo/")["page"]
    assert page["canonicalUrl"] == expected[code]
    alternates = {a["hreflang"]: a["url"] for a in page["alternates"]}
    assert alternates == {
        **{HREFLANG[c]: url for c, url in expected.items()},
        "x-default": expected["zh-hans"],
    }


def test_without_a_default_base_unlisted_locales_use_the_request_origin(gql, settings):
    settings.CMS_PUBLIC_BASE_URLS = BASE_URLS
    article_everywhere()
    page = gql(PAGE, locale="en", path="/news/seo/")["page"]
    assert page["canonicalUrl"] == f"{ORIGIN}/en/news/seo/"


def test_alternates_leave_out_drafts_and_x_default_falls_back(gql):
    """Without a live zh-hans edition, x-default is the first published one in
    the site's order; an unpublished edition is no alternate."""
    pages = article_everywhere(["zh-hant", "en", "zh-hans"])
    pages["zh-hans"].unpublish()
    page = gql(PAGE, locale="en", path="/news/seo/")["page"]
    assert page["alternates"] == [
        {"hreflang": "zh-Hant", "url": f"{ORIGIN}/zh-hant/news/seo/"},
        {"hreflang": "en", "url": f"{ORIGIN}/en/news/seo/"},
        {"hreflang": "x-default", "url": f"{ORIGIN}/zh-hant/news/seo/"},
    ]


@pytest.mark.parametrize("code", LOCALES)
def test_seo_title_falls_back_to_the_title(gql, code):
    pages = article_everywhere(search_description="描述")
    pages[code].seo_title = f"{code} SEO"
    pages[code].save_revision().publish()
    page = gql(PAGE, locale=code, path="/news/seo/")["page"]
    assert page["seoTitle"] == f"{code} SEO"
    assert page["searchDescription"] == "描述"
    home = gql(PAGE, locale=code, path="/")["page"]
    assert home["seoTitle"] == home["title"]


@pytest.fixture
def images(db):
    secret = Collection.get_first_root_node().add_child(name="内部")
    CollectionViewRestriction.objects.create(
        collection=secret, restriction_type="password", password="zq-secret"
    )
    return {
        "own": ImageFactory(title="own"),
        "cover": ImageFactory(title="cover"),
        "hans": ImageFactory(title="default hans"),
        "hant": ImageFactory(title="default hant"),
        "secret": ImageFactory(title="secret", collection=secret),
    }


def og_image(gql, code, path="/news/seo/"):
    image = gql(PAGE, locale=code, path=path)["page"]["ogImage"]
    return image and image["title"]


def test_og_image_is_the_own_else_the_cover_else_the_site_default(gql, images):
    settings_hans = SiteSettingsFactory(default_og_image=images["hans"])
    factories.translation_of(settings_hans, "zh-hant", default_og_image=images["hant"])
    pages = article_everywhere(cover_image=images["cover"])
    pages["zh-hans"].og_image = images["own"]
    pages["zh-hans"].save_revision().publish()
    pages["en"].cover_image = images["secret"]  # restricted: skipped
    pages["en"].save_revision().publish()
    assert og_image(gql, "zh-hans") == "own"
    assert og_image(gql, "zh-hant") == "cover"
    # English has no settings of its own: the default locale's default image.
    assert og_image(gql, "en") == "default hans"
    # A page type without a cover: the site's default in its locale.
    assert og_image(gql, "zh-hant", "/news/") == "default hant"


def test_og_image_is_null_when_nothing_is_set(gql):
    article_everywhere()
    assert og_image(gql, "zh-hans") is None


LISTING = """query ($locale: String, $perPage: Int) {
  pages(locale: $locale, contentType: "newsroom.NewsArticlePage", perPage: $perPage) {
    totalCount
    items { canonicalUrl alternates { hreflang url } ogImage { url } }
  }
}"""
PUBLIC_URLS = """query ($locale: String, $page: Int, $perPage: Int) {
  publicUrls(locale: $locale, page: $page, perPage: $perPage) {
    totalCount numPages hasNextPage
    items { id urlPath url lastModified pageType alternates { hreflang url } }
  }
}"""


@pytest.mark.parametrize(
    "query, listed",
    [
        (LISTING, lambda d: d["pages"]["items"]),
        (
            PUBLIC_URLS,
            lambda d: d["publicUrls"]["items"],
        ),
    ],
)
def test_seo_fields_cost_the_same_queries_however_long_the_list(
    gql, images, query, listed
):
    SiteSettingsFactory(default_og_image=images["hans"])
    counts = []
    for total in (2, 12):
        while NewsArticlePage.objects.filter(locale=locale("zh-hant")).count() < total:
            n = NewsArticlePage.objects.count()
            article_everywhere(slug=f"a{n}", cover_image=images["cover"])
        gql(query, perPage=50, locale="zh-hant")  # warm the caches
        with CaptureQueriesContext(connection) as captured:
            data = gql(query, perPage=50, locale="zh-hant")
        assert all(len(item["alternates"]) == 4 for item in listed(data) if item)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def hidden_pages():
    """A draft, a private and an expired article in zh-hans."""
    draft = NewsArticlePageFactory(parent=news("zh-hans"), slug="draft", live=False)
    private = factories.live_article(slug="private")
    PageViewRestriction.objects.create(
        page=private, restriction_type="password", password="x"
    )
    expired = factories.live_article(slug="expired")
    NewsArticlePage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(days=1)
    )
    return draft, private, expired


@pytest.mark.parametrize("code", LOCALES)
def test_public_urls_list_every_public_page_of_a_locale(gql, settings, code):
    settings.CMS_PUBLIC_BASE_URLS = BASE_URLS
    article_everywhere()
    hidden_pages()
    data = gql(PUBLIC_URLS, locale=code, perPage=100)["publicUrls"]
    items = {item["urlPath"]: item for item in data["items"]}
    assert set(items) == {"/", "/news/", "/about/", "/news/seo/"}
    assert data["totalCount"] == 4
    item = items["/news/seo/"]
    page = NewsArticlePage.objects.get(locale__language_code=code, slug="seo")
    assert item["id"] == str(page.pk)
    assert item["pageType"] == "NewsArticlePage"
    assert items["/"]["pageType"] == "HomePage"
    base = DOMAINS.get(code, f"{ORIGIN}/{code}")
    assert item["url"] == f"{base}/news/seo/"
    assert item["lastModified"].startswith(page.last_published_at.date().isoformat())
    assert item["alternates"][-1] == {
        "hreflang": "x-default",
        "url": "https://www.zjsme.org.cn/news/seo/",
    }


def test_public_urls_are_paginated(gql):
    article_everywhere()
    first = gql(PUBLIC_URLS, locale="en", page=1, perPage=3)["publicUrls"]
    second = gql(PUBLIC_URLS, locale="en", page=2, perPage=3)["publicUrls"]
    assert first["totalCount"] == 4 and first["numPages"] == 2
    assert first["hasNextPage"] and not second["hasNextPage"]
    paths = [i["urlPath"] for i in first["items"] + second["items"]]
    assert paths == ["/", "/news/", "/news/seo/", "/about/"]
    [error] = gql.errors("{ publicUrls(perPage: 0) { totalCount } }")
    assert "perPage must be between 1 and 100" in error


# ------------------------------------------------------------------ sitemaps


def url_entries(body):
    return dict(re.findall(r"<url><loc>([^<]*)</loc>(.*?)</url>", body))


@pytest.mark.parametrize("code", LOCALES)
def test_sitemap_of_a_locale(client, db, settings, code):
    settings.CMS_PUBLIC_BASE_URLS = f"{BASE_URLS},{DEFAULT_BASE}"
    pages = article_everywhere()
    hidden_pages()
    response = client.get(f"/sitemap-{code}.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in body
    entries = url_entries(body)
    base = DOMAINS.get(code, f"{DEFAULT_BASE}/{code}")
    assert set(entries) == {
        f"{base}{p}" for p in ("/", "/news/", "/about/", "/news/seo/")
    }
    entry = entries[f"{base}/news/seo/"]
    modified = pages[code].last_published_at.isoformat(timespec="seconds")
    assert f"<lastmod>{modified}</lastmod>" in entry
    links = re.findall(r'hreflang="([^"]*)" href="([^"]*)"', entry)
    assert links == [
        ("zh-Hans", "https://www.zjsme.org.cn/news/seo/"),
        ("zh-Hant", "https://hk.example.org/news/seo/"),
        ("en", "https://www.example.org/en/news/seo/"),
        ("x-default", "https://www.zjsme.org.cn/news/seo/"),
    ]
    for hidden in ("draft", "private", "expired"):
        assert f"/news/{hidden}/" not in body


def test_sitemap_costs_the_same_queries_however_many_pages(client, db):
    counts = []
    for total in (2, 12):
        while NewsArticlePage.objects.filter(locale=locale("en")).count() < total:
            article_everywhere(slug=f"a{NewsArticlePage.objects.count()}")
        client.get("/sitemap-en.xml")
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/sitemap-en.xml").content.decode()
        assert len(url_entries(body)) == total + 3
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_sitemap_index_robots_and_no_language_redirect(client, db, settings):
    article_everywhere()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200  # not a redirect to /zh-hans/sitemap.xml
    body = response.content.decode()
    sitemaps = re.findall(
        r"<sitemap><loc>([^<]*)</loc>(<lastmod>[^<]*</lastmod>)", body
    )
    assert [loc for loc, _lastmod in sitemaps] == [
        f"{ORIGIN}/sitemap-{code}.xml" for code in LOCALES
    ]
    assert client.get("/sitemap-fr.xml").status_code == 404
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert robots["Content-Type"].startswith("text/plain")
    lines = robots.content.decode().splitlines()
    assert {"Disallow: /admin/", "Disallow: /graphql/", "Allow: /"} <= set(lines)
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines
    settings.CMS_PUBLIC_BASE_URLS = f"{BASE_URLS},{DEFAULT_BASE}"
    assert (
        f"Sitemap: {DEFAULT_BASE}/sitemap.xml"
        in client.get("/robots.txt").content.decode().splitlines()
    )


# ------------------------------------------------------------ pages envelope


def test_pages_has_a_total_count_and_pages(gql):
    for n in range(5):
        article_everywhere(["zh-hant"], slug=f"p{n}")
    query = """query ($page: Int) {
      pages(locale: "zh-hant", contentType: "newsroom.NewsArticlePage",
            perPage: 2, page: $page, order: "slug") {
        totalCount page perPage numPages hasNextPage hasPreviousPage
        items { slug }
      }
    }"""
    last = gql(query, page=3)["pages"]
    assert last == {
        "totalCount": 5,
        "page": 3,
        "perPage": 2,
        "numPages": 3,
        "hasNextPage": False,
        "hasPreviousPage": True,
        "items": [{"slug": "p4"}],
    }
    # Ten by default, as before, but now the count says what is left out.
    for n in range(5, 12):
        article_everywhere(["zh-hant"], slug=f"p{n}")
    data = gql('{ pages(locale: "zh-hant") { totalCount items { id } } }')["pages"]
    assert len(data["items"]) == 10 and data["totalCount"] == 12 + 3
