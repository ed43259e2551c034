"""News: the listing root of each locale, the articles below it, their categories."""

from functools import partialmethod

import graphene
from django.core.paginator import Paginator
from django.db import models
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    Value,
    prefetch_related_objects,
)
from django.forms import CheckboxSelectMultiple
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from grapple.models import (
    GraphQLBoolean,
    GraphQLCollection,
    GraphQLField,
    GraphQLForeignKey,
    GraphQLImage,
    GraphQLInt,
    GraphQLStreamfield,
    GraphQLString,
    GraphQLTag,
)
from grapple.registry import registry
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, PageManager, PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import TranslatableField

from cms.content.editions import (
    chain_of,
    in_locale,
    mark,
    remember_editions,
    resolved,
    snippets_in_chain,
)
from cms.content.media import media
from cms.content.requests import per_request
from cms.content.visibility import visible_pages
from cms.localization.fields import TranslatableTags
from cms.localization.sync import with_edition_status
from home.blocks import HeadingBlock, paragraph_block
from home.graphql_fields import texts
from home.models import (
    BasePage,
    SectionPage,
    TranslatableLabel,
    default_locale_only,
    optional_image,
)
from organisation.models import OrgUnit, Person

from .blocks import DocumentBlock, ImageBlock, QuoteBlock, TableBlock
from .forms import NewsArticlePageForm


class NewsCategory(TranslatableLabel):
    """A news category (协会动态, 通知公告, 政策法规, 会员风采, ...).

    A translatable snippet rather than a page: categories have no content of their
    own, and frontends list and filter by them. Each locale has its own translation,
    which articles of that locale use.
    """

    class Meta(TranslatableLabel.Meta):
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")


def related_snippets(to, verbose_name):
    """An article's links to the people or units it is about: default-locale rows
    (see default_locale_only)."""
    return ParentalManyToManyField(
        to,
        verbose_name=verbose_name,
        blank=True,
        related_name="news_articles",
        limit_choices_to=default_locale_only,
    )


class NewsIndexPage(SectionPage):
    """The news section (协会动态) of one locale, the parent of its articles."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    graphql_fields = texts("intro")

    subpage_types = ["newsroom.NewsArticlePage"]

    # Articles per page of the reading template's listing.
    per_page = 20

    class Meta:
        verbose_name = _("news index page")
        verbose_name_plural = _("news index pages")

    def get_context(self, request, *args, **kwargs):
        """Its visible articles, newest first, `per_page` at a time (`?page=`),
        with what their cards show in a fixed number of queries."""
        context = super().get_context(request, *args, **kwargs)
        articles = visible_pages(NewsArticlePage.objects.child_of(self))
        articles = articles.with_listing_data().order_by("-date", "-pk")
        paginator = Paginator(articles, self.per_page)
        context["articles"] = paginator.get_page(request.GET.get("page"))
        return context


class NewsArticleTag(TaggedItemBase):
    """A tag on a news article (free keywords, unlike the curated categories)."""

    content_object = ParentalKey(
        "newsroom.NewsArticlePage",
        on_delete=models.CASCADE,
        related_name="tagged_items",
    )


class NewsArticleAuthor(Orderable):
    """An author of an article, in the order shown to readers."""

    article = ParentalKey(
        "newsroom.NewsArticlePage", on_delete=models.CASCADE, related_name="authors"
    )
    name = models.CharField(_("name"), max_length=100)

    panels = [FieldPanel("name")]

    graphql_fields = texts("name")

    class Meta(Orderable.Meta):
        verbose_name = _("author")
        verbose_name_plural = _("authors")


def snippets_in_chain_field(relation, model, description):
    """An article's relation to translatable snippets, as a GraphQL list of
    `model`'s type."""
    return GraphQLField(
        relation,
        lambda: graphene.List(graphene.NonNull(registry.models[model])),
        required=True,
        source=f"{relation}_in_chain",
        description=description,
    )


# What an article's own page shows of its relations (with its view count).
ARTICLE_DATA = ("tags", "authors")


