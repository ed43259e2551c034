"""The review flags' one action: accepting the synchronisation's proposal
(cms.localization.review). Editors resolve a flag the other way, by
translating the segment, in wagtail-localize's own editor."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail_localize.views.edit_translation import user_can_edit_instance

from . import review
from .models import ReviewFlag


@require_POST
def accept_proposal(request, flag_id):
    """Resolve the flag, keeping the converted text the edition has already;
    back to the edition's translation editor. For a user who may not edit the
    edition the flag does not exist (404: the admin would turn a 403 into a
    redirect to the dashboard, which tells a script nothing)."""
    flag = get_object_or_404(
        ReviewFlag.objects.select_related("translation"), pk=flag_id
    )
    try:
        edition = flag.translation.get_target_instance()
    except ObjectDoesNotExist:
        raise Http404 from None
    if not user_can_edit_instance(request.user, edition):
        raise Http404
    if review.resolve(
        ReviewFlag.objects.filter(pk=flag.pk), request.user, ReviewFlag.ACCEPTED
    ):
        messages.success(
            request, _("Proposal accepted: %(text)s") % {"text": flag.proposed}
        )
    return redirect(flag.translation.get_target_instance_edit_url())
