"""The glossary editors keep for Simplified -> Traditional conversion."""

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
