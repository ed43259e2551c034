"""Restricted media is private everywhere: findings 3 and 8 of the security review.

An image or a document in a collection with a view restriction (or below one) has
no public URL: documents are only served by Wagtail's serve view, which checks the
restriction; /media/ serves public image originals and renditions only (never
documents/, never a restricted image's files). No GraphQL answer (`rawValue`
included, and no error message) and no HTML page shows their file paths, titles or
ids, and rich text loses its links to pages and documents readers cannot open.

Files are real (written to a temporary MEDIA_ROOT), GraphQL goes through /graphql/,
and /media/ is fetched over HTTP through both URL configurations cms/urls.py
builds: the test settings' (DEBUG off, as in production) and `make run`'s (DEBUG
on, which used to serve all of MEDIA_ROOT).
"""

import datetime
import importlib.util
import json
import sys

import pytest
import wagtail_factories
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import override_settings
from wagtail.documents import get_document_model
from wagtail.embeds.blocks import EmbedValue
from wagtail.models import Collection, CollectionViewRestriction
from wagtail.rich_text import RichText

import cms.urls
from newsroom.models import NewsArticlePage, NewsIndexPage

SECRET = "mk-secret"  # in every restricted file name
SECRET_TITLE = "mksecrettitle"  # in every restricted title
PUBLIC_TITLE = "mkpublictitle"

DEBUG_URLCONF = "tests_api_media_privacy_debug_urls"

ARTICLE = """
query ($id: ID) { newsArticle(id: $id) { body {
  blockType field rawValue
  ... on HeadingBlock { blocks { field rawValue } }
  ... on ImageBlock { blocks { field rawValue } }
  ... on QuoteBlock { blocks { field rawValue } }
  ... on DocumentBlock { blocks { field rawValue } }
  ... on TableBlock { blocks { field rawValue ... on StreamFieldBlock { value } } }
  ... on RichTextBlock { value }
  ... on EmbedBlock { value url }
} } }
"""


# ------------------------------------------------------------------------ content


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Files of these tests in a folder of their own, removed afterwards."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def restricted_collection(name, parent=None):
    collection = (parent or Collection.get_first_root_node()).add_child(name=name)
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="password", password="zq-secret"
    )
    return collection


def png_image(title, filename, collection, **file):
    """A PNG image in `collection`; `file`: wagtail_factories' file options."""
    return wagtail_factories.ImageFactory(
        title=title,
        file__filename=filename,
        file__format="PNG",
        collection=collection,
        **{f"file__{name}": value for name, value in file.items()},
    )


def text_document(title, filename, text, collection):
    return get_document_model().objects.create(
        title=title, file=ContentFile(text, name=filename), collection=collection
    )


@pytest.fixture
def media(db):
    """A public and a restricted image and document, and an image in a collection
    below a restricted one."""
    public = Collection.get_first_root_node().add_child(name="mk public")
    restricted = restricted_collection("mk restricted")
    below = restricted.add_child(name="mk below restricted")
    return {
        "public_image": png_image(
            f"{PUBLIC_TITLE} image", "mk-public-image.png", public, color="green"
        ),
        "secret_image": png_image(
            f"{SECRET_TITLE} image", f"{SECRET}-image.png", restricted, color="red"
        ),
        "below_image": png_image(f"{SECRET_TITLE} below", f"{SECRET}-below.png", below),
        "public_doc": text_document(
            f"{PUBLIC_TITLE} document", "mk-public-doc.txt", b"public text", public
        ),
        "secret_doc": text_document(
            f"{SECRET_TITLE} document", f"{SECRET}-doc.txt", b"secret text", restricted
        ),
        "below_doc": text_document(
            f"{SECRET_TITLE} below document",
            f"{SECRET}-below-doc.txt",
            b"secret text",
            below,
        ),
    }


def add_article(slug, body, live=True):
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    page = NewsArticlePage(
        title=f"mk {slug}",
        slug=slug,
        date=datetime.date(2031, 1, 1),
        summary="mk",
        body=body,
    )
    page.live = live
    index.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    page.refresh_from_db()
    return page


def media_blocks(media):
    return [
        ("image", {"image": media["secret_image"], "caption": "c1", "alt_text": ""}),
        ("image", {"image": media["public_image"], "caption": "c2", "alt_text": ""}),
        ("image", {"image": media["below_image"], "caption": "c3", "alt_text": ""}),
        ("document", {"document": media["secret_doc"], "title": ""}),
        ("document", {"document": media["public_doc"], "title": ""}),
    ]


def body_of(gql, page):
    return gql(ARTICLE, id=page.pk)["newsArticle"]["body"]


# --------------------------------------------------------------------- URL configs


def debug_urlconf():
    """cms/urls.py as `make run` builds it (DEBUG on), as a module of its own."""
    spec = importlib.util.spec_from_file_location(DEBUG_URLCONF, cms.urls.__file__)
    module = importlib.util.module_from_spec(spec)
    with override_settings(DEBUG=True):
        spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["debug-off", "debug-on"])
