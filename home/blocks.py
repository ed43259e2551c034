"""StreamField blocks shared by every app's pages, and those of the site's own
content (social links, menu items)."""

import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLInt
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents import blocks as document_blocks
from wagtail.images import blocks as image_blocks

from cms.content.media import media
from cms.content.requests import current_request

from .graphql_fields import texts


class RequestMedia:
    """A chooser block whose images or documents, while a request is served,
    come from that request's media (cms.content.media.media): read once with
    the request's other images (their renditions too) instead of in a query
    of the StreamField's own."""

    def bulk_to_python(self, values):
        values = list(values)
        request = current_request()
        if request is None:
            return super().bulk_to_python(values)
        found = media(request, self.model_class, values)
        # Copies, as Wagtail's own gives a distinct instance for each value: a
        # block may set attributes on its image (Wagtail's ImageBlock sets the
        # alt text it gives it).
        return [
            copy.copy(found.get(int(v))) if str(v).isdigit() else None for v in values
        ]


class ImageChooserBlock(RequestMedia, image_blocks.ImageChooserBlock):
    pass


class DocumentChooserBlock(RequestMedia, document_blocks.DocumentChooserBlock):
    pass


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
        template = "home/blocks/heading.html"
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


@register_streamfield_block
class SocialLinkBlock(blocks.StructBlock):
    """An account of the association on a network the site settings have no field
    of their own for (Douyin, Bilibili, LinkedIn...)."""

    # Not `label`: grapple takes a block's attributes for its fields.
    network = blocks.CharBlock(label=_("network"), max_length=50)
    url = blocks.URLBlock(label=_("URL"))

    graphql_fields = texts("network", "url")

    class Meta:
        icon = "link-external"
        label = _("Social link")
        description = _("The name of a network and the association's page there.")
        preview_value = {"network": "抖音", "url": "https://www.douyin.com/"}


class MenuItemBlock(blocks.StructBlock):
    """One entry of a menu: a page of the site or an external link.

    A page is stored as chosen; readers get its edition in their locale (home.schema),
    so one menu serves every locale whose edition has no menu of its own and a
    page's title and URL never go stale. The sub-items are added by
    `menu_item_block`, which bounds the nesting.
    """

    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("external link"), required=False)
    label = blocks.CharBlock(
        label=_("label"),
        max_length=100,
        required=False,
        help_text=_("Required for an external link; for a page, replaces its title."),
    )

    class Meta:
        icon = "link"
        label = _("Menu item")
        description = _("A page of the site or an external link, with sub-items.")
        preview_value = {
            "label": "浙江省经济和信息化厅",
            "url": "https://jxt.zj.gov.cn/",
        }

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if bool(value.get("page")) == bool(value.get("url")):
            errors["page"] = ValidationError(
                _("Choose a page or enter an external link (one of the two).")
            )
        if value.get("url") and not value.get("label"):
            errors["label"] = ValidationError(_("An external link needs a label."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


# Levels of sub-items below a menu's top items.
MENU_SUB_LEVELS = 2


def menu_item_block(levels=MENU_SUB_LEVELS):
    """A MenuItemBlock with `levels` levels of sub-items below it."""
    if not levels:
        return MenuItemBlock()
    children = blocks.ListBlock(
        menu_item_block(levels - 1), label=_("sub-items"), default=[]
    )
    return MenuItemBlock([("children", children)])
