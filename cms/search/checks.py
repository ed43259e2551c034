"""Start-up checks of the search settings (`manage.py check`, `migrate`,
`runserver`, the worker, and gunicorn before it serves: deploy/gunicorn.conf.py):
a limit of 0 or less would not fail, it would answer every search above the
exact limit with no results."""

from django.conf import settings
from django.core import checks

POSITIVE = (
    "CMS_SEARCH_MAX_QUERY_LENGTH",
    "CMS_SEARCH_MAX_PER_PAGE",
    "CMS_SEARCH_EXACT_LIMIT",
    "CMS_SEARCH_CANDIDATES",
)


@checks.register()
def positive_limits(app_configs, **kwargs):
    """Each of POSITIVE must be a whole number of at least 1."""
    errors = []
    for name in POSITIVE:
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(
                checks.Error(
                    f"{name} must be a whole number of at least 1, not {value!r}.",
                    id="cms_search.E001",
                )
            )
    return errors
