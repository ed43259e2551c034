"""The glossary editors keep for Simplified -> Traditional conversion, and the
flags that ask them to review a conversion that replaced a hand correction."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GlossaryTerm(models.Model):
    """A Simplified term and how the Traditional editions write it, applied before
    OpenCC in every Simplified -> Traditional conversion
    (cms.localization.translators `to_traditional`).

    OpenCC's choice is not always the association's: 秘书处 becomes 祕書處 in
    generic Traditional, 了解 becomes 瞭解. Corrected once here, a term is written
    the editors' way in every article from the next conversion on, instead of
    being corrected segment by segment. A term is for every Traditional variant
    or for one (Taiwan, Hong Kong); a variant's own term wins over the general
    one. Not translatable: it is a rule between two scripts, not content.
    """

    VARIANTS = [
        ("", _("Every Traditional variant")),
        ("tw", _("Taiwan (zh-Hant-TW)")),
        ("hk", _("Hong Kong (zh-Hant-HK)")),
    ]

    simplified = models.CharField(_("Simplified"), max_length=100)
    traditional = models.CharField(_("Traditional"), max_length=100)
    variant = models.CharField(
        _("variant"), max_length=2, choices=VARIANTS, blank=True, default=""
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Why the term is written this way.")
    )

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        ordering = ["simplified", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=["simplified", "variant"], name="unique_glossary_term"
            )
        ]

    def __str__(self):
        return f"{self.simplified} → {self.traditional}"


class ReviewFlag(models.Model):
    """A zh-hant segment whose hand correction no longer applies because its
    Simplified source changed (cms.localization.review).

    A correction is stored by wagtail-localize as a manual translation of one
    source string; a new sentence is a new string, which the synchronisation
    converts with OpenCC, so the edition stays complete. The flag keeps what the
    editor needs to judge the proposal (the old source and correction beside the
    new source and the conversion) until an editor translates the new string by
    hand or accepts the proposal.
    """

    ACCEPTED = "accepted"
    TRANSLATED = "translated"
    RESOLUTIONS = [
        (ACCEPTED, _("Proposal accepted")),
        (TRANSLATED, _("Translated by hand")),
    ]

    translation = models.ForeignKey(
        "wagtail_localize.Translation",
        on_delete=models.CASCADE,
        related_name="review_flags",
    )
    context = models.ForeignKey(
        "wagtail_localize.TranslationContext",
        on_delete=models.CASCADE,
        related_name="+",
    )
    string = models.ForeignKey(
        "wagtail_localize.String",
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The new source string."),
    )
    correction = models.ForeignKey(
        "wagtail_localize.StringTranslation",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The hand correction that no longer applies."),
    )
    old_source = models.TextField(_("source was"))
    old_correction = models.TextField(_("correction"))
    new_source = models.TextField(_("source now"))
    proposed = models.TextField(_("proposed"))
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=RESOLUTIONS, blank=True
    )

    class Meta:
        verbose_name = _("review flag")
        verbose_name_plural = _("review flags")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.old_source} → {self.new_source}"
