"""The demo site: three locale trees, their section roots, a real news article, and
the site's settings and menus in every locale.

`load_demo` (and `make run`) call `load()`. It only creates what is missing and never
edits or re-publishes what exists, so running it again changes nothing and editors'
changes to demo pages survive.
"""

import io
import uuid
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Locale, Page, Site
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import Translation, TranslationSource

from cms.localization.sync import machine_translate
from cms.search.models import SearchEntry
from home.models import HomePage, Menu, SiteSettings
from home.roles import ensure_roles
from newsroom.importer import LegacyNewsImporter
from newsroom.models import NewsArticlePage, NewsCategory, NewsIndexPage
from organisation import demo_data, demo_members
from organisation.models import (
    CommitteeIndexPage,
    CommitteePage,
    Industry,
    MemberCompany,
    MembershipTier,
    OrganisationIndexPage,
    OrgUnit,
    Person,
    Position,
    Region,
)
from organisation.search import index_companies

from .data import NEWS_CATEGORIES, SITE_NAME, page_fields

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LEGACY_ARTICLE = CONTENT_DIR / "2021-07-12-party-building-guidance-visit.txt"
# The human English translation of that article (and of its category), as a PO
# file: msgid is the Traditional Chinese segment, msgstr the English.
LEGACY_ARTICLE_ENGLISH = LEGACY_ARTICLE.with_suffix(".en.po")

DEMO_NAMESPACE = uuid.UUID("5b0f3c1e-9d1a-4c1e-8f0a-7a3e2d1c0b9a")
SECTIONS = [("news", NewsIndexPage), ("about", OrganisationIndexPage)]
DEMO_COMPANIES = 5000


def demo_key(name):
    """The translation key of a demo page: the same on every machine and every run,
    so the loader recognises its pages and their translations share a key."""
    return uuid.uuid5(DEMO_NAMESPACE, name)


def ensure_page(parent, locale, model, name, slug, **fields):
    """The demo page `name` in `locale`, created and published below `parent` if
    missing. It is found by its translation key, so a page an editor has renamed or
    moved is not created again."""
    key = demo_key(name)
    existing = model.objects.filter(translation_key=key, locale=locale).first()
    if existing is not None:
        return existing
    page = model(slug=slug, locale=locale, translation_key=key, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_default_site(home):
    """Point the default Site at the default locale's home page, if it has none.

    Wagtail's first migration makes a placeholder "Welcome" page the site root; the
    demo replaces it (and removes it if nobody has put pages below it), but leaves a
    site alone that already has a real root page.
    """
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            root_page=home,
            is_default_site=True,
            site_name=SITE_NAME,
        )
        return
    placeholder = site.root_page.specific
    if type(placeholder) is not Page:
        return  # A real home page already: the demo's, or one an editor chose.
    site.root_page = home
    site.site_name = SITE_NAME
    site.save()
    if placeholder.is_leaf():
        placeholder.delete()


def ensure_tiers(locales):
    """The five membership tiers in every locale; returns the default locale's by
    slug."""
    for rank, (slug, *names) in enumerate(demo_members.TIERS, 1):
        for locale, name in zip(locales, names, strict=True):
            MembershipTier.objects.get_or_create(
                translation_key=demo_key(f"tier:{slug}"),
                locale=locale,
                defaults={"name": name, "slug": slug, "rank": rank},
            )
    return {
        tier.slug: tier for tier in MembershipTier.objects.filter(locale=locales[0])
    }


def ensure_labels(model, entries, locales):
    """Regions or industries in every locale; the default locale's by slug."""
    for slug, *names in entries:
        for locale, name in zip(locales, names[: len(locales)], strict=True):
            model.objects.get_or_create(
                translation_key=demo_key(f"{model.__name__}:{slug}"),
                locale=locale,
                defaults={"name": name, "slug": slug},
            )
    return {row.slug: row for row in model.objects.filter(locale=locales[0])}


def ensure_member_companies(locales, tiers):
    """About 5,000 generated member companies, so the directory runs at its real
    size; those missing (by credit code) are created, the others left alone."""
    regions = ensure_labels(Region, demo_members.REGIONS, locales)
    industries = ensure_labels(Industry, demo_members.INDUSTRIES, locales)
    companies = demo_members.generated_companies(DEMO_COMPANIES)
    existing = set(MemberCompany.objects.values_list("credit_code", flat=True))
    new = MemberCompany.objects.bulk_create(
        MemberCompany(
            **{
                **company,
                "tier": tiers[company["tier"]],
                "region": regions.get(company["region"]),
                "industry": industries.get(company["industry"]),
            }
        )
        for company in companies
        if company["credit_code"] not in existing and company["tier"] in tiers
    )
    if new:
        index_companies(new)


