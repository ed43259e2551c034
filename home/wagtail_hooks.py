"""The site's own content in the admin (its settings and menus, per locale), and
an admin that sends editors to no third-party host."""

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Menu, SiteSettings


class SiteSettingsViewSet(SnippetViewSet):
    model = SiteSettings
    icon = "cog"
    menu_label = _("Site settings")
    list_display = ["name", "locale"]
    list_filter = []  # Wagtail adds its locale switcher to translatable models


class MenuViewSet(SnippetViewSet):
    model = Menu
    icon = "list-ul"
    menu_label = _("Menus")
    list_display = ["key", "locale"]
    list_filter = []


class SiteViewSetGroup(SnippetViewSetGroup):
    items = (SiteSettingsViewSet, MenuViewSet)
    menu_icon = "site"
    menu_label = _("Site")
    menu_name = "site"
    menu_order = 150


register_snippet(SiteViewSetGroup)


@hooks.register("construct_help_menu")
def keep_only_local_help(request, menu_items):
    """Wagtail's help menu links to its English guide on guide.wagtail.org, which
    editors' networks may not reach; the shortcuts dialog stays."""
    menu_items[:] = [item for item in menu_items if not urlsplit(item.url).netloc]