def web(request, settings, client):
    """The test client under each URL configuration cms/urls.py builds."""
    if request.param == "debug-on":
        sys.modules[DEBUG_URLCONF] = debug_urlconf()
        settings.ROOT_URLCONF = DEBUG_URLCONF
    yield client
    sys.modules.pop(DEBUG_URLCONF, None)


def content(response):
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def assert_served(web, file):
    response = web.get(file.url)
    assert response.status_code == 200, file.url
    file.open("rb")
    try:
        assert content(response) == file.read()
    finally:
        file.close()
    return response


# ------------------------------------------------------------------------ finding 3


def test_raw_value_of_restricted_image_and_document_has_no_file_path(gql, media):
    page = add_article("mk-media", media_blocks(media))

    body = body_of(gql, page)

    text = json.dumps(body, ensure_ascii=False)
    assert SECRET not in text
    assert SECRET_TITLE not in text
    assert "/media/" not in text
    assert [json.loads(block["rawValue"]) for block in body] == [
        {"image": None, "caption": "c1", "alt_text": ""},
        {"image": media["public_image"].pk, "caption": "c2", "alt_text": ""},
        {"image": None, "caption": "c3", "alt_text": ""},
        {"document": None, "title": ""},
        {"document": media["public_doc"].pk, "title": ""},
    ]
    children = [{c["field"]: c["rawValue"] for c in b["blocks"]} for b in body]
    assert [c.get("image", c.get("document")) for c in children] == [
        "null",
        str(media["public_image"].pk),
        "null",
        "null",
        str(media["public_doc"].pk),
    ]


def test_media_below_a_restricted_collection_is_not_listed(gql, media):
    """Grapple's `images` and `documents` leave out collections that are
    restricted themselves, not those below one."""
    fields = "{ title file url }"
    data = gql(
        f"""{{
        images(limit: 100) {fields} documents(limit: 100) {fields}
        image(id: {media["below_image"].pk}) {fields}
        document(id: {media["below_doc"].pk}) {fields}
        }}"""
    )

    text = json.dumps(data, ensure_ascii=False)
    assert SECRET_TITLE not in text
    assert SECRET not in text
    assert f"{PUBLIC_TITLE} image" in [i["title"] for i in data["images"]]
    assert f"{PUBLIC_TITLE} document" in [d["title"] for d in data["documents"]]
    assert data["image"] is None and data["document"] is None


def test_searching_images_and_documents_finds_public_ones_only(gql, media):
    """`searchQuery` on grapple's `images` and `documents` (which failed on the
    restriction filter) searches the public collections only."""
    data = gql(
        """{ images(searchQuery: "image") { title }
        documents(searchQuery: "document") { title } }"""
    )
    assert [i["title"] for i in data["images"]] == [f"{PUBLIC_TITLE} image"]
    assert [d["title"] for d in data["documents"]] == [f"{PUBLIC_TITLE} document"]


def test_restricted_document_file_is_not_at_a_media_url(web, media):
    # The route is live: a public image is served from /media/.
    assert_served(web, media["public_image"].file)

    for doc in (media["secret_doc"], media["public_doc"]):
        assert doc.file.url.startswith("/media/documents/")
        assert web.get(doc.file.url).status_code == 404
        assert doc.url == f"/documents/{doc.pk}/{doc.filename}"

    # Wagtail's serve view: the restricted one asks for the password...
    response = web.get(media["secret_doc"].url)
    assert b"secret text" not in content(response)
    assert b"password" in content(response).lower()
    # ...and streams the public one itself (no redirect to a storage URL).
    response = web.get(media["public_doc"].url)
    assert response.status_code == 200
    assert content(response) == b"public text"


def test_restricted_image_original_and_renditions_are_not_served(web, media):
    assert_served(web, media["public_image"].file)  # the control

    for key in ("secret_image", "below_image"):
        image = media[key]
        rendition = image.get_rendition("width-320")
        for url in (image.file.url, rendition.url):
            assert url.startswith("/media/")
            response = web.get(url)
            assert response.status_code == 404, url
            assert SECRET.encode() not in response.content


def test_public_image_and_rendition_are_served(web, media):
    image = media["public_image"]
    rendition = image.get_rendition("width-320")

    for file in (image.file, rendition.file):
        response = assert_served(web, file)
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"

    for path in (
        "/media/original_images/nothing.png",
        "/media/images/nothing.png",
        "/media/original_images/../documents/mk-public-doc.txt",
        f"/media/{media['public_doc'].file.name}",
    ):
        assert web.get(path).status_code == 404, path


def test_editors_get_restricted_image_files_privately(web, media):
    """The admin shows restricted images to editors through the same URLs."""
    image = media["secret_image"]
    rendition = image.get_rendition("max-165x165")
    editor = get_user_model().objects.create_superuser("mk-editor", "", "x")
    web.force_login(editor)

    for file in (image.file, rendition.file):
        response = assert_served(web, file)
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]

    reader = get_user_model().objects.create_user("mk-reader", "", "x")
    web.force_login(reader)  # signed in, but no image permission
    assert web.get(image.file.url).status_code == 404
    web.logout()
    assert web.get(image.file.url).status_code == 404


