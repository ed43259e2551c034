"""The search index: one entry per searchable object, in our own table.

Wagtail's database search backend takes a run of Chinese characters as one word,
so 黨支部 inside a sentence is never found. Each entry keeps the texts of its object
(for excerpts) and their terms (`cms.search.text`), by weight: title, then summary
(and labels: categories, tags, regions, roles), then body. The database's own full
text machinery indexes the terms (see `backends`): SQLite's FTS5 and PostgreSQL's
tsvector with a GIN index, so no search service is needed.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def item_key(label, pk, translation_key=None):
    """What an entry's `translation_key` holds: the object's translation key, or
    for an object that is not translated (a member company: one row, an entry
    per locale) a key made from its model and id, so that a fallback search
    counts its entries in several locales as one item too."""
    return translation_key or uuid.uuid5(uuid.NAMESPACE_URL, f"cms.search:{label}:{pk}")


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
    # The item the entry stands for in every locale (`item_key`): a search with a
    # fallback chain shows each item once, in the first locale that has it.
    translation_key = models.UUIDField(_("translation key"), null=True)
    title = models.TextField(_("title"))
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    # When the object was published (a news article's publication date), if it
    # has such a date: the recency in the cheap bound that picks which matches
    # of a very common word are ranked (cms.search.database).
    date = models.DateField(_("date"), null=True)
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
        indexes = [
            models.Index(fields=["kind", "locale"]),
            models.Index(fields=["translation_key", "locale"]),
        ]

    def __str__(self):
        return self.title
