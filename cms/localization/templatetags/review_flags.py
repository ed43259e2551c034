from django import template

from cms.localization.review import open_flags

register = template.Library()


@register.simple_tag
def open_review_flags(translation):
    """The translation's segments to review (cms.localization.review), in the
    order they were flagged."""
    return list(open_flags(translation=translation))
