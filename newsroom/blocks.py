"""The blocks of a news article's body, each typed in GraphQL so that a frontend can
switch on the block type and read its fields."""

import graphene
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import (
    GraphQLBoolean,
    GraphQLDocument,
    GraphQLField,
    GraphQLImage,
)
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock as WagtailTableBlock

from cms.content.media import is_public
from home.blocks import DocumentChooserBlock, ImageChooserBlock
from home.graphql_fields import texts


@register_streamfield_block
class ImageBlock(blocks.StructBlock):
    """An image in the text, with the caption readers see and the alt text screen
    readers need."""

    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=255)
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        max_length=255,
        help_text=_("Describes the image for readers who cannot see it."),
    )

    # image is null when the image was deleted after the block was written.
    graphql_fields = [GraphQLImage("image"), *texts("caption", "alt_text")]

    class Meta:
        icon = "image"
        label = _("Image")
        description = _("An image with a caption.")
        template = "newsroom/blocks/image.html"
        preview_value = {"caption": "协会秘书处团队", "alt_text": ""}


@register_streamfield_block
class QuoteBlock(blocks.StructBlock):
    """A quotation and who said it."""

    text = blocks.TextBlock(label=_("quotation"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    graphql_fields = texts("text", "attribution")

    class Meta:
        icon = "openquote"
        label = _("Quote")
        description = _("A quotation with its attribution.")
        template = "newsroom/blocks/quote.html"
        preview_value = {
            "text": "以党建为引领，贯彻新时代党的组织路线。",
            "attribution": "王立安副书记",
        }


@register_streamfield_block
class DocumentBlock(blocks.StructBlock):
    """A link to a document (a notice, a policy text) with the title readers see."""

    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"),
        required=False,
        help_text=_("Leave empty to use the document's title."),
    )

    # document is null when the document was deleted after the block was written.
    graphql_fields = [GraphQLDocument("document"), *texts("link_text")]

    class Meta:
        icon = "doc-full"
        label = _("Document")
        description = _("A link to a document for download.")
        template = "newsroom/blocks/document.html"
        preview_value = {"title": "关于开展2026年度会员信息更新的通知.pdf"}

    def link_text(self, info, values, **kwargs):
        document = values.get("document")
        shown = document and is_public(document, info.context)
        return values.get("title") or (document.title if shown else "")


CELLS = graphene.List(graphene.NonNull(graphene.String))


@register_streamfield_block
class TableBlock(blocks.StructBlock):
    """A table of text cells, given to frontends as rows of cells."""

    caption = blocks.CharBlock(label=_("table caption"), required=False)
    table = WagtailTableBlock(label=_("table"))

    graphql_fields = [
        *texts("caption"),
        GraphQLBoolean("first_row_is_header", required=True),
        GraphQLBoolean("first_col_is_header", required=True),
        GraphQLField("rows", graphene.List(graphene.NonNull(CELLS)), required=True),
    ]

    class Meta:
        icon = "table"
        label = _("Table")
        description = _("A table, e.g. a schedule or a list of results.")
        template = "newsroom/blocks/table.html"
        preview_value = {
            "caption": "会员单位统计",
            "table": {"data": [["类别", "数量"], ["常务副会长单位", "17"]]},
        }

    def first_row_is_header(self, info, values, **kwargs):
        # Wagtail's table widget stores the choice under this key.
        return bool((values.get("table") or {}).get("first_row_is_table_header"))

    def first_col_is_header(self, info, values, **kwargs):
        return bool((values.get("table") or {}).get("first_col_is_header"))

    def rows(self, info, values, **kwargs):
        return cells(values)

    def get_context(self, value, parent_context=None):
        """The reading template's table: a head row when the first row is one,
        and each other cell with whether it heads its row."""
        context = super().get_context(value, parent_context)
        table = value.get("table") or {}
        rows = cells(value)
        head = rows.pop(0) if rows and table.get("first_row_is_table_header") else None
        side = bool(table.get("first_col_is_header"))
        context["head"] = head
        context["rows"] = [[(c, side and not i) for i, c in enumerate(r)] for r in rows]
        return context


def cells(values):
    """A table block's rows of text cells (an empty cell is "")."""
    data = (values.get("table") or {}).get("data") or []
    return [[cell or "" for cell in row] for row in data]
