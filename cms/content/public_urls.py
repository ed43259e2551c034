"""Where readers reach a page: its path below its site's root and its absolute
public URL. The one place absolute page URLs are made (GraphQL's canonicalUrl,
alternates and publicUrls, the sitemaps, robots.txt).

The public site is a frontend, often on other domains than this application, one
per locale or one for all: `CMS_PUBLIC_BASE_URLS` names them. A locale listed
there (`en=https://en.example.org`) has its home page at that URL and its pages
below it by their `urlPath` (https://en.example.org/news/): a locale on its own
domain needs no language prefix, and one that keeps a prefix writes it into its
URL (`en=https://www.example.org/en`). Other locales, and every locale without
the setting, keep Wagtail's paths, language prefix included (/zh-hant/news/),
below the default URL of the setting, else below the origin of the request that
asked. WAGTAILADMIN_BASE_URL is the admin's address and never used.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from wagtail.models import Site

from .requests import current_request, per_request

DEFAULT = ""  # the key of the default base URL


@cache
def parse_base_urls(value):
    """{language code or DEFAULT: base URL without a trailing slash} from the
    setting's text; a loud error for an entry that is not a URL."""
    bases = {}
    for entry in filter(None, (part.strip() for part in value.split(","))):
        bare = entry.startswith(("https://", "http://"))
        code, _equals, url = ("", "", entry) if bare else entry.partition("=")
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"CMS_PUBLIC_BASE_URLS: {entry!r} is not `code=URL` or a URL "
                "starting with https:// or http://."
            )
        bases[code.strip().lower()] = url.rstrip("/")
    return bases


def base_urls():
    return parse_base_urls(settings.CMS_PUBLIC_BASE_URLS)


def request_origin(request):
    """The origin of `request`; without one (the worker, a signal handler), the
    default Wagtail site's root URL."""
    if request is None:
        site = Site.objects.filter(is_default_site=True).first()
        return site.root_url if site else "http://localhost"
    return f"{request.scheme}://{request.get_host()}"


def default_base_url(request):
    """The base URL of what is not a locale's: the sitemap index, robots.txt."""
    return base_urls().get(DEFAULT) or request_origin(request)


def site_url_path(page):
    """The `urlPath` a page reports, the one `page(urlPath:)` takes back in its
    locale: its path below the root of the site holding it ("/news/"; "/" for
    the root). Wagtail's `url_path` starts with the home page's slug
    ("/home-zh-hans/news/"), which no lookup accepts (cms.api.pages.find_page is
    the inverse). A page outside every site keeps Wagtail's path."""
    return site_path(page.url_path) or page.url_path


def site_root_paths():
    """Wagtail's site root paths, read from the cache once per request being
    served (a listing asks for them for every item)."""
    request = current_request()
    if request is None:
        return Site.get_site_root_paths()
    return per_request(request, "site-root-paths", Site.get_site_root_paths)


def site_path(url_path):
    """The path below its site's root of the page whose Wagtail `url_path` is
    `url_path` (which a moved page had before its move), None outside every
    site."""
    roots = [
        root.root_path
        for root in site_root_paths()
        if url_path.startswith(root.root_path)
    ]
    if not roots:
        return None
    return url_path[len(max(roots, key=len)) - 1 :]


def locale_base_url(code, request):
    """The URL the home page of locale `code` is reached at (see module doc)."""
    bases = base_urls()
    if code in bases:
        return bases[code]
    return f"{bases.get(DEFAULT) or request_origin(request)}/{code}"


def public_url(page, code, request):
    """The absolute URL readers reach `page` (an edition in locale `code`) at
    (`request` None: outside a request, see request_origin)."""
    return locale_base_url(code, request) + site_url_path(page)
