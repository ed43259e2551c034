"""The admin's tag completion for translated tags: the tags of one locale.

Wagtail's tag field completes from every tag (/admin/tag-autocomplete/), so an
editor writing a zh-hant original was offered 培训 and English tags, and tagged
Traditional pages in Simplified. The field of a `TranslatableTags`
(cms.localization.fields) asks here instead, with the edited page's locale: the
tags that pages of that locale use, matched as search matches (`normalise`: 党
finds 黨建, full-width and any case alike) anywhere in the tag, most used first,
then by name. The same JSON list of names as Wagtail's view; a bad request gets
400, a locale the user may not edit 403 (not the admin's redirect to its
dashboard), both with `{"error": ...}`, which the widget shows as no suggestions.

Pages only: whether a user may see a locale's tags is whether they may add or
change a page in that locale (a snippet using `TranslatableTags` would need its
model permissions checked here).
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count
from django.http import JsonResponse
from django.utils.translation import gettext as _
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.localization.fields import TranslatableTags

from .text import normalise


def refusal(message, status=400):
    return JsonResponse({"error": message}, status=status)


def locale_tags(request, app_label, model_name, field_name):
    """The names of the tags of `field_name` used by pages of `?locale=` whose
    normalised form contains `?term=`'s, in a fixed number of queries."""
    try:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist):
        field = None
    if not (isinstance(field, TranslatableTags) and issubclass(model, Page)):
        return refusal(
            _("%(model)s.%(field)s is not a field of translated page tags.")
            % {"model": f"{app_label}.{model_name}", "field": field_name}
        )
    term = normalise(request.GET.get("term", "")).strip()
    if not term:
        return refusal(_("Give the start or part of a tag as term."))
    code = request.GET.get("locale", "")
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        return refusal(_("There is no locale %(code)s.") % {"code": repr(code)})
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        request.user, {"add", "change"}
    )
    if not editable.filter(locale=locale).exists():
        return refusal(
            _("You may not edit pages in %(locale)s.")
            % {"locale": locale.get_display_name()},
            status=403,
        )
    uses = (
        field.through.objects.filter(content_object__locale=locale)
        .values_list("tag__name")
        .annotate(uses=Count("pk"))
    )
    found = sorted((-count, name) for name, count in uses if term in normalise(name))
    return JsonResponse(
        [name for _count, name in found[:TAGS_AUTOCOMPLETE_LIMIT]], safe=False
    )
