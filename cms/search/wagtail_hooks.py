"""The admin's page search, with a header that names what it found.

Wagtail's page search view (/admin/pages/search/) has no model of its own, so
the header of its results read "1-4 of 4 None": the title column's header
(`wagtailadmin/pages/listing/_page_title_column_header.html`) names the view's
`verbose_name_plural`, which is None there. Its page viewset, registered here for
`Page` after Wagtail's own (the last registration for a model is the one used),
gives the view Page's names. Wagtail's zh_Hans and zh_Hant catalogs also lack
that header's sentences; they are listed below so that the project's catalogs
(LOCALE_PATHS, read before Wagtail's) translate them.

Also the completion of translated tags from one locale's tags (tags.py).
"""

from django.urls import path
from django.utils.translation import gettext_noop
from wagtail import hooks
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page

from cms.localization.fields import LOCALE_TAGS_URL

from .tags import locale_tags

# The title column header's sentences, as Wagtail's template writes them.
PAGE_LISTING_HEADER = (
    gettext_noop(
        "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s across "
        "entire site."
    ),
    gettext_noop("No results across entire site."),
    gettext_noop("Search in '<span class=\"w-title-ellipsis\">%(title)s</span>'"),
    gettext_noop(
        "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s in '<span "
        'class="w-title-ellipsis">%(title)s</span>\'.'
    ),
    gettext_noop("No results in '<span class=\"w-title-ellipsis\">%(title)s</span>'."),
    gettext_noop("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"),
)


class PageSearchView(SearchView):
    verbose_name = Page._meta.verbose_name
    verbose_name_plural = Page._meta.verbose_name_plural


class SearchingPageViewSet(PageViewSet):
    search_view_class = PageSearchView


@hooks.register("register_admin_viewset")
def register_page_viewset():
    return SearchingPageViewSet()


@hooks.register("register_admin_urls")
def locale_tags_url():
    return [
        path(
            "locale-tags/<slug:app_label>/<slug:model_name>/<slug:field_name>/",
            locale_tags,
            name=LOCALE_TAGS_URL,
        )
    ]
