"""The search corpus: what tests/search/test_relevance.py judged its queries
against, and what tests/search/test_search.py searches.

- The old site's 2021 article (a real export, demo/content), imported into
  zh-hant through the newsroom importer, its zh-hans edition made by the machine
  translator (OpenCC) and its English edition from the human PO file beside it.
- The association's structure as that article describes it: the units,
  committees and people of `organisation.demo_data`, built with
  `tests.factories.structure`.
- 5,000 member companies from the seeded generator
  (`factories.generated_member_companies`).

Why the demo's texts and generators rather than new ones: the relevance set was
judged by hand against these texts (a query's expected results depend on every
word of the article and every unit name), and `organisation.demo_data` and
`organisation.demo_members` are pure data (constants and a seeded generator),
not the demo loader: nothing here calls `demo.site.load` or reads the demo site,
and the rows are built by the tests' own factories.
"""

from dataclasses import dataclass

import polib
from django.conf import settings
from django.test import TestCase
from wagtail.models import Locale
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import Translation, TranslationSource

from cms.localization.sync import machine_translate
from newsroom.importer import LegacyNewsImporter
from newsroom.models import NewsArticlePage
from organisation import demo_data
from organisation.models import OrganisationIndexPage
from tests import factories

ARTICLE_FILE = settings.BASE_DIR / (
    "demo/content/2021-07-12-party-building-guidance-visit.txt"
)
ARTICLE_ENGLISH = ARTICLE_FILE.with_suffix(".en.po")
COMPANIES = 5000


@dataclass
class Corpus:
    article: dict  # locale code -> edition
    units: dict  # slug -> default-locale unit; "people": slug -> person
    companies: list


def translate(instance, code, fill):
    """`instance`'s translation into `code` through wagtail-localize, its
    strings filled by `fill(translation)`, published."""
    locale = Locale.objects.get(language_code=code)
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    translation = Translation.objects.get_or_create(
        source=source, target_locale=locale
    )[0]
    fill(translation)
    translation.save_target(publish=True)
    return instance.get_translation(locale)


def machine(translation):
    machine_translate(translation, get_machine_translator())


def from_po(translation):
    """The human English translation: msgid is the zh-hant segment."""
    english = {e.msgid: e.msgstr for e in polib.pofile(str(ARTICLE_ENGLISH))}
    po = translation.export_po()
    for entry in po:
        entry.msgstr = english.get(entry.msgid, "")
    po.metadata.pop("X-WagtailLocalize-TranslationID", None)
    translation.import_po(po)


def article_editions():
    result = LegacyNewsImporter("zh-hant").import_file(ARTICLE_FILE)
    assert not result.error, result.error
    original = NewsArticlePage.objects.get(
        locale__language_code="zh-hant", legacy_id=ARTICLE_FILE.name
    )
    editions = {"zh-hant": original}
    for code, fill in (("zh-hans", machine), ("en", from_po)):
        for category in original.categories.all():
            translate(category, code, fill)
        editions[code] = translate(original, code, fill)
    return editions


def build():
    """The corpus, in the current transaction; what waits for the commit (the
    automatic zh-hant sync) runs at the end, as it would at the commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        article = article_editions()
        about = {
            page.locale.language_code: page
            for page in OrganisationIndexPage.objects.select_related("locale")
        }
        units = factories.structure(
            about,
            committees=demo_data.COMMITTEES,
            people=demo_data.PEOPLE,
            top=(
                demo_data.ASSOCIATION,
                demo_data.SECRETARIAT,
                demo_data.PARTY_BRANCH,
                demo_data.COMMITTEE_GROUP,
            ),
            suffixes=demo_data.COMMITTEE_SUFFIX,
        )
        companies = factories.generated_member_companies(
            factories.vocabularies(), COMPANIES
        )
    return Corpus(article=article, units=units, companies=companies)
