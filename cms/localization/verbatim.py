"""Texts that wagtail-localize copies into a translation as they are.

Only segments are translated; everything else is copied from the source on every
synchronisation. Among what is copied, some is text readers see:

- rows of child relations that are not translatable themselves (an article's
  authors): synchronised whole;
- the alt text of images in rich text (`<embed embedtype="image" alt="...">`):
  only the text between tags is a segment, never an attribute;
- StreamField blocks wagtail-localize does not know (a table's cells and caption,
  raw HTML): skipped.

For the automatic zh-hant edition `convert` puts these through the machine
translator too, after wagtail-localize has built the edition and before it is
saved (cms.localization.sync). They are copied afresh from the source each time,
so converting them again on the next synchronisation gives the same text, and the
source is never touched. What stays as it is: segments (already translated, or
corrected by an editor), fields the model declares synchronised (slugs, phone and
filing numbers, keys), links, e-mail addresses, choices, ids and chosen objects.
"""

import html
import re

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import get_translatable_fields
from wagtail_localize.strings import StringValue

# Blocks whose value is a segment, or must stay: links, keys, chosen objects.
KEPT_BLOCKS = (
    blocks.CharBlock,
    blocks.TextBlock,
    blocks.BlockQuoteBlock,
    blocks.URLBlock,
    blocks.EmailBlock,
    blocks.ChoiceBlock,
    blocks.MultipleChoiceBlock,
    blocks.ChooserBlock,
    EmbedBlock,
)
# Text fields whose value is an address or a key, not words.
KEPT_FIELDS = (models.SlugField, models.URLField, models.EmailField)
EMBED = re.compile(r"<embed\b[^>]*>")
# Either quote: wagtail-localize writes rich text back through BeautifulSoup.
ALT = re.compile(r"""(\balt=(["']))(.*?)(\2)""", re.DOTALL)


def convert(instance, translate):
    """Convert the verbatim texts of `instance` in place. `translate` takes a set of
    StringValues and returns {StringValue: translated StringValue}, as a
    wagtail-localize machine translator's `translate` does for one locale pair."""
    found = set()

    def collect(text):
        found.add(text)
        return text

    rewrite(instance, collect)
    if not found:
        return
    values = {text: StringValue.from_plaintext(text) for text in found}
    translated = translate(set(values.values()))
    rewrite(instance, lambda text: translated[values[text]].render_text())


def rewrite(instance, fix):
    """Replace each verbatim text of `instance` with `fix(text)` (only texts with
    a character beyond ASCII: markup, keys and numbers never change)."""

    def words(text):
        return fix(text) if isinstance(text, str) and not text.isascii() else text

    model = type(instance)
    for translatable in get_translatable_fields(model):
        field = translatable.get_field(model)
        if isinstance(field, StreamField) and translatable.is_translated(instance):
            stream = field.stream_block
            data = stream.get_prep_value(field.value_from_object(instance))
            setattr(instance, field.name, in_stream(stream, data, words))
        elif isinstance(field, RichTextField) and translatable.is_translated(instance):
            setattr(
                instance, field.name, in_rich_text(getattr(instance, field.name), words)
            )
        elif (
            isinstance(field, models.ManyToOneRel)
            and isinstance(field.remote_field, ParentalKey)
            and not issubclass(field.related_model, TranslatableMixin)
            and translatable.is_synchronized(instance)
        ):
            manager = getattr(instance, field.name)
            rows = list(manager.all())
            for row in rows:
                for text_field in row._meta.concrete_fields:
                    if is_words(text_field):
                        name = text_field.attname
                        setattr(row, name, words(getattr(row, name)))
            manager.set(rows)


def is_words(field):
    return (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, KEPT_FIELDS)
        and not field.choices
    )


def in_rich_text(source, words):
    """Rich text with the alt text of its embedded images converted."""

    def embed(match):
        return ALT.sub(
            lambda alt: alt[1] + html.escape(words(html.unescape(alt[3]))) + alt[4],
            match[0],
        )

    return EMBED.sub(embed, source or "")


def in_stream(stream, data, words):
    """A StreamBlock's stored data (a list of {type, value, id}) converted."""
    return [
        {
            **item,
            "value": in_block(stream.child_blocks[item["type"]], item["value"], words),
        }
        if item.get("type") in stream.child_blocks
        else item
        for item in data
    ]


def in_block(block, value, words):
    """A block's stored value with its verbatim texts converted."""
    if isinstance(block, KEPT_BLOCKS) or value is None:
        return value
    if isinstance(block, blocks.RichTextBlock):
        return in_rich_text(value, words)
    if isinstance(block, blocks.StructBlock):
        return {
            name: in_block(block.child_blocks[name], child, words)
            if name in block.child_blocks
            else child
            for name, child in value.items()
        }
    if isinstance(block, blocks.ListBlock):
        return [
            {**item, "value": in_block(block.child_block, item["value"], words)}
            if isinstance(item, dict) and "value" in item and "id" in item
            else in_block(block.child_block, item, words)
            for item in value
        ]
    if isinstance(block, blocks.StreamBlock):
        return in_stream(block, value, words)
    # A block wagtail-localize skips (a table): every text in its value.
    return in_value(value, words)


def in_value(value, words):
    if isinstance(value, dict):
        return {key: in_value(child, words) for key, child in value.items()}
    if isinstance(value, list):
        return [in_value(child, words) for child in value]
    return words(value)
