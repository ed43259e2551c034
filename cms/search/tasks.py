"""Both indexes are updated on the worker (cms.worker), not in the request that
changed the content: the project's (`update_entries`) and Wagtail's
(`update_wagtail_index`, which the admin and grapple's `searchQuery` search)."""

from django.apps import apps
from django_tasks import task
from modelsearch.backends import get_search_backends
from modelsearch.index import get_indexed_instance

from . import index
from .documents import REGISTRY


# Before other tasks (a zh-hant edition takes about a second): a change is
# searchable within the worker's polling interval.
@task(priority=10)
def update_entries(label, pks):
    """Make the entries of model `label`'s objects `pks` match the database."""
    model = apps.get_model(label)
    if model in REGISTRY:  # a model no longer indexed since the task was queued
        index.update(model, pks)


@task(priority=10)
def update_wagtail_index(label, pk):
    """Make Wagtail's index entry of model `label`'s object `pk` match the
    database: the object as it is now if it belongs in the index, else none.
    modelsearch's own task fails on an object deleted since it was queued; this
    one removes its entry, so a save and a delete may be run in any order."""
    model = apps.get_model(label)
    stored = model._default_manager.filter(pk=pk).first()
    indexed = stored and get_indexed_instance(stored)
    for backend in get_search_backends():
        if indexed:
            backend.add(indexed)
        else:
            backend.delete(model(pk=pk))  # its entries, found by model and pk
