"""The SQL an article's page costs: the site's Article operation
(frontend/operations/Article.graphql, sent as Apollo sends it) for a realistic
article, uncached, at most MAX_QUERIES queries in every locale, and in English
falling back to zh-hans for an article that has no English edition, and the
same number whatever the article holds.

The article: a body with every block type, each block that refers to something
referring to its own image or document (an image block, a rich-text embedded
image, a document block, a rich-text link to a document and one to a page, an
embed), a cover with the renditions the operation asks for, categories, tags,
authors, editions in zh-hans, zh-hant and en, previous and next articles and
related articles (each a card with its own cover and categories).

What is counted: every query of the request, with Django's cache cleared (and
with it Wagtail's renditions cache) and Django's per-process content-type cache
too. What is not: Wagtail's site root paths (two queries, kept in the shared
cache). They are the same few rows for the whole site, written on the first
request after a Site changes and otherwise never expiring, and every response
of the API reads them, so a cold entry is the state of one request per site
change, not of an article's page; the test reads them before it measures.
Renditions and embeds exist, as they do for an article anyone read before
(the first view makes the renditions the frontend asks for, and Wagtail keeps
the provider's embed HTML in its Embed table): writing them is the first
view's cost, not a read's.

The queries left (zh-hans; the others alike): the locales; the article; its
tags; its authors; its previous, next and related articles with its editions
and their translation status; the categories of it and of those; every image
shown (covers, sharing image, body) with its renditions; the body's
documents; where its links to pages lead; its embeds. Read through a chain, the
article is looked up in all its locales at once (cms.api.pages.by_slug), and
the categories shown through the chain come with theirs
(newsroom.models.load_categories).
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import print_ast
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Site

from newsroom.models import NewsArticlePage, NewsIndexPage
from tests import factories
from tests.api.test_operations import RENDITIONS, operation, with_typenames
from tests.factories import (
    CODES,
    EMBED_URL,
    EVERY_BLOCK_TYPES,
    NewsArticlePageFactory,
    every_block_body,
    in_locales,
)

MAX_QUERIES = 10
ARTICLE = print_ast(with_typenames(operation("Article")))
DAY = datetime.date(2025, 6, 1)
# (locale, fallback): each content locale as its site reads it, and English
# with the fallback an English site passes.
READS = [(code, None) for code in CODES] + [("en", ["zh-hans"])]
# The sizes compared: categories, tags, authors, candidate related articles,
# and repetitions of a body with every block type.
SMALL, LARGE = 2, 8


def picture():
    """An image with the renditions the operation (and a rich-text embed in
    `left` format) show."""
    image = factories.ImageFactory()
    image.get_renditions(*RENDITIONS, "width-500")
    return image


def body(code, size, links):
    """`size` repetitions of a body with every block type, each with an image
    and a document of its own, and a paragraph linking to the pages `links`."""
    blocks = []
    for n in range(size):
        image, document = picture(), factories.DocumentFactory()
        blocks += every_block_body(code, image, document)
        page = links[n % len(links)]
        blocks.append(
            (
                "paragraph",
                f'<p><a linktype="page" id="{page.pk}">{page.title}</a> '
                f'<a linktype="document" id="{document.pk}">{n}</a></p>',
            )
        )
    return blocks


def publish_article(
    news, slug, date, categories, size, links=(), with_body=True, codes=CODES
):
    """An article in the locales `codes`, published: its own cover, `categories`
    ({code: category} each), `size` authors and tags, and with `with_body` a
    body of `size` repetitions; {code: edition}."""
    editions = in_locales(
        NewsArticlePageFactory,
        {
            code: {
                "parent": news[code],
                "title": f"{slug} {code}",
                "body": body(code, size, links[code]) if with_body else [],
                "categories": [category[code] for category in categories],
                "cover_image": picture(),
            }
            for code in codes
        },
        slug=slug,
        date=date,
    )
    for code, edition in editions.items():
        for _ in range(size):
            factories.NewsArticleAuthorFactory(article=edition)
        edition.tags.add(*(f"{slug}-{n}-{code}" for n in range(size)))
        factories.publish(edition)
    return editions


def world(news, name, size, offset, codes=CODES):
    """An article named `name` with `size` of each thing, in its own
    categories, with `size` related articles (older ones in its categories) and
    a newer one; it and the newer one in the locales `codes`, the others in
    every locale."""
    categories = [factories.association_news(f"{name}-{n}") for n in range(size)]
    related = [
        publish_article(
            news,
            f"{name}-related-{n}",
            DAY + datetime.timedelta(days=offset - n - 1),
            categories[:1],
            1,
            with_body=False,
        )
        for n in range(size)
    ]
    publish_article(
        news, f"{name}-newer", DAY + datetime.timedelta(days=offset + 1), [], 1,
        with_body=False, codes=codes,
    )  # fmt: skip
    links = {code: [r[code] for r in related] for code in codes}
    return publish_article(
        news,
        name,
        DAY + datetime.timedelta(days=offset),
        categories,
        size,
        links,
        codes=codes,
    )


@pytest.fixture(scope="module")
def articles(django_db_setup, django_db_blocker):
    """A small and a large article (see SMALL, LARGE) in every locale, and a
    small and a large one in zh-hans alone (UNTRANSLATED)."""
    with factories.rolled_back(django_db_blocker):
        news = {
            code: NewsIndexPage.objects.get(locale__language_code=code)
            for code in CODES
        }
        Embed.objects.create(
            url=EMBED_URL, hash=get_embed_hash(EMBED_URL), html="<iframe></iframe>"
        )
        yield {
            "small": world(news, "small", SMALL, 0),
            "large": world(news, "large", LARGE, 100),
            "small-zh": world(news, "small-zh", SMALL, 200, ["zh-hans"]),
            "large-zh": world(news, "large-zh", LARGE, 300, ["zh-hans"]),
        }


def read(gql, slug, locale, fallback):
    """The article's data and the queries the request sent, uncached (see the
    module's docstring)."""
    cache.clear()
    ContentType.objects.clear_cache()
    Site.get_site_root_paths()
    with CaptureQueriesContext(connection) as queries:
        status, body = gql.post(
            ARTICLE, {"locale": locale, "fallback": fallback, "slug": slug}
        )
    assert status == 200
    assert "errors" not in body, body["errors"]
    return body["data"]["newsArticle"], [query["sql"] for query in queries]


