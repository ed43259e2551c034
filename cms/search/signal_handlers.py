"""The index follows the content: a change to a searchable object, or to an object
its texts come from, updates the affected entries in the same transaction.

Pages change their searchable content only by being published or unpublished
(`page_published` comes after the page's tags and categories are written, which
`post_save` does not), or by being deleted; other models by being saved or
deleted. `update` always reads the stored object, never the instance a form holds.
Moving a page changes nothing indexed: where it is, and whether that is public, is
checked at query time.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from . import index
from .documents import REGISTRY


def signals_of(model):
    if issubclass(model, Page):
        return (page_published, page_unpublished, post_delete)
    return (post_save, post_delete)


def follower(model, pks_of):
    """A receiver that indexes the rows `pks_of(instance)` of `model` again."""

    def receiver(sender, instance, **kwargs):
        index.update(model, pks_of(instance))

    return receiver


def connect():
    for model, document in REGISTRY.items():
        itself = follower(model, lambda instance: [instance.pk])
        for signal in signals_of(model):
            signal.connect(itself, sender=model, weak=False)
        for watched, affected in document.watches.items():
            dependants = follower(
                model,
                lambda instance, affected=affected: affected(instance).values_list(
                    "pk", flat=True
                ),
            )
            for signal in signals_of(watched):
                signal.connect(dependants, sender=watched, weak=False)
