"""News articles in the search index: title, then summary with categories and
tags, then body."""

from django.utils.translation import gettext_lazy as _
from grapple.registry import registry
from taggit.models import Tag

from cms.api.listing import prime
from cms.content.visibility import visible_pages
from cms.search.documents import Document, Texts, register

from .models import NewsArticlePage, NewsCategory


def body_text(page):
    """The plain text of a page's body: every block's searchable text, rich text
    without its markup."""
    field = page._meta.get_field("body")
    return "\n".join(filter(None, field.get_searchable_content(page.body)))


@register
class NewsArticleDocument(Document):
    model = NewsArticlePage
    kinds = {"NEWS_ARTICLE": _("news article")}
    watches = {
        # A renamed or deleted category or tag: the articles filed under it.
        NewsCategory: lambda category: NewsArticlePage.objects.filter(
            categories=category
        ),
        Tag: lambda tag: NewsArticlePage.objects.filter(tags=tag),
    }

    def indexable(self):
        # Live articles; whether they are public is asked at query time.
        return (
            NewsArticlePage.objects.live()
            .prefetch_related("categories", "tags")
            .order_by("pk")
        )

    def visible(self):
        return visible_pages(NewsArticlePage.objects.all())

    def date(self, page):
        return page.publication_date

    def texts(self, page):
        labels = [c.name for c in page.categories.all()]
        labels += [t.name for t in page.tags.all()]
        if page.publication_date:
            day = page.publication_date
            labels.append(f"{day.year}年{day.month}月{day.day}日")
        return Texts(
            page.title,
            page.summary,
            body_text(page),
            tuple(labels),
            date=page.publication_date,
        )

    def graphql_types(self):
        return (registry.pages[NewsArticlePage],)

    def results(self, request, entries, fields):
        articles = NewsArticlePage.objects.filter(pk__in=[e.object_id for e in entries])
        pages = articles.with_listing_data(fields).in_bulk()
        items = [pages[e.object_id] for e in entries]
        prime(request, items)
        return items
