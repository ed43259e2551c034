"""Template tags for Wagtail's own rendering of pages (cms/templates/reading)."""

from django import template

from cms.api.blocks import public_value

register = template.Library()


@register.simple_tag(takes_context=True)
def public_blocks(context, stream):
    """`stream` (a StreamField's value) as anonymous readers may see it: restricted
    images and documents (title, file URL) and hidden pages as empty, rich text
    without links to what readers cannot open. Render it with {% include_block %}.
    """
    if not stream:
        return stream
    return public_value(stream.stream_block, stream, context.get("request"))
