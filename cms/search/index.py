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
    "date",
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
    changed = set()  # (an entry's locale id, its content) that went or came
    with transaction.atomic():
        for start in range(0, len(pks), BATCH):
            batch = pks[start : start + BATCH]
            old = SearchEntry.objects.filter(
                model=model._meta.label_lower, object_id__in=batch
            )
            before = set(old.values_list(*CONTENT))
            old.delete()
            objects = document.indexable().filter(pk__in=batch)
            entries = list(document.entries(objects))
            SearchEntry.objects.bulk_create(entries)
            after = {tuple(getattr(e, name) for name in CONTENT) for e in entries}
            changed |= before ^ after
        codes = language_codes()
        for locale_id in sorted({entry[0] for entry in changed}):
            changes.record(changes.search_change(codes[locale_id]))


def rebuild(report=lambda model, count: None):
    """Index everything again, in one transaction: readers see the old index
    until the new one is complete."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for model, document in REGISTRY.items():
            pks = list(document.indexable().values_list("pk", flat=True))
            update(model, pks)
            report(model, len(pks))
