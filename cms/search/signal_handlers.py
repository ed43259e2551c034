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

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from modelsearch import signal_handlers as modelsearch_handlers
from modelsearch.index import class_is_indexed, get_indexed_models
from taggit.managers import TaggableManager
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .documents import REGISTRY
from .tasks import update_entries, update_wagtail_index


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


def reindex_in_wagtail(sender, instance, raw=False, **kwargs):
    if not raw:  # loading a fixture
        update_wagtail_index.enqueue(instance._meta.label, str(instance.pk))


def tags_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and class_is_indexed(type(instance)):
        reindex_in_wagtail(sender, instance)


def connect_wagtail():
    """Wagtail's index on the worker too. modelsearch queues its update on save,
    but removes a deleted object's entry in the request, and Wagtail's image and
    document forms index again in the request after writing tags. With its
    backends' AUTO_UPDATE off (settings), those do nothing; its receivers are
    replaced by these, which queue `update_wagtail_index` in the change's own
    transaction, as `schedule` does. Pages also on publication and
    unpublication, and tagged models when their tags change, both of which come
    after `post_save`: where a request has no transaction, the worker may run a
    task queued at `post_save` before the tags are written.

    Called by wagtail.search's app config (`wagtail_backend.apps`), after
    modelsearch has connected its receivers."""
    automatic = [
        name
        for name, params in settings.WAGTAILSEARCH_BACKENDS.items()
        if params.get("AUTO_UPDATE", True)
    ]
    if automatic:
        raise ImproperlyConfigured(
            f"WAGTAILSEARCH_BACKENDS {automatic} must set AUTO_UPDATE False: "
            "cms.search updates Wagtail's index on the worker."
        )
    theirs = {
        post_save: modelsearch_handlers.post_save_signal_handler,
        post_delete: modelsearch_handlers.post_delete_signal_handler,
    }
    for model in get_indexed_models():
        if not getattr(model, "search_auto_update", True):
            continue
        for signal, receiver in theirs.items():
            if not signal.disconnect(receiver, sender=model):
                raise ImproperlyConfigured(
                    f"modelsearch no longer connects {receiver.__qualname__} to "
                    f"{model._meta.label}: cms.search.signal_handlers must "
                    "replace its receivers another way."
                )
        for signal in signals_of(model):
            signal.connect(reindex_in_wagtail, sender=model)
        for field in model._meta.get_fields():
            if isinstance(field, TaggableManager):
                through = field.remote_field.through
                m2m_changed.connect(tags_changed, sender=through)
