"""Admin viewsets and listing columns shared by the apps."""

from django.db import models
from django.utils.text import capfirst
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.views.snippets import SnippetViewSet


class LocalDateColumn(Column):
    """A date-only field as a date in the admin's language (2024年3月1日): Wagtail's
    DateColumn shows it as a time ago ("8 小时，38 分钟 之前"), which a
    publication or start date is not."""

    cell_template_name = "home/admin/date_cell.html"


class YesNoColumn(BooleanColumn):
    """Wagtail's tick and cross icons, named 是 and 否 for screen readers in the
    admin's language rather than True and False."""

    cell_template_name = "home/admin/boolean_cell.html"


def typed_columns(model, names):
    """A listing's `list_display` for `model`'s fields `names`: booleans as
    Wagtail's tick and cross icons, dates as dates; other fields (and the first,
    the title) as Wagtail makes them. Every listing showing such a field goes
    through here (tests/home/test_listings.py checks)."""
    columns = [names[0]]
    for name in names[1:]:
        field = model._meta.get_field(name)
        column_class = {
            models.BooleanField: YesNoColumn,
            models.DateField: LocalDateColumn,
        }.get(type(field))
        columns.append(
            column_class(name, label=capfirst(field.verbose_name), sort_key=name)
            if column_class
            else name
        )
    return columns


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