def ensure_unit(locales, entry, unit_type, parent=None, order=0, suffixes=None):
    """One organisational unit in every locale; returns the default locale's."""
    slug, *names = entry
    source = None
    for index, (locale, name) in enumerate(zip(locales, names, strict=True)):
        unit, _created = OrgUnit.objects.get_or_create(
            translation_key=demo_key(f"unit:{slug}"),
            locale=locale,
            defaults={
                "name": name + (suffixes[index] if suffixes else ""),
                "slug": slug,
                "unit_type": unit_type,
                "parent": parent,
                "sort_order": order,
            },
        )
        source = source or unit
    return source


def ensure_structure(locales):
    """The association, its secretariat, party branch and 25 specialist
    committees, and the people of the 2021 article with their positions."""
    Type = OrgUnit.UnitType
    units = {
        "association": ensure_unit(locales, demo_data.ASSOCIATION, Type.ASSOCIATION)
    }
    top = units["association"]
    units["secretariat"] = ensure_unit(
        locales, demo_data.SECRETARIAT, Type.SECRETARIAT, top, 1
    )
    ensure_unit(locales, demo_data.PARTY_BRANCH, Type.PARTY_BRANCH, top, 2)
    group = ensure_unit(locales, demo_data.COMMITTEE_GROUP, Type.GROUP, top, 3)
    committees = [
        ensure_unit(
            locales, entry, Type.COMMITTEE, group, order, demo_data.COMMITTEE_SUFFIX
        )
        for order, entry in enumerate(demo_data.COMMITTEES, 1)
    ]
    units.update((committee.slug, committee) for committee in committees)
    for slug, *names, positions in demo_data.PEOPLE:
        person = None
        for locale, name in zip(locales, names, strict=True):
            row, _created = Person.objects.get_or_create(
                translation_key=demo_key(f"person:{slug}"),
                locale=locale,
                defaults={"name": name},
            )
            person = person or row
        for unit_slug, role in positions:
            Position.objects.get_or_create(
                person=person, unit=units[unit_slug], role=role
            )
    return group, committees


def ensure_committee_pages(about_pages, group, committees):
    """A committee index below each locale's organisation section, with a page for
    every committee, titled as its unit is named in that locale."""

    def name_in(unit, locale):
        return OrgUnit.objects.get(
            translation_key=unit.translation_key, locale=locale
        ).name

    for about in about_pages:
        locale = about.locale
        index = ensure_page(
            about,
            locale,
            CommitteeIndexPage,
            "committees",
            "committees",
            title=name_in(group, locale),
        )
        for unit in committees:
            ensure_page(
                index,
                locale,
                CommitteePage,
                f"committee:{unit.slug}",
                unit.slug,
                title=name_in(unit, locale),
                unit=unit,
            )


def ensure_locales():
    """A Locale for each content language, default first."""
    return [
        Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
    ]


# The places the old site's encoding damaged in LEGACY_ARTICLE, as an editor
# corrects them: the college's name and the third of 正規化、優質化、規模化.
LEGACY_CORRECTIONS = [
    ("院?!\ue034憬\ue162L征", "院校浙江長征"),
    ("規?;?", "規模化"),
]


def import_legacy_article(report):
    """The old site's article in the Traditional Chinese tree, as editors get it:
    imported through the newsroom importer, which keeps it a draft that needs
    review (its text is damaged), then corrected and published as an editor would,
    in a second revision. Left alone once it exists, so that a second run does not
    bring the damage back."""
    existing = NewsArticlePage.objects.filter(
        locale__language_code="zh-hant", legacy_id=LEGACY_ARTICLE.name
    ).first()
    if existing is not None:
        return existing
    result = LegacyNewsImporter("zh-hant").import_file(LEGACY_ARTICLE)
    if result.error:
        raise RuntimeError(result.error)
    for line in [f"{result.action}: {result.title}", *result.notes]:
        report(line)
    article = result.article.get_latest_revision_as_object()
    body = article.body.raw_data
    for position, block in enumerate(body):
        if block["type"] == "paragraph":
            text = block["value"]
            for damaged, correct in LEGACY_CORRECTIONS:
                text = text.replace(damaged, correct)
            body[position] = {**block, "value": text}
    article.needs_review = False
    article.save_revision(log_action=True).publish()
    report(f"corrected and published: {article.title}")
    return NewsArticlePage.objects.get(pk=article.pk)


