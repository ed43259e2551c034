"""Image renditions: only the allowed filters, said so, and a cap per client.

Filter specs are limited to `GRAPPLE["ALLOWED_IMAGE_FILTERS"]`, which the root
field `imageFilters` lists with the `rendition` arguments that make each one.
Grapple refused another `rendition` with a TypeError that named no filter, and
`srcSet` silently left out the widths it may not make; `RenditionLimit`
(graphene middleware on `rendition` and `srcSet`) refuses both with a
BAD_USER_INPUT error naming what was asked and what is allowed, and answers
`srcSet` itself, with URLs through `media_url` (grapple's carry
WAGTAILADMIN_BASE_URL).

Each rendition made for the first time still costs CPU and disk, and one client
asking for every allowed size of every image would make them all at once: a
client over `CMS_RATE_LIMITS["rendition"]` is refused before any image is
processed, and each rendition made while it resolves counts against its client.
"""

from contextvars import ContextVar

import graphene
from django.db.models.signals import post_save
from graphene.types.generic import GenericScalar
from graphql import GraphQLError
from grapple.settings import grapple_settings
from grapple.types.images import ImageObjectType
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from cms.content.media import media_url

from . import ratelimit

RENDITION_FIELDS = ("rendition", "srcSet")
IMAGE_TYPE = "ImageObjectType"  # where grapple puts them (cms.api.assembly.verify)
asking = ContextVar("cms_rendition_request", default=None)


def allowed_filters():
    return list(grapple_settings.ALLOWED_IMAGE_FILTERS or [])


def parse_filter(spec):
    """The `rendition` arguments that make filter spec `spec` ("width-320|
    format-webp" -> {"width": 320, "format": "webp"}): grapple joins them as
    name-value in the order the field declares them."""
    arguments = {}
    for part in spec.split("|"):
        name, _dash, value = part.partition("-")
        arguments[name] = int(value) if value.isdigit() else value
    return arguments


def not_allowed(message):
    return GraphQLError(
        f"{message} The allowed filters are listed by the root field "
        f"`imageFilters`: {', '.join(allowed_filters())}.",
        extensions={"code": "BAD_USER_INPUT"},
    )


def rendition_spec(args):
    """The filter spec of `rendition(...)`'s arguments, as grapple builds it."""
    return "|".join(f"{k}-{v}" for k, v in args.items() if k != "preserve_svg")


def src_set_specs(args):
    """{width: filter spec} of `srcSet(sizes, format)`; a width outside the allowed
    filters is an error naming it (grapple left it out without a word)."""
    suffix = f"|format-{args['format']}" if args.get("format") else ""
    specs = {width: f"width-{width}{suffix}" for width in args.get("sizes") or []}
    dropped = [w for w, spec in specs.items() if spec not in allowed_filters()]
    if dropped:
        raise not_allowed(
            f"srcSet cannot make width {', '.join(map(str, dropped))}"
            f"{' as ' + args['format'] if suffix else ''}."
        )
    return specs


def widths_that_differ(image, widths):
    """The asked widths narrower than the image, and the narrowest of the others:
    Wagtail does not enlarge, so each of those would be the image at its own
    width again (one file made several times, and a srcset repeating a width
    descriptor, which HTML does not allow)."""
    widths = sorted(set(widths))
    narrower = [width for width in widths if width < image.width]
    return narrower + [width for width in widths if width >= image.width][:1]


def src_set(image, info, args):
    """Grapple's srcSet (its rendition resolver, SVGs kept safe), URLs through
    `media_url`, one entry per width the image really has."""
    extra = {"format": args["format"]} if args.get("format") else {}
    renditions = [
        ImageObjectType.resolve_rendition(
            image,
            info,
            width=width,
            preserve_svg=args.get("preserve_svg", True),
            **extra,
        )
        for width in widths_that_differ(image, src_set_specs(args))
    ]
    return ", ".join(f"{media_url(r.url)} {r.width}w" for r in renditions)


class RenditionLimit:
    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        if info.field_name not in RENDITION_FIELDS or not isinstance(
            root, AbstractImage
        ):
            return next(root, info, **args)
        if info.field_name == "srcSet":
            src_set_specs(args)
        elif rendition_spec(args) not in allowed_filters():
            raise not_allowed(f"Filter {rendition_spec(args)!r} is not allowed.")
        try:
            ratelimit.check(info.context, "rendition")
        except ratelimit.RateLimited as limited:
            raise ratelimit.rate_limited_error(limited) from None
        token = asking.set(info.context)
        try:
            if info.field_name == "srcSet":
                return src_set(root, info, args)
            return next(root, info, **args)
        finally:
            asking.reset(token)


class ImageFilter(graphene.ObjectType):
    """A rendition filter a client may ask for, and how."""

    spec = graphene.String(required=True, description="e.g. width-320|format-webp")
    arguments = GenericScalar(
        required=True,
        description='The `rendition` arguments that make it, e.g. {"width": 320, '
        '"format": "webp"}; a `width` filter (with or without `format`) may be '
        "a `srcSet` size.",
    )


class ImageFiltersQuery:
    image_filters = graphene.List(
        graphene.NonNull(ImageFilter),
        required=True,
        description="The only image renditions `rendition` and `srcSet` make "
        '(GRAPPLE["ALLOWED_IMAGE_FILTERS"]); anything else is an error.',
    )

    def resolve_image_filters(self, info):
        return [
            ImageFilter(spec=spec, arguments=parse_filter(spec))
            for spec in allowed_filters()
        ]


def count_new_rendition(sender, instance, created, **kwargs):
    request = asking.get()
    if created and request is not None:
        ratelimit.add(request, "rendition")


def connect():
    rendition_model = get_image_model().get_rendition_model()
    post_save.connect(count_new_rendition, sender=rendition_model, weak=False)
