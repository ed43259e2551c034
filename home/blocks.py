"""StreamField blocks shared by every app's pages."""

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLInt
from wagtail import blocks

from .graphql_fields import texts

HEADING_LEVELS = [("2", _("Level 2")), ("3", _("Level 3")), ("4", _("Level 4"))]


@register_streamfield_block
class HeadingBlock(blocks.StructBlock):
    """A section heading; the level lets frontends build a correct outline."""

    text = blocks.CharBlock(label=_("text"), max_length=255)
    # Not searchable: its label (二级, Level 2) is no word of the text.
    level = blocks.ChoiceBlock(
        label=_("level"), choices=HEADING_LEVELS, default="2", search_index=False
    )

    graphql_fields = [*texts("text"), GraphQLInt("level", required=True)]

    class Meta:
        icon = "title"
        label = _("Heading")
        description = _("A section heading, level 2 to 4.")
        preview_value = {"text": "一、协会创新工作情况", "level": "2"}


PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


def paragraph_block():
    """A paragraph of rich text with the features news and about pages need."""
    return blocks.RichTextBlock(
        label=_("Paragraph"),
        features=PARAGRAPH_FEATURES,
        icon="pilcrow",
        description=_("Running text with links and lists."),
        preview_value="<p>协会秘书处团队和党员五位同志参加会议。</p>",
    )
