"""News pages: the listing root of each locale and the articles below it."""

import graphene
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLField, GraphQLStreamfield, GraphQLString
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import HeadingBlock, paragraph_block
from home.models import BasePage


class NewsIndexPage(BasePage):
    """The news section (协会动态) of one locale, the parent of its articles.

    One per locale, directly below that locale's home page; the three are
    translations of each other, so a language switcher can move between them.
    """

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    graphql_fields = [GraphQLString("intro", required=True)]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["newsroom.NewsArticlePage"]

    class Meta:
        verbose_name = _("news index page")
        verbose_name_plural = _("news index pages")


class NewsArticlePage(BasePage):
    """A news article (visit, meeting, notice, policy digest) below a news index.

    Its publication date is a field of its own rather than Wagtail's
    first_published_at, so that articles brought over from the old site keep their
    real date; left empty, it is the date of first publication.
    """

    date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Shown to readers. Leave empty to use the first publication date."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Plain text shown in listings.")
    )
    body = StreamField(
        [("heading", HeadingBlock()), ("paragraph", paragraph_block())],
        blank=True,
        verbose_name=_("body"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    graphql_fields = [
        GraphQLField("publication_date", graphene.Date),
        GraphQLString("summary", required=True),
        GraphQLStreamfield("body"),
    ]

    parent_page_types = ["newsroom.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    @property
    def publication_date(self):
        """The date readers see: the edited date, else the first publication's."""
        if self.date:
            return self.date
        if self.first_published_at:
            return timezone.localdate(self.first_published_at)
        return None
