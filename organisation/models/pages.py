"""The organisation section's pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from grapple.models import (
    GraphQLRichText,
    GraphQLStreamfield,
    GraphQLString,
)
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import HeadingBlock, paragraph_block
from home.models import BasePage, SectionPage, default_locale_relation


class RichIntroPage(BasePage):
    """A page of the organisation section whose own content is a rich-text
    introduction to what hangs below it."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    graphql_fields = [GraphQLRichText("intro")]

    class Meta:
        abstract = True


class OrganisationIndexPage(SectionPage, RichIntroPage):
    """The organisation section (关于协会) of one locale, below its home page: the
    about page, whose statistics (members per tier, committees) are computed from
    the data, never typed in.

    Leadership, units, committees and the member directory hang below it; the
    people and companies themselves are snippets, since they are shown on many
    pages and have no URL of their own.
    """

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    subpage_types = ["organisation.CommitteeIndexPage"]

    class Meta:
        verbose_name = _("organisation index page")
        verbose_name_plural = _("organisation index pages")


class CommitteeIndexPage(RichIntroPage):
    """The specialist committees (专业委员会) of one locale, below the organisation
    section; its children are the committees' own pages."""

    parent_page_types = ["organisation.OrganisationIndexPage"]
    subpage_types = ["organisation.CommitteePage"]

    class Meta:
        verbose_name = _("committee index page")
        verbose_name_plural = _("committee index pages")


class CommitteePage(BasePage):
    """A specialist committee's page: its URL and rich content.

    Its name, leaders and members come from its organisational unit (a snippet, so
    that positions, news and the unit tree can refer to it); the page adds what a
    committee writes about itself.
    """

    unit = default_locale_relation(
        "organisation.OrgUnit", _("committee"), models.PROTECT, "pages"
    )
    body = StreamField(
        [("heading", HeadingBlock()), ("paragraph", paragraph_block())],
        blank=True,
        verbose_name=_("body"),
    )

    content_panels = [*Page.content_panels, FieldPanel("unit"), FieldPanel("body")]

    search_fields = [*Page.search_fields, index.SearchField("body")]

    graphql_fields = [GraphQLStreamfield("body"), GraphQLString("unit_slug")]

    parent_page_types = ["organisation.CommitteeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("committee page")
        verbose_name_plural = _("committee pages")

    @property
    def unit_slug(self):
        return self.unit.slug
