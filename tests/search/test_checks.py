"""The search settings' start-up check (cms/search/checks.py)."""

import pytest
from django.core.checks import run_checks


def errors():
    return [error for error in run_checks() if error.id == "cms_search.E001"]


def test_the_defaults_pass():
    assert errors() == []


@pytest.mark.parametrize("name", ["CMS_SEARCH_EXACT_LIMIT", "CMS_SEARCH_CANDIDATES"])
@pytest.mark.parametrize("value", [0, -5, "200", 2.5, True])
def test_a_limit_below_one_or_not_a_whole_number_is_an_error(settings, name, value):
    setattr(settings, name, value)
    [error] = errors()
    assert error.msg == f"{name} must be a whole number of at least 1, not {value!r}."
