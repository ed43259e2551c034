"""Membership: tiers and member companies."""

import graphene
from django.db import models
from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLField, GraphQLInt
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from cms.localization.translators import in_script_of
from home.graphql_fields import texts
from home.models import (
    SlugKeyed,
    TranslatableLabel,
    default_locale_relation,
    optional_image,
    unique_slug_per_locale,
)

from ..credit_code import normalise as normalise_credit_code
from ..credit_code import validate_credit_code


class MembershipTier(SlugKeyed):
    """A membership tier (常务副会长单位, 副会长单位, 常务理事单位, 理事单位, 会员单位).

    A translatable snippet: readers see its name in their language. Companies point
    at the default locale's tier; its translations share the translation key, which
    is how the directory names a company's tier in any locale. `rank` orders the
    tiers from the highest (1) down.
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, help_text=_("Stable key used by the API's filters.")
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=1, help_text=_("1 is the highest tier.")
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("rank")]

    # memberCount: organisation.schema.
    graphql_fields = [
        *texts("name", "slug"),
        GraphQLInt("rank", required=True, description="1 is the highest tier."),
    ]

    class Meta(SlugKeyed.Meta):
        verbose_name = _("membership tier")
        verbose_name_plural = _("membership tiers")
        ordering = ["rank", "pk"]
        constraints = [unique_slug_per_locale("unique_membership_tier_slug_per_locale")]


class Region(TranslatableLabel):
    """A city or county of Zhejiang (杭州市西湖区; Xihu District, Hangzhou) that the
    member directory files companies under. Companies point at the default
    locale's row; readers see its translation."""

    class Meta(TranslatableLabel.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Industry(TranslatableLabel):
    """An industry (制造业; Manufacturing)."""

    class Meta(TranslatableLabel.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class MemberCompany(index.Indexed, models.Model):
    """A member company of the association, one row per company.

    A snippet, not a page: there are thousands, they are edited as records and
    listed in a directory, and none has content of its own. Not translatable: the
    registered name is the legal name in every language, so readers see it in
    their script (`name_in`: converted on the zh-hant site) or the company's
    English name on the English site; what readers see translated (tier, region,
    industry) comes from translatable snippets. The credit code identifies a
    company, so imports update rather than duplicate.
    """

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("The registered name, in Simplified Chinese."),
    )
    english_name = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown on the English site; empty: the registered name is shown there."
        ),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, e.g. 91330106MA2H3J9H09."),
    )
    tier = default_locale_relation(
        MembershipTier, _("membership tier"), models.PROTECT, "companies"
    )
    region = default_locale_relation(
        Region,
        _("region"),
        models.PROTECT,
        "companies",
        optional=True,
        help_text=_("City and county in Zhejiang, e.g. 杭州市西湖区."),
    )
    industry = default_locale_relation(
        Industry, _("industry"), models.PROTECT, "companies", optional=True
    )
    website = models.URLField(_("website"), blank=True)
    logo = optional_image(_("logo"))
    join_date = models.DateField(_("join date"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    representative = default_locale_relation(
        "organisation.Person",
        _("representative"),
        models.SET_NULL,
        "represented_companies",
        optional=True,
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("english_name"),
        FieldPanel("credit_code"),
        FieldPanel("tier"),
        FieldPanel("region"),
        FieldPanel("industry"),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("join_date"),
        FieldPanel("active"),
        FieldPanel("representative"),
    ]

    # Filter fields: the admin listing's columns and filters, which an editor
    # sorts and filters search results by. The database backends run the
    # query itself and need none; a search service (OpenSearch) needs them.
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("english_name"),
        index.SearchField("credit_code"),
        index.FilterField("name"),
        index.FilterField("credit_code"),
        index.FilterField("tier"),
        index.FilterField("region"),
        index.FilterField("industry"),
        index.FilterField("active"),
    ]

    # The name, tier, region and industry are named in the reader's locale
    # (organisation.schema).
    graphql_fields = [
        *texts("english_name", "credit_code", "website"),
        GraphQLField("join_date", graphene.Date),
    ]

    class Meta:
        verbose_name = _("member company")
        verbose_name_plural = _("member companies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def name_in(self, language_code):
        """The name readers of `language_code` see: in Chinese, the registered
        name in their script; otherwise the English name, or the registered name
        where there is none."""
        if language_code.startswith("zh"):
            return in_script_of(self.name, language_code)
        return self.english_name or self.name

    def clean(self):
        self.credit_code = normalise_credit_code(self.credit_code)
