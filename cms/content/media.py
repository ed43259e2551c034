"""Which documents and images readers may see: those outside every collection
with a view restriction (and outside the collections below one)."""

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from wagtail.images.models import AbstractImage
from wagtail.models import Collection, CollectionViewRestriction

from .requests import current_request, per_request

# The annotation `media` gives each item: whether it is restricted.
RESTRICTED = "_cms_restricted"


def under_restriction(path):
    """True, in SQL, for a collection whose tree path (`path`, a field of the
    outer query) is at or below a collection with a view restriction: the one
    rule, whether it is asked of collections or of the items in them."""
    return Exists(
        CollectionViewRestriction.objects.filter(
            StartsWith(OuterRef(path), F("collection__path"))
        )
    )


def restricted_collections():
    """Ids of collections under a view restriction, their descendants included."""
    restricted = Collection.objects.filter(under_restriction("path"))
    return set(restricted.values_list("pk", flat=True))


def restricted_collections_of(request):
    """`restricted_collections`, computed once per request (every call without a
    request asks the database)."""
    if request is None:
        return restricted_collections()
    return per_request(request, "restricted-collections", restricted_collections)


def is_public(item, request):
    """Whether a document or image may be shown: said by `media`'s annotation
    when the item came from there, else by the request's restricted
    collections (read once per request)."""
    restricted = getattr(item, RESTRICTED, None)
    if restricted is not None:
        return not restricted
    return item.collection_id not in restricted_collections_of(request)


def public_only(items):
    """Documents or images (None where one is missing) with the restricted ones
    also None."""
    request = current_request()
    return [item if item and is_public(item, request) else None for item in items]


def media(request, model, ids):
    """{id: item or None} of the documents or images (`model`) with `ids`, each
    read once per request however many fields show it (a cover is also the
    sharing image; an image block and a rich-text embed may show the same
    image), with whether it is restricted and, for images, their renditions:
    one query for all the images a primed request shows (`images_by_renditions`),
    one for documents."""
    ids = {int(i) for i in ids if str(i).isdigit()}
    loaded = {} if request is None else per_request(request, ("media", model), dict)
    missing = ids - loaded.keys()
    if missing:
        images = issubclass(model, AbstractImage)
        rows = images_by_renditions(model, missing) if images else {}
        if rest := missing - rows.keys():
            query = model.objects.filter(pk__in=rest).annotate(
                **{RESTRICTED: under_restriction("collection__path")}
            )
            rows.update(
                {
                    row.pk: row
                    for row in (query.prefetch_renditions() if images else query)
                }
            )
        loaded.update(dict.fromkeys(missing) | rows)
    return {i: loaded[i] for i in ids}


def images_by_renditions(model, ids):
    """{id: image} of the images with `ids` that have renditions, read in one
    query of their renditions (each with its image), each image holding its
    renditions where Wagtail's own `prefetch_renditions` puts them. An image
    shown before has the renditions the site asks for, so this one query is
    the steady state; an image never shown (no rendition yet) is left for
    `media` to read on its own."""
    renditions = (
        model.get_rendition_model()
        .objects.filter(image_id__in=ids)
        .select_related("image")
        .annotate(**{RESTRICTED: under_restriction("image__collection__path")})
    )
    images = {}
    for rendition in renditions:
        image = images.setdefault(rendition.image_id, rendition.image)
        setattr(image, RESTRICTED, getattr(rendition, RESTRICTED))
        image.__dict__.setdefault("prefetched_renditions", []).append(rendition)
        rendition.image = image
    return images


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
