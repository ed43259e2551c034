"""The admin of delivery: Settings > Webhooks (viewsets.py) and the delivery log
(views.py), also under Reports for those who may see it."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views
from .viewsets import WebhookEndpointViewSet


@hooks.register("register_admin_viewset")
def register_webhooks():
    return WebhookEndpointViewSet("webhooks", url_prefix="webhooks")


@hooks.register("register_admin_urls")
def delivery_log_urls():
    return [
        path(
            "reports/webhook-deliveries/",
            views.DeliveryLogView.as_view(),
            name="cms_delivery_log",
        ),
        path(
            "reports/webhook-deliveries/results/",
            views.DeliveryLogView.as_view(results_only=True),
            name="cms_delivery_log_results",
        ),
        path(
            "reports/webhook-deliveries/<int:pk>/redeliver/",
            views.redeliver,
            name="cms_delivery_redeliver",
        ),
    ]


class DeliveryLogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.VIEW)


@hooks.register("register_reports_menu_item")
def delivery_log_menu_item():
    return DeliveryLogMenuItem(
        _("Webhook deliveries"),
        reverse("cms_delivery_log"),
        name="webhook-deliveries",
        icon_name="link-external",
        order=1310,
    )


@hooks.register("register_permissions")
def delivery_log_permissions():
    """ "Can view" (the log) and "Can change" (redeliver) webhook deliveries, in
    the group editor."""
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="cms_delivery", codename__endswith="webhookdelivery"
    )
