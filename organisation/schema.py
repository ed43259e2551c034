"""GraphQL of the organisation: the member directory (membershipTiers,
memberCompanies) and the structure (organisation, orgUnits, committees, committee,
people).

The types are grapple's, one per model (OrgUnit, Person, Position, MembershipTier,
MemberCompany), from the models' `graphql_fields`. Relations point at the default
locale's rows (a company's tier, a unit's parent, every position), so each item
shown is the row's edition in the requested locale, or the default locale's row
while it has no translation there (its `resolvedLocale` says which), and it
remembers the requested locale (cms.content.editions.mark). What depends on that
locale and the model cannot answer by itself (a unit's positions, sub-units and
news, a role's label, a company's tier) is added here with `extend`, read through
a per-request `Structure` of the locale, so a tree or a page of companies costs a
fixed number of queries.
"""

from functools import cached_property

import graphene
from django.apps import apps
from django.conf import settings
from django.db.models import Count, F
from grapple.registry import registry
from wagtail.models import Locale

from cms.api import caching
from cms.api.assembly import root_query
from cms.api.errors import unknown
from cms.api.extensions import extend
from cms.api.locales import locale_argument, resolve_locale
from cms.api.pagination import check_range, paginate, paginated_type, paging_arguments
from cms.api.status import StatusLoader, TranslationStatus, translation_status_field
from cms.content.editions import (
    chain_of,
    default_locale,
    language_codes,
    mark,
    snippets_in_chain,
)
from cms.content.requests import per_request
from cms.content.visibility import visible_pages
from cms.delivery import changes, responses
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


def of(model):
    """grapple's type of `model`, named lazily: grapple builds it with the schema."""
    return lambda: registry.models[model]


def list_of(model, **kwargs):
    return graphene.List(graphene.NonNull(of(model)), required=True, **kwargs)


def news_articles():
    """The newsroom's article model, named lazily: news points at units, so the
    organisation's code must not import the newsroom."""
    return apps.get_model("newsroom", "NewsArticlePage")


# The reader's locale ---------------------------------------------------------------

LEADER_ROLES = [role for role in ROLES if role not in ("member", "staff")]


def role_rank(position):
    return (list(ROLES).index(position.role), position.sort_order or 0, position.pk)


def committee_url(request, locale_id, unit_id):
    """The URL of the unit's visible committee page in the locale, or None. The
    locale's pages are read once per request (one query however many units
    ask); a URL is made when asked: making all 25 cost a search suggestion of
    one committee more than finding it."""

    def load():
        pages = visible_pages(CommitteePage.objects.filter(locale=locale_id))
        # What `url` reads, not the bodies.
        return {p.unit_id: p for p in pages.only("unit_id", "url_path", "locale_id")}

    page = per_request(request, ("committee-pages", locale_id), load).get(unit_id)
    return page and page.url


class Structure:
    """What one request needs to show units, people and positions in one locale,
    loaded in a fixed number of queries however large the tree, each part when
    a query first asks for it (a search suggestion of a unit asks for its URL,
    not for every position)."""

    def __init__(self, request, locale_id):
        self.request = request
        self.chain = (Locale(pk=locale_id),)
        self.default = default_locale(request)
        self.news = None  # loaded by news_of() when a query asks for news

    @cached_property
    def units(self):
        """The default locale's units, which the tree, the positions and the
        committee pages point at."""
        return list(OrgUnit.objects.filter(locale=self.default))

    @cached_property
    def units_by_key(self):
        return {unit.translation_key: unit for unit in self.units}

    @cached_property
    def positions(self):
        return list(
            Position.objects.current()
            .filter(unit__in=self.units)
            .select_related("person__photo", "unit")
        )

    def page_url(self, unit):
        return committee_url(self.request, self.chain[0].pk, unit.pk)

    def editions(self, rows):
        """Each row's edition in this locale (the row itself while it has none),
        remembering the locale."""
        return snippets_in_chain(self.request, rows, self.chain)

    def held(self, positions):
        """Positions in role order, remembering the locale."""
        return mark(sorted(positions, key=role_rank), self.chain)

    def source(self, unit):
        """The default locale's row of a unit edition: the tree, the positions and
        the committee pages point at it."""
        if unit.locale_id == self.default.pk:
            return unit  # (the units are not read for it)
        return self.units_by_key.get(unit.translation_key, unit)

    def positions_in(self, unit, roles=None):
        return self.held(
            p
            for p in self.positions
            if p.unit_id == unit.pk and (roles is None or p.role in roles)
        )

    def children(self, unit):
        children = [u for u in self.units if u.parent_id == unit.pk]
        return self.editions(sorted(children, key=lambda u: (u.sort_order, u.pk)))

    def news_of(self, unit, limit):
        """The newest published articles of this locale naming `unit`. The first
        call loads those of every unit at once, so asking each unit of a tree for
        its news costs one query in all."""
        if self.news is None:
            articles = (
                visible_pages(news_articles().objects.filter(locale=self.chain[0]))
                .with_listing_data()
                .filter(related_units__in=self.units)
            )
            self.news = {}
            for article in articles.annotate(news_unit=F("related_units")).order_by(
                "-date", "-pk"
            ):
                self.news.setdefault(article.news_unit, []).append(article)
        return self.news.get(unit.pk, [])[:limit]


