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


class RebuildCheckpoint(models.Model):
    """Where one part of an unfinished `rebuild_search_index` stopped
    (cms/search/rebuild.py): the project's entries of a model in a locale, or
    Wagtail's entries of a model (in a locale, for a locale's rebuild). Written
    with each batch, in its transaction; all deleted when the rebuild completes,
    so rows here mean a rebuild that `--resume` can continue."""

    index = models.CharField(_("index"), max_length=20)
    model = models.CharField(_("model"), max_length=100)
    locale = models.ForeignKey(
        "wagtailcore.Locale",
        verbose_name=_("locale"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The primary key of the last object indexed; its batch is committed.
    after = models.BigIntegerField(_("last key indexed"), default=0)
    done = models.BooleanField(_("done"), default=False)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    # When the rebuild last wrote a batch, while it runs; None once it stopped
    # on an error or Ctrl-C. A second rebuild is refused while it is recent.
    beat = models.DateTimeField(_("last batch at"), null=True)

    class Meta:
        verbose_name = _("search rebuild checkpoint")
        verbose_name_plural = _("search rebuild checkpoints")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.index} {self.model} {self.locale_id or ''} after {self.after}"


class Suggestion(models.Model):
    """A title or name offered while a reader types (`searchSuggestions`): one per
    search entry, made with it by `index.update` from the same texts.

    A narrow table of its own rather than columns of the entries: finding the
    first few suggestions among 100,000 titles reads an index and a handful of
    short rows, never the entries' bodies. `text` is the title as readers
    type it (`cms.search.text.suggestion_text`, its first MAX_TEXT
    characters), matched with LIKE; `grams` are its characters and character
    pairs, which PostgreSQL indexes to find a rare piece inside titles
    (cms.search.suggestions).
    """

    MAX_TEXT = 200

    kind = models.CharField(_("kind"), max_length=40)
    model = models.CharField(_("model"), max_length=100)
    object_id = models.PositiveIntegerField(_("object id"))
    locale = models.ForeignKey(
        "wagtailcore.Locale",
        verbose_name=_("locale"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    translation_key = models.UUIDField(_("translation key"), null=True)
    title = models.TextField(_("title"))
    text = models.TextField()
    grams = models.TextField()
    # The kind's weight (Document.suggestion_weight), then the date (news: the
    # publication date) rank suggestions that match alike.
    weight = models.PositiveSmallIntegerField(_("weight"))
    date = models.DateField(_("date"), null=True)

    class Meta:
        db_table = "cms_search_suggestion"  # named in suggestions' SQL
        verbose_name = _("search suggestion")
        verbose_name_plural = _("search suggestions")
        # PostgreSQL's indexes for finding them: cms.search.suggestions.
        indexes = [
            models.Index(fields=["model", "object_id"]),
            models.Index(fields=["translation_key", "locale"]),
        ]

    def __str__(self):
        return self.title
