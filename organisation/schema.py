"""GraphQL root fields of the organisation: the member directory
(membershipTiers, memberCompanies), the structure (organisation, orgUnits,
committees, committee, people).

Hand-written types, because every name must come from the requested locale:
relations point at the default locale's rows (tiers, units, people), and the row's
translation in the requested locale (same translation key) gives the text.
"""

import graphene
from django.apps import apps
from django.conf import settings
from django.db.models import Count, F
from grapple.registry import registry
from grapple.types.images import get_image_type
from wagtail.models import Locale

from cms.api.assembly import root_query
from cms.api.extensions import extend
from cms.api.locales import locale_argument, resolve_locale
from cms.api.pagination import check_range, paginate, paginated_type, paging_arguments
from cms.api.status import TranslationStatusMixin
from cms.content.editions import rows_in, snippets_in_chain
from cms.content.requests import per_request
from cms.content.visibility import visible_pages
from cms.search.schema import matching

from .models import (
    ROLES,
    CommitteePage,
    Industry,
    MemberCompany,
    MembershipTier,
    OrganisationIndexPage,
    OrgUnit,
    Person,
    Position,
    Region,
    role_label,
)


class DirectoryTier(TranslationStatusMixin, graphene.ObjectType):
    """A membership tier, named in the requested locale."""

    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    rank = graphene.Int(required=True, description="1 is the highest tier.")


class DirectoryTierCount(DirectoryTier):
    """A membership tier with the number of its active member companies."""

    member_count = graphene.Int(required=True)


class DirectoryCompany(graphene.ObjectType):
    """A member company as the directory shows it."""

    name = graphene.String(required=True)
    credit_code = graphene.String(required=True)
    tier = graphene.Field(DirectoryTier, required=True)
    region = graphene.Field(lambda: registry.snippets[Region])
    industry = graphene.Field(lambda: registry.snippets[Industry])
    website = graphene.String(required=True)
    join_date = graphene.Date()


MemberCompanyList = paginated_type(
    "MemberCompanyList",
    DirectoryCompany,
    "One page of the member directory, with the counts a paginator needs.",
)


def tier_names(locale):
    """Each tier's name in `locale`, by translation key (one query)."""
    tiers = MembershipTier.objects.filter(locale=locale)
    return dict(tiers.values_list("translation_key", "name"))


def directory_tier(tier, names):
    """A company's tier (the default locale's row) named in the requested locale, or
    by its default name while it has no translation there."""
    return {
        "name": names.get(tier.translation_key, tier.name),
        "slug": tier.slug,
        "rank": tier.rank,
    }


def tier_counts(locale):
    """The tiers, highest first, named in `locale`, with active member counts."""
    names = tier_names(locale)
    counts = dict(
        MemberCompany.objects.filter(active=True)
        .order_by()
        .values_list("tier")
        .annotate(n=Count("id"))
    )
    tiers = MembershipTier.objects.filter(locale=Locale.get_default())
    return [
        DirectoryTierCount(
            **directory_tier(tier, names), member_count=counts.get(tier.pk, 0)
        ).with_status_of(tier)
        for tier in tiers.order_by("rank", "pk")
    ]


def directory_companies(companies, locale):
    """DirectoryCompany views of `companies`, named in `locale` (tiers, regions and
    industries load once per call)."""
    names = tier_names(locale)
    editions = {model: rows_in(model, locale) for model in (Region, Industry)}

    def label(row):
        """A region or industry in `locale`, or as the default locale names it
        while it has no translation there."""
        if row is None:
            return None
        return editions[type(row)].get(row.translation_key, row)

    return [
        DirectoryCompany(
            name=c.name,
            credit_code=c.credit_code,
            tier=DirectoryTier(**directory_tier(c.tier, names)).with_status_of(c.tier),
            region=label(c.region),
            industry=label(c.industry),
            website=c.website,
            join_date=c.join_date,
        )
        for c in companies
    ]


