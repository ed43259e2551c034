"""Documents and images in collections with view restrictions, and pages readers
cannot see, reach no API field: not as an item, not as a rich-text link or embed.

Grapple's `documents` and `images` roots leave restricted collections out (but
not the collections below them), and a body block, a cover image or a link in
rich text still named them (title, file path, URL). `RestrictedMedia` (graphene
middleware) turns such a value into null and leaves such items out of lists, the
rich-text link handlers here write a bare <a> for a link to a hidden page or a
restricted document, as Wagtail does for a deleted one, and the image embed
handler writes nothing for a restricted image. Their files are kept off public
URLs by cms.api.media_views; `rawValue` and the HTML page go through
cms.api.blocks.

File URLs follow one rule (`cms.content.media.media_url`, `CMS_MEDIA_BASE_URL`):
grapple makes an image's, a rendition's and a document's `url` absolute with
WAGTAILADMIN_BASE_URL (the admin's address, so every image broke when readers
reached the site elsewhere) while rich text keeps them relative; `MediaUrls`
(graphene middleware) answers those fields with `media_url`, and the rich-text
handlers here write image and document URLs with it too.
"""

import re

import graphene
from django.db.models import QuerySet
from django.utils.html import escape
from grapple.utils import resolve_queryset
from wagtail.documents.models import AbstractDocument
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.images.formats import get_image_format
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.models import Collection
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.search.backends.base import BaseSearchResults

from cms.content.media import (
    is_public,
    media,
    media_url,
    public_only,
    restricted_collections_of,
)
from cms.content.requests import current_request

from .links import linked_pages


def is_media_list(value):
    """A queryset or search results of documents, images or collections (grapple's
    `images`, `documents` and `collections` roots and a collection's descendants,
    which leave out only collections restricted themselves, not those below a
    restricted one)."""
    model = getattr(value, "model", None)
    return (
        isinstance(value, QuerySet | BaseSearchResults)
        and isinstance(model, type)
        and issubclass(model, AbstractDocument | AbstractImage | Collection)
    )


def shown(item, request):
    if isinstance(item, Collection):
        return item.pk not in restricted_collections_of(request)
    return is_public(item, request)


class RestrictedMedia:
    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        value = next(root, info, **args)
        if isinstance(value, AbstractDocument | AbstractImage | Collection):
            return value if shown(value, info.context) else None
        if is_media_list(value):
            return [item for item in value if shown(item, info.context)]
        return value


# Grapple's fields holding a file's URL: (model class, GraphQL field names).
URL_FIELDS = (
    (AbstractImage, ("url", "src")),
    (AbstractRendition, ("url",)),
    (AbstractDocument, ("url",)),
)


class MediaUrls:
    """Graphene middleware: file URLs through `media_url`, not grapple's."""

    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        field = info.field_name
        for model, fields in URL_FIELDS:
            if field in fields and isinstance(root, model):
                # An image has no `url` of its own: its original file's.
                return media_url(getattr(root, "url", None) or root.file.url)
        return next(root, info, **args)


SRC = re.compile(r'\bsrc="([^"]*)"')


def anchors(urls):
    """Rich text's opening <a> tags for link targets' URLs (None: a bare <a>,
    the text of a link to nothing readers may open)."""
    return [f'<a href="{escape(url)}">' if url else "<a>" for url in urls]


class VisiblePageLinkHandler(PageLinkHandler):
    """Links to pages: each to the linked page's edition in the reader's locale
    (cms.api.links), none to a page anonymous readers cannot see."""

    @classmethod
    def get_many(cls, attrs_list):
        ids = [str(attrs.get("id", "")) for attrs in attrs_list]
        found = linked_pages({int(i) for i in ids if i.isdigit()})
        return [found.get(int(i)) if i.isdigit() else None for i in ids]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        # Wagtail's takes `page.localized`, the edition in the active language,
        # which on /graphql/ is not the reader's.
        return anchors(page and page.url for page in cls.get_many(attrs_list))


def linked_media(model, attrs_list):
    """The documents or images rich-text tags name (None for a missing or
    restricted one), from the request's media (cms.content.media.media)."""
    ids = [str(attrs.get("id", "")) for attrs in attrs_list]
    found = media(current_request(), model, ids)
    return public_only([found.get(int(i)) if i.isdigit() else None for i in ids])


class PublicDocumentLinkHandler(DocumentLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        return linked_media(cls.get_model(), attrs_list)

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        return anchors(doc and media_url(doc.url) for doc in cls.get_many(attrs_list))


class PublicImageEmbedHandler(ImageEmbedHandler):
    """Wagtail's <embed embedtype="image"> in rich text, left out (rendition URL,
    file name, alt text and all) when the image is restricted or deleted, its
    rendition's URL through `media_url` otherwise."""

    @classmethod
    def get_many(cls, attrs_list):
        return linked_media(cls.get_model(), attrs_list)

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        return [
            SRC.sub(
                lambda src: f'src="{media_url(src[1])}"',
                get_image_format(attrs["format"]).image_to_html(
                    image, attrs.get("alt", "")
                ),
                count=1,
            )
            if image
            else ""
            for attrs, image in zip(attrs_list, cls.get_many(attrs_list), strict=True)
        ]


def public_media_query(grapple_mixin, field):
    """Grapple's `images` or `documents` root (`field`), nullable and searchable.

    Grapple's resolver filters on `collection__view_restrictions`, which Wagtail's
    search cannot filter by, so any `searchQuery` failed; here the public
    collections are named by id (a filter field of every document and image).
    Nullable, as every rate-limited root field: a client over its search limit
    loses this field alone, not the request's other fields."""
    listing = getattr(grapple_mixin, field)
    model = listing.of_type.of_type._meta.model

    def resolve(self, info, **kwargs):
        restricted = restricted_collections_of(info.context)
        public = Collection.objects.exclude(pk__in=restricted).values_list("pk")
        items = model.objects.filter(collection__in=list(public))
        if issubclass(model, AbstractImage):
            items = items.prefetch_renditions()
        return resolve_queryset(items, info, **kwargs)

    return type(
        grapple_mixin.__name__,
        (grapple_mixin,),
        {
            field: graphene.List(
                listing.of_type, **{**listing.kwargs, "required": False}
            ),
            f"resolve_{field}": resolve,
        },
    )
