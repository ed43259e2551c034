"""The index follows the content: a change to a searchable object, or to an object
its texts come from, queues the update of the affected entries (`tasks.
update_entries`), one task per change with every entry it affects.

The task is queued in the change's own transaction: the database queue commits
it with the change, so the worker sees it exactly when the change is committed
(and never for a change rolled back), and a crash between the two cannot lose it.
Which entries a change affects is found here, cheaply (a few primary keys); the
entries are built on the worker.

Every model is followed through `post_save` and `post_delete`; pages also through
`page_published`, which comes after a page's tags and categories are written (at
`post_save` they are not yet), and `page_unpublished`, which names the specific
model even when a base `Page` was unpublished. `update` always reads the stored
row, never the instance a form holds, and a page's row keeps its live content
while drafts go to revisions, so saving a draft indexes nothing new. Moving a page
changes nothing indexed: where it is, and whether that is public, is checked at
query time.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .documents import REGISTRY
from .tasks import update_entries


def schedule(model, pks):
    """Queue the update of `model`'s entries for `pks`, if there are any."""
    if pks:
        update_entries.enqueue(model._meta.label, sorted(pks))


def signals_of(model):
    if issubclass(model, Page):
        return (post_save, page_published, page_unpublished, post_delete)
    return (post_save, post_delete)


def follower(model, pks_of):
    """A receiver that indexes the rows `pks_of(instance)` of `model` again."""

    def receiver(sender, instance, **kwargs):
        schedule(model, pks_of(instance))

    return receiver


def watch(model, watched, affected):
    """Index the rows of `model` that `affected(instance)` gives again when a
    `watched` instance changes: those it affected before the change (a position
    moved to another person, a category's articles before it is deleted) and
    those it affects after."""
    remembered = f"_cms_search_affected_{model._meta.label_lower}"

    def before(sender, instance, **kwargs):
        stored = watched._default_manager.filter(pk=instance.pk).first()
        pks = affected(stored).values_list("pk", flat=True) if stored else []
        setattr(instance, remembered, set(pks))

    def after(sender, instance, **kwargs):
        now = set(affected(instance).values_list("pk", flat=True))
        schedule(model, now | getattr(instance, remembered, set()))

    for signal in (pre_save, pre_delete):
        signal.connect(before, sender=watched, weak=False)
    for signal in signals_of(watched):
        signal.connect(after, sender=watched, weak=False)


def connect():
    for model, document in REGISTRY.items():
        itself = follower(model, lambda instance: [instance.pk])
        for signal in signals_of(model):
            signal.connect(itself, sender=model, weak=False)
        for watched, affected in document.watches.items():
            watch(model, watched, affected)
