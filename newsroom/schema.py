"""GraphQL root fields of the newsroom: article listings, one article, categories
and the archive. Hand-written because each takes filters grapple has no notion of;
the article type itself is grapple's, built from NewsArticlePage.graphql_fields.
"""

import graphene
from django.conf import settings
from django.db.models import Count, prefetch_related_objects
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from grapple.registry import registry
from grapple.utils import resolve_queryset
from taggit.models import Tag

from cms.api import caching, orders
from cms.api.assembly import replace, root_mutation, root_query
from cms.api.blocks import preload_media, references
from cms.api.errors import bad_input, client_error, unknown
from cms.api.extensions import extend
from cms.api.fallback import fallback_argument, locale_chain
from cms.api.listing import page_id, prime
from cms.api.locales import locale_argument
from cms.api.pages import PREVIEW_HELP, LocalePagesQuery, one_page
from cms.api.pagination import check_range, paginate, paginated_type, paging_arguments
from cms.api.ratelimit import RateLimited, rate_limited_error
from cms.api.selection import asked, selected
from cms.api.seo import image_ids
from cms.api.status import StatusLoader
from cms.content.editions import chain_of, first_in_chain, mark, resolved
from cms.content.requests import per_request
from cms.content.visibility import visible_pages
from cms.delivery import responses
from cms.search.schema import matching
from cms.search.text import normalise

from .models import (
    ARTICLE_DATA,
    NewsArticlePage,
    NewsArticleTag,
    NewsCategory,
    load_cards,
)
from .view_counter import ArticleNotFound, record_view

