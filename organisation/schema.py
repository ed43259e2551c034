"""GraphQL root fields of the member directory: membershipTiers and
memberCompanies.

Hand-written types, because a company's tier must be named in the requested locale:
companies point at the default locale's tier, and the tier's translation in the
requested locale (same translation key) gives the name.
"""

import graphene
from django.conf import settings
from django.db.models import Count
from wagtail.models import Locale

from cms.api.locales import resolve_locale
from cms.api.pagination import paginate, paginated_type, paging_arguments

from .models import MemberCompany, MembershipTier

LOCALE_HELP = "Language code (zh-hans, zh-hant, en); the default locale if left out."


class DirectoryTier(graphene.ObjectType):
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
    region = graphene.String(required=True)
    industry = graphene.String(required=True)
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


class MembersQuery:
    membership_tiers = graphene.List(
        graphene.NonNull(DirectoryTierCount),
        required=True,
        locale=graphene.String(description=LOCALE_HELP),
        description="The membership tiers, highest first, with active member counts.",
    )
    member_companies = graphene.Field(
        graphene.NonNull(MemberCompanyList),
        locale=graphene.String(description=LOCALE_HELP),
        tier=graphene.String(description="Slug of a membership tier."),
        region=graphene.String(description="Exact region, e.g. 杭州市西湖区."),
        industry=graphene.String(description="Exact industry, e.g. 制造业."),
        **paging_arguments(settings.MEMBERS_MAX_PER_PAGE),
        description="Active member companies, by tier (highest first) and name.",
    )

    def resolve_membership_tiers(self, info, locale=None):
        names = tier_names(resolve_locale(locale))
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
            )
            for tier in tiers.order_by("rank", "pk")
        ]

    def resolve_member_companies(
        self,
        info,
        locale=None,
        tier=None,
        region=None,
        industry=None,
        page=None,
        per_page=None,
    ):
        names = tier_names(resolve_locale(locale))
        companies = MemberCompany.objects.filter(active=True).select_related("tier")
        if tier:
            companies = companies.filter(tier__slug=tier)
        if region:
            companies = companies.filter(region=region)
        if industry:
            companies = companies.filter(industry=industry)
        companies = companies.order_by("tier__rank", "name", "pk")

        def load(page_of_companies):
            return [
                DirectoryCompany(
                    name=c.name,
                    credit_code=c.credit_code,
                    tier=DirectoryTier(**directory_tier(c.tier, names)),
                    region=c.region,
                    industry=c.industry,
                    website=c.website,
                    join_date=c.join_date,
                )
                for c in page_of_companies
            ]

        return paginate(
            MemberCompanyList,
            companies,
            page,
            per_page,
            settings.MEMBERS_MAX_PER_PAGE,
            load,
        )
