from dataclasses import dataclass

import pytest

from organisation.models import OrganisationIndexPage
from tests import factories


@dataclass
class Association:
    units: dict  # slug -> default-locale unit ("people": slug -> person)
    vocab: dict  # tiers, regions, industries: slug -> default-locale row
    companies: list


@pytest.fixture(scope="module")
def association(django_db_setup, django_db_blocker):
    """For the module: the association's structure (tests.factories.structure),
    its vocabularies and member companies (factories.TIER_SIZES of each tier), in
    a transaction rolled back after the module."""
    with factories.rolled_back(django_db_blocker):
        about = {
            page.locale.language_code: page
            for page in OrganisationIndexPage.objects.select_related("locale")
        }
        vocab = factories.vocabularies()
        yield Association(
            units=factories.structure(about),
            vocab=vocab,
            companies=factories.member_companies(vocab),
        )


@pytest.fixture(scope="module")
def directory(django_db_setup, django_db_blocker):
    """For the module: the vocabularies and 5,000 generated member companies
    (factories.generated_member_companies), rolled back after the module.

    Not indexed: the directory lists and filters in the database; the one test
    of the admin's search indexes the company it looks for, and the same
    companies are searched, indexed, in tests/search."""
    with factories.rolled_back(django_db_blocker):
        vocab = factories.vocabularies()
        yield factories.generated_member_companies(vocab, 5000, indexed=False)


@pytest.fixture(scope="module")
def vocabularies(django_db_setup, django_db_blocker):
    """For the module: membership tiers, regions and industries in every locale
    (what import files name), rolled back after the module."""
    with factories.rolled_back(django_db_blocker):
        yield factories.vocabularies()
