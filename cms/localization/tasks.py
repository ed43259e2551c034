"""The synchronisation that follows a publication (`sync.after_publish`) runs on
the worker (cms.worker): about a second and hundreds of queries for a page's
zh-hant edition, which the editor's request no longer waits for."""

from django.apps import apps
from django.db import transaction
from django_tasks import task
from wagtail.models import Page

from .sync import after_publish


@task()
def follow_publication(label, pk):
    """Bring the translations of object `pk` of model `label` in step with it, as
    it is now. Safe to run twice or late: it reads the object afresh and
    `after_publish` does nothing when the zh-hant edition is current; a page
    unpublished or deleted since is left alone. Concurrent runs for one object
    (two workers, two publications) wait for each other on its row."""
    model = apps.get_model(label)
    with transaction.atomic():
        instance = (
            model._default_manager.select_for_update(of=("self",)).filter(pk=pk).first()
        )
        if instance is None or (isinstance(instance, Page) and not instance.live):
            return
        after_publish(instance)