def structure(request, locale_id):
    """The Structure of a locale, once per request."""
    return per_request(
        request, ("structure", locale_id), lambda: Structure(request, locale_id)
    )


def reading(info, item):
    """The Structure of the locale `item` is read in."""
    return structure(info.context, chain_of(item)[0].pk)


def as_read(info, item, row):
    """`row` (a default-locale row that `item` points at) as the readers of
    `item` see it."""
    return row and snippets_in_chain(info.context, [row], chain_of(item))[0]


# Units ---------------------------------------------------------------------------


def unit_field(field_type, compute, **kwargs):
    """A field of OrgUnit computed from the default locale's row of the unit and
    the Structure of the locale it is read in."""

    def resolve(unit, info, **arguments):
        context = reading(info, unit)
        return compute(context, context.source(unit), **arguments)

    return graphene.Field(field_type, resolver=resolve, **kwargs)


def recent_news(context, unit, limit=5):
    limit = 5 if limit is None else limit
    check_range("limit", limit, 1, 20)
    return context.news_of(unit, limit)


def resolve_unit_status(unit, info):
    """A unit's editions, each with its committee page's URL in that locale, where
    a frontend's language switcher links to."""
    source = reading(info, unit).source(unit)
    ids = {code: pk for pk, code in language_codes(info.context).items()}
    return [
        TranslationStatus(
            locale=status.locale,
            url=committee_url(info.context, ids[status.locale], source.pk),
            published=status.published,
            out_of_date=status.out_of_date,
            translated_ratio=status.translated_ratio,
            translated_segments=status.translated_segments,
            total_segments=status.total_segments,
        )
        for status in StatusLoader.for_request(info.context).load(unit)
    ]


extend(
    OrgUnit,
    slug=unit_field(graphene.String, lambda c, u: u.slug, required=True),
    unit_type=unit_field(graphene.String, lambda c, u: u.unit_type, required=True),
    url=unit_field(
        graphene.String,
        lambda c, u: c.page_url(u),
        description="The committee page's URL, if the unit has a page.",
    ),
    leaders=unit_field(
        graphene.List(graphene.NonNull(of(Position))),
        lambda c, u: c.positions_in(u, LEADER_ROLES),
        required=True,
        description="Current leaders, in role order.",
    ),
    children=unit_field(
        graphene.List(graphene.NonNull(of(OrgUnit))),
        lambda c, u: c.children(u),
        required=True,
        description="Sub-units, in order.",
    ),
    chair=unit_field(
        of(Position),
        lambda c, u: next(iter(c.positions_in(u, ["chair"])), None),
        description="A committee's current chair.",
    ),
    deputy_chairs=unit_field(
        graphene.List(graphene.NonNull(of(Position))),
        lambda c, u: c.positions_in(u, ["deputy-chair"]),
        required=True,
    ),
    members=unit_field(
        graphene.List(graphene.NonNull(of(Position))),
        lambda c, u: c.positions_in(u, ["member"]),
        required=True,
    ),
    translation_status=translation_status_field(resolver=resolve_unit_status),
    recent_news=unit_field(
        graphene.List(graphene.NonNull(lambda: registry.pages[news_articles()])),
        recent_news,
        required=True,
        limit=graphene.Int(default_value=5, description="1 to 20."),
        description="The newest published articles naming this unit.",
    ),
)


