"""Privacy belongs to the content, not to one edition.

Wagtail keeps a view restriction (PageViewRestriction: shared password, login or
groups) on one page and checks it for that page and the pages below it. The
editions of one piece of content in other locales are other pages (the same
translation_key), so a restriction set after publication stayed on the one
edition it was set on: wagtail-localize copies a source's restriction only when
it saves a translation, and the automatic zh-hant edition (sync.py) is not saved
again while the content is unchanged. The zh-hant edition of a private article
stayed public, body and all (a security finding: tests/localization/
test_privacy.py).

Here every edition of a page carries the same restriction:

- added, changed or removed on any edition (the source or a translation, so in
  every direction), it is copied to all the others: type and password at
  `post_save`, groups at `m2m_changed` (the admin saves the groups after the
  restriction, so copying them at `post_save` would copy none and then all),
  removal at `post_delete`. A private section is so private in every locale,
  as Wagtail checks the restrictions of a page's ancestors.
- a new edition (Wagtail's `copy_for_translation`, which wagtail-localize's
  translations and the automatic zh-hant edition go through) takes the
  restriction of the content it joins, also where Wagtail's copy leaves it out
  (it copies none below a section that is private in the target locale).

Because all editions stay equal, wagtail-localize's own copy of the source's
restriction when it saves a translation finds nothing to change.

The copies are written at once, in one atomic block inside the transaction of
the change when it has one (removals, changes of groups, page copies and
translations all run in one; the admin's privacy view saves the restriction
itself in autocommit, so only ATOMIC_REQUESTS puts that save in the same one).
They are made while `_copying` is set, so that their own signals are not copied
back (the copy of a new restriction has no groups yet when it is saved).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import copy_for_translation_done

_copying = ContextVar("cms_localization_privacy_copying", default=False)


@contextmanager
def copying():
    token = _copying.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _copying.reset(token)


def other_editions(page_id):
    """The ids of the page's editions in other locales (its translations, and
    the aliases wagtail-localize makes of untranslated parents)."""
    key = Page.objects.filter(pk=page_id).values("translation_key")
    return list(
        Page.objects.filter(translation_key__in=key)
        .exclude(pk=page_id)
        .values_list("pk", flat=True)
    )


def restriction_of(page_ids):
    """The first restriction on these pages (the admin sets one per page)."""
    return (
        PageViewRestriction.objects.filter(page_id__in=page_ids).order_by("pk").first()
    )


def copy_restriction(reference, page_id, groups=True):
    """Make `reference` (a restriction, or None for none) the page's only one.
    `groups=False` leaves the groups of an existing restriction alone."""
    restrictions = list(
        PageViewRestriction.objects.filter(page_id=page_id).order_by("pk")
    )
    if reference is None:
        for restriction in restrictions:
            restriction.delete()
        return
    target = restrictions.pop(0) if restrictions else None
    for extra in restrictions:
        extra.delete()
    same = (reference.restriction_type, reference.password)
    if target is None or (target.restriction_type, target.password) != same:
        if target is None:
            target, groups = PageViewRestriction(page_id=page_id), True
        target.restriction_type, target.password = same
        target.save()  # Wagtail logs it on the edition, with the editor's name
    wanted = set(reference.groups.values_list("pk", flat=True))
    if groups and set(target.groups.values_list("pk", flat=True)) != wanted:
        target.groups.set(wanted)


def copy_to_editions(page_id, groups=True):
    """Give every other edition the page's restriction, or none."""
    reference = restriction_of([page_id])
    with copying():
        for edition_id in other_editions(page_id):
            copy_restriction(reference, edition_id, groups)


def join(page_id):
    """A new edition takes the restriction its content has elsewhere (the
    earliest, should editions differ); it keeps its own when there is none."""
    reference = restriction_of(other_editions(page_id))
    if reference is not None:
        with copying():
            copy_restriction(reference, page_id)


# ---------------------------------------------------------------- signal receivers


def on_restriction_saved(sender, instance, raw=False, **kwargs):
    if not raw and not _copying.get():
        copy_to_editions(instance.page_id, groups=False)


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Groups of a restriction changed, or (reverse) restrictions of a group."""
    if _copying.get():
        return
    if reverse and action == "pre_clear":
        instance._cms_restricted_pages = list(
            instance.pageviewrestriction_set.values_list("page_id", flat=True)
        )
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        page_ids = [instance.page_id]
    elif action == "post_clear":
        page_ids = getattr(instance, "_cms_restricted_pages", [])
    else:
        page_ids = PageViewRestriction.objects.filter(pk__in=pk_set).values_list(
            "page_id", flat=True
        )
    for page_id in set(page_ids):
        copy_to_editions(page_id)


def on_restriction_deleted(sender, instance, origin=None, **kwargs):
    """A restriction removed as such, not with its page: when a page (or a
    locale) is deleted, its translations keep their privacy."""
    removed = isinstance(origin, PageViewRestriction) or (
        isinstance(origin, QuerySet) and origin.model is PageViewRestriction
    )
    if removed and not _copying.get():
        copy_to_editions(instance.page_id)


def on_translation_copied(sender, source_obj, target_obj, **kwargs):
    if isinstance(target_obj, Page) and not _copying.get():
        join(target_obj.pk)


def connect():
    uid = "cms-localization-privacy"
    post_save.connect(
        on_restriction_saved, sender=PageViewRestriction, dispatch_uid=uid
    )
    post_delete.connect(
        on_restriction_deleted, sender=PageViewRestriction, dispatch_uid=uid
    )
    m2m_changed.connect(
        on_groups_changed, sender=PageViewRestriction.groups.through, dispatch_uid=uid
    )
    copy_for_translation_done.connect(on_translation_copied, dispatch_uid=uid)