class NewsArticleQuerySet(PageQuerySet):
    def with_listing_data(self, fields=None):
        """Load what listings show in a fixed number of queries, however many
        articles: view count, ARTICLE_DATA, what a card shows (cover image and
        its renditions, categories), related people and units. With `fields`
        (names of graphql_fields a query asks of the articles), only what those
        show: a search box's suggestions ask for an id and a url, and loading
        the rest took longer than finding them (seven queries)."""
        renditions = get_image_model().get_rendition_model().objects.all()
        joined = {"view_count": ["view_stats"], "cover_image": ["cover_image"]}
        prefetched = {
            **{relation: [relation] for relation in ARTICLE_DATA},
            "cover_image": [Prefetch("cover_image__renditions", queryset=renditions)],
            "categories": ["categories"],
            "related_people": ["related_people"],
            "related_units": ["related_units"],
        }

        def asked(loads):
            wanted = [field for field in loads if fields is None or field in fields]
            return [load for field in wanted for load in loads[field]]

        # select_related() with no names would follow every foreign key.
        articles = self.select_related(*joins) if (joins := asked(joined)) else self
        return articles.prefetch_related(*asked(prefetched))


def load_cards(request, articles):
    """Load what the cards of `articles` show that their rows do not hold, once
    per request whatever asks again: their categories (one query for the list)
    and their covers, through the request's media (cms.content.media.media:
    images and renditions with the request's other images). Returns them."""
    articles = [a for a in articles if a is not None]
    load_categories(request, articles)
    ids = [a.cover_image_id for a in articles if a.cover_image_id]
    covers = media(request, get_image_model(), ids)
    for article in articles:
        if covers.get(article.cover_image_id) is not None:
            article.cover_image = covers[article.cover_image_id]
    return articles


def load_categories(request, articles):
    """The categories of `articles`, as `prefetch_related` loads them, in one
    query. When some article is read through a chain that starts in another
    locale, its categories are shown through the chain: the same query then
    reads every edition of the categories too (a union of the two), and tells
    the request (`remember_editions`), which would otherwise read the whole
    category table for them."""
    if all(a.locale_id == chain_of(a)[0].pk for a in articles):
        prefetch_related_objects(articles, "categories")
        return
    articles = [
        a
        for a in articles
        if "categories" not in getattr(a, "_prefetched_objects_cache", {})
    ]
    if not articles:
        return
    own = NewsCategory.objects.filter(articles__in=articles).annotate(
        article_id=F("articles")
    )
    editions = NewsCategory.objects.filter(
        translation_key__in=own.values("translation_key")
    ).annotate(article_id=Value(None, output_field=models.IntegerField()))
    rows = list(own.order_by().union(editions.order_by(), all=True).order_by("name"))
    remember_editions(request, NewsCategory, rows)
    for article in articles:
        categories = article.categories.get_queryset()
        categories._result_cache = [r for r in rows if r.article_id == article.pk]
        categories._prefetch_done = True
        if not hasattr(article, "_prefetched_objects_cache"):
            article._prefetched_objects_cache = {}
        article._prefetched_objects_cache["categories"] = categories


