"""The organisation in the search index: units and committees, people (with the
roles they hold now), and member companies (with their region and industry, in
each locale)."""

from django.utils.translation import gettext_lazy as _
from grapple.registry import registry
from wagtail.search.backends import get_search_backend

from cms.content.editions import all_editions, language_codes, mark
from cms.search import index
from cms.search.documents import Document, Texts, register
from cms.search.text import normalise

from .models import (
    Industry,
    MemberCompany,
    OrgUnit,
    Person,
    Position,
    Region,
    role_label,
)


def read_in_entries_locales(rows, entries):
    """The rows of `rows` (a queryset) that `entries` index, each read in its
    entry's locale: an edition in its own, a company in each of the locales it
    was found in."""
    found = rows.in_bulk([e.object_id for e in entries])
    return [mark([found[e.object_id]], (e.locale,))[0] for e in entries]


@register
class OrgUnitDocument(Document):
    """Units by name and description. (A committee page's body is not indexed: a
    restriction put on the page later would not reach the unit's entry.)"""

    model = OrgUnit
    kinds = {"COMMITTEE": _("specialist committee"), "UNIT": _("unit")}
    # Few, and where a reader typing a unit's name wants to go: first.
    suggestion_weight = 3

    def kind(self, unit):
        return "COMMITTEE" if unit.unit_type == OrgUnit.UnitType.COMMITTEE else "UNIT"

    def texts(self, unit):
        return Texts(unit.name, unit.description)

    def graphql_types(self):
        return (registry.models[OrgUnit],)

    def results(self, request, entries, fields):
        return read_in_entries_locales(OrgUnit.objects.all(), entries)


@register
class PersonDocument(Document):
    """People who hold or held a position (the people the structure API shows),
    by name, by their roles and where (秘书处 秘书长), and by biography. Others
    (a company's representative, say) are not public, so not indexed."""

    model = Person
    kinds = {"PERSON": _("person")}
    suggestion_weight = 2
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
        return (registry.models[Person],)

    def results(self, request, entries, fields):
        return read_in_entries_locales(Person.objects.select_related("photo"), entries)


@register
class MemberCompanyDocument(Document):
    """Active member companies by name and credit code, and by region and industry
    as each locale names them: one entry per locale, its title the name the
    locale shows (an excerpt's text), the registered and English names after it
    where they read otherwise, so that each is found."""

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
        codes = language_codes()
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

        def texts(company, locale_id, code):
            shown = company.name_in(code)
            titles = {normalise(shown): shown}
            for other in (company.name, company.english_name):
                titles.setdefault(normalise(other), other)
            place = [name(company.region, locale_id), name(company.industry, locale_id)]
            return Texts(
                " ".join(filter(None, titles.values())),
                " · ".join(filter(None, place)),
                labels=(company.credit_code,),
                shown=shown,
            )

        return [
            self.entry(company, locale_id, texts(company, locale_id, code))
            for company in companies
            for locale_id, code in codes.items()
        ]

    def graphql_types(self):
        return (registry.models[MemberCompany],)

    def results(self, request, entries, fields):
        companies = MemberCompany.objects.select_related("tier", "region", "industry")
        return read_in_entries_locales(companies, entries)


def index_companies(companies):
    """Index companies written in bulk (imports, the demo), which sends no signals:
    in our search index and in Wagtail's, which the admin's listing searches."""
    get_search_backend().add_bulk(MemberCompany, companies)
    index.update(MemberCompany, [company.pk for company in companies])
