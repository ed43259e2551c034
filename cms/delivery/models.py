"""What delivery stores: the frontends' webhook endpoints and the log of what was
sent to them (cms.delivery.webhooks)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    """A frontend's URL that is told of every change readers can see, signed
    with the endpoint's secret (cms.delivery.webhooks).

    The secret is kept as it is, not hashed as frontend tokens are: signing
    needs it. It is shown once, when it is made (on creation and on rotation);
    the admin shows only its first characters afterwards. After a rotation the
    previous secret signs too, for CMS_WEBHOOK_ROTATION_GRACE seconds, so a
    frontend has time to take the new one without rejecting a delivery.
    Empty `locales` and `types` mean every locale and every type.
    """

    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("The frontend this endpoint belongs to, e.g. www.example.org."),
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("Receives a signed POST for every change readers can see."),
    )
    active = models.BooleanField(_("active"), default=True)
    locales = models.JSONField(
        _("locales"),
        default=list,
        blank=True,
        help_text=_("Only changes in these locales; none selected: every locale."),
    )
    types = models.JSONField(
        _("content types"),
        default=list,
        blank=True,
        help_text=_("Only changes of these types; none selected: every type."),
    )
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    rotated_at = models.DateTimeField(
        _("secret rotated at"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def secret_hint(self):
        """What the admin shows of the secret: its start, enough to tell two apart."""
        return f"{self.secret[:10]}…"

    def wants(self, change):
        """Whether a change concerns this endpoint (its filters)."""
        if self.locales and change.locale not in self.locales:
            return False
        return not self.types or change.model in self.types


class WebhookDelivery(models.Model):
    """One change sent (or to be sent) to one endpoint: the payload as signed,
    and how the attempts went. Attempts are the worker's (its retries,
    cms.worker.retries) and the redeliveries an administrator asked for; rows
    older than CMS_WEBHOOK_LOG_DAYS are deleted as new deliveries run."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("webhook"),
    )
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    event = models.CharField(_("event"), max_length=20)
    type = models.CharField(_("type"), max_length=100)
    object_id = models.CharField(_("id"), max_length=40, blank=True)
    locale = models.CharField(_("locale"), max_length=20, blank=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveIntegerField(
        _("response code"), null=True, blank=True
    )
    response_ms = models.PositiveIntegerField(
        _("response time (ms)"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        # The log is written by the worker; "change" is the right to redeliver.
        default_permissions = ("view", "change")

    def __str__(self):
        return f"{self.event} {self.type} {self.object_id} → {self.endpoint}"
