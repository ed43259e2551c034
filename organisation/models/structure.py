"""The association's structure: units, people and the positions that join them.

All three are snippets, not pages: they are shown on many pages (the leadership
page, committee pages, news articles), are edited as records, and have no URL of
their own; a specialist committee gets its URL and rich content from its
CommitteePage, which points at its unit. Units and people are translatable; as with
membership tiers, relations point at the default locale's row and its translations
(same translation key) give the text in each language. The tree (a unit's parent),
a unit's type and order, and all positions are read from the default-locale rows.
"""

import graphene
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from grapple.models import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLImage,
    GraphQLString,
)
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from home.graphql_fields import texts
from home.models import (
    NamedTranslatable,
    SlugKeyed,
    default_locale_relation,
    optional_image,
    unique_slug_per_locale,
)

# Position roles: the key, the admin's label, and what readers see per locale.
ROLES = {
    "president": (_("President"), "会长", "會長", "President"),
    "executive-vice-president": (
        _("Executive vice-president"), "常务副会长", "常務副會長",
        "Executive vice-president",
    ),
    "vice-president": (_("Vice-president"), "副会长", "副會長", "Vice-president"),
    "secretary-general": (
        _("Secretary-general"), "秘书长", "秘書長", "Secretary-general"
    ),
    "deputy-secretary-general": (
        _("Deputy secretary-general"), "副秘书长", "副秘書長",
        "Deputy secretary-general",
    ),
    "party-secretary": (_("Party secretary"), "书记", "書記", "Party secretary"),
    "chair": (_("Chair"), "主任", "主任", "Chair"),
    "deputy-chair": (_("Deputy chair"), "副主任", "副主任", "Deputy chair"),
    "member": (_("Member"), "委员", "委員", "Member"),
    "staff": (_("Staff"), "工作人员", "工作人員", "Staff"),
}  # fmt: skip
ROLE_LOCALES = ("zh-hans", "zh-hant", "en")


def role_label(role, language_code):
    """The role as readers of `language_code` see it (zh-hans for an unknown one)."""
    labels = ROLES[role][1:]
    code = language_code if language_code in ROLE_LOCALES else "zh-hans"
    return labels[ROLE_LOCALES.index(code)]


class Person(index.Indexed, NamedTranslatable):
    """Someone who holds or held a position: a leader, a committee member, staff.

    Contact details are stored for the secretariat and published only when
    `contact_public` is set.
    """

    name = models.CharField(_("name"), max_length=100)
    photo = optional_image(_("photo"))
    biography = models.TextField(_("short biography"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    contact_public = models.BooleanField(
        _("publish contact details"),
        default=False,
        help_text=_("Show the email and phone number on the public site."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("photo"),
        FieldPanel("biography"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("contact_public"),
    ]
    # Filter fields: what the admin listing sorts and filters search results by
    # (for a search service; see MemberCompany.search_fields).
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("name"),
        index.FilterField("contact_public"),
        index.FilterField("locale"),
    ]

    # All from the edition itself: its texts, and contact details only when public.
    graphql_fields = [
        *texts("name", "biography"),
        GraphQLImage("photo"),
        GraphQLString("email", source="public_email"),
        GraphQLString("phone", source="public_phone"),
    ]

    # Contact details are the same in every language; only texts are translated.
    override_translatable_fields = [SynchronizedField("phone")]

    class Meta(NamedTranslatable.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    @property
    def public_email(self):
        return self.email if self.contact_public else None

    @property
    def public_phone(self):
        return self.phone if self.contact_public else None


class OrgUnit(index.Indexed, SlugKeyed):
    """A unit of the association: the association itself, the secretariat, the
    party branch, the specialist committees, service platforms. Units form a tree
    through `parent`."""

    class UnitType(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        SECRETARIAT = "secretariat", _("Secretariat")
        COMMITTEE = "committee", _("Specialist committee")
        PARTY_BRANCH = "party-branch", _("Party branch")
        PLATFORM = "platform", _("Service platform")
        GROUP = "group", _("Group of units")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)
    unit_type = models.CharField(
        _("type"), max_length=20, choices=UnitType.choices, default=UnitType.GROUP
    )
    parent = default_locale_relation(
        "self", _("part of"), models.PROTECT, "children", optional=True
    )
    description = models.TextField(_("description"), blank=True)
    contact = models.TextField(_("contact"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("unit_type"),
        FieldPanel("parent"),
        FieldPanel("description"),
        FieldPanel("contact"),
        FieldPanel("sort_order"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        # What the admin listing sorts and filters search results by (for a
        # search service; see MemberCompany.search_fields).
        index.FilterField("name"),
        index.FilterField("unit_type"),
        index.FilterField("parent"),
        index.FilterField("locale"),
    ]

    # An edition's texts. Its slug, type, url, positions, sub-units and news come
    # from the default locale's row, which relations point at (organisation.schema).
    graphql_fields = texts("name", "description", "contact")

    class Meta(SlugKeyed.Meta):
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["sort_order", "pk"]
        constraints = [unique_slug_per_locale("unique_org_unit_slug_per_locale")]

    def clean(self):
        """A unit cannot be part of itself, directly or through its parents: it
        would vanish from the tree."""
        unit, seen = self.parent, set()
        while unit is not None and unit.pk not in seen:
            if self.pk is not None and unit.pk == self.pk:
                raise ValidationError({"parent": _("A unit cannot be part of itself.")})
            seen.add(unit.pk)
            unit = unit.parent


class PositionQuerySet(models.QuerySet):
    def current(self, today=None):
        """Positions held today: started (or no start given) and not ended."""
        today = today or timezone.localdate()
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=today),
            Q(end_date__isnull=True) | Q(end_date__gte=today),
        )


class Position(Orderable):
    """A person's role in a unit for a time. Ended positions stay as history."""

    person = default_locale_relation(Person, _("person"), models.CASCADE, "positions")
    unit = default_locale_relation(OrgUnit, _("unit"), models.CASCADE, "positions")
    role = models.CharField(
        _("role"),
        max_length=40,
        choices=[(key, labels[0]) for key, labels in ROLES.items()],
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    # The role's label, the person and the unit are named in the reader's locale
    # (organisation.schema).
    graphql_fields = [
        GraphQLString("role", required=True, description="Stable key, e.g. chair."),
        GraphQLField("start_date", graphene.Date),
        GraphQLField("end_date", graphene.Date),
        GraphQLBoolean("current", required=True, source="is_current"),
    ]

    panels = [
        FieldPanel("person"),
        FieldPanel("unit"),
        FieldPanel("role"),
        FieldPanel("start_date"),
        FieldPanel("end_date"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return f"{self.person} · {self.get_role_display()} · {self.unit}"

    @property
    def is_current(self):
        today = timezone.localdate()
        started = self.start_date is None or self.start_date <= today
        return started and (self.end_date is None or self.end_date >= today)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start.")})
