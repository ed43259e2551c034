from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalizationConfig(AppConfig):
    name = "cms.localization"
    label = "cms_localization"
    verbose_name = _("Translation")

    def ready(self):
        from . import signal_handlers, slugs

        signal_handlers.connect()
        slugs.patch_translated_slugs()
