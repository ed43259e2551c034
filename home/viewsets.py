"""Admin viewsets shared by the apps."""

from wagtail.snippets.views.snippets import SnippetViewSet


class TranslatableLabelViewSet(SnippetViewSet):
    """The admin list of a TranslatableLabel model (categories, regions,
    industries): name, slug and locale, filterable by locale, searched by
    substring so that Chinese names are found."""

    list_display = ["name", "slug", "locale"]
    list_filter = []  # Wagtail adds its locale switcher to translatable models
    search_fields = ["name"]
    search_backend_name = None
