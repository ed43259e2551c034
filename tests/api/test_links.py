"""Internal links in rich text lead to the linked page's edition in the reader's
locale (cms.api.links): translations copy their source's links, which point at
the source's locale."""

import datetime

import pytest
from wagtail.models import Page
from wagtail.rich_text import RichText

from newsroom.models import NewsIndexPage
from tests.factories import NewsArticlePageFactory, in_locales, publish

pytestmark = pytest.mark.django_db

QUERY = """query ($slug: String!, $locale: String, $fallback: [String!]) {
  newsArticle(slug: $slug, locale: $locale, fallback: $fallback) {
    resolvedLocale
    body { blockType rawValue ... on RichTextBlock { value } }
    relatedArticles { slug body { ... on RichTextBlock { value } } }
  } }"""


def index(code):
    return NewsIndexPage.objects.get(locale__language_code=code)


def article(editions, body=()):
    """An article in the locales of `editions` ({code: slug}), published."""
    built = in_locales(
        NewsArticlePageFactory,
        {
            code: {"parent": index(code), "slug": slug, "title": slug}
            for code, slug in editions.items()
        },
        date=datetime.date(2030, 1, 1),
        body=list(body),
    )
    return {code: publish(page) for code, page in built.items()}


def linking_to(target):
    """A paragraph linking, as a translation copies it, to `target`'s id."""
    return ("paragraph", RichText(f'<p><a linktype="page" id="{target.pk}">x</a></p>'))


@pytest.fixture
def linked():
    """`policy` in zh-hans and zh-hant (not English); `visit` in all three locales,
    each edition's text linking to the zh-hans policy, as copies do."""
    policy = article({"zh-hans": "policy", "zh-hant": "policy-hant"})
    visit = article(
        {"zh-hans": "visit", "zh-hant": "visit-hant", "en": "visit-en"},
        body=[linking_to(policy["zh-hans"])],
    )
    return policy, visit


def body(gql, slug, **arguments):
    found = gql(QUERY, slug=slug, **arguments)["newsArticle"]
    [paragraph] = found["body"]
    return paragraph


def test_a_link_leads_to_the_edition_in_the_readers_locale(gql, linked):
    policy, _visit = linked
    paragraph = body(gql, "visit-hant", locale="zh-hant")
    hant = policy["zh-hant"]
    assert f'href="{hant.url}"' in paragraph["value"]
    assert f'id="{hant.pk}"' in paragraph["rawValue"]
    source = body(gql, "visit")
    assert f'href="{policy["zh-hans"].url}"' in source["value"]


def test_without_an_edition_the_fallback_then_the_default_locale(gql, linked):
    policy, _visit = linked
    # English has no policy: with a fallback to zh-hant, the zh-hant edition.
    paragraph = body(gql, "visit-en", locale="en", fallback=["zh-hant"])
    assert f'href="{policy["zh-hant"].url}"' in paragraph["value"]
    # Without a fallback, the default locale's.
    paragraph = body(gql, "visit-en", locale="en")
    assert f'href="{policy["zh-hans"].url}"' in paragraph["value"]


def test_an_unpublished_edition_is_passed_over(gql, linked):
    policy, _visit = linked
    policy["zh-hant"].unpublish()
    paragraph = body(gql, "visit-hant", locale="zh-hant")
    assert f'href="{policy["zh-hans"].url}"' in paragraph["value"]
    assert f'id="{policy["zh-hans"].pk}"' in paragraph["rawValue"]
    policy["zh-hans"].unpublish()
    paragraph = body(gql, "visit-hant", locale="zh-hant")
    assert "href" not in paragraph["value"] and "linktype" not in paragraph["rawValue"]


def test_nested_articles_link_in_their_own_locale(gql, linked):
    """Related articles of a fallback item are read in the request's chain; the
    item's own body and theirs each link by the chain they were resolved in."""
    policy, visit = linked
    # A second zh-hant article sharing nothing would not be related: give both a
    # tag in common through the zh-hans source, read in zh-hant.
    for page in (visit["zh-hant"], policy["zh-hant"]):
        page.tags.add("共同")
        publish(page)
    found = gql(QUERY, slug="visit-hant", locale="zh-hant")["newsArticle"]
    assert f'href="{policy["zh-hant"].url}"' in found["body"][0]["value"]
    assert [related["slug"] for related in found["relatedArticles"]] == ["policy-hant"]


def test_a_page_field_rich_text_links_in_its_locale(gql):
    """Rich text fields of pages (not only blocks) follow the same rule."""
    from organisation.models import OrganisationIndexPage

    policy = article({"zh-hans": "policy2", "zh-hant": "policy2-hant"})
    about = OrganisationIndexPage.objects.get(locale__language_code="zh-hant")
    about.intro = f'<p><a linktype="page" id="{policy["zh-hans"].pk}">x</a></p>'
    publish(about)
    query = """{ page(urlPath: "/about/", locale: "zh-hant") {
      ... on OrganisationIndexPage { intro } } }"""
    intro = gql(query)["page"]["intro"]
    assert f'href="{Page.objects.get(pk=policy["zh-hant"].pk).url}"' in intro