@root_query
class MembersQuery:
    membership_tiers = graphene.List(
        graphene.NonNull(DirectoryTierCount),
        required=True,
        locale=locale_argument(),
        description="The membership tiers, highest first, with active member counts.",
    )
    member_companies = graphene.Field(
        graphene.NonNull(MemberCompanyList),
        locale=locale_argument(),
        tier=graphene.String(description="Slug of a membership tier."),
        region=graphene.String(description="Slug of a region, e.g. hangzhou-xihu."),
        industry=graphene.String(
            description="Slug of an industry, e.g. manufacturing."
        ),
        search=graphene.String(
            description="Only companies whose name, region or industry match these "
            "words (any script); best match first."
        ),
        **paging_arguments(settings.CMS_MEMBERS_MAX_PER_PAGE),
        description="Active member companies, by tier (highest first) and name.",
    )

    def resolve_membership_tiers(self, info, locale=None):
        return tier_counts(resolve_locale(locale))

    def resolve_member_companies(
        self,
        info,
        locale=None,
        tier=None,
        region=None,
        industry=None,
        page=None,
        per_page=None,
        search=None,
    ):
        locale = resolve_locale(locale)
        companies = MemberCompany.objects.filter(active=True).select_related(
            "tier", "region", "industry"
        )
        if tier:
            companies = companies.filter(tier__slug=tier)
        if region:
            companies = companies.filter(region__slug=region)
        if industry:
            companies = companies.filter(industry__slug=industry)
        order = ("tier__rank", "name", "pk")
        if search is not None:
            companies = matching(
                info.context, companies, search, "MEMBER_COMPANY", [locale]
            )
            order = ("-search_score", *order)
        companies = companies.order_by(*order)

        return paginate(
            MemberCompanyList,
            companies,
            page,
            per_page,
            settings.CMS_MEMBERS_MAX_PER_PAGE,
            lambda page_of_companies: directory_companies(page_of_companies, locale),
        )


# The organisation's structure ------------------------------------------------------

LEADER_ROLES = [role for role in ROLES if role not in ("member", "staff")]


def role_rank(role):
    return list(ROLES).index(role)


def org_person(person, text):
    """A person (default-locale row) as readers see it, with `text` the row of the
    requested locale; contact details only when published."""
    public = person.contact_public
    return OrgPerson(
        id=person.pk,
        name=text.name,
        biography=text.biography,
        photo=person.photo,
        email=person.email if public else None,
        phone=person.phone if public else None,
    ).with_status_of(person)


def people_in(request, people, chain):
    """OrgPerson views of `people`, named through a locale chain."""
    texts = snippets_in_chain(request, people, chain)
    return [org_person(p, text) for p, text in zip(people, texts, strict=True)]


def committee_urls(locale):
    pages = visible_pages(CommitteePage.objects.filter(locale=locale))
    return {page.unit_id: page.url for page in pages}


def units_in(request, units, chain):
    """OrgUnitRef views of `units`, named through a locale chain, with the
    committee page urls of its first locale; all load once per request, so a news
    listing asking for them stays flat."""
    first = chain[0].pk
    urls = per_request(request, ("urls", first), lambda: committee_urls(first))
    texts = snippets_in_chain(request, units, chain)
    return [
        OrgUnitRef(
            name=text.name,
            slug=u.slug,
            unit_type=u.unit_type,
            url=urls.get(u.pk),
        ).with_status_of(u)
        for u, text in zip(units, texts, strict=True)
    ]


