"""StreamField bodies a client can render (issue 14, item 1): every block of every
StreamField, generically (blockType, rawValue, jsonValue on StreamFieldInterface)
and typed (inline fragments on the `<field>Blocks` union), in every locale, over
/graphql/.
"""

import json

import pytest
from django.apps import apps
from graphene_django.settings import graphene_settings
from grapple.registry import registry
from grapple.types.interfaces import StreamFieldInterface
from wagtail.fields import StreamField

from home.models import SiteSettings
from newsroom.models import NewsArticlePage, NewsIndexPage
from organisation.models import CommitteePage, OrganisationIndexPage
from tests.factories import (
    EMBED_URL,
    EVERY_BLOCK_TEXTS,
    EVERY_BLOCK_TYPES,
    CommitteeIndexPageFactory,
    CommitteePageFactory,
    DocumentFactory,
    ImageFactory,
    NewsArticlePageFactory,
    every_block_body,
)

LOCALES = ["zh-hans", "zh-hant", "en"]
GENERIC = "id blockType field rawValue jsonValue"
TYPED = """
  ... on HeadingBlock { text level }
  ... on RichTextBlock { value }
  ... on ImageBlock { caption altText image { id url } }
  ... on QuoteBlock { text attribution }
  ... on EmbedBlock { url value }
  ... on DocumentBlock { linkText document { id title url } }
  ... on TableBlock { caption firstRowIsHeader firstColIsHeader rows }
"""
ARTICLE = f"""query ($id: ID, $locale: String) {{
  newsArticle(id: $id, locale: $locale) {{
    body {{ {GENERIC} }}
    bodyBlocks {{ __typename ... on StreamFieldInterface {{ {GENERIC} }} {TYPED} }}
  }}
}}"""
# Only the fragments its union allows: any other is a validation error.
COMMITTEE = f"""query ($id: ID) {{ page(id: $id) {{ ... on CommitteePage {{
  body {{ {GENERIC} }}
  bodyBlocks {{ __typename ... on StreamFieldInterface {{ {GENERIC} }}
    ... on HeadingBlock {{ text level }} ... on RichTextBlock {{ value }} }}
}} }} }}"""
UNION = """query ($name: String!) { __type(name: $name) {
  kind possibleTypes { name } } }"""
# Every StreamField of the apps and the union of its `<field>Blocks`: a new one
# fails test_every_streamfield_is_rendered_here until it is rendered here too.
UNIONS = {
    (NewsArticlePage, "body"): ("NewsArticlePageBodyBlock", EVERY_BLOCK_TYPES),
    (CommitteePage, "body"): (
        "CommitteePageBodyBlock",
        ["HeadingBlock", "RichTextBlock"],
    ),
    # Rendered in tests/home/test_site_content.py.
    (SiteSettings, "social_links"): (
        "SiteSettingsSocialLinksBlock",
        ["SocialLinkBlock"],
    ),
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return {
        "image": ImageFactory(title="团队照片"),
        "document": DocumentFactory(title="通知"),
    }


def shown_as_streamfield(model, name):
    """Whether the model's GraphQL type has field `name` as a list of blocks."""
    assert graphene_settings.SCHEMA  # grapple fills its registry building it
    graphql_type = registry.models.get(model)
    field = graphql_type and graphql_type._meta.fields.get(name)
    field_type = field and field.type
    while hasattr(field_type, "of_type"):
        field_type = field_type.of_type
    return field_type is StreamFieldInterface


def test_every_streamfield_is_rendered_here():
    """Every StreamField the API shows as one (a menu's items are not: they are
    resolved as MenuItems, tests/home/test_site_content.py)."""
    found = {
        (model, field.name)
        for app in ("home", "newsroom", "organisation")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, StreamField) and shown_as_streamfield(model, field.name)
    }
    assert found == set(UNIONS)


@pytest.mark.parametrize(("model", "field"), list(UNIONS))
def test_blocks_union_names_what_the_streamfield_holds(gql, model, field):
    name, members = UNIONS[(model, field)]
    data = gql(UNION, name=name)["__type"]
    assert data["kind"] == "UNION"
    assert [t["name"] for t in data["possibleTypes"]] == members
    declared = model._meta.get_field(field).stream_block.child_blocks
    assert len(declared) == len(members)


def expected_blocks(code, image, document):
    """(typename, field, rawValue as data, jsonValue, typed fields) per block."""
    heading, paragraph, caption, quote, who, link, table, rows = EVERY_BLOCK_TEXTS[code]
    image_url = image.file.url
    rich_src = image.get_rendition("width-500").url
    stored = (
        f"<p>{paragraph}</p>"
        f'<embed embedtype="image" id="{image.pk}" format="left" alt="{caption}"/>'
    )
    table_value = {
        "data": rows,
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
    }
    image_json = {
        "id": image.pk,
        "title": "团队照片",
        "url": image_url,
        "width": image.width,
        "height": image.height,
    }
    document_json = {"id": document.pk, "title": "通知", "url": document.url}
    return [
        (
            "HeadingBlock",
            "heading",
            {"text": heading, "level": "3"},
            {"text": heading, "level": "3"},
            {"text": heading, "level": 3},
        ),
        ("RichTextBlock", "paragraph", stored, ("html", paragraph, rich_src), None),
        (
            "ImageBlock",
            "image",
            {"image": image.pk, "caption": caption, "alt_text": caption},
            {"image": image_json, "caption": caption, "alt_text": caption},
            {
                "caption": caption,
                "altText": caption,
                "image": {"id": str(image.pk), "url": image_url},
            },
        ),
        (
            "QuoteBlock",
            "quote",
            {"text": quote, "attribution": who},
            {"text": quote, "attribution": who},
            {"text": quote, "attribution": who},
        ),
        (
            "EmbedBlock",
            "embed",
            EMBED_URL,
            EMBED_URL,
            {"url": EMBED_URL, "value": EMBED_URL},
        ),
        (
            "DocumentBlock",
            "document",
            {"document": document.pk, "title": link},
            {"document": document_json, "title": link},
            {
                "linkText": link,
                "document": {
                    "id": str(document.pk),
                    "title": "通知",
                    "url": document.url,
                },
            },
        ),
        (
            "TableBlock",
            "table",
            {"caption": table, "table": table_value},
            {"caption": table, "table": table_value},
            {
                "caption": table,
                "firstRowIsHeader": True,
                "firstColIsHeader": False,
                "rows": rows,
            },
        ),
    ]


