from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "cms.api"
    label = "cms_api"
    verbose_name = _("GraphQL API")

    def ready(self):
        from . import renditions

        renditions.connect()
