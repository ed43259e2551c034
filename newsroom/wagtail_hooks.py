"""The newsroom in the admin (category snippets) and in GraphQL (root fields)."""

from django.utils.translation import gettext_lazy as _
from grapple.utils import resolve_queryset
from taggit.models import Tag
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cms.api.listing import page_id
from cms.api.wagtail_hooks import grapple_mixin_position
from cms.content.visibility import visible_pages
from home.viewsets import TranslatableLabelViewSet

from .admin_views import MostReadArticlesPanel, NewsArticleListingViewSet
from .models import NewsArticlePage, NewsArticleTag, NewsCategory


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


@hooks.register("register_schema_query")
def register_news_query(query_mixins):
    from .schema import NewsQuery

    query_mixins.append(NewsQuery)


@hooks.register("register_schema_mutation")
def register_news_mutation(mutation_mixins):
    from .schema import NewsMutation

    mutation_mixins.append(NewsMutation)


def visible_tags():
    """The tags of articles anonymous readers can see. Grapple's `tags` lists every
    tag, including those only drafts, private articles or old revisions use."""
    articles = visible_pages(NewsArticlePage.objects.all())
    items = NewsArticleTag.objects.filter(content_object__in=articles)
    return Tag.objects.filter(pk__in=items.values("tag_id"))


@hooks.register("register_schema_query", order=2)
def replace_grapple_tags(query_mixins):
    position = grapple_mixin_position(
        query_mixins, "grapple.types.tags", "resolve_tags"
    )
    grapple_tags = query_mixins[position]

    class VisibleTagsQuery(grapple_tags):
        def resolve_tag(self, info, id, **kwargs):
            return visible_tags().filter(pk=page_id(id, "id")).first()

        def resolve_tags(self, info, **kwargs):
            return resolve_queryset(visible_tags(), info, **kwargs)

    query_mixins[position] = VisibleTagsQuery
