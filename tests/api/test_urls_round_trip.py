"""URLs a frontend can use as they come (issue 14, item 5): a page's `urlPath` is
what `page(urlPath:)` takes back in its locale; file URLs come from
CMS_MEDIA_BASE_URL (relative when it is empty), never from WAGTAILADMIN_BASE_URL,
in fields, blocks and rich text alike; the allowed renditions are listed, and a
filter or srcSet width outside them is an error that says so. Over /graphql/, in
zh-hans, zh-hant and en.
"""

import json
import re

import pytest
from django.conf import settings as django_settings

from newsroom.models import NewsIndexPage
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    NewsArticlePageFactory,
    every_block_body,
)

LOCALES = ["zh-hans", "zh-hant", "en"]
ADMIN = "http://127.0.0.1:8000"
CDN = "https://cdn.example.org"

PATHS = """query ($locale: String) {
  pages(locale: $locale, perPage: 100) { items { id urlPath } }
}"""
BY_PATH = """query ($path: String, $locale: String) {
  page(urlPath: $path, locale: $locale) { id urlPath locale } }"""
ARTICLE_BY_PATH = """query ($path: String, $locale: String) {
  newsArticle(urlPath: $path, locale: $locale) { id title } }"""
MEDIA = """query ($id: ID, $locale: String) { newsArticle(id: $id, locale: $locale) {
  coverImage {
    url src srcSet(sizes: [320, 640])
    rendition(width: 320, format: "webp") { url }
  }
  bodyBlocks {
    ... on RichTextBlock { value jsonValue }
    ... on ImageBlock { jsonValue image { url rendition(fill: "400x300") { url } } }
    ... on DocumentBlock { jsonValue document { url } }
  }
} }"""
FILE_URL = re.compile(r'[^"\s]*?/(?:media|documents)/')


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WAGTAILADMIN_BASE_URL = ADMIN
    return {
        "image": ImageFactory(title="封面", file__width=2000, file__height=1000),
        "document": DocumentFactory(title="通知"),
    }


def article(code, media, **fields):
    return NewsArticlePageFactory(
        parent=NewsIndexPage.objects.get(locale__language_code=code),
        slug=f"article-{code}",
        cover_image=media["image"],
        body=every_block_body(code, media["image"], media["document"]),
        **fields,
    )


# ------------------------------------------------------------------- urlPath


@pytest.mark.parametrize("code", LOCALES)
def test_every_pages_url_path_finds_it_again(gql, settings, tmp_path, code):
    settings.MEDIA_ROOT = tmp_path
    image = ImageFactory()
    page = article(code, {"image": image, "document": DocumentFactory()})
    pages = gql(PATHS, locale=code)["pages"]["items"]
    paths = {p["id"]: p["urlPath"] for p in pages}
    assert paths[str(page.pk)] == f"/news/article-{code}/"
    assert "/" in paths.values() and "/news/" in paths.values()
    for page_id, path in paths.items():
        found = gql(BY_PATH, path=path, locale=code)["page"]
        assert found == {"id": page_id, "urlPath": path, "locale": code}
    found = gql(ARTICLE_BY_PATH, path=paths[str(page.pk)], locale=code)
    assert found["newsArticle"]["id"] == str(page.pk)


def test_url_path_is_below_the_site_of_the_page(gql):
    """Same slugs, one path per locale: each locale's edition answers its own."""
    pages = {code: gql(BY_PATH, path="/news/", locale=code)["page"] for code in LOCALES}
    assert {p["locale"] for p in pages.values()} == set(LOCALES)
    assert len({p["id"] for p in pages.values()}) == 3
    assert all(p["urlPath"] == "/news/" for p in pages.values())


# --------------------------------------------------------------- media URLs