class NewsArticlePage(BasePage):
    """A news article (visit, meeting, notice, policy digest) below a news index.

    Its publication date is a field of its own rather than Wagtail's
    first_published_at, so that articles brought over from the old site keep their
    real date; it is filled with the first publication's date when left empty. Its
    view count lives in ArticleViewCount, outside the page's revisions.
    """

    date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Shown to readers. Leave empty to use the first publication date."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Plain text shown in listings.")
    )
    cover_image = optional_image(_("cover image"))
    body = StreamField(
        [
            ("heading", HeadingBlock()),
            ("paragraph", paragraph_block()),
            ("image", ImageBlock()),
            ("quote", QuoteBlock()),
            ("embed", EmbedBlock(label=_("Embed"), icon="media")),
            ("document", DocumentBlock()),
            ("table", TableBlock()),
        ],
        blank=True,
        verbose_name=_("body"),
    )
    categories = ParentalManyToManyField(
        "newsroom.NewsCategory",
        verbose_name=_("categories"),
        blank=True,
        related_name="articles",
    )
    # Each edition its own tags, translated like its text (cms.localization.fields).
    tags = TranslatableTags(through=NewsArticleTag, blank=True, verbose_name=_("tags"))
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("The source or issuing office, e.g. 浙江省经济和信息化厅."),
    )
    related_people = related_snippets("organisation.Person", _("related people"))
    related_units = related_snippets(
        "organisation.OrgUnit", _("related units and committees")
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Show prominently on the home page.")
    )
    legacy_id = models.CharField(
        _("legacy export"),
        max_length=255,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The old site's export file this article was imported from."),
    )
    # Set by the importer on a draft whose text the old site's encoding damaged
    # (newsroom.importer); the news listing filters by it.
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_(
            "The imported text has places the old website's encoding damaged. "
            "Correct them, clear this box and publish."
        ),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]
    details_panels = [
        FieldPanel("needs_review"),
        FieldPanel("date"),
        # Tick boxes: a bare multiple select needs ctrl-click, and loses the
        # other choices on a plain click. Tags use Wagtail's tag widget.
        FieldPanel("categories", widget=CheckboxSelectMultiple),
        FieldPanel("tags"),
        FieldPanel("source"),
        InlinePanel("authors", label=_("Authors")),
        FieldPanel("related_people"),
        FieldPanel("related_units"),
        FieldPanel("featured"),
        # Read-only: the count is the view counter's, never the form's.
        HelpPanel(template="newsroom/admin/view_count_panel.html", heading=_("Views")),
    ]
    promote_panels = [
        MultiFieldPanel(BasePage.promote_panels, heading=_("Search and sharing")),
    ]
    sharing_image_fields = ("og_image", "cover_image")
    base_form_class = NewsArticlePageForm
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(details_panels, heading=_("Details")),
            ObjectList(promote_panels, heading=_("SEO")),
            ObjectList(BasePage.settings_panels, heading=_("Publishing")),
        ]
    )

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("featured"),
    ]

    graphql_fields = [
        GraphQLField("publication_date", graphene.Date),
        GraphQLString("summary", required=True),
        GraphQLImage("cover_image"),
        GraphQLStreamfield("body"),
        snippets_in_chain_field(
            "categories",
            NewsCategory,
            "The article's categories, named in its locale chain.",
        ),
        snippets_in_chain_field(
            "related_people",
            Person,
            "People the article is about, named in its locale.",
        ),
        snippets_in_chain_field(
            "related_units", OrgUnit, "Units and committees the article is about."
        ),
        GraphQLTag("tags"),
        GraphQLString("source", required=True),
        GraphQLCollection(
            GraphQLForeignKey,
            "authors",
            "newsroom.NewsArticleAuthor",
            required=True,
            item_required=True,
        ),
        GraphQLBoolean("featured", required=True),
        GraphQLInt("view_count", required=True),
        GraphQLForeignKey("previous_article", "newsroom.NewsArticlePage"),
        GraphQLForeignKey("next_article", "newsroom.NewsArticlePage"),
        GraphQLField(
            "related_articles",
            lambda: graphene.List(graphene.NonNull(registry.pages[NewsArticlePage])),
            required=True,
            description="Up to three articles sharing a category or tag, newest first.",
        ),
    ]

    override_translatable_fields = [TranslatableField("tags")]

    parent_page_types = ["newsroom.NewsIndexPage"]
    subpage_types = []

    objects = PageManager.from_queryset(NewsArticleQuerySet)()

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def get_context(self, request, *args, **kwargs):
        """Its categories named in its locale (a translation's copy may still
        hold the source's until it is saved)."""
        context = super().get_context(request, *args, **kwargs)
        categories = self.categories.all()
        context["categories"] = snippets_in_chain(request, categories, chain_of(self))
        return context

    def _visible_siblings(self):
        """Live, public articles of this article's locale (or of the locale chain it
        was resolved through), other than this one."""

        visible = visible_pages(NewsArticlePage.objects.all())
        siblings = resolved(visible, visible, chain_of(self))
        return siblings.exclude(translation_key=self.translation_key)

    def neighbours(self, request):
        """{"previous": article or None, "next": article or None, "related":
        [articles], "editions": [this article's editions]}, in one query, once
        per request (see `neighbours`)."""
        key = ("article-neighbours", self.pk, tuple(loc.pk for loc in chain_of(self)))
        return per_request(request, key, lambda: neighbours(self))

    def in_chain(self, info, relation, **kwargs):
        """The snippets of `relation`, each its edition in the article's locale
        chain (the sources of the snippets_in_chain_field fields)."""
        rows = getattr(self, relation).all()
        return snippets_in_chain(info.context, rows, chain_of(self))

    categories_in_chain = partialmethod(in_chain, relation="categories")
    related_people_in_chain = partialmethod(in_chain, relation="related_people")
    related_units_in_chain = partialmethod(in_chain, relation="related_units")

    def _neighbour(self, request, name):
        found = self.neighbours(request)[name]
        return load_cards(request, found if name == "related" else [found])

    def previous_article(self, info, **kwargs):
        """The next older article in the same locale (by date, then id)."""
        return next(iter(self._neighbour(info.context, "previous")), None)

    def next_article(self, info, **kwargs):
        """The next newer article in the same locale (by date, then id)."""
        return next(iter(self._neighbour(info.context, "next")), None)

    def related_articles(self, info, **kwargs):
        return self._neighbour(info.context, "related")

    @property
    def view_count(self):
        """How often readers opened the article (ArticleViewCount; 0 if never)."""
        try:
            return self.view_stats.count
        except ArticleViewCount.DoesNotExist:
            return 0

    def save(self, *args, **kwargs):
        if self.date is None and self.first_published_at:
            self.date = timezone.localdate(self.first_published_at)
        # A translation starts as a copy of its source, categories included:
        # each is replaced by its translation in this article's locale. (A new
        # page gets its locale from its parent later in the save.)
        if self.locale_id:
            self.categories = in_locale(self.categories.all(), self.locale_id)
        super().save(*args, **kwargs)

    @property
    def publication_date(self):
        """The date readers see: the edited date, else the first publication's."""
        if self.date:
            return self.date
        if self.first_published_at:
            return timezone.localdate(self.first_published_at)
        return None