def check_rich_text(html, paragraph, src):
    assert html.startswith(f"<p>{paragraph}</p><img ")
    assert f'src="{src}"' in html


def check_block(block, expected):
    typename, field, raw, as_json, typed = expected
    assert block["__typename"] == block["blockType"] == typename
    assert block["field"] == field
    assert block["id"]
    raw_value = (
        block["rawValue"]
        if typename in ("RichTextBlock", "EmbedBlock")
        else (json.loads(block["rawValue"]))
    )
    assert raw_value == raw
    if typename == "RichTextBlock":
        _html, paragraph, src = as_json
        check_rich_text(block["jsonValue"], paragraph, src)
        check_rich_text(block["value"], paragraph, src)
    else:
        assert block["jsonValue"] == as_json
        assert {name: block[name] for name in typed} == typed


@pytest.mark.parametrize("code", LOCALES)
def test_every_block_type_of_an_article_renders(gql, media, code):
    image, document = media["image"], media["document"]
    page = NewsArticlePageFactory(
        parent=NewsIndexPage.objects.get(locale__language_code=code),
        body=every_block_body(code, image, document),
    )
    data = gql(ARTICLE, id=page.pk, locale=code)["newsArticle"]
    expected = expected_blocks(code, image, document)
    assert len(data["bodyBlocks"]) == len(expected)
    for block, want in zip(data["bodyBlocks"], expected, strict=True):
        check_block(block, want)
    # `body` (StreamFieldInterface) holds the same blocks, none of them null.
    generic = GENERIC.split()
    assert data["body"] == [{k: b[k] for k in generic} for b in data["bodyBlocks"]]


@pytest.mark.parametrize("code", LOCALES)
def test_committee_body_renders(gql, media, code):
    index = CommitteeIndexPageFactory(
        parent=OrganisationIndexPage.objects.get(locale__language_code=code)
    )
    heading, paragraph = EVERY_BLOCK_TEXTS[code][:2]
    page = CommitteePageFactory(
        parent=index,
        body=[
            ("heading", {"text": heading, "level": "2"}),
            ("paragraph", f"<p>{paragraph}</p>"),
        ],
    )
    data = gql(COMMITTEE, id=page.pk)["page"]
    heading_block, paragraph_block = data["bodyBlocks"]
    assert heading_block["__typename"] == "HeadingBlock"
    assert (heading_block["text"], heading_block["level"]) == (heading, 2)
    assert heading_block["jsonValue"] == {"text": heading, "level": "2"}
    assert json.loads(heading_block["rawValue"]) == {"text": heading, "level": "2"}
    assert paragraph_block["__typename"] == "RichTextBlock"
    assert paragraph_block["value"] == paragraph_block["jsonValue"]
    assert paragraph_block["jsonValue"] == f"<p>{paragraph}</p>"
    assert paragraph_block["rawValue"] == f"<p>{paragraph}</p>"
    assert [b["blockType"] for b in data["body"]] == ["HeadingBlock", "RichTextBlock"]


def test_restricted_media_are_null_in_json_value(gql, media):
    """A restricted image and document (and a deleted one) are null in jsonValue
    as in rawValue: no title, no URL."""
    from wagtail.models import Collection, CollectionViewRestriction

    secret = Collection.get_first_root_node().add_child(name="内部")
    CollectionViewRestriction.objects.create(
        collection=secret, restriction_type="password", password="zq-secret"
    )
    hidden_image = ImageFactory(title="内部照片", collection=secret)
    hidden_document = DocumentFactory(title="内部文件", collection=secret)
    page = NewsArticlePageFactory(
        parent=NewsIndexPage.objects.get(locale__language_code="zh-hans"),
        body=[
            ("image", {"image": hidden_image, "caption": "c", "alt_text": ""}),
            ("document", {"document": hidden_document, "title": ""}),
        ],
    )
    data = gql(ARTICLE, id=page.pk, locale="zh-hans")["newsArticle"]
    image_block, document_block = data["bodyBlocks"]
    assert image_block["jsonValue"] == {"image": None, "caption": "c", "alt_text": ""}
    assert document_block["jsonValue"] == {"document": None, "title": ""}
    text = json.dumps(data, ensure_ascii=False)
    assert "内部" not in text and "/media/" not in text and "/documents/" not in text
