"""Template tags of the reading templates (Wagtail's own rendering of pages)."""

from urllib.parse import urlsplit

from django import template
from django.utils.translation import to_locale

from cms.content.media import is_public

register = template.Library()


@register.filter
def html_lang(code):
    """A language code as HTML's `lang` wants it (BCP 47): zh-hans -> zh-Hans."""
    return to_locale(code).replace("_", "-")


@register.filter
def host(url):
    """The host name of a URL (where an embed's link goes)."""
    return urlsplit(str(url)).hostname or ""


@register.simple_tag(takes_context=True)
def public(context, item):
    """An image or document if anonymous readers may see it, else None (the
    rule the API and the body's blocks follow, cms.content.media)."""
    if item is None or not is_public(item, context.get("request")):
        return None
    return item
