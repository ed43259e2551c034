"""Documents and images in collections with view restrictions, and pages readers
cannot see, reach no API field: not as an item, not as a rich-text link.

Grapple's `documents` and `images` roots leave restricted collections out, but a
body block, a cover image or a link in rich text still named them (title, file
path, URL). `RestrictedMedia` (graphene middleware) turns such a value into null,
and the rich-text link handlers here write a bare <a> for a link to a hidden
page or a restricted document, as Wagtail does for a deleted one.
"""

from django.db.models import Q
from wagtail.documents.models import AbstractDocument
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.images.models import AbstractImage
from wagtail.models import Collection, CollectionViewRestriction
from wagtail.rich_text.pages import PageLinkHandler

from .visibility import visible_pages


def restricted_collections():
    """Ids of collections under a view restriction, their descendants included."""
    paths = CollectionViewRestriction.objects.values_list("collection__path", flat=True)
    if not paths:
        return set()
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    return set(Collection.objects.filter(under).values_list("pk", flat=True))


def is_public(item, request):
    """Whether a document or image may be shown (collections once per request)."""
    if not hasattr(request, "_cms_restricted_collections"):
        request._cms_restricted_collections = restricted_collections()
    return item.collection_id not in request._cms_restricted_collections


class RestrictedMedia:
    def resolve(self, next, root, info, **args):  # noqa: A002 - graphene's name
        value = next(root, info, **args)
        if isinstance(value, AbstractDocument | AbstractImage) and not is_public(
            value, info.context
        ):
            return None
        return value


class VisiblePageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        pages = super().get_many(attrs_list)
        ids = [page.pk for page in pages if page]
        visible = set(visible_pages().filter(pk__in=ids).values_list("pk", flat=True))
        return [page if page and page.pk in visible else None for page in pages]


class PublicDocumentLinkHandler(DocumentLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        restricted = restricted_collections()
        return [
            doc if doc and doc.collection_id not in restricted else None
            for doc in super().get_many(attrs_list)
        ]
