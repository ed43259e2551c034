"""The search corpus: what tests/search/test_relevance.py judged its queries
against, and what tests/search/test_search.py searches.

- The old site's 2021 article (a real export, demo/content), imported into
  zh-hant through the newsroom importer, its zh-hans edition made by the machine
  translator (OpenCC) and its English edition from the human PO file beside it,
  by the demo's own `ensure_article_editions`.
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

from django.test import TestCase

from demo.site import ensure_article_editions, import_legacy_article
from newsroom.models import NewsArticlePage
from organisation import demo_data
from organisation.models import OrganisationIndexPage
from tests import factories

COMPANIES = 5000


@dataclass
class Corpus:
    article: dict  # locale code -> edition
    units: dict  # slug -> default-locale unit; "people": slug -> person
    companies: list


def article_editions():
    """The real 2021 export imported into zh-hant and corrected, with its zh-hans
    (machine) and English (PO file) editions, all made as the demo makes them."""
    original = import_legacy_article(report=lambda line: None)
    ensure_article_editions(original)
    return {
        edition.locale.language_code: edition
        for edition in NewsArticlePage.objects.filter(
            translation_key=original.translation_key
        ).select_related("locale")
    }


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
