"""A cap on the image renditions each client can have made per minute.

Filter specs are already limited to `GRAPPLE["ALLOWED_IMAGE_FILTERS"]`; still, each
rendition made for the first time costs CPU and disk, and one client asking for
every allowed size of every image would make them all at once. Grapple's
`rendition` and `srcSet` fields run through `RenditionLimit` (graphene
middleware): a client over `CMS_RATE_LIMITS["rendition"]` is refused before any image
is processed, and each rendition made while it resolves counts against its
client.
"""

from contextvars import ContextVar

from django.db.models.signals import post_save
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from . import ratelimit

RENDITION_FIELDS = ("rendition", "srcSet")
IMAGE_TYPE = "ImageObjectType"  # where grapple puts them (cms.api.assembly.verify)
asking = ContextVar("cms_rendition_request", default=None)


class RenditionLimit:
    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        if info.field_name not in RENDITION_FIELDS or not isinstance(
            root, AbstractImage
        ):
            return next(root, info, **args)
        try:
            ratelimit.check(info.context, "rendition")
        except ratelimit.RateLimited as limited:
            raise ratelimit.rate_limited_error(limited) from None
        token = asking.set(info.context)
        try:
            return next(root, info, **args)
        finally:
            asking.reset(token)


def count_new_rendition(sender, instance, created, **kwargs):
    request = asking.get()
    if created and request is not None:
        ratelimit.add(request, "rendition")


def connect():
    rendition_model = get_image_model().get_rendition_model()
    post_save.connect(count_new_rendition, sender=rendition_model, weak=False)
