"""The member directory in the admin (tiers and companies, filterable at thousands)
and in GraphQL (root fields)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.viewsets import (
    SubstringSearchViewSet,
    TranslatableLabelViewSet,
    typed_columns,
)

from .admin_views import import_view, report_view
from .models import (
    Industry,
    MemberCompany,
    MembershipTier,
    OrgUnit,
    Person,
    Position,
    Region,
)


class MembershipTierViewSet(SnippetViewSet):
    model = MembershipTier
    icon = "list-ol"
    menu_label = _("Membership tiers")
    list_display = ["name", "slug", "rank", "locale"]
    list_filter = []  # Wagtail adds its locale switcher to translatable models
    ordering = ["rank"]


class MemberCompanyViewSet(SnippetViewSet):
    """Searched by Wagtail's search (name, English name, credit code, in either
    script); region and industry are filters."""

    model = MemberCompany
    icon = "group"
    menu_label = _("Member companies")
    list_display = typed_columns(
        MemberCompany, ["name", "credit_code", "tier", "region", "industry", "active"]
    )
    list_filter = ["tier", "region", "industry", "active"]
    list_per_page = 50

    def get_queryset(self, request):
        return MemberCompany.objects.select_related("tier", "region", "industry")


class RegionViewSet(TranslatableLabelViewSet):
    model = Region
    icon = "globe"
    menu_label = _("Regions")


class IndustryViewSet(TranslatableLabelViewSet):
    model = Industry
    icon = "cogs"
    menu_label = _("Industries")


class MembersViewSetGroup(SnippetViewSetGroup):
    items = (
        MemberCompanyViewSet,
        MembershipTierViewSet,
        RegionViewSet,
        IndustryViewSet,
    )
    menu_icon = "group"
    menu_label = _("Members")
    menu_name = "members"
    menu_order = 250


register_snippet(MembersViewSetGroup)


class OrgUnitViewSet(SnippetViewSet):
    model = OrgUnit
    icon = "site"
    menu_label = _("Units and committees")
    list_display = ["name", "unit_type", "parent", "locale"]
    list_filter = ["unit_type"]  # and Wagtail its locale switcher


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = typed_columns(Person, ["name", "contact_public", "locale"])
    list_filter = []  # Wagtail adds its locale switcher to translatable models


class PositionViewSet(SubstringSearchViewSet):
    model = Position
    icon = "tag"
    menu_label = _("Positions")
    list_display = typed_columns(
        Position, ["person", "role", "unit", "start_date", "end_date"]
    )
    list_filter = ["role", "unit"]
    search_fields = ["person__name", "unit__name"]

    def get_queryset(self, request):
        return Position.objects.select_related("person", "unit")


class StructureViewSetGroup(SnippetViewSetGroup):
    items = (OrgUnitViewSet, PersonViewSet, PositionViewSet)
    menu_icon = "site"
    menu_label = _("Organisation")
    menu_name = "organisation"
    menu_order = 240


register_snippet(StructureViewSetGroup)


@hooks.register("register_admin_urls")
def register_import_url():
    return [
        path("import-members/", import_view, name="organisation_import_members"),
        path(
            "import-members/report/",
            report_view,
            name="organisation_import_members_report",
        ),
    ]


class ImportMembersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("organisation.add_membercompany")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMembersMenuItem(
        _("Import members"),
        reverse("organisation_import_members"),
        icon_name="upload",
        order=260,
    )