def test_raw_value_of_rich_text_drops_hidden_links(gql, media):
    visible = add_article("mk-visible", [])
    draft = add_article("mk-draft", [], live=False)
    secret_image, public_image = media["secret_image"], media["public_image"]
    source = (
        f'<p><a linktype="page" id="{visible.pk}">visible page</a>'
        f' <a linktype="page" id="{draft.pk}">draft page</a>'
        f' <a linktype="page" id="999999">deleted page</a>'
        f' <a linktype="document" id="{media["secret_doc"].pk}">secret doc</a>'
        f' <a linktype="document" id="{media["public_doc"].pk}">public doc</a>'
        ' <a href="https://example.org/">outside</a></p>'
        f'<embed alt="mk secret alt" embedtype="image" format="left"'
        f' id="{secret_image.pk}"/>'
        f'<embed alt="mk public alt" embedtype="image" format="left"'
        f' id="{public_image.pk}"/>'
    )
    page = add_article("mk-links", [("paragraph", RichText(source))])

    [block] = body_of(gql, page)

    assert block["rawValue"] == (
        f'<p><a linktype="page" id="{visible.pk}">visible page</a>'
        " draft page"
        " deleted page"
        " secret doc"
        f' <a linktype="document" id="{media["public_doc"].pk}">public doc</a>'
        ' <a href="https://example.org/">outside</a></p>'
        f'<embed alt="mk public alt" embedtype="image" format="left"'
        f' id="{public_image.pk}"/>'
    )
    # The HTML too: no rendition, alt text or link of what readers cannot open.
    assert "mk public alt" in block["value"]
    assert "mk secret alt" not in block["value"]
    assert SECRET not in block["value"]
    assert "/documents/" in block["value"]
    assert f"/documents/{media['secret_doc'].pk}/" not in block["value"]


def test_every_block_type_raw_value_is_a_string(gql, media):
    public_image, public_doc = media["public_image"], media["public_doc"]
    values = {
        "heading": {"text": "mk heading", "level": "3"},
        "paragraph": RichText("<p>mk <b>paragraph</b></p>"),
        "image": {"image": public_image, "caption": "mk", "alt_text": "mk alt"},
        "quote": {"text": "mk quote", "attribution": "mk"},
        "embed": EmbedValue("https://www.youtube.com/watch?v=mk"),
        "document": {"document": public_doc, "title": "mk link"},
        "table": {
            "caption": "mk table",
            "table": {
                "data": [["a", "b"], ["1", None]],
                "first_row_is_table_header": True,
            },
        },
    }
    # Every block type an article body can hold, so a new one needs a value here.
    assert set(values) == set(NewsArticlePage.body.field.stream_block.child_blocks)
    page = add_article("mk-every-block", list(values.items()))
    # The stored form of each value, as Wagtail's own blocks write it.
    stored = {c.block_type: c.block.get_prep_value(c.value) for c in page.body}

    body = body_of(gql, page)

    assert [block["field"] for block in body] == list(values)
    for block in body:
        raw, expected = block["rawValue"], stored[block["field"]]
        assert isinstance(raw, str), block
        if isinstance(expected, str):  # a rich text's source, an embed's URL
            assert raw == expected, block
        else:
            assert json.loads(raw) == expected, block
        for child in block.get("blocks", []):
            assert isinstance(child["rawValue"], str), child
    by_field = {block["field"]: block for block in body}
    assert by_field["embed"]["value"] == "https://www.youtube.com/watch?v=mk"
    assert by_field["embed"]["rawValue"] == "https://www.youtube.com/watch?v=mk"
    # Wagtail's TableBlock inside the struct is grapple's generic block, whose
    # `value` (a dict) failed like rawValue.
    table = {c["field"]: c for c in by_field["table"]["blocks"]}
    assert json.loads(table["table"]["rawValue"]) == stored["table"]["table"]
    assert json.loads(table["table"]["value"]) == stored["table"]["table"]


# ------------------------------------------------------------------------ finding 8


def test_article_html_does_not_show_restricted_media_titles(client, media):
    page = add_article("mk-html", media_blocks(media))

    response = client.get(page.url)

    assert page.url == "/zh-hans/news/mk-html/"
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{PUBLIC_TITLE} image" in html  # the controls
    assert f"{PUBLIC_TITLE} document" in html
    assert SECRET_TITLE not in html
    assert SECRET not in html
    assert f"/documents/{media['secret_doc'].pk}/" not in html


def test_collections_below_a_restricted_one_are_not_listed(gql, media):
    """An outside review: `collections` listed a restricted collection's
    sub-collection (its name, and by its depth the hidden parent)."""
    data = gql(
        """{ collections(limit: 100) { name descendants { name } ancestors { name } }
        images(limit: 100) { collection { name } } }"""
    )
    names = json.dumps(data, ensure_ascii=False)
    assert "mk public" in names  # the control
    assert "mk below restricted" not in names
    assert "mk restricted" not in names
