"""Internal links lead readers to the edition in their own locale.

A translation copies its source's rich text, so the zh-hant edition of an article
links to the zh-hans pages its source linked to. Readers should reach the linked
page's edition in the locale they read in: the one the linking page was resolved
in, else the next locale of the request's fallback chain, else the default
locale's, else the linked page itself; a page anonymous readers cannot see is no
link at all.

The linking page's chain reaches the rich text renderer through `READING`, a
context variable: `ReadingLocale` (graphene middleware) notes the chain of each
page whose fields it resolves, by its position in the response, and sets it
while a field below that page resolves (a block, a rich text), so nested pages
(an article's related articles) each link in their own chain. Rich text of a page
field is rendered right there, as the GraphQL scalar would render it later with
no chain set. The same middleware makes a block's `id` its row's id and its own
("12@en,zh-hans/3f2a..."), since a translation keeps its source's block ids.
"""

from contextvars import ContextVar

from django.db.models import Model
from graphql import get_named_type
from grapple.types.interfaces import StreamFieldInterface
from grapple.types.rich_text import RichText as RichTextScalar
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText as WagtailRichText

from cms.content.editions import chain_of, edition_id, link_targets, link_targets_of
from cms.content.requests import current_request, per_request

from .translations import PerRequest

READING = ContextVar("cms_reading_chain", default=())

RICH_TEXT = RichTextScalar._meta.name
STREAM_FIELD_INTERFACE = StreamFieldInterface._meta.name


def reading_chain():
    """READING's chain (outside GraphQL: the active language's locale, as on the
    HTML routes)."""
    return READING.get() or (Locale.get_active(),)


def linked_editions(pages):
    """Each of `pages` (Pages or None) as a reader in READING's chain reaches it."""
    return link_targets(pages, reading_chain())


def linked_pages(ids):
    """{page id: the edition a reader in READING's chain reaches, or None} for
    the ids rich text names, through the request's PageLinks."""
    request = current_request()
    if request is None:
        return link_targets_of(ids, reading_chain())
    return PageLinks.for_request(request).load(reading_chain(), ids)


class PageLinks(PerRequest):
    """Where the request's rich-text links to pages lead (`link_targets_of`),
    each id read once per request and chain, all the ids primed for a chain
    (a body's links: cms.api.blocks.preload_media) in one query."""

    def __init__(self, request):
        super().__init__(request)
        self.pending = {}  # chain key -> ids
        self.targets = {}  # (chain key, id) -> Page or None

    @staticmethod
    def key(chain):
        return tuple(locale.pk for locale in chain)

    def prime(self, chain, ids):
        self.pending.setdefault(self.key(chain), set()).update(ids)

    def load(self, chain, ids):
        key = self.key(chain)
        wanted = (self.pending.pop(key, set()) | set(ids)) - {
            pk for (k, pk) in self.targets if k == key
        }
        for pk, target in link_targets_of(wanted, chain).items():
            self.targets[(key, pk)] = target
            if target is not None:
                # A link to the target leads to the target itself: rich text
                # whose links cms.api.blocks.public_source rewrote asks that.
                self.targets.setdefault((key, target.pk), target)
        return {pk: self.targets[(key, pk)] for pk in ids}


def streams_and_rich_text(info):
    """Whether the field is a block's, or a page's rich text or StreamField."""
    if any(i.name == STREAM_FIELD_INTERFACE for i in info.parent_type.interfaces):
        return True
    return get_named_type(info.return_type).name in (RICH_TEXT, STREAM_FIELD_INTERFACE)


def nearest(noted, path):
    """What was noted (a chain, a row) for the innermost path above `path`."""
    for end in range(len(path) - 1, 0, -1):
        if path[:end] in noted:
            return noted[path[:end]]
    return None


class ReadingLocale:
    """Graphene middleware: sets READING while a page's StreamField or rich text,
    or anything below them, resolves (see the module's docstring), and gives each
    block an id unique to its row and chain."""

    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        if not streams_and_rich_text(info):
            return next(root, info, **args)
        path = tuple(info.path.as_list())
        owners = per_request(info.context, "stream-owners", dict)
        if isinstance(root, Model):
            owners.setdefault(path[:-1], root)
        elif info.field_name == "id" and (owner := nearest(owners, path)):
            # A translation keeps its source's block ids, and a row read through
            # another chain links elsewhere: the block's id is its row's id (the
            # chain's too, cms.content.editions.edition_id) and its own.
            value = next(root, info, **args)
            return value and f"{edition_id(owner, info.context)}/{value}"
        chains = per_request(info.context, "reading-chains", dict)
        if isinstance(root, Page):
            chain = chains.setdefault(path[:-1], tuple(chain_of(root)))
        else:
            chain = nearest(chains, path)
        if chain is None:
            return next(root, info, **args)
        token = READING.set(chain)
        try:
            value = next(root, info, **args)
            if isinstance(root, Page) and isinstance(value, str | WagtailRichText):
                value = RichTextScalar.serialize(value)
            return value
        finally:
            READING.reset(token)
