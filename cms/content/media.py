"""Which documents and images readers may see: those outside every collection
with a view restriction (and outside the collections below one)."""

from django.conf import settings
from django.db.models import Q
from wagtail.models import Collection, CollectionViewRestriction

from .requests import per_request


def restricted_collections():
    """Ids of collections under a view restriction, their descendants included."""
    paths = CollectionViewRestriction.objects.values_list("collection__path", flat=True)
    if not paths:
        return set()
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    return set(Collection.objects.filter(under).values_list("pk", flat=True))


def restricted_collections_of(request):
    """`restricted_collections`, computed once per request (every call without a
    request asks the database)."""
    if request is None:
        return restricted_collections()
    return per_request(request, "restricted-collections", restricted_collections)


def is_public(item, request):
    """Whether a document or image may be shown (collections once per request)."""
    return item.collection_id not in restricted_collections_of(request)


def public_only(items):
    """Documents or images (None where one is missing) with the restricted ones
    also None."""
    restricted = restricted_collections()
    return [
        item if item and item.collection_id not in restricted else None
        for item in items
    ]


def media_url(url):
    """A file's URL as clients get it: a path on this application (`/media/...`,
    `/documents/...`) prefixed with `CMS_MEDIA_BASE_URL`, the origin readers reach
    it at (empty: left relative, for the frontend to resolve); an absolute URL
    (object storage) as it is. Never WAGTAILADMIN_BASE_URL: that is where editors
    reach the admin, often not where readers reach the files."""
    base = settings.CMS_MEDIA_BASE_URL.rstrip("/")
    if base and url.startswith("/") and not url.startswith("//"):
        return base + url
    return url
