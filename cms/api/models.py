"""What the API layer stores: the tokens of trusted frontends (cms.api.tokens) and
the GraphQL documents frontends registered (cms.api.persisted)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FrontendToken(models.Model):
    """The API token of one trusted frontend: a site's server, a static build.

    A request that sends it (`Authorization: Bearer ...`) is that frontend's, in
    the logs and for the rate limits, with `quotas` over `CMS_RATE_LIMITS`
    (cms.api.ratelimit.client); it opens nothing an anonymous reader cannot see.
    Only the SHA-256 of the token is kept, so a copy of the database identifies
    no one; `prefix`, which is part of the token but not of its 256 random bits,
    tells editors which token a frontend has. A revoked token is kept (who made
    it, when it was last used) and refused.

    Not Wagtail's own APIToken, which authenticates as a user and would open
    what that user may see.
    """

    name = models.CharField(
        _("frontend"),
        max_length=100,
        help_text=_("The site or app that uses this token, e.g. www.example.org."),
    )
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    key_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, editable=False
    )
    quotas = models.JSONField(
        _("quotas"),
        default=dict,
        blank=True,
        help_text=_("Calls per rate-limit window, by scope, over the defaults."),
    )
    may_send_ad_hoc_queries = models.BooleanField(
        _("may send ad-hoc queries"),
        default=False,
        help_text=_(
            "While the API runs registered documents only (trusted documents), "
            "this frontend may still send any query, e.g. a preview or staging "
            "build."
        ),
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
    last_used_at = models.DateTimeField(
        _("last used at"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(
        _("revoked at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("frontend token")
        verbose_name_plural = _("frontend tokens")
        ordering = ["-created_at", "-pk"]
        # Revoking is a change; a token is never deleted (its record stays).
        default_permissions = ("add", "change")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def limit(self, scope):
        """Calls allowed in a window of `scope`: the token's quota, else the
        default of CMS_RATE_LIMITS."""
        return self.quotas.get(scope) or settings.CMS_RATE_LIMITS[scope][0]


class TrustedDocument(models.Model):
    """A GraphQL document a frontend's build registered (`manage.py
    register_documents`): with CMS_TRUSTED_DOCUMENTS on, the public endpoint runs
    these and no other (cms.api.persisted).

    Kept under the SHA-256 of its exact text, which clients send instead of the
    text; a document never changes under its hash, so each process may keep it in
    memory for good. Rows are only added: a frontend release registers its new
    documents beside the old ones, which its previous release may still send.
    """

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    body = models.TextField(_("document"))
    operation_name = models.CharField(_("operation"), max_length=255, blank=True)
    source = models.CharField(_("registered from"), max_length=255, blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted document")
        verbose_name_plural = _("trusted documents")
        ordering = ["-registered_at", "-pk"]

    def __str__(self):
        return f"{self.operation_name or '(anonymous)'} ({self.sha256[:12]}…)"
