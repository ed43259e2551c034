"""The organisation section: who the association is."""

from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLRichText
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from home.models import BasePage


class OrganisationIndexPage(BasePage):
    """The organisation section (关于协会) of one locale, below its home page.

    One per locale, translations of each other. Leadership, units, committees and the
    member directory hang below it; the people and companies themselves are snippets,
    since they are shown on many pages and have no URL of their own.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    graphql_fields = [GraphQLRichText("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("organisation index page")
        verbose_name_plural = _("organisation index pages")
