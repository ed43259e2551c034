"""The organisation section's pages."""

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from grapple.models import (
    GraphQLRichText,
    GraphQLStreamfield,
    GraphQLString,
)
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from cms.content.editions import snippets_in_chain
from cms.content.visibility import visible_pages
from home.blocks import HeadingBlock, paragraph_block
from home.models import BasePage, SectionPage, default_locale_relation

from .members import MemberCompany, MembershipTier
from .structure import ROLES, OrgUnit, Position, role_label

# Roles the organisation page lists as its leadership.
LEADER_ROLES = [role for role in ROLES if role not in ("member", "staff")]


def in_locale_of(page, request, rows):
    """Translatable snippet rows (default-locale ones, as relations hold them),
    each its edition in `page`'s locale where it has one."""
    return snippets_in_chain(request, rows, (page.locale,))


def people_of(page, request, units, roles=None):
    """[(role label, person)] of the current positions in `units`, in role
    order, named in `page`'s locale, as GraphQL's `positions` gives them."""
    positions = Position.objects.current().filter(unit__in=units)
    if roles is not None:
        positions = positions.filter(role__in=roles)
    positions = sorted(
        positions.select_related("person__photo"),
        key=lambda p: (list(ROLES).index(p.role), p.sort_order or 0, p.pk),
    )
    people = in_locale_of(page, request, [p.person for p in positions])
    code = page.locale.language_code
    held = zip(positions, people, strict=True)
    return [(role_label(position.role, code), person) for position, person in held]


def committee_page_urls(page):
    """{unit id: URL} of the visible committee pages in `page`'s locale."""
    pages = visible_pages(CommitteePage.objects.filter(locale_id=page.locale_id))
    return {committee.unit_id: committee.url for committee in pages}


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

    def get_context(self, request, *args, **kwargs):
        """The association at a glance, as GraphQL's `organisation` has it:
        its leadership, its member tiers with their active members, and its
        committees, all named in this page's locale."""
        context = super().get_context(request, *args, **kwargs)
        default = Locale.get_default()
        tiers = MembershipTier.objects.filter(locale=default).order_by("rank", "pk")
        counts = dict(
            MemberCompany.objects.filter(active=True)
            .order_by()
            .values_list("tier__translation_key")
            .annotate(n=Count("id"))
        )
        units = OrgUnit.objects.filter(locale=default)
        committees = units.filter(unit_type=OrgUnit.UnitType.COMMITTEE)
        urls = committee_page_urls(self)
        association = units.filter(unit_type=OrgUnit.UnitType.ASSOCIATION)
        context.update(
            leaders=people_of(self, request, association, LEADER_ROLES),
            tiers=[
                (tier, counts.get(tier.translation_key, 0))
                for tier in in_locale_of(self, request, tiers)
            ],
            member_count=sum(counts.values()),
            committees=[
                (unit, urls.get(source.pk))
                for source, unit in zip(
                    committees,
                    in_locale_of(self, request, committees),
                    strict=True,
                )
            ],
        )
        return context


class CommitteeIndexPage(RichIntroPage):
    """The specialist committees (专业委员会) of one locale, below the organisation
    section; its children are the committees' own pages."""

    parent_page_types = ["organisation.OrganisationIndexPage"]
    subpage_types = ["organisation.CommitteePage"]

    class Meta:
        verbose_name = _("committee index page")
        verbose_name_plural = _("committee index pages")

    def get_context(self, request, *args, **kwargs):
        """The committees' pages, each with its unit named in this locale."""
        context = super().get_context(request, *args, **kwargs)
        children = CommitteePage.objects.child_of(self)
        pages = list(visible_pages(children).select_related("unit"))
        units = in_locale_of(self, request, [p.unit for p in pages])
        context["committees"] = list(zip(pages, units, strict=True))
        return context


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

    def get_context(self, request, *args, **kwargs):
        """The committee's unit (name, description, contact) in this page's
        locale and its people, as GraphQL's `committee` has them."""
        context = super().get_context(request, *args, **kwargs)
        [context["unit"]] = in_locale_of(self, request, [self.unit])
        context["people"] = people_of(self, request, [self.unit])
        return context
