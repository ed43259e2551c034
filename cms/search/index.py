"""Keeping the index equal to the content: every change calls `update`, which reads
the objects afresh and replaces their entries and the entries' suggestions."""

from django.db import transaction

from cms.content.editions import language_codes
from cms.delivery import changes

from .documents import REGISTRY
from .models import SearchEntry, Suggestion

BATCH = 500
# What an entry holds, its locale first: a draft saved, the same entries again,
# is no change of the search results.
CONTENT = (
    "locale_id",
    "kind",
    "model",
    "object_id",
    "translation_key",
    "date",
    "title",
    "summary",
    "body",
    "title_terms",
    "summary_terms",
    "body_terms",
)
# What a suggestion adds to its entry's content, its locale first.
SUGGESTION = ("locale_id", "object_id", "weight", "date")


def update(model, pks):
    """Make the entries of `model`'s objects `pks` match the database: entries for
    those that belong in the index, none for the others (unpublished, deleted).
    Each locale whose entries changed is a change of its search results
    (cms.delivery.changes), once this commits."""
    document = REGISTRY[model]
    pks = list(pks)
    changed = set()
    with transaction.atomic():
        for start in range(0, len(pks), BATCH):
            batch = pks[start : start + BATCH]
            entries = document.entries(document.indexable().filter(pk__in=batch))
            where = {"model": model._meta.label_lower, "object_id__in": batch}
            changed |= replace(where, entries)
        announce(changed)


def replace(where, entries):
    """Put `entries` and their suggestions in place of the entries and
    suggestions the lookups `where` find; the ids of the locales whose entries
    went or came."""
    old = SearchEntry.objects.filter(**where)
    old_suggestions = Suggestion.objects.filter(**where)
    before = set(old.values_list(*CONTENT))
    before |= set(old_suggestions.values_list(*SUGGESTION))
    old.delete()
    old_suggestions.delete()
    SearchEntry.objects.bulk_create(entries)
    suggestions = [entry.suggestion for entry in entries]
    Suggestion.objects.bulk_create(suggestions)
    after = {tuple(getattr(e, name) for name in CONTENT) for e in entries}
    after |= {tuple(getattr(s, name) for name in SUGGESTION) for s in suggestions}
    return {entry[0] for entry in before ^ after}


def announce(locale_ids):
    """A change of the search results in each of `locale_ids`, once this
    commits (cms.delivery.changes)."""
    codes = language_codes()
    for locale_id in sorted(locale_ids):
        changes.record(changes.search_change(codes[locale_id]))
