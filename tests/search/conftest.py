import pytest

from tests import factories
from tests.search import corpus as search_corpus


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The search corpus (tests/search/corpus.py), built once for each module
    whose tests ask for it, in a transaction rolled back after them (each test
    in a savepoint inside it): the modules after it never see it."""
    with factories.rolled_back(django_db_blocker):
        yield search_corpus.build()
