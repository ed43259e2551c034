"""Queue `sync.after_publish` (`tasks.follow_publication`, run by the worker) once
the publishing transaction has committed.

Pages: Wagtail's `page_published`. Translatable snippets have no draft state in this
project, so saving one is publishing it: `post_save` of every TranslatableMixin
model that is not a page. The task is queued at the commit, not at the signal, so
that a backend running tasks at once (the tests') sees what was saved (a snippet's
inline rows come after its `post_save`) and nothing is queued for a save that is
rolled back.

A change of the glossary drops its cached copy (`translators.forget_glossary`),
so the next conversion uses it. While the sync builds a zh-hant edition,
`pre_save` converts the texts wagtail-localize copies as they are
(`sync.convert_verbatim`). A manual translation (the translation editor's save,
a PO upload) resolves the review flag of its segment (`review.resolve_translated`).

View restrictions are kept the same on every edition of a page (`privacy`), and
synchronised editions follow their source's place, unpublication and expiry
(`placement`), both at once, in the transaction of the change.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page, TranslatableMixin
from wagtail.signals import page_published
from wagtail_localize.models import StringTranslation

from . import placement, privacy, review
from .models import GlossaryTerm
from .sync import convert_verbatim
from .tasks import follow_publication
from .translators import forget_glossary


def schedule(instance):
    label, pk = type(instance)._meta.label, str(instance.pk)
    # robust: failing to queue is logged; it must not turn the editor's committed
    # save into an error, nor stop other callbacks.
    transaction.on_commit(lambda: follow_publication.enqueue(label, pk), robust=True)


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
    for signal in (post_save, post_delete):
        signal.connect(
            forget_glossary, sender=GlossaryTerm, dispatch_uid="cms-glossary"
        )
    post_save.connect(
        review.resolve_translated,
        sender=StringTranslation,
        dispatch_uid="cms-localization-review",
    )
    privacy.connect()
    placement.connect()
