"""The newsroom in the admin: a filterable article list and a dashboard panel."""

from django.db.models import Case, F, IntegerField, When
from django.db.models.functions import Coalesce
from django.forms import CheckboxSelectMultiple, RadioSelect
from django.utils.translation import gettext_lazy as _
from django_filters.filters import (
    BooleanFilter,
    DateFromToRangeFilter,
    ModelMultipleChoiceFilter,
)
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Locale
from wagtail.permissions import page_permission_policy

from home.viewsets import LocalDateColumn

from .models import NewsArticlePage, NewsCategory

MOST_READ_COUNT = 10


class NewsArticleFilterSet(PageFilterSet):
    categories = ModelMultipleChoiceFilter(
        label=_("Category"),
        queryset=NewsCategory.objects.select_related("locale"),
        widget=CheckboxSelectMultiple,
        distinct=True,
    )
    date = DateFromToRangeFilter(
        label=_("Publication date"), widget=DateRangePickerWidget
    )
    live = BooleanFilter(
        label=_("Status"),
        widget=RadioSelect(
            choices=[("", _("Any")), ("true", _("Published")), ("false", _("Draft"))]
        ),
    )

    needs_review = BooleanFilter(
        label=_("Needs review"),
        widget=RadioSelect(choices=[("", _("Any")), ("true", _("Needs review"))]),
    )

    class Meta:
        model = NewsArticlePage
        fields = []


class NewsArticleIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("view_stats")
            .annotate(views=Coalesce("view_stats__count", 0))
        )


class NewsArticleListingViewSet(PageListingViewSet):
    """All news articles in one flat list, filterable by category, publication date,
    status and "needs review" (imported text to correct), which the page explorer
    cannot do: it shows one news index at a time."""

    model = NewsArticlePage
    index_view_class = NewsArticleIndexView
    filterset_class = NewsArticleFilterSet
    icon = "doc-full"
    menu_label = _("News articles")
    menu_order = 150
    add_to_admin_menu = True
    columns = [
        *IndexView.base_columns,
        LocalDateColumn("date", label=_("Publication date"), sort_key="date"),
        Column("views", label=_("Views"), sort_key="views"),
    ]


class MostReadArticlesPanel(Component):
    """Dashboard panel: the published articles readers opened most, among those the
    editor may edit (its links open the editor; a reviewer limited to one locale's
    tree must not see the others' titles), those in the locale of the editor's
    admin language first."""

    name = "most_read_articles"
    template_name = "newsroom/admin/most_read_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        editable = page_permission_policy.instances_user_has_permission_for(
            user, "change"
        )
        # The dashboard runs in the editor's admin language (Wagtail activates it).
        own_locale = Locale.get_active()
        articles = (
            NewsArticlePage.objects.live()
            .filter(pk__in=editable.values("pk"), view_stats__count__gt=0)
            .annotate(
                views=F("view_stats__count"),
                own_locale=Case(
                    When(locale_id=own_locale.pk, then=1),
                    default=0,
                    output_field=IntegerField(),
                ),
            )
            .order_by("-own_locale", "-views", "-date")[:MOST_READ_COUNT]
        )
        return {**super().get_context_data(parent_context), "articles": articles}
