"""The search index: one entry per searchable object, in our own table.

Wagtail's database search backend takes a run of Chinese characters as one word,
so 黨支部 inside a sentence is never found. Each entry keeps the texts of its object
(for excerpts) and their terms (`cms.search.text`), by weight: title, then summary
(and labels: categories, tags, regions, roles), then body. The database's own full
text machinery indexes the terms (see `backends`): SQLite's FTS5 and PostgreSQL's
tsvector with a GIN index, so no search service is needed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    model = models.CharField(_("model"), max_length=100)
    object_id = models.PositiveIntegerField(_("object id"))
    # An object shown in every locale (a member company) has an entry in each.
    locale = models.ForeignKey(
        "wagtailcore.Locale",
        verbose_name=_("locale"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.TextField(_("title"))
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    title_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)

    class Meta:
        db_table = "cms_search_entry"  # named in backends' SQL
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "object_id", "locale"],
                name="unique_search_entry_per_object",
            )
        ]
        indexes = [models.Index(fields=["kind", "locale"])]

    def __str__(self):
        return self.title
