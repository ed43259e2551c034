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

`jsonValue` (added to every block type and StreamFieldInterface by `add_json_value`)
is the public value as JSON data to render from: structs as objects, lists and
streams as arrays, rich text as HTML, an embed as its URL, and images, documents
and pages as objects with their id, title and public URL (`media_url` for files;
never a file path), hidden ones null.

`stream_fields` gives each model type, for each StreamField it exposes (`body`),
a field `bodyBlocks` whose items are a union of exactly the block types that
StreamField can hold (`NewsArticlePageBodyBlock`): grapple's `body` is a list of
StreamFieldInterface, from which code generators cannot tell which blocks to
expect. The items are the same objects as `body`'s.
"""

import json
import re

import graphene
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils.timezone import now
from graphene.types.generic import GenericScalar
from grapple.registry import registry
from grapple.types.interfaces import StreamFieldInterface
from grapple.types.streamfield import EmbedBlock as GrappleEmbedBlock
from grapple.types.streamfield import StreamFieldBlock as GrappleGenericBlock
from wagtail import blocks
from wagtail.blocks.list_block import ListValue
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.documents.models import AbstractDocument
from wagtail.embeds.blocks import EmbedBlock as WagtailEmbedBlock
from wagtail.embeds.blocks import EmbedValue
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import AbstractImage
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import extract_attrs

from cms.content.media import is_public, media, media_url
from cms.content.requests import current_request

from .links import STREAM_FIELD_INTERFACE, PageLinks, linked_editions, linked_pages
from .translations import PerRequest

# Wagtail's stored rich text: <a linktype="page" id="3">text</a> (links never
# nest) and <embed embedtype="image" id="5" format="left" alt="..."/>.
LINK = re.compile(r"<a(\b[^>]*)>(.*?)</a>", re.DOTALL)
EMBED = re.compile(r"<embed(\b[^>]*)/>")


def _ids(attrs_list):
    return {int(a["id"]) for a in attrs_list if str(a.get("id", "")).isdigit()}


def _shown(model, ids, request):
    """Which of `ids` are documents or images (`model`) readers may see."""
    found = media(request or current_request(), model, ids)
    return {pk for pk, item in found.items() if item and is_public(item, request)}


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
    editions = linked_pages(pages)
    shown = {
        "page": {pk for pk, edition in editions.items() if edition},
        "document": _shown(get_document_model(), docs, request),
        "image": _shown(get_image_model(), images, request),
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
EMBED_FIELDS = ("embed", "rawEmbed")


def references(block, raw, found=None):
    """{"images", "documents", "pages": ids, "embeds": URLs} that a
    StreamField's stored data (`raw`, of `block`) names: its chooser blocks, its
    rich text's embedded images and links to documents and pages, its embeds.
    Read from the stored data alone, so that everything a body shows can be
    loaded at once."""
    found = found or {
        "images": set(),
        "documents": set(),
        "pages": set(),
        "embeds": set(),
    }
    if raw is None:
        return found
    if isinstance(block, blocks.StreamBlock):
        for child in raw:
            if child.get("type") in block.child_blocks:
                references(block.child_blocks[child["type"]], child.get("value"), found)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            references(child, raw.get(name), found)
    elif isinstance(block, blocks.ListBlock):
        for item in raw:
            value = item.get("value") if isinstance(item, dict) else item
            references(block.child_block, value, found)
    elif isinstance(block, ImageChooserBlock):
        found["images"].add(raw)
    elif isinstance(block, DocumentChooserBlock):
        found["documents"].add(raw)
    elif isinstance(block, blocks.RichTextBlock):
        for match in EMBED.finditer(raw):
            if (attrs := extract_attrs(match[1])).get("embedtype") == "image":
                found["images"].add(attrs.get("id"))
        for match in LINK.finditer(raw):
            attrs = extract_attrs(match[1])
            if attrs.get("linktype") in ("document", "page"):
                found[f"{attrs['linktype']}s"].add(attrs.get("id"))
    elif isinstance(block, WagtailEmbedBlock):
        found["embeds"].add(raw)
    return found


def preload_media(request, found, chain, images=()):
    """Load, for the request, what `references` found, and `images` with them:
    images with their renditions, documents (a query each); and prime the
    embeds and the links to pages (read through `chain`, the linking page's):
    a query each when the first is shown."""
    media(request, get_image_model(), {*found["images"], *images})
    media(request, get_document_model(), found["documents"])
    EmbedLoader.for_request(request).prime(found["embeds"])
    pages = {int(i) for i in found["pages"] if str(i).isdigit()}
    PageLinks.for_request(request).prime(chain, pages)


class EmbedLoader(PerRequest):
    """The stored embeds (Wagtail's Embed rows: the provider's HTML) of the
    request's embed blocks, all primed URLs in one query. An embed not stored
    yet is left to grapple's resolver, which asks the provider."""

    def __init__(self, request):
        super().__init__(request)
        self.pending = set()
        self.embeds = {}

    def prime(self, urls):
        self.pending.update(set(urls) - self.embeds.keys())

    def load(self, url):
        if url not in self.embeds:
            urls = self.pending | {url}
            self.pending = set()
            hashes = {get_embed_hash(u): u for u in urls}
            rows = Embed.objects.exclude(cache_until__lte=now()).filter(hash__in=hashes)
            self.embeds.update(
                dict.fromkeys(urls) | {hashes[row.hash]: row for row in rows}
            )
        return self.embeds[url]


def stored_embed(value, field, request):
    """`embed` or `rawEmbed` of an embed block, as grapple gives them, from the
    request's EmbedLoader; None when the embed is not stored."""
    embed = EmbedLoader.for_request(request).load(value.url)
    if embed is None:
        return None
    if field == "embed":
        return embed.html
    return {
        "title": embed.title,
        "type": embed.type,
        "thumbnail_url": embed.thumbnail_url,
        "width": embed.width,
        "height": embed.height,
        "html": embed.html,
    }


class StreamFieldValues:
    """Graphene middleware: `rawValue` of every StreamField block type, and `value`
    of EmbedBlock (its URL) and of grapple's generic block (as `rawValue`), from
    `raw_value` instead of grapple's resolvers."""

    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        field = info.field_name
        if field in EMBED_FIELDS and info.parent_type.name == EMBED_BLOCK:
            value = block_and_value(root)[1]
            if isinstance(value, EmbedValue):
                stored = stored_embed(value, field, info.context)
                if stored is not None:
                    return stored
            return next(root, info, **args)
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


def as_json(block, value, request=None):
    """JSON data of a public value (see `json_value`)."""
    if value is None:
        return None
    if isinstance(block, blocks.StructBlock):
        return {
            name: as_json(child, value.get(name), request)
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.ListBlock):
        return [as_json(block.child_block, item, request) for item in value]
    if isinstance(block, blocks.StreamBlock):
        return [
            {
                "type": child.block_type,
                "id": child.id,
                "value": as_json(child.block, child.value, request),
            }
            for child in value
        ]
    if isinstance(value, AbstractImage):
        return {
            "id": value.pk,
            "title": value.title,
            "url": media_url(value.file.url),
            "width": value.width,
            "height": value.height,
        }
    if isinstance(value, AbstractDocument):
        return {"id": value.pk, "title": value.title, "url": media_url(value.url)}
    if isinstance(value, Page):
        return {"id": value.pk, "title": value.title, "url": value.get_url(request)}
    if isinstance(value, RichText):
        return value.__html__()
    if isinstance(value, EmbedValue):
        return value.url
    prepared = block.get_prep_value(value)
    return json.loads(json.dumps(prepared, cls=DjangoJSONEncoder))


def json_value(block, value, request=None):
    """`jsonValue`: the public value (`public_value`) as JSON data."""
    return as_json(block, public_value(block, value, request), request)


def resolve_json_value(root, info):
    block, value = block_and_value(root)
    return json_value(block, value, info.context)


def add_json_value():
    """`jsonValue` on StreamFieldInterface and every block type (graphene copies
    an interface's fields into its types when they are made, so both)."""
    field = graphene.Field(
        GenericScalar,
        resolver=resolve_json_value,
        description=(
            "The block's value as JSON: structs as objects, lists and streams as "
            "arrays, rich text as HTML, an embed as its URL, images, documents "
            "and pages as {id, title, url} (images with width and height); "
            "restricted or hidden ones null."
        ),
    )
    for type_ in (StreamFieldInterface, *set(registry.streamfield_blocks.values())):
        type_._meta.fields["json_value"] = field


def block_type(block):
    """The GraphQL type of `block`, as StreamFieldInterface.resolve_type finds it:
    its class's, a base class's, or grapple's generic block."""
    for cls in type(block).__mro__:
        if cls in registry.streamfield_blocks:
            return registry.streamfield_blocks[cls]
    return registry.streamfield_blocks["generic-block"]


def stream_block_types(stream_block):
    """The GraphQL types of a stream's child blocks, in order, each once."""
    found = [block_type(child) for child in stream_block.child_blocks.values()]
    return list(dict.fromkeys(found))


def stream_field(type_name, name, stream_block):
    """`<name>Blocks`: the StreamField `name`'s blocks, typed as a union of the
    block types it can hold."""
    members = stream_block_types(stream_block)
    union = type(
        f"{type_name}{name.title().replace('_', '')}Block",
        (graphene.Union,),
        {
            "Meta": type("Meta", (), {"types": members}),
            "resolve_type": classmethod(lambda cls, root, info: block_type(root.block)),
            "__doc__": f"A block of {type_name}.{name}: one of the types it can hold.",
        },
    )
    return graphene.Field(
        graphene.List(graphene.NonNull(union)),
        required=True,
        resolver=lambda item, info: list(getattr(item, name) or []),
        description=(
            f"The blocks of `{name}`, each typed by what this StreamField can hold."
        ),
    )


def stream_fields():
    """(model, {field name: Field}): a `<name>_blocks` field for every StreamField
    of every model type that exposes it."""
    for model, type_ in list(registry.models.items()):
        if not (isinstance(model, type) and issubclass(model, Model)):
            continue
        fields = {
            f"{field.name}_blocks": stream_field(
                type_._meta.name, field.name, field.stream_block
            )
            for field in model._meta.get_fields()
            if isinstance(field, StreamField) and field.name in type_._meta.fields
        }
        if fields:
            yield model, fields
