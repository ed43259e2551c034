"""The webhook delivery log (Settings > Webhooks > Delivery log, and Reports):
each delivery's status, attempts, last response code and time, last error and
times, newest first, for users with "Can view webhook delivery"; those with
"Can change webhook delivery" also get a Redeliver button, which queues a new
attempt (cms.delivery.webhooks.redeliver)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from . import webhooks
from .models import WebhookDelivery

VIEW = "cms_delivery.view_webhookdelivery"
REDELIVER = "cms_delivery.change_webhookdelivery"


class RedeliverColumn(Column):
    cell_template_name = "cms_delivery/webhooks/redeliver_cell.html"


class ErrorColumn(Column):
    cell_template_name = "cms_delivery/webhooks/error_cell.html"


class DeliveryLogView(ReportView):
    page_title = _("Webhook deliveries")
    header_icon = "link-external"
    index_url_name = "cms_delivery_log"
    index_results_url_name = "cms_delivery_log_results"
    list_export = [
        "endpoint",
        "message_id",
        "event",
        "type",
        "object_id",
        "locale",
        "status",
        "attempts",
        "response_code",
        "response_ms",
        "last_error",
        "created_at",
        "delivered_at",
    ]

    @property
    def columns(self):
        columns = [
            Column("endpoint", label=_("Webhook")),
            Column("event", label=_("Event")),
            Column("type", label=_("Type")),
            Column("object_id", label=_("ID")),
            Column("locale", label=_("Locale")),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("attempts", label=_("Attempts")),
            Column("response_code", label=_("Response code")),
            Column("response_ms", label=_("Response time (ms)")),
            ErrorColumn("last_error", label=_("Last error")),
            DateColumn("created_at", label=_("Created at")),
            DateColumn("delivered_at", label=_("Delivered at")),
        ]
        if self.request.user.has_perm(REDELIVER):
            columns.append(RedeliverColumn("redeliver", label=_("Redeliver")))
        return columns

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return WebhookDelivery.objects.select_related("endpoint").order_by(
            "-created_at", "-pk"
        )


@require_POST
def redeliver(request, pk):
    """Queue a new attempt of a delivery; back to the log."""
    if not request.user.has_perm(REDELIVER):
        raise PermissionDenied
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    webhooks.redeliver(delivery)
    messages.success(
        request,
        _("Delivery to '%(webhook)s' queued again.") % {"webhook": delivery.endpoint},
    )
    return redirect("cms_delivery_log")
