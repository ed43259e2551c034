"""The newsroom in the admin: category snippets, the article listing, the
most-read panel."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from home.viewsets import TranslatableLabelViewSet

from .admin_views import MostReadArticlesPanel, NewsArticleListingViewSet
from .models import NewsCategory


class NewsCategoryViewSet(TranslatableLabelViewSet):
    model = NewsCategory
    icon = "tag"
    menu_label = _("News categories")
    menu_order = 200
    add_to_admin_menu = True


register_snippet(NewsCategoryViewSet)


@hooks.register("register_admin_viewset")
def register_news_article_listing():
    return NewsArticleListingViewSet("news_articles")


@hooks.register("construct_homepage_panels")
def add_most_read_panel(request, panels):
    panels.append(MostReadArticlesPanel())
