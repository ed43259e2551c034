"""StreamField values as anonymous readers may see them, and `rawValue` built
from them.

`public_value` copies a block's value with every restricted image or document and
every hidden page replaced by None, and rich text cleaned by `public_source`
(links to hidden pages and restricted or deleted documents lose their tag and
keep their text; embedded restricted images go). The HTML page renders that copy
(the `public_blocks` template tag) and `rawValue` serialises it.

Grapple's `rawValue` hands the String scalar whatever the value is: for a struct
block a dict in which images and documents are their file URLs, which the scalar
refuses with an error quoting the dict (file paths and all), making the block, and
with it the whole body list, null; a chooser's rawValue is the object's str (its
title); a rich text's the stored source with the ids of hidden pages; and
EmbedBlock's `rawValue` and `value` call grapple's resolver with a missing
argument. `StreamFieldValues` (graphene middleware) answers `rawValue` for every
block type instead: the text of a text value, the JSON of anything structured,
both from the block's own `get_prep_value` (the form Wagtail stores), so images,
documents and pages are ids and hidden ones null.
"""

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from grapple.types.streamfield import EmbedBlock as GrappleEmbedBlock
from grapple.types.streamfield import StreamFieldBlock as GrappleGenericBlock
from wagtail import blocks
from wagtail.blocks.list_block import ListValue
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.embeds.blocks import EmbedValue
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import extract_attrs

from cms.content.media import is_public, restricted_collections_of

from .links import STREAM_FIELD_INTERFACE, linked_editions

# Wagtail's stored rich text: <a linktype="page" id="3">text</a> (links never
# nest) and <embed embedtype="image" id="5" format="left" alt="..."/>.
LINK = re.compile(r"<a(\b[^>]*)>(.*?)</a>", re.DOTALL)
EMBED = re.compile(r"<embed(\b[^>]*)/>")


def _ids(attrs_list):
    return {int(a["id"]) for a in attrs_list if str(a.get("id", "")).isdigit()}


def _existing(queryset, ids):
    if not ids:
        return set()
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True))


def public_source(source, request=None):
    """Stored rich text without what readers may not open: a link to a page they
    cannot see or to a restricted or deleted document keeps its text only; an
    embedded image that is restricted or deleted goes."""
    links = [extract_attrs(m[1]) for m in LINK.finditer(source)]
    embeds = [extract_attrs(m[1]) for m in EMBED.finditer(source)]
    if not links and not embeds:
        return source
    pages = _ids(a for a in links if a.get("linktype") == "page")
    docs = _ids(a for a in links if a.get("linktype") == "document")
    images = _ids(a for a in embeds if a.get("embedtype") == "image")
    restricted = restricted_collections_of(request) if docs or images else set()
    public = {"collection_id__in": restricted}
    linked = Page.objects.in_bulk(pages)
    editions = dict(zip(linked, linked_editions(list(linked.values())), strict=True))
    shown = {
        "page": {pk for pk, edition in editions.items() if edition},
        "document": _existing(get_document_model().objects.exclude(**public), docs),
        "image": _existing(get_image_model().objects.exclude(**public), images),
    }

    def hidden(attrs, kind):
        if kind not in shown:
            return False  # external, email and anchor links; media embeds
        ref = str(attrs.get("id", ""))
        return not ref.isdigit() or int(ref) not in shown[kind]

    def link(match):
        attrs = extract_attrs(match[1])
        if hidden(attrs, attrs.get("linktype")):
            return match[2]
        if attrs.get("linktype") == "page":
            edition = editions[int(attrs["id"])].pk
            return match[0].replace(f'id="{attrs["id"]}"', f'id="{edition}"', 1)
        return match[0]

    def embed(match):
        attrs = extract_attrs(match[1])
        return "" if hidden(attrs, attrs.get("embedtype")) else match[0]

    return EMBED.sub(embed, LINK.sub(link, source))


def public_value(block, value, request=None):
    """A copy of `value` (of `block`) with restricted images and documents and
    hidden pages as None and rich text through `public_source`."""
    if value is None:
        return None
    if isinstance(value, AbstractImage | AbstractDocument):
        return value if is_public(value, request) else None
    if isinstance(value, Page):
        edition = linked_editions([value])[0]
        return edition and edition.specific
    if isinstance(value, RichText):
        return RichText(public_source(value.source, request))
    if isinstance(block, blocks.StructBlock) and isinstance(value, blocks.StructValue):
        return block._to_struct_value(
            [
                (name, public_value(child, value.get(name), request))
                for name, child in block.child_blocks.items()
            ]
        )
    if isinstance(block, blocks.ListBlock) and isinstance(value, ListValue):
        return ListValue(
            block,
            bound_blocks=[
                ListValue.ListChild(
                    block.child_block,
                    public_value(block.child_block, child.value, request),
                    id=child.original_id,
                )
                for child in value.bound_blocks
            ],
        )
    if isinstance(block, blocks.StreamBlock) and isinstance(value, blocks.StreamValue):
        return blocks.StreamValue(
            block,
            [
                (
                    child.block_type,
                    public_value(child.block, child.value, request),
                    child.id,
                )
                for child in value
            ],
        )
    return value


def raw_value(block, value, request=None):
    """`rawValue`: the stored form of the public value; text as it is, anything
    else (a struct, a list, an id, null) as JSON."""
    prepared = block.get_prep_value(public_value(block, value, request))
    if isinstance(prepared, str):
        return prepared
    return json.dumps(prepared, cls=DjangoJSONEncoder, ensure_ascii=False)


def block_and_value(root):
    """The block and value behind a StreamFieldInterface object: a stream child, a
    struct's child (grapple's StructBlockItem) or a StructValue itself."""
    if isinstance(root, blocks.StructValue):
        return root.block, root
    return root.block, root.value


# Grapple's GraphQL type names, read from its classes: a grapple upgrade that
# removes one fails at start-up (import) instead of serving its resolver again.
EMBED_BLOCK = GrappleEmbedBlock._meta.name
GENERIC_BLOCK = GrappleGenericBlock._meta.name


class StreamFieldValues:
    """Graphene middleware: `rawValue` of every StreamField block type, and `value`
    of EmbedBlock (its URL) and of grapple's generic block (as `rawValue`), from
    `raw_value` instead of grapple's resolvers."""

    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        field = info.field_name
        if field not in ("rawValue", "value") or not any(
            interface.name == STREAM_FIELD_INTERFACE
            for interface in info.parent_type.interfaces
        ):
            return next(root, info, **args)
        block, value = block_and_value(root)
        if field == "rawValue" or info.parent_type.name == GENERIC_BLOCK:
            return raw_value(block, value, info.context)
        if info.parent_type.name == EMBED_BLOCK:
            return value.url if isinstance(value, EmbedValue) else ""
        return next(root, info, **args)
