from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "cms.delivery"
    label = "cms_delivery"
    verbose_name = _("Delivery")

    def ready(self):
        from . import cdn, changes, responses, webhooks  # noqa: F401 (subscribers)

        changes.connect()
        responses.connect()