class StructureContext:
    """What one request needs to show units and people in one locale, loaded in a
    fixed number of queries however large the tree."""

    def __init__(self, locale):
        self.locale = locale
        self.units = list(OrgUnit.objects.filter(locale=Locale.get_default()))
        self.units_by_id = {unit.pk: unit for unit in self.units}
        self.unit_texts = rows_in(OrgUnit, locale)
        self.person_texts = rows_in(Person, locale)
        self.positions = list(
            Position.objects.current()
            .filter(unit__in=self.units)
            .select_related("person", "person__photo")
        )
        self.page_urls = committee_urls(locale)
        self.news = None  # loaded by news_of() when a query asks for news

    def unit_text(self, unit):
        return self.unit_texts.get(unit.translation_key, unit)

    def person(self, person):
        return org_person(person, self.person_texts.get(person.translation_key, person))

    def position(self, position):
        return OrgPosition(
            role=position.role,
            role_label=role_label(position.role, self.locale.language_code),
            person=self.person(position.person),
            unit=self.unit_ref(self.units_by_id[position.unit_id]),
            start_date=position.start_date,
            end_date=position.end_date,
            current=position.is_current,
        )

    def unit_ref(self, unit):
        text = self.unit_text(unit)
        return OrgUnitRef(
            name=text.name,
            slug=unit.slug,
            unit_type=unit.unit_type,
            url=self.page_urls.get(unit.pk),
        ).with_status_of(unit)

    def positions_in(self, unit, roles=None):
        held = [
            p
            for p in self.positions
            if p.unit_id == unit.pk and (roles is None or p.role in roles)
        ]
        held.sort(key=lambda p: (role_rank(p.role), p.sort_order or 0, p.pk))
        return [self.position(p) for p in held]

    def node(self, unit):
        text = self.unit_text(unit)
        children = sorted(
            (u for u in self.units if u.parent_id == unit.pk),
            key=lambda u: (u.sort_order, u.pk),
        )
        return (
            OrgUnitNode(
                name=text.name,
                slug=unit.slug,
                unit_type=unit.unit_type,
                url=self.page_urls.get(unit.pk),
                description=text.description,
                contact=text.contact,
                leaders=self.positions_in(unit, LEADER_ROLES),
                children=[self.node(child) for child in children],
            )
            .with_status_of(unit)
            .with_news_of(unit, self)
        )

    def news_of(self, unit, limit):
        """The newest published articles of this locale naming `unit`. The first
        call loads those of every unit at once, so asking each unit of a tree for
        its news costs one query in all."""
        if self.news is None:
            articles = (
                visible_pages(news_articles().objects.filter(locale=self.locale))
                .with_listing_data()
                .filter(related_units__in=self.units)
            )
            self.news = {}
            for article in articles.annotate(news_unit=F("related_units")).order_by(
                "-date", "-pk"
            ):
                self.news.setdefault(article.news_unit, []).append(article)
        return self.news.get(unit.pk, [])[:limit]

    def committee(self, unit):
        text = self.unit_text(unit)
        return (
            Committee(
                name=text.name,
                slug=unit.slug,
                url=self.page_urls.get(unit.pk),
                description=text.description,
                contact=text.contact,
                chair=next(iter(self.positions_in(unit, ["chair"])), None),
                deputy_chairs=self.positions_in(unit, ["deputy-chair"]),
                members=self.positions_in(unit, ["member"]),
            )
            .with_status_of(unit)
            .with_news_of(unit, self)
        )


class OrgPerson(TranslationStatusMixin, graphene.ObjectType):
    """A person, named in the requested locale; contact details only when the
    person agreed to publish them."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    biography = graphene.String(required=True)
    photo = graphene.Field(lambda: get_image_type())
    email = graphene.String()
    phone = graphene.String()


class OrgUnitRef(TranslationStatusMixin, graphene.ObjectType):
    """A unit named in the requested locale, with its page's url if it has one."""

    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    unit_type = graphene.String(required=True)
    url = graphene.String()


class OrgPosition(graphene.ObjectType):
    """A person's role in a unit."""

    role = graphene.String(required=True, description="Stable key, e.g. chair.")
    role_label = graphene.String(required=True, description="The role in the locale.")
    person = graphene.Field(OrgPerson, required=True)
    unit = graphene.Field(OrgUnitRef, required=True)
    start_date = graphene.Date()
    end_date = graphene.Date()
    current = graphene.Boolean(required=True)


def news_articles():
    """The newsroom's article model, named lazily: news points at units, so the
    organisation's code must not import the newsroom."""
    return apps.get_model("newsroom", "NewsArticlePage")


class UnitNews:
    """`recentNews` for a unit type: its newest articles, batched per request."""

    recent_news = graphene.List(
        graphene.NonNull(lambda: registry.pages[news_articles()]),
        required=True,
        limit=graphene.Int(default_value=5, description="1 to 20."),
        description="The newest published articles naming this unit.",
    )

    def with_news_of(self, unit, context):
        """Remember whose news `recentNews` lists, and from which context."""
        self.news_unit, self.news_context = unit, context
        return self

    def resolve_recent_news(self, info, limit=5):
        limit = 5 if limit is None else limit
        check_range("limit", limit, 1, 20)
        return self.news_context.news_of(self.news_unit, limit)


