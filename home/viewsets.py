"""Admin viewsets shared by the apps."""

from wagtail.snippets.views.snippets import SnippetViewSet


class SubstringSearchViewSet(SnippetViewSet):
    """A snippet listing of a model Wagtail's search does not index (labels,
    positions), searched by plain substring matching in the database (by name,
    unless a viewset names other fields), so that 锦恒 is found inside
    杭州锦恒实业有限公司. Indexed models use the search backend instead, which also
    matches either script (cms.search.wagtail_backend)."""

    search_fields = ["name"]
    search_backend_name = None


class TranslatableLabelViewSet(SubstringSearchViewSet):
    """The admin list of a TranslatableLabel model (categories, regions,
    industries): name, slug and locale, filterable by locale, searched by
    substring so that Chinese names are found."""

    list_display = ["name", "slug", "locale"]
    list_filter = []  # Wagtail adds its locale switcher to translatable models
