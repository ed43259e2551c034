"""The organisation in the search index: units and committees, people (with the
roles they hold now), and member companies (with their region and industry, in
each locale)."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale
from wagtail.search.backends import get_search_backend

from cms.content.editions import all_editions, language_codes
from cms.content.requests import per_request
from cms.search import index
from cms.search.documents import Document, Texts, register

from .models import (
    Industry,
    MemberCompany,
    OrgUnit,
    Person,
    Position,
    Region,
    role_label,
)
from .schema import (
    Committee,
    DirectoryCompany,
    OrgPerson,
    OrgUnitRef,
    StructureContext,
    directory_companies,
)


def structure_in(request, locale):
    """The StructureContext of `locale`, once per request."""
    return per_request(
        request, ("structure", locale.pk), lambda: StructureContext(locale)
    )


def default_rows(model, entries):
    """The default locale's rows standing for `entries` of a translatable model
    (relations and positions point at those)."""
    rows = model.objects.in_bulk([e.object_id for e in entries])
    keys = {rows[e.object_id].translation_key for e in entries}
    defaults = model.objects.filter(
        translation_key__in=keys, locale=Locale.get_default()
    )
    by_key = {row.translation_key: row for row in defaults}
    return [
        by_key.get(rows[e.object_id].translation_key, rows[e.object_id])
        for e in entries
    ]


@register
class OrgUnitDocument(Document):
    """Units by name and description. (A committee page's body is not indexed: a
    restriction put on the page later would not reach the unit's entry.)"""

    model = OrgUnit
    kinds = {"COMMITTEE": _("specialist committee"), "UNIT": _("unit")}

    def kind(self, unit):
        return "COMMITTEE" if unit.unit_type == OrgUnit.UnitType.COMMITTEE else "UNIT"

    def texts(self, unit):
        return Texts(unit.name, unit.description)

    def graphql_types(self):
        return (Committee, OrgUnitRef)

    def results(self, request, entries):
        units = default_rows(OrgUnit, entries)
        results = []
        for entry, unit in zip(entries, units, strict=True):
            context = structure_in(request, entry.locale)
            if entry.kind == "COMMITTEE":
                results.append(context.committee(unit))
            else:
                results.append(context.unit_ref(unit))
        return results


@register
class PersonDocument(Document):
    """People who hold or held a position (the people the structure API shows),
    by name, by their roles and where (秘书处 秘书长), and by biography. Others
    (a company's representative, say) are not public, so not indexed."""

    model = Person
    kinds = {"PERSON": _("person")}
    watches = {
        Position: lambda position: all_editions(
            Person, Person.objects.filter(pk=position.person_id)
        ),
        OrgUnit: lambda unit: all_editions(
            Person,
            Person.objects.filter(
                positions__unit__in=all_editions(
                    OrgUnit, OrgUnit.objects.filter(pk=unit.pk)
                )
            ),
        ),
    }

    def indexable(self):
        with_positions = Person.objects.filter(positions__isnull=False)
        return all_editions(Person, with_positions)

    def entries(self, people):
        people = list(people)
        codes = language_codes()
        positions = Position.objects.filter(
            person__in=all_editions(
                Person, Person.objects.filter(pk__in=[p.pk for p in people])
            )
        ).select_related("person", "unit")
        held = {}
        for position in positions:
            held.setdefault(position.person.translation_key, []).append(position)
        unit_names = {
            (unit.translation_key, unit.locale_id): unit.name
            for unit in OrgUnit.objects.filter(
                translation_key__in={p.unit.translation_key for p in positions}
            )
        }

        def roles(person):
            code = codes[person.locale_id]
            lines = []
            for position in held.get(person.translation_key, []):
                key = (position.unit.translation_key, person.locale_id)
                unit = unit_names.get(key, position.unit.name)
                role = role_label(position.role, code)
                # 秘书处 秘书长; Secretary-general, Secretariat
                lines.append(f"{role}, {unit}" if code == "en" else f"{unit} {role}")
            return "\n".join(lines)

        return [
            self.entry(p, p.locale_id, Texts(p.name, roles(p), p.biography))
            for p in people
        ]

    def graphql_types(self):
        return (OrgPerson,)

    def results(self, request, entries):
        people = default_rows(Person, entries)
        return [
            structure_in(request, entry.locale).person(person)
            for entry, person in zip(entries, people, strict=True)
        ]


@register
class MemberCompanyDocument(Document):
    """Active member companies by name and credit code, and by region and industry
    as each locale names them: one entry per locale."""

    model = MemberCompany
    kinds = {"MEMBER_COMPANY": _("member company")}
    watches = {
        label: lambda row, field=field: MemberCompany.objects.filter(
            **{f"{field}__translation_key": row.translation_key}
        )
        for label, field in ((Region, "region"), (Industry, "industry"))
    }

    def indexable(self):
        return MemberCompany.objects.filter(active=True).select_related(
            "region", "industry"
        )

    def entries(self, companies):
        companies = list(companies)
        locale_ids = list(language_codes())
        names = {
            model: {
                (row.translation_key, row.locale_id): row.name
                for row in model.objects.all()
            }
            for model in (Region, Industry)
        }

        def name(row, locale_id):
            if row is None:
                return ""
            return names[type(row)].get((row.translation_key, locale_id), row.name)

        return [
            self.entry(
                company,
                locale_id,
                Texts(
                    company.name,
                    " · ".join(
                        filter(
                            None,
                            [
                                name(company.region, locale_id),
                                name(company.industry, locale_id),
                            ],
                        )
                    ),
                    labels=(company.credit_code,),
                ),
            )
            for company in companies
            for locale_id in locale_ids
        ]

    def graphql_types(self):
        return (DirectoryCompany,)

    def results(self, request, entries):
        companies = MemberCompany.objects.select_related(
            "tier", "region", "industry"
        ).in_bulk([e.object_id for e in entries])
        views = {}
        for locale in {entry.locale for entry in entries}:
            own = [e for e in entries if e.locale == locale]
            found = directory_companies([companies[e.object_id] for e in own], locale)
            views.update(zip(own, found, strict=True))
        return [views[entry] for entry in entries]


def index_companies(companies):
    """Index companies written in bulk (imports, the demo), which sends no signals:
    in our search index and in Wagtail's, which the admin's listing searches."""
    get_search_backend().add_bulk(MemberCompany, companies)
    index.update(MemberCompany, [company.pk for company in companies])