def ensure_translation(instance, locale, fill):
    """`instance`'s translation into `locale` through wagtail-localize, its strings
    filled by `fill(translation)`, published; left alone once it exists."""
    existing = instance.get_translation_or_none(locale)
    if existing is not None:
        return existing
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    translation = Translation.objects.get_or_create(
        source=source, target_locale=locale
    )[0]
    fill(translation)
    translation.save_target(publish=True)
    return instance.get_translation(locale)


def fill_from_po(path):
    """A `fill` that takes a human translation from a PO file, matched by msgid."""

    def fill(translation):
        english = {entry.msgid: entry.msgstr for entry in polib.pofile(str(path))}
        po = translation.export_po()
        for entry in po:
            entry.msgstr = english.get(entry.msgid, "")
        po.metadata.pop("X-WagtailLocalize-TranslationID", None)
        translation.import_po(po)

    return fill


def ensure_article_editions(original):
    """The article's other editions: zh-hans converted by the machine translator
    (OpenCC), English from LEGACY_ARTICLE_ENGLISH. Its category first, so that each
    edition gets the category of its own locale."""
    locales = {loc.language_code: loc for loc in Locale.objects.all()}
    machine = get_machine_translator()
    fills = {
        "zh-hans": lambda translation: machine_translate(translation, machine),
        "en": fill_from_po(LEGACY_ARTICLE_ENGLISH),
    }
    for code, fill in fills.items():
        for category in original.categories.all():
            ensure_translation(category, locales[code], fill)
        ensure_translation(original, locales[code], fill)


# The supervising department, linked from the footer: label per locale.
DEPARTMENT = (
    "https://jxt.zj.gov.cn/",
    {
        "zh-hans": "浙江省经济和信息化厅",
        "zh-hant": "浙江省經濟和信息化廳",
        "en": "Department of Economy and Information Technology of Zhejiang",
    },
)


def menu_entry(page=None, url="", label="", children=()):
    """A menu item as stored (home.blocks.MenuItemBlock)."""
    value = {"page": page and page.pk, "url": url, "label": label}
    value["children"] = list(children)
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def ensure_site_content(locales):
    """The association's settings and its header and footer menus in every locale
    (created once, then left to editors). Only its name is known here: the
    address, numbers and filings are the secretariat's to enter."""

    def page(name, locale):
        return Page.objects.get(translation_key=demo_key(name), locale=locale)

    for locale, name in zip(locales, demo_data.ASSOCIATION[1:], strict=True):
        code = locale.language_code
        SiteSettings.objects.get_or_create(
            translation_key=demo_key("site-settings"),
            locale=locale,
            defaults={"name": name},
        )
        news, about = page("news", locale), page("about", locale)
        url, labels = DEPARTMENT
        items = {
            Menu.Key.HEADER: [
                menu_entry(news),
                menu_entry(about, children=[menu_entry(page("committees", locale))]),
            ],
            Menu.Key.FOOTER: [
                menu_entry(about),
                menu_entry(url=url, label=labels[code]),
            ],
        }
        for key, entries in items.items():
            Menu.objects.get_or_create(
                translation_key=demo_key(f"menu:{key}"),
                locale=locale,
                defaults={"key": key, "items": entries},
            )


@transaction.atomic
def load(report=lambda line: None):
    """Create whatever of the demo site is missing; return the home pages by locale.

    `report` receives a line for each thing worth telling (the importer's notes).
    """
    root = Page.get_first_root_node()
    homes = {}
    locales = ensure_locales()
    texts = page_fields([locale.language_code for locale in locales])
    about_pages = []
    for locale in locales:
        code = locale.language_code
        home = homes[code] = ensure_page(
            root, locale, HomePage, "home", f"home-{code}", **texts[code]["home"]
        )
        for slug, model in SECTIONS:
            page = ensure_page(home, locale, model, slug, slug, **texts[code][slug])
            if slug == "about":
                about_pages.append(page)
    ensure_labels(NewsCategory, NEWS_CATEGORIES, locales)
    ensure_article_editions(import_legacy_article(report))
    ensure_member_companies(locales, ensure_tiers(locales))
    ensure_committee_pages(about_pages, *ensure_structure(locales))
    ensure_site_content(locales)
    ensure_default_site(homes[settings.LANGUAGE_CODE])
    # The trees exist now: their page permissions and the news workflow.
    ensure_roles()
    if not SearchEntry.objects.exists():
        # Content from before the search index existed: both indexes, rebuilt as
        # a restored backup's are.
        call_command("rebuild_search_index", stdout=io.StringIO())
    return homes