def file_urls(data):
    """What comes before /media/ or /documents/ in every file URL of the answer:
    fields, srcSet entries, rich text and jsonValue alike."""
    return FILE_URL.findall(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize("code", LOCALES)
def test_file_urls_are_relative_without_a_media_base_url(gql, media, code):
    page = article(code, media)
    data = gql(MEDIA, id=page.pk, locale=code)["newsArticle"]
    assert ADMIN not in json.dumps(data)
    cover = data["coverImage"]
    assert cover["url"] == cover["src"] == media["image"].file.url
    assert cover["url"].startswith("/media/original_images/")
    assert cover["rendition"]["url"].startswith("/media/images/")
    assert [e.split(" ")[0][:14] for e in cover["srcSet"].split(", ")] == [
        "/media/images/"
    ] * 2
    urls = file_urls(data)
    assert len(urls) >= 10
    assert set(urls) <= {"/media/", "/documents/"}


@pytest.mark.parametrize("code", LOCALES)
def test_file_urls_come_from_the_media_base_url(gql, media, settings, code):
    settings.CMS_MEDIA_BASE_URL = CDN + "/"
    page = article(code, media)
    data = gql(MEDIA, id=page.pk, locale=code)["newsArticle"]
    assert ADMIN not in json.dumps(data)
    image, document = media["image"], media["document"]
    cover = data["coverImage"]
    assert cover["url"] == CDN + image.file.url
    assert (
        cover["rendition"]["url"]
        == CDN + image.get_rendition("width-320|format-webp").url
    )
    assert cover["srcSet"] == ", ".join(
        f"{CDN}{image.get_rendition(f'width-{w}').url} {w}w" for w in (320, 640)
    )
    rich, image_block, document_block = [b for b in data["bodyBlocks"] if b]
    rich_src = CDN + image.get_rendition("width-500").url
    assert f'src="{rich_src}"' in rich["value"]
    assert f'src="{rich_src}"' in rich["jsonValue"]
    assert image_block["image"]["url"] == CDN + image.file.url
    assert image_block["jsonValue"]["image"]["url"] == CDN + image.file.url
    assert image_block["image"]["rendition"]["url"].startswith(CDN + "/media/images/")
    assert document_block["document"]["url"] == CDN + document.url
    assert document_block["jsonValue"]["document"]["url"] == CDN + document.url
    urls = file_urls(data)
    assert len(urls) >= 10
    assert set(urls) <= {f"{CDN}/media/", f"{CDN}/documents/"}


def test_rich_text_links_to_documents_use_the_media_base_url(gql, media, settings):
    settings.CMS_MEDIA_BASE_URL = CDN
    document = media["document"]
    page = NewsArticlePageFactory(
        parent=NewsIndexPage.objects.get(locale__language_code="zh-hant"),
        body=[
            (
                "paragraph",
                f'<p><a linktype="document" id="{document.pk}">下載</a></p>',
            )
        ],
    )
    data = gql(MEDIA, id=page.pk, locale="zh-hant")["newsArticle"]
    [rich] = [b for b in data["bodyBlocks"] if b]
    assert rich["value"] == f'<p><a href="{CDN}{document.url}">下載</a></p>'


# --------------------------------------------------------------- renditions

FILTERS = "{ imageFilters { spec arguments } }"
IMAGE = """query ($id: ID) { image(id: $id) { id
  %s } }"""


def test_the_allowed_filters_are_listed_and_each_one_works(gql, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = ImageFactory()
    filters = gql(FILTERS)["imageFilters"]
    assert [f["spec"] for f in filters] == django_settings.GRAPPLE[
        "ALLOWED_IMAGE_FILTERS"
    ]
    by_spec = {f["spec"]: f["arguments"] for f in filters}
    assert by_spec["width-320|format-webp"] == {"width": 320, "format": "webp"}
    assert by_spec["fill-400x300"] == {"fill": "400x300"}
    for spec, arguments in by_spec.items():
        args = ", ".join(f"{k}: {json.dumps(v)}" for k, v in arguments.items())
        data = gql(IMAGE % f"rendition({args}) {{ filterSpec url }}", id=image.pk)
        assert data["image"]["rendition"]["filterSpec"] == spec


@pytest.mark.parametrize(
    ("field", "named"),
    [
        ("rendition(width: 700) { url }", "'width-700'"),
        ('rendition(width: 320, format: "png") { url }', "'width-320|format-png'"),
        ("srcSet(sizes: [320, 700, 900])", "width 700, 900."),
        ('srcSet(sizes: [320, 700], format: "webp")', "width 700 as webp."),
    ],
)
def test_a_filter_outside_the_list_is_an_error_that_names_it(
    gql, settings, tmp_path, field, named
):
    settings.MEDIA_ROOT = tmp_path
    image = ImageFactory()
    status, body = gql.post(IMAGE % field, {"id": image.pk})
    [error] = body["errors"]
    assert status == 200
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert named in error["message"]
    assert "imageFilters" in error["message"]
    assert "width-320|format-webp" in error["message"]
    assert image.renditions.count() == 0


def test_src_set_of_allowed_widths_has_them_all(gql, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = ImageFactory(file__width=2000, file__height=1000)
    field = 'srcSet(sizes: [320, 640, 1280], format: "webp")'
    src_set = gql(IMAGE % field, id=image.pk)["image"]["srcSet"]
    assert [entry.split(" ")[1] for entry in src_set.split(", ")] == [
        "320w",
        "640w",
        "1280w",
    ]
    assert all(".webp " in entry + " " for entry in src_set.split(", "))


@pytest.mark.parametrize(
    ("width", "sizes", "entries"),
    [
        (300, [320, 640, 1024], ["300w"]),
        (500, [1024, 320, 480, 640], ["320w", "480w", "500w"]),
    ],
)
def test_src_set_of_a_small_image_names_each_width_once(
    gql, settings, tmp_path, width, sizes, entries
):
    """Wagtail does not enlarge: widths at or over the image's own are one
    entry, the image at its width, made once."""
    settings.MEDIA_ROOT = tmp_path
    image = ImageFactory(file__width=width, file__height=200)
    field = f"srcSet(sizes: {sizes})"
    src_set = gql(IMAGE % field, id=image.pk)["image"]["srcSet"]
    assert [entry.split(" ")[1] for entry in src_set.split(", ")] == entries
    assert image.renditions.count() == len(entries)
