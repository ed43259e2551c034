from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "cms.worker"
    label = "cms_worker"
    verbose_name = _("Background tasks")

    def ready(self):
        from . import health, retries

        retries.connect()
        health.register()