@pytest.mark.parametrize(("locale", "fallback"), READS)
def test_an_article_takes_at_most_ten_queries(gql, articles, locale, fallback):
    article, queries = read(gql, "large", locale, fallback)
    locale_of = articles["large"][locale].locale
    # The article, all of it, as asked.
    assert article["title"] == f"large {locale}"
    assert len(article["categories"]) == len(article["tags"]) == LARGE
    assert len(article["authors"]) == LARGE
    assert len(article["relatedArticles"]) == 3
    assert all(card["coverImage"]["srcSet"] for card in article["relatedArticles"])
    assert article["previousArticle"]["title"] == f"large-related-0 {locale}"
    assert article["nextArticle"]["title"] == f"large-newer {locale}"
    assert {s["locale"] for s in article["translationStatus"]} == set(CODES)
    assert article["ogImage"]["id"] == article["coverImage"]["id"]
    blocks = article["bodyBlocks"]
    assert len(blocks) == LARGE * (len(EVERY_BLOCK_TYPES) + 1)
    assert all(b["image"]["rendition"]["url"] for b in blocks if "image" in b)
    assert all(b["document"]["url"] for b in blocks if "document" in b)
    assert all(b["embed"] for b in blocks if b["__typename"] == "EmbedBlock")
    links = blocks[len(EVERY_BLOCK_TYPES) :: len(EVERY_BLOCK_TYPES) + 1]
    linked = NewsArticlePage.objects.get(slug="large-related-0", locale=locale_of)
    assert f'<a href="{linked.url}">' in links[0]["value"]
    # And no more than this.
    assert len(queries) <= MAX_QUERIES, "\n\n".join(queries)


@pytest.mark.parametrize(("locale", "fallback"), READS)
def test_the_count_does_not_grow_with_the_article(gql, articles, locale, fallback):
    """2 or 8 categories, tags, authors, related articles and repetitions of
    every block: the same queries."""
    small = read(gql, "small", locale, fallback)[1]
    large = read(gql, "large", locale, fallback)[1]
    assert len(small) == len(large), "\n\n".join(large)


def test_an_untranslated_article_takes_at_most_ten_queries(gql, articles):
    """English with fallback zh-hans, of an article only in zh-hans: the
    article, its categories and its newer neighbour come from the chain's
    second locale, its related articles and the pages its body links to from
    its first, and the same few queries read them all."""
    article, queries = read(gql, "large-zh", "en", ["zh-hans"])
    en = factories.locale("en")
    assert article["title"] == "large-zh zh-hans"
    assert article["resolvedLocale"] == "zh-hans"
    names = {category["name"] for category in article["categories"]}
    assert names == {"Association news"}
    assert len(article["categories"]) == len(article["tags"]) == LARGE
    assert len(article["authors"]) == LARGE
    assert [card["title"] for card in article["relatedArticles"]] == [
        f"large-zh-related-{n} en" for n in range(3)
    ]
    assert article["previousArticle"]["title"] == "large-zh-related-0 en"
    assert article["nextArticle"]["title"] == "large-zh-newer zh-hans"
    blocks = article["bodyBlocks"]
    assert len(blocks) == LARGE * (len(EVERY_BLOCK_TYPES) + 1)
    assert all(b["image"]["rendition"]["url"] for b in blocks if "image" in b)
    links = blocks[len(EVERY_BLOCK_TYPES) :: len(EVERY_BLOCK_TYPES) + 1]
    linked = NewsArticlePage.objects.get(slug="large-zh-related-0", locale=en)
    assert f'<a href="{linked.url}">' in links[0]["value"]
    assert len(queries) <= MAX_QUERIES, "\n\n".join(queries)
    small = read(gql, "small-zh", "en", ["zh-hans"])[1]
    assert len(small) == len(queries), "\n\n".join(queries)
