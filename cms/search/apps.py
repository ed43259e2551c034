from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "cms.search"
    label = "cms_search"
    verbose_name = _("Search")

    def ready(self):
        from . import checks, documents, signal_handlers  # noqa: F401 (checks registers)

        documents.autodiscover()
        signal_handlers.connect()