def neighbours(article):
    """An article's previous and next articles (the nearest visible ones in its
    locale chain on either side in date order, then id; none for an undated
    article), up to three related ones (sharing a category or a tag, newest
    first), each marked with the article's chain, and the article's editions
    in every locale with their translation status (cms.localization.sync
    `with_edition_status`): all in one query."""
    siblings = article._visible_siblings()
    wanted = {}
    if article.date is not None:
        for name, side, order in (
            ("previous", "lt", ("-date", "-pk")),
            ("next", "gt", ("date", "pk")),
        ):
            beyond = Q(**{f"date__{side}": article.date}) | Q(
                date=article.date, **{f"pk__{side}": article.pk}
            )
            wanted[name] = siblings.filter(beyond).order_by(*order).values("pk")[:1]
    categories = NewsCategory.objects.filter(articles=article)
    tags = NewsArticleTag.objects.filter(content_object=article)
    sharing = NewsArticlePage.objects.filter(
        Q(categories__translation_key__in=categories.values("translation_key"))
        | Q(tagged_items__tag__in=tags.values("tag"))
    )
    wanted["related"] = (
        siblings.filter(pk__in=sharing.values("pk"))
        .order_by("-date", "-pk")
        .values("pk")[:3]
    )
    flags = {
        f"is_{name}": ExpressionWrapper(Q(pk__in=ids), output_field=BooleanField())
        for name, ids in wanted.items()
    }
    condition = Q(translation_key=article.translation_key)
    for ids in wanted.values():
        condition |= Q(pk__in=ids)
    rows = list(
        with_edition_status(
            NewsArticlePage.objects.filter(condition).annotate(**flags)
        ).order_by("-date", "-pk")
    )
    editions = [row for row in rows if row.translation_key == article.translation_key]
    found = mark([row for row in rows if row not in editions], chain_of(article))

    def first(name):
        return next((a for a in found if getattr(a, f"is_{name}", False)), None)

    return {
        "previous": first("previous"),
        "next": first("next"),
        "related": [a for a in found if a.is_related],
        "editions": editions,
    }


class ArticleViewCount(models.Model):
    """How often an article was read.

    Kept out of the page model on purpose: a page's fields are copied into every
    revision and written back on every publish, so a count stored there would be
    reset by publishing an older revision and would race with editors' saves.
    Counting a view is one atomic UPDATE of this row and never touches the page.
    """

    article = models.OneToOneField(
        NewsArticlePage,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="view_stats",
    )
    count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("article view count")
        verbose_name_plural = _("article view counts")

    def __str__(self):
        return f"{self.article_id}: {self.count}"
