"""Keeping the index equal to the content: every change calls `update`, which reads
the objects afresh and replaces their entries."""

from django.db import transaction

from .documents import REGISTRY
from .models import SearchEntry

BATCH = 500


def update(model, pks):
    """Make the entries of `model`'s objects `pks` match the database: entries for
    those that belong in the index, none for the others (unpublished, deleted)."""
    document = REGISTRY[model]
    pks = list(pks)
    with transaction.atomic():
        for start in range(0, len(pks), BATCH):
            batch = pks[start : start + BATCH]
            SearchEntry.objects.filter(
                model=model._meta.label_lower, object_id__in=batch
            ).delete()
            objects = document.indexable().filter(pk__in=batch)
            SearchEntry.objects.bulk_create(document.entries(objects))


def rebuild(report=lambda model, count: None):
    """Index everything again, in one transaction: readers see the old index
    until the new one is complete."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for model, document in REGISTRY.items():
            pks = list(document.indexable().values_list("pk", flat=True))
            update(model, pks)
            report(model, len(pks))
