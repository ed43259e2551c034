"""Run `sync.after_publish` once the publishing transaction has committed.

Pages: Wagtail's `page_published`. Translatable snippets have no draft state in this
project, so saving one is publishing it: `post_save` of every TranslatableMixin
model that is not a page. The work waits for the commit so that it sees what was
saved (a snippet's inline rows, a page's revision) and never runs for a save that
is rolled back.

While the sync builds a zh-hant edition, `pre_save` converts the texts
wagtail-localize copies as they are (`sync.convert_verbatim`).

View restrictions are kept the same on every edition of a page (`privacy`), and
synchronised editions follow their source's place, unpublication and expiry
(`placement`), both at once, in the transaction of the change.
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from wagtail.models import Page, TranslatableMixin
from wagtail.signals import page_published

from . import placement, privacy
from .sync import after_publish, convert_verbatim


def schedule(instance):
    model = type(instance)
    pk = instance.pk
    # robust: a sync that fails (say, a slug taken in zh-hant) is logged; it must
    # not turn the editor's successful save into an error, nor stop other syncs.
    transaction.on_commit(lambda: run(model, pk), robust=True)


def run(model, pk):
    instance = model.objects.filter(pk=pk).first()
    if instance is not None:
        after_publish(instance)


def on_page_published(sender, instance, **kwargs):
    placement.follow_expiry(instance)
    schedule(instance)


def on_snippet_saved(sender, instance, raw=False, **kwargs):
    if raw or isinstance(instance, Page):
        return
    if isinstance(instance, TranslatableMixin):
        schedule(instance)


def connect():
    page_published.connect(on_page_published, dispatch_uid="cms-localization-pages")
    post_save.connect(on_snippet_saved, dispatch_uid="cms-localization-snippets")
    pre_save.connect(convert_verbatim, dispatch_uid="cms-localization-verbatim")
    privacy.connect()
    placement.connect()