def resolve_role_label(position, info):
    code = language_codes(info.context)[chain_of(position)[0].pk]
    return role_label(position.role, code)


def relation_as_read(field):
    """A resolver of a row's relation (a position's person, a company's tier) as
    the readers of the row see it."""
    return lambda row, info: as_read(info, row, getattr(row, field))


extend(
    Position,
    role_label=graphene.Field(
        graphene.String,
        required=True,
        resolver=resolve_role_label,
        description="The role in the locale.",
    ),
    person=graphene.Field(
        of(Person), required=True, resolver=relation_as_read("person")
    ),
    unit=graphene.Field(of(OrgUnit), required=True, resolver=relation_as_read("unit")),
)


# Members -------------------------------------------------------------------------


def member_counts(request):
    """Active member companies per tier translation key, once per request."""

    def load():
        companies = MemberCompany.objects.filter(active=True).order_by()
        counts = companies.values_list("tier__translation_key").annotate(n=Count("id"))
        return dict(counts)

    return per_request(request, "member-counts", load)


def tiers_in(request, locale):
    """The tiers, highest first, as readers of `locale` see them."""
    tiers = MembershipTier.objects.filter(locale=Locale.get_default())
    return snippets_in_chain(request, tiers.order_by("rank", "pk"), (locale,))


extend(
    MembershipTier,
    member_count=graphene.Field(
        graphene.Int,
        required=True,
        resolver=lambda tier, info: member_counts(info.context).get(
            tier.translation_key, 0
        ),
        description="Active member companies in this tier.",
    ),
)


def resolve_company_name(company, info):
    return company.name_in(language_codes(info.context)[chain_of(company)[0].pk])


extend(
    MemberCompany,
    name=graphene.Field(
        graphene.String,
        required=True,
        resolver=resolve_company_name,
        description="The name in the reader's locale: the registered name in "
        "Traditional characters on zh-hant, the English name (else the registered "
        "name) on en.",
    ),
    registered_name=graphene.Field(
        graphene.String,
        required=True,
        resolver=lambda company, info: company.name,
        description="The registered (legal) name, as registered, in every locale.",
    ),
    tier=graphene.Field(
        of(MembershipTier), required=True, resolver=relation_as_read("tier")
    ),
    region=graphene.Field(of(Region), resolver=relation_as_read("region")),
    industry=graphene.Field(of(Industry), resolver=relation_as_read("industry")),
)

MemberCompanyList = paginated_type(
    "MemberCompanyList",
    of(MemberCompany),
    "One page of the member directory, with the counts a paginator needs.",
    estimates=True,
)


