"""`/sitemap.xml`, `/sitemap-<locale>.xml` and `/robots.txt`: what crawlers read.

A sitemap per locale lists that locale's public pages (`publicUrls`' pages, by
cms.api.seo), each with its absolute URL, `lastmod` and its alternates
(`xhtml:link rel="alternate" hreflang`, x-default included), the same ones
GraphQL's `alternates` gives; `/sitemap.xml` is the index of the per-locale
ones. Wagtail's contrib sitemap makes one sitemap of one site's pages with
Wagtail's URLs; these follow `CMS_PUBLIC_BASE_URLS` and every locale. A whole
sitemap costs a fixed number of queries however many pages it lists (the
statuses are loaded for all its pages at once). The index, its entries and the
robots.txt `Sitemap:` line are below the default public URL (else this
request's origin): a frontend on its own domain passes these three paths to
this application.
"""

from django.db.models import Max
from django.http import Http404, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_GET

from cms.content.public_urls import default_base_url

from .locales import site_locales
from .seo import alternates, canonical_url, public_pages
from .status import StatusLoader

XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Paths crawlers have no business in: the admin, the API, password forms.
DISALLOWED = ("/admin/", "/graphql/", "/api/", "/*/_util/")


def xml_response(body):
    return HttpResponse(XML + body, content_type="application/xml; charset=utf-8")


def lastmod(value):
    return f"<lastmod>{value.isoformat(timespec='seconds')}</lastmod>" if value else ""


@require_GET
def sitemap_index(request):
    """The per-locale sitemaps, each with the latest publication in it."""
    latest = dict(
        public_pages()
        .order_by()
        .values_list("locale_id")
        .annotate(latest=Max("last_published_at"))
    )
    base = default_base_url(request)
    entries = "".join(
        f"<sitemap><loc>{escape(base)}/sitemap-{locale.language_code}.xml</loc>"
        f"{lastmod(latest.get(locale.pk))}</sitemap>"
        for locale in site_locales()
    )
    return xml_response(f'<sitemapindex xmlns="{SITEMAP_NS}">{entries}</sitemapindex>')


@require_GET
def sitemap(request, code):
    """One locale's public pages with their alternates."""
    locale = next((loc for loc in site_locales() if loc.language_code == code), None)
    if locale is None:
        raise Http404("No such locale.")
    pages = list(public_pages(locale))
    StatusLoader.for_request(request).prime(pages)
    entries = []
    for page in pages:
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{link.hreflang}" '
            f'href="{escape(link.url)}"/>'
            for link in alternates(page, request)
        )
        entries.append(
            f"<url><loc>{escape(canonical_url(page, request))}</loc>"
            f"{lastmod(page.last_published_at)}{links}</url>"
        )
    return xml_response(
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">'
        + "".join(entries)
        + "</urlset>"
    )


@require_GET
def robots(request):
    """Everything public may be crawled; the sitemap index says what there is."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "Allow: /",
        "",
        f"Sitemap: {default_base_url(request)}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
