import pytest

from tests import factories


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish a page's latest content the way the admin does, then run what
    waits for the commit (the synchronisation); returns the page afresh."""

    def publish(page):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        return type(page).objects.get(pk=page.pk)

    return publish


@pytest.fixture
def categories(db):
    """One news category in every locale (a shared translation key), by code."""
    return factories.association_news()
