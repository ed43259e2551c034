"""What search engines and link previews need of a page, the one place it is
computed: `canonicalUrl`, `alternates` (hreflang) and `ogImage` on every page
type (cms.api.interfaces), `publicUrls` for static site generation, and the
sitemaps (cms.api.sitemaps).

URLs are absolute, made by cms.content.public_urls (`CMS_PUBLIC_BASE_URLS`).
Alternates are the page's published editions as `translationStatus` loads
them (one batch per list, cms.api.status), plus `x-default`: the default
locale's edition, else the first published one in the site's language order.

The sharing image is the page's own (`og_image`), else the first other image
field its model names in `sharing_image_fields` (a news article's cover), else
the site's default (`SiteSettings.default_og_image`, which home registers with
`default_image`, read in the page's locale chain, then the default locale),
skipping images in restricted collections. Images are loaded for a whole list
at once (`ImageLoader`, primed with the list's pages).
"""

import graphene
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import to_locale
from grapple.registry import registry
from grapple.types.images import get_image_type
from wagtail.images import get_image_model

from cms.content.editions import chain_of, language_codes
from cms.content.media import is_public, media
from cms.content.public_urls import public_url, site_url_path
from cms.content.visibility import visible_pages

from .limits import limit
from .locales import locale_argument, resolve_locale
from .pagination import paginate, paginated_type, paging_arguments
from .status import StatusLoader
from .translations import PerRequest

# The largest perPage of `pages` and `publicUrls`: the query limits' page size.
MAX_PER_PAGE = limit("MAX_PAGE_SIZE")

# At most one function (request, chain) -> the id of the site's default sharing
# image for a page read through `chain`, or None. Registered by an app.
DEFAULT_IMAGE = []


def default_image(function):
    """Decorator: `function` gives the site's default sharing image (see above)."""
    DEFAULT_IMAGE[:] = [function]
    return function


def hreflang(code):
    """A language code as BCP 47 writes it in hreflang: zh-hans -> zh-Hans."""
    return to_locale(code).replace("_", "-")


class Alternate(graphene.ObjectType):
    """One edition of a page, for a <link rel="alternate" hreflang> tag."""

    hreflang = graphene.String(
        required=True, description="zh-Hans, zh-Hant, en, or x-default."
    )
    url = graphene.String(required=True, description="The edition's absolute URL.")


def alternates(page, request):
    """The page's published editions as Alternates, x-default last (see module
    doc); the statuses come from the request's batched loader."""
    statuses = StatusLoader.for_request(request).load(page)
    published = [s for s in statuses if s.public_url]
    links = [
        Alternate(hreflang=hreflang(s.locale), url=s.public_url) for s in published
    ]
    if published:
        links.append(Alternate(hreflang="x-default", url=published[0].public_url))
    return links


def canonical_url(page, request):
    return public_url(page, language_codes(request)[page.locale_id], request)


def image_ids(page):
    """The ids of the page's own image candidates, in order."""
    fields = getattr(page, "sharing_image_fields", ())
    return [i for name in fields if (i := getattr(page, f"{name}_id", None))]


class ImageLoader(PerRequest):
    """Loads the sharing images of every primed page at once, through the
    request's media (cms.content.media.media: an image a page shows elsewhere,
    its cover, is read once); the site's default only for a page without an
    image of its own that readers may see."""

    def __init__(self, request):
        super().__init__(request)
        self.pending = set()

    def prime(self, pages):
        for page in pages:
            self.pending.update(image_ids(page))

    def first_public(self, ids):
        found = media(self.request, get_image_model(), {*self.pending, *ids})
        self.pending = set()
        return next(
            (
                image
                for pk in ids
                if (image := found[pk]) and is_public(image, self.request)
            ),
            None,
        )

    def load(self, page):
        image = self.first_public(image_ids(page))
        if image is None and DEFAULT_IMAGE:
            default = DEFAULT_IMAGE[0](self.request, chain_of(page))
            image = self.first_public([default] if default else [])
        return image


CANONICAL_URL = graphene.String(
    required=True,
    description="The page's absolute public URL (CMS_PUBLIC_BASE_URLS).",
)
ALTERNATES = graphene.List(
    graphene.NonNull(Alternate),
    required=True,
    description=(
        "Every published edition of the page (itself included) with its hreflang "
        "and absolute URL, then x-default: the default locale's edition, else the "
        "first published one."
    ),
)
OG_IMAGE = graphene.Field(
    get_image_type,
    description=(
        "The image to share the page with (og:image): its own sharing image, else "
        "its cover (news articles), else the site's default in its locale chain; "
        "null if none is set."
    ),
)


def og_image(page, request):
    return ImageLoader.for_request(request).load(page)


class PublicUrl(graphene.ObjectType):
    """A public page's address, for static site generation: made from the page
    row alone (no page type's own table is read)."""

    id = graphene.ID(required=True)
    url_path = graphene.String(
        required=True, description="What `page(urlPath:, locale:)` takes."
    )
    url = graphene.String(required=True, description="The absolute public URL.")
    last_modified = graphene.DateTime(
        description="When the page was last published (null for a page made live "
        "without a publication, as some imports do)."
    )
    page_type = graphene.String(
        required=True, description="The GraphQL type of the page, e.g. NewsArticlePage."
    )
    alternates = ALTERNATES

    def resolve_id(page, info):
        return page.pk

    def resolve_url_path(page, info):
        return site_url_path(page)

    def resolve_url(page, info):
        return canonical_url(page, info.context)

    def resolve_last_modified(page, info):
        return page.last_published_at

    def resolve_page_type(page, info):
        model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        return registry.pages[model]._meta.name

    def resolve_alternates(page, info):
        return alternates(page, info.context)


PublicUrlList = paginated_type(
    "PublicUrlList", PublicUrl, "One page of a locale's public URLs."
)


def public_pages(locale=None):
    """The pages of a locale (or every locale) readers may see, in tree order:
    what `publicUrls` and the sitemaps list."""
    pages = visible_pages().order_by("path")
    return pages if locale is None else pages.filter(locale=locale)


class PublicUrlsQuery:
    public_urls = graphene.Field(
        PublicUrlList,
        required=True,
        locale=locale_argument(),
        **paging_arguments(MAX_PER_PAGE),
        description=(
            "Every live, public page of one locale (no fallback) with its absolute "
            "URL, last publication and alternates, in tree order: the pages a "
            "static site generator builds."
        ),
    )

    def resolve_public_urls(self, info, locale=None, page=None, per_page=None):
        def load(pages):
            pages = list(pages)
            StatusLoader.for_request(info.context).prime(pages)
            return pages

        pages = public_pages(resolve_locale(locale))
        return paginate(PublicUrlList, pages, page, per_page, MAX_PER_PAGE, load)
