"""What the content rules store: preview tokens (cms.content.previews)."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision


class PreviewToken(models.Model):
    """A preview token handed to an editor (cms.content.previews): the SHA-256 of the
    token, never the token itself, so a copy of the database opens no preview."""

    key_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="+", verbose_name=_("revision")
    )
    # The page as previewed (the edit form's state, unsaved changes included);
    # null for tokens made before it was kept: the revision's.
    content = models.JSONField(
        _("content"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("preview token")
        verbose_name_plural = _("preview tokens")

    def __str__(self):
        return f"{self.revision_id} ({self.expires_at:%Y-%m-%d %H:%M})"