@root_query
class MembersQuery:
    membership_tiers = list_of(
        MembershipTier,
        locale=locale_argument(),
        description="The membership tiers, highest first, with active member counts.",
    )
    # Nullable, as every rate-limited root field (`search`): over the limit, the
    # other root fields of the query keep their data.
    member_companies = graphene.Field(
        MemberCompanyList,
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
        return tiers_in(info.context, resolve_locale(locale))

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
        for argument, value, model in (
            ("tier", tier, MembershipTier),
            ("region", region, Region),
            ("industry", industry, Industry),
        ):
            if value:
                # Translations share the slug: any locale's row names it.
                if not model.objects.filter(slug=value).exists():
                    raise unknown(argument, value, argument)
                companies = companies.filter(**{f"{argument}__slug": value})
        order, count = ("tier__rank", "name", "pk"), None
        if search is not None:
            found = matching(
                info.context, companies, search, "MEMBER_COMPANY", [locale]
            )
            companies, count = found.queryset, found.count
            order = ("-search_score", *order)
        companies = companies.order_by(*order)

        return paginate(
            MemberCompanyList,
            companies,
            page,
            per_page,
            settings.CMS_MEMBERS_MAX_PER_PAGE,
            lambda page_of_companies: mark(page_of_companies, (locale,)),
            count,
        )


# The organisation's structure ------------------------------------------------------


class OrganisationOverview(graphene.ObjectType):
    """The association at a glance, computed from the data."""

    member_count = graphene.Int(required=True)
    tiers = list_of(MembershipTier)
    committee_count = graphene.Int(required=True)
    unit_count = graphene.Int(required=True)


def organisation_overview(request, locale):
    """The association's statistics, computed from the data, named in `locale`."""
    units = OrgUnit.objects.filter(locale=Locale.get_default())
    return OrganisationOverview(
        member_count=sum(member_counts(request).values()),
        tiers=tiers_in(request, locale),
        committee_count=units.filter(unit_type=OrgUnit.UnitType.COMMITTEE).count(),
        unit_count=units.count(),
    )


def committees(context):
    return [u for u in context.units if u.unit_type == OrgUnit.UnitType.COMMITTEE]


@root_query
class StructureQuery:
    organisation = graphene.Field(
        graphene.NonNull(OrganisationOverview),
        locale=locale_argument(),
        description="Statistics of the association, computed from the data.",
    )
    org_units = list_of(
        OrgUnit,
        locale=locale_argument(),
        description="The units as a tree: the top units, each with its children.",
    )
    committees = list_of(OrgUnit, locale=locale_argument())
    committee = graphene.Field(
        of(OrgUnit),
        slug=graphene.String(required=True),
        locale=locale_argument(),
    )
    people = list_of(
        Position,
        locale=locale_argument(),
        unit=graphene.String(description="Slug of a unit."),
        current=graphene.Boolean(
            default_value=True, description="Only positions held today."
        ),
        description="People by their positions, in role order.",
    )

    def resolve_organisation(self, info, locale=None):
        return organisation_overview(info.context, resolve_locale(locale))

    def resolve_org_units(self, info, locale=None):
        context = structure(info.context, resolve_locale(locale).pk)
        roots = [u for u in context.units if u.parent_id is None]
        return context.editions(sorted(roots, key=lambda u: (u.sort_order, u.pk)))

    def resolve_committees(self, info, locale=None):
        context = structure(info.context, resolve_locale(locale).pk)
        return context.editions(committees(context))

    def resolve_committee(self, info, slug, locale=None):
        context = structure(info.context, resolve_locale(locale).pk)
        found = [unit for unit in committees(context) if unit.slug == slug]
        return context.editions(found)[0] if found else None

    def resolve_people(self, info, locale=None, unit=None, current=True):
        current = True if current is None else current
        context = structure(info.context, resolve_locale(locale).pk)
        positions = Position.objects.filter(unit__locale=Locale.get_default())
        if current:
            positions = positions.current()
        if unit:
            if not any(row.slug == unit for row in context.units):
                raise unknown("unit", unit, "unit")
            positions = positions.filter(unit__slug=unit)
        return context.held(positions.select_related("person__photo", "unit"))


extend(
    OrganisationIndexPage,
    statistics=graphene.Field(
        OrganisationOverview,
        required=True,
        resolver=lambda page, info: organisation_overview(info.context, page.locale),
        description="Members per tier, committees and units, from the data.",
    ),
)


# What the response cache cannot find out itself (cms.api.caching). The
# structure is read in the default locale whatever the locale asked (each row
# then shown in its edition), and positions are those held today: these answers
# depend on the default locale's lists too, and last until midnight.
def structure_lists(root, info, args, codes):
    responses.until_midnight()
    default = [settings.LANGUAGE_CODE]
    return [
        key
        for model in (OrgUnit, Position, Person, MembershipTier, MemberCompany)
        for key in caching.list_keys(model, [*default, *codes])
    ]


for _field in ("orgUnits", "committees", "committee", "people", "organisation"):
    caching.declare("Query", _field, structure_lists)
caching.declare("OrganisationIndexPage", "statistics", structure_lists)
caching.declare(
    "Query",
    "membershipTiers",
    lambda root, info, args, codes: caching.list_keys(
        MembershipTier, [settings.LANGUAGE_CODE, *codes]
    ),
)
caching.declare(
    "MembershipTier",
    "memberCount",
    lambda root, info, args, codes: [changes.list_key(MemberCompany)],
)
responses.dated(OrgUnit, Position, Person)
