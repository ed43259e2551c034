"""The index is updated on the worker (cms.worker), not in the request that
changed the content."""

from django.apps import apps
from django_tasks import task

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