# `order` values and what they sort by; the id breaks ties so pages never overlap.
ARTICLE_ORDERS = {
    "date": ("date", "id"),
    "-date": ("-date", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "viewCount": ("views", "id"),
    "-viewCount": ("-views", "-id"),
}
RELEVANCE = "relevance"
ARTICLE_TYPE = "newsroom.NewsArticlePage"
# Checked before execution (cms.api.orders); relevance needs `search` too.
orders.register("NewsArticleList", [*ARTICLE_ORDERS, RELEVANCE])
# An article's `authors` (grapple's list of NewsArticleAuthor).
orders.register(
    "NewsArticleAuthor", orders.both_ways("sort_order", "id", "name"), several=True
)


def article_type():
    return registry.pages[NewsArticlePage]


def visible_articles(chain):
    """The live, public articles of a locale chain (one locale, or a locale and
    its fallbacks: see cms.api.fallback)."""
    visible = visible_pages(NewsArticlePage.objects.all())
    return resolved(visible, visible, chain)


NewsArticleList = paginated_type(
    "NewsArticleList",
    article_type,
    "One page of a news listing, with the counts a paginator needs.",
    estimates=True,
)


def article_counts(request, chain):
    """{category translation key: visible articles of the chain in it}, once per
    request and chain: the articles newsArticles lists with that chain."""

    def load():
        counts = (
            visible_articles(chain)
            .order_by()
            .values_list("categories__translation_key")
            .annotate(n=Count("id", distinct=True))
        )
        return dict(counts)

    key = ("article-counts", tuple(locale.pk for locale in chain))
    return per_request(request, key, load)


extend(
    NewsCategory,
    article_count=graphene.Field(
        graphene.Int,
        required=True,
        resolver=lambda category, info: article_counts(
            info.context, chain_of(category)
        ).get(category.translation_key, 0),
        description="Published articles in this category, in the locale (chain) "
        "it was read in.",
    ),
)


class NewsArchiveMonth(graphene.ObjectType):
    """A month that has published articles, for an archive menu."""

    year = graphene.Int(required=True)
    month = graphene.Int(required=True)
    article_count = graphene.Int(required=True)


@root_query
class NewsQuery:
    # Nullable, as every rate-limited root field: a client over its search limit
    # loses this field only, not the other root fields of its query.
    news_articles = graphene.Field(
        NewsArticleList,
        locale=locale_argument(),
        fallback=fallback_argument(),
        category=graphene.String(description="Slug of a news category."),
        tag=graphene.String(
            description="A tag name, in either script (黨建 finds 党建 too)."
        ),
        year=graphene.Int(),
        month=graphene.Int(description="1 to 12; needs year."),
        featured=graphene.Boolean(),
        order=graphene.String(
            description=f"One of: {', '.join(ARTICLE_ORDERS)}, relevance (with "
            "search); by relevance when searching, else newest first, if unset."
        ),
        search=graphene.String(
            description="Only articles matching these words (any script) in their "
            "title, summary, categories, tags or body."
        ),
        **paging_arguments(settings.CMS_NEWS_MAX_PER_PAGE),
        description="Published news articles of one locale, filtered and paginated.",
    )
    news_article = graphene.Field(
        article_type,
        locale=locale_argument(),
        fallback=fallback_argument(),
        id=graphene.ID(),
        slug=graphene.String(),
        url_path=graphene.String(description="Path below the locale's home page."),
        token=graphene.String(description=PREVIEW_HELP),
        description="One published news article, by id, slug or urlPath; or the "
        "revision of an article a preview token opens (null for another page).",
    )
    news_categories = graphene.List(
        graphene.NonNull(lambda: registry.models[NewsCategory]),
        required=True,
        locale=locale_argument(),
        fallback=fallback_argument(),
        description="The news categories of one locale with their article counts "
        "(of the articles newsArticles lists with the same locale and fallback).",
    )
    news_archive = graphene.List(
        graphene.NonNull(NewsArchiveMonth),
        required=True,
        locale=locale_argument(),
        fallback=fallback_argument(),
        description="Months with published articles, newest first, with counts.",
    )

    def resolve_news_articles(
        self,
        info,
        order=None,
        page=None,
        per_page=None,
        locale=None,
        fallback=None,
        search=None,
        **filters,
    ):
        # An explicit null means the default, like an omitted argument.
        if order is None:
            order = "-date" if search is None else RELEVANCE
        searching = search is not None
        if order == RELEVANCE and not searching:
            allowed = [*ARTICLE_ORDERS, f"{RELEVANCE} (with search)"]
            raise bad_input(
                f"Cannot order news articles by {order!r} without search. "
                f"Allowed: {', '.join(allowed)}."
            )
        check_range("year", filters.get("year"), 1, 9999)
        check_range("month", filters.get("month"), 1, 12)
        if filters.get("month") is not None and filters.get("year") is None:
            raise bad_input("month needs year.")
        chain = locale_chain(locale, fallback)
        articles = filter_articles(visible_articles(chain), chain, filters)
        count = None
        if searching:
            found = matching(
                info.context,
                articles,
                search,
                "NEWS_ARTICLE",
                chain,
                ranked=order == RELEVANCE,
            )
            articles, count = found.queryset, found.count
        ordered = articles.annotate(views=Coalesce("view_stats__count", 0)).order_by(
            *ARTICLE_ORDERS.get(order, ("-search_score", "-date", "-id"))
        )

        def load(articles):
            items = list(articles.with_listing_data(asked(info, "items")))
            prime(info.context, items)
            return mark(items, chain)

        return paginate(
            NewsArticleList,
            ordered,
            page,
            per_page,
            settings.CMS_NEWS_MAX_PER_PAGE,
            load,
            count,
        )

    def resolve_news_article(
        self, info, id=None, slug=None, url_path=None, token=None, **kwargs
    ):
        if token:
            return LocalePagesQuery.resolve_page(
                None, info, token=token, content_type=ARTICLE_TYPE, **kwargs
            )
        locale, fallback = kwargs.pop("locale", None), kwargs.pop("fallback", None)
        articles = visible_pages(NewsArticlePage.objects.select_related("view_stats"))
        article = one_page(info, articles, id, slug, url_path, locale, fallback, kwargs)
        if article:
            preload(info, article)
        return article

    def resolve_news_categories(self, info, locale=None, fallback=None):
        chain = locale_chain(locale, fallback)
        categories = NewsCategory.objects.all()
        return mark(list(resolved(categories, categories, chain)), chain)

    def resolve_news_archive(self, info, locale=None, fallback=None):
        months = (
            visible_articles(locale_chain(locale, fallback))
            .filter(date__isnull=False)
            .annotate(year=ExtractYear("date"), month=ExtractMonth("date"))
            .values("year", "month")
            .annotate(article_count=Count("id"))
            .order_by("-year", "-month")
        )
        return [NewsArchiveMonth(**month) for month in months]


# The fields of an article that its neighbours' query answers too.
NEIGHBOURS = {"previousArticle", "nextArticle", "relatedArticles"}
STATUS = {"translationStatus", "alternates"}


def preload(info, article):
    """Load at once what the query asks of one article and will show: its
    neighbours and editions (one query, when asked), the categories of it and
    its neighbours (one query), every image it and they show (covers, sharing
    image, body: two queries with their renditions), its body's documents and
    embeds (one query each): the fields below then read what is loaded, so an
    article's page costs the same few queries however many blocks, categories
    or related articles it has."""
    request, wanted = info.context, selected(info)
    prefetch_related_objects([article], *ARTICLE_DATA)
    articles = [article]
    if wanted & (NEIGHBOURS | STATUS):
        found = article.neighbours(request)
        StatusLoader.for_request(request).add(found["editions"])
        if wanted & NEIGHBOURS:
            articles += [found["previous"], found["next"], *found["related"]]
    articles = [a for a in articles if a is not None]
    refs = references(None, None)
    if wanted & {"body", "bodyBlocks"}:
        refs = references(article.body.stream_block, article.body.raw_data)
    images = {a.cover_image_id for a in articles if a.cover_image_id}
    if "ogImage" in wanted:
        images.update(image_ids(article))
    preload_media(request, refs, chain_of(article), images)
    load_cards(request, articles)


def filter_articles(articles, chain, filters):
    if filters.get("category"):
        # The category the slug names in the chain's first locale that has it; an
        # article matches through that category's edition in its own locale.
        category = first_in_chain(
            NewsCategory.objects.filter(slug=filters["category"]), chain
        )
        if category is None:
            raise unknown("category", filters["category"], "news category")
        articles = articles.filter(categories__translation_key=category.translation_key)
    if filters.get("tag"):
        # Among the tags readers can see: a tag only drafts use is unknown too.
        tags = tags_named(filters["tag"])
        if not tags:
            raise unknown("tag", filters["tag"], "published article's tag", "name")
        tagged = NewsArticleTag.objects.filter(tag__in=tags)
        articles = articles.filter(pk__in=tagged.values("content_object_id"))
    if filters.get("year") is not None:
        articles = articles.filter(date__year=filters["year"])
    if filters.get("month") is not None:
        articles = articles.filter(date__month=filters["month"])
    if filters.get("featured") is not None:
        articles = articles.filter(featured=filters["featured"])
    return articles


class RecordArticleView(graphene.Mutation):
    """Count a reader's view of an article; returns the article's view count.

    Bots and repeats from the same client within the window are not counted.
    """

    class Arguments:
        id = graphene.ID(required=True)

    view_count = graphene.Int(required=True)
    counted = graphene.Boolean(
        required=True, description="False for a bot or a repeat within the window."
    )

    def mutate(self, info, id):
        article_id = page_id(id, "id")
        try:
            count, counted = record_view(info.context, article_id)
        except ArticleNotFound:
            raise client_error(
                "NOT_FOUND", f"No published news article has the id {article_id}."
            ) from None
        except RateLimited as limited:
            raise rate_limited_error(limited) from None
        return RecordArticleView(view_count=count, counted=counted)


@root_mutation
class NewsMutation:
    record_article_view = RecordArticleView.Field()


def visible_tags():
    """The tags of articles anonymous readers can see. Grapple's `tags` lists every
    tag, including those only drafts, private articles or old revisions use."""
    articles = visible_pages(NewsArticlePage.objects.all())
    items = NewsArticleTag.objects.filter(content_object__in=articles)
    return Tag.objects.filter(pk__in=items.values("tag_id"))


def tags_named(name):
    """The ids of the visible tags that are `name` in any script, width or case
    (search's normalisation: 黨建 is 党建), in one query whatever the articles."""
    wanted = normalise(name)
    tags = visible_tags().values_list("pk", "name")
    return [pk for pk, tag in tags if normalise(tag) == wanted]


@replace("grapple.types.tags", "resolve_tags")
def visible_tags_query(grapple_tags):
    class VisibleTagsQuery(grapple_tags):
        def resolve_tag(self, info, id, **kwargs):
            return visible_tags().filter(pk=page_id(id, "id")).first()

        def resolve_tags(self, info, **kwargs):
            return resolve_queryset(visible_tags(), info, **kwargs)

    return VisibleTagsQuery


# What the response cache cannot find out itself (cms.api.caching): counts and
# the archive depend on the articles of their locale chain; view counts change
# without a content change, so answers that show them or sort by them are brief.
def articles_of_chain(root, info, args, codes):
    return caching.list_keys(NewsArticlePage, codes)


def views_shown(root, info, args, codes):
    responses.shows_view_counts()
    return ()


def ordered_by_views(root, info, args, codes):
    if args.get("order") in ("viewCount", "-viewCount"):
        responses.shows_view_counts()
    return ()


caching.declare("Query", "newsArchive", articles_of_chain)
caching.declare("NewsCategory", "articleCount", articles_of_chain)
caching.declare("NewsArticlePage", "viewCount", views_shown)
caching.declare("Query", "newsArticles", ordered_by_views)
