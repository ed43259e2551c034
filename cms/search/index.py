"""Keeping the index equal to the content: every change calls `update`, which reads
the objects afresh and replaces their entries."""

from django.db import transaction

from cms.content.editions import language_codes
from cms.delivery import changes

from .documents import REGISTRY
from .models import SearchEntry

BATCH = 500
# What an entry holds, its locale first: a draft saved, the same entries again,
# is no change of the search results.
CONTENT = (
    "locale_id",
    "kind",
    "model",
    "object_id",
    "translation_key",
    "title",
    "summary",
    "body",
    "title_terms",
    "summary_terms",
    "body_terms",
)


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
            old = SearchEntry.objects.filter(
                model=model._meta.label_lower, object_id__in=batch
            )
            entries = document.entries(document.indexable().filter(pk__in=batch))
            changed |= replace(old, entries)
        announce(changed)


def replace(old, entries):
    """Put `entries` in place of the entries `old` (a queryset) finds; the ids
    of the locales whose entries went or came."""
    before = set(old.values_list(*CONTENT))
    old.delete()
    SearchEntry.objects.bulk_create(entries)
    after = {tuple(getattr(e, name) for name in CONTENT) for e in entries}
    return {entry[0] for entry in before ^ after}


def announce(locale_ids):
    """A change of the search results in each of `locale_ids`, once this
    commits (cms.delivery.changes)."""
    codes = language_codes()
    for locale_id in sorted(locale_ids):
        changes.record(changes.search_change(codes[locale_id]))
