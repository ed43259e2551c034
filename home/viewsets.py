"""Admin viewsets shared by the apps."""

from wagtail.snippets.views.snippets import SnippetViewSet


class SubstringSearchViewSet(SnippetViewSet):
    """A snippet listing searched by plain substring matching in the database (by
    name, unless a viewset names other fields): it finds 锦恒 inside
    杭州锦恒实业有限公司, which the search backend's tokenizer cannot yet (Chinese
    search is a later issue)."""

    search_fields = ["name"]
    search_backend_name = None


class TranslatableLabelViewSet(SubstringSearchViewSet):
    """The admin list of a TranslatableLabel model (categories, regions,
    industries): name, slug and locale, filterable by locale, searched by
    substring so that Chinese names are found."""

    list_display = ["name", "slug", "locale"]
    list_filter = []  # Wagtail adds its locale switcher to translatable models