class OrgUnitNode(UnitNews, OrgUnitRef):
    """A unit in the tree, with its current leaders and its sub-units."""

    description = graphene.String(required=True)
    contact = graphene.String(required=True)
    leaders = graphene.List(graphene.NonNull(OrgPosition), required=True)
    children = graphene.List(graphene.NonNull(lambda: OrgUnitNode), required=True)


class Committee(UnitNews, TranslationStatusMixin, graphene.ObjectType):
    """A specialist committee with its current chair, deputy chairs and members."""

    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    url = graphene.String()
    description = graphene.String(required=True)
    contact = graphene.String(required=True)
    chair = graphene.Field(OrgPosition)
    deputy_chairs = graphene.List(graphene.NonNull(OrgPosition), required=True)
    members = graphene.List(graphene.NonNull(OrgPosition), required=True)


class OrganisationOverview(graphene.ObjectType):
    """The association at a glance, computed from the data."""

    member_count = graphene.Int(required=True)
    tiers = graphene.List(graphene.NonNull(DirectoryTierCount), required=True)
    committee_count = graphene.Int(required=True)
    unit_count = graphene.Int(required=True)


def organisation_overview(locale):
    """The association's statistics, computed from the data, named in `locale`."""
    tiers = tier_counts(locale)
    units = OrgUnit.objects.filter(locale=Locale.get_default())
    return OrganisationOverview(
        member_count=sum(t.member_count for t in tiers),
        tiers=tiers,
        committee_count=units.filter(unit_type=OrgUnit.UnitType.COMMITTEE).count(),
        unit_count=units.count(),
    )


@root_query
class StructureQuery:
    organisation = graphene.Field(
        graphene.NonNull(OrganisationOverview),
        locale=locale_argument(),
        description="Statistics of the association, computed from the data.",
    )
    org_units = graphene.List(
        graphene.NonNull(OrgUnitNode),
        required=True,
        locale=locale_argument(),
        description="The units as a tree: the top units, each with its children.",
    )
    committees = graphene.List(
        graphene.NonNull(Committee),
        required=True,
        locale=locale_argument(),
    )
    committee = graphene.Field(
        Committee,
        slug=graphene.String(required=True),
        locale=locale_argument(),
    )
    people = graphene.List(
        graphene.NonNull(OrgPosition),
        required=True,
        locale=locale_argument(),
        unit=graphene.String(description="Slug of a unit."),
        current=graphene.Boolean(
            default_value=True, description="Only positions held today."
        ),
        description="People by their positions, in role order.",
    )

    def resolve_organisation(self, info, locale=None):
        return organisation_overview(resolve_locale(locale))

    def resolve_org_units(self, info, locale=None):
        context = structure(info, locale)
        roots = [u for u in context.units if u.parent_id is None]
        return [
            context.node(u) for u in sorted(roots, key=lambda u: (u.sort_order, u.pk))
        ]

    def resolve_committees(self, info, locale=None):
        context = structure(info, locale)
        committees = [
            u for u in context.units if u.unit_type == OrgUnit.UnitType.COMMITTEE
        ]
        return [context.committee(u) for u in committees]

    def resolve_committee(self, info, slug, locale=None):
        context = structure(info, locale)
        for unit in context.units:
            if unit.slug == slug and unit.unit_type == OrgUnit.UnitType.COMMITTEE:
                return context.committee(unit)
        return None

    def resolve_people(self, info, locale=None, unit=None, current=True):
        current = True if current is None else current
        locale = resolve_locale(locale)
        context = StructureContext(locale)
        positions = Position.objects.filter(unit__locale=Locale.get_default())
        if current:
            positions = positions.current()
        if unit:
            positions = positions.filter(unit__slug=unit)
        positions = positions.select_related("person", "person__photo")
        ordered = sorted(
            positions, key=lambda p: (role_rank(p.role), p.sort_order or 0, p.pk)
        )
        return [context.position(p) for p in ordered]


def structure(info, locale):
    """The StructureContext for a `locale` argument."""
    return StructureContext(resolve_locale(locale))


extend(
    OrganisationIndexPage,
    statistics=graphene.Field(
        OrganisationOverview,
        required=True,
        resolver=lambda page, info: organisation_overview(page.locale),
        description="Members per tier, committees and units, from the data.",
    ),
)
