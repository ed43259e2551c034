"""URLs: the admin, documents and GraphQL, then Wagtail's pages under a language prefix.

/media/ serves public image files only, in every environment (cms/api/media_views.py);
documents are served at /documents/<id>/<name>, which checks their collection.
/robots.txt, /sitemap.xml and /sitemap-<locale>.xml: cms/api/sitemaps.py.

Wagtail-served page URLs carry the language (/zh-hans/..., /zh-hant/..., /en/...),
the default language included, so every URL names its locale.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views import serve as wagtaildocs_serve

from cms.api import sitemaps
from cms.api.media_views import media_urlpatterns
from cms.api.ratelimit import password_form, protected_page
from cms.api.views import graphql_endpoint
from newsroom import views as newsroom_views

# A database that does not answer is a 503, anything else a 500 (cms/api/errors.py).
handler500 = "cms.api.errors.server_error"

urlpatterns = [
    # Outside the language prefixes: crawlers look for them at the root.
    path("robots.txt", sitemaps.robots, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemap-<str:code>.xml", sitemaps.sitemap, name="sitemap"),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's password forms, throttled; before the includes that also route them.
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        password_form(
            wagtaildocs_serve.authenticate_with_password,
            lambda kwargs: f"collection:{kwargs['restriction_id']}",
        ),
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("graphql/", graphql_endpoint(), name="graphql"),
    path(
        "api/news/<int:article_id>/view/",
        newsroom_views.record_article_view,
        name="record_article_view",
    ),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
# Not static(): that serves all of MEDIA_ROOT, documents and restricted images too.
urlpatterns += media_urlpatterns()

urlpatterns += i18n_patterns(
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        password_form(wagtail_views.authenticate_with_password, protected_page),
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
