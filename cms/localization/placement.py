"""Editions kept in step with their source follow its place and its publication.

A synchronised translation (a wagtail-localize Translation that is enabled: the
automatic zh-hant edition, an English edition made with Translate) is another
page with its own place in its locale's tree and its own live flag. wagtail-localize
copies content, not moves or unpublications, and our sync (sync.py) runs only
when the content changed. So a source moved into a private section, unpublished,
or given an expiry after publication left its synchronised editions public where
they were, text and all (a security finding: tests/localization/test_privacy.py).

Here, in the transaction of the source's change:
- unpublished: its synchronised editions are unpublished;
- moved: each edition moves below the new parent's edition in its own locale, or
  is unpublished when it cannot follow (that parent has no edition there, or
  its slug is taken there);
- published: each edition gets the source's `expire_at`.
Editions made by hand (no enabled translation behind them) are left alone, as
sync.py leaves them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Page
from wagtail.signals import page_unpublished, post_page_move
from wagtail_localize.models import Translation


def kept_editions(source):
    """The pages an enabled translation keeps in step with `source`."""
    locales = Translation.objects.filter(
        source__object_id=source.translation_key,
        source__locale_id=source.locale_id,
        enabled=True,
    ).values("target_locale_id")
    return Page.objects.filter(
        translation_key=source.translation_key, locale_id__in=locales
    ).exclude(pk=source.pk)


def follow_expiry(source):
    """Give the synchronised editions the source's expiry (publication)."""
    kept_editions(source).update(expire_at=source.expire_at)


def on_unpublished(sender, instance, **kwargs):
    with transaction.atomic():
        for edition in kept_editions(instance).live():
            edition.specific.unpublish()


def on_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    if parent_page_before.pk == parent_page_after.pk:
        return  # reordered among its siblings
    with transaction.atomic():
        for edition in kept_editions(instance):
            parent = Page.objects.filter(
                translation_key=parent_page_after.translation_key,
                locale_id=edition.locale_id,
            ).first()
            if parent is not None and edition.is_child_of(parent):
                continue
            try:
                if parent is None:
                    raise ValidationError("no parent in this locale")
                edition.move(parent, pos="last-child")
            except ValidationError:
                if edition.live:
                    edition.specific.unpublish()


def connect():
    uid = "cms-localization-placement"
    page_unpublished.connect(on_unpublished, dispatch_uid=uid)
    post_page_move.connect(on_moved, dispatch_uid=uid)
