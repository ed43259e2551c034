"""The admin of frontend tokens (cms.api.tokens): Settings > Frontend tokens.

Editors with "Can add frontend token" make a token per frontend and see it once,
on the page that answers the form (never in a message, which would keep it in
the session); afterwards only its prefix is shown. The list shows when each
token was last used. "Can change frontend token" renames a token, sets its
quotas and whether it may send ad-hoc queries while trusted documents are on
(cms.api.persisted), and revokes it; a revoked token stays listed and can be
used no more.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from . import tokens
from .models import FrontendToken
from .ratelimit import API_SCOPES

# Revoking is changing the token (its row and history stay).
REVOKE = "change"


class FrontendTokenForm(WagtailAdminModelForm):
    """The frontend's name, and a quota per API scope (empty: the default)."""

    class Meta:
        model = FrontendToken
        fields = ["name", "may_send_ad_hoc_queries"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for scope, label in API_SCOPES.items():
            calls, seconds = settings.CMS_RATE_LIMITS[scope]
            self.fields[f"quota_{scope}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=1,
                initial=self.instance.quotas.get(scope),
                help_text=_(
                    "Calls per %(seconds)s seconds; empty: the default, %(calls)s."
                )
                % {"seconds": seconds, "calls": calls},
            )

    def save(self, commit=True):
        self.instance.quotas = {
            scope: calls
            for scope in API_SCOPES
            if (calls := self.cleaned_data.get(f"quota_{scope}"))
        }
        return super().save(commit)


class IndexView(generic.IndexView):
    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "name", label=_("Frontend"), get_url=self.get_edit_url
            ),
            Column("prefix", label=_("Prefix")),
            Column("created_by", label=_("Created by")),
            DateColumn("created_at", label=_("Created at")),
            DateColumn("last_used_at", label=_("Last used at")),
            DateColumn("revoked_at", label=_("Revoked at")),
        ]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("created_by")

    def get_delete_url(self, instance):
        if instance.revoked_at is None and self.user_has_permission(REVOKE):
            return reverse(self.delete_url_name, args=(quote(instance.pk),))

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for button in buttons:
            if button.url == self.get_delete_url(instance):
                button.label = _("Revoke")
        return buttons


class CreateView(generic.CreateView):
    def form_valid(self, form):
        self.form = form
        token = form.save(commit=False)
        token.created_by = self.request.user
        secret = tokens.issue(token)
        log(token, "wagtail.apitoken.create", user=self.request.user)
        self.object = token
        context = self.get_context_data(secret=secret)
        context["page_title"] = context["header_title"] = _("Frontend token created")
        # The admin's responses are never cached (no-store): nor is this one.
        return TemplateResponse(
            self.request, "cms_api/frontend_tokens/created.html", context
        )


class EditView(generic.EditView):
    delete_item_label = _("Revoke")

    @cached_property
    def can_delete(self):
        return self.object.revoked_at is None and self.user_has_permission(REVOKE)


class RevokeView(generic.DeleteView):
    permission_required = REVOKE
    page_title = _("Revoke")
    template_name = "cms_api/frontend_tokens/confirm_revoke.html"

    @property
    def confirmation_message(self):
        return _(
            "Revoke this token? The frontend that uses it is refused from its "
            "next request on; this cannot be undone."
        )

    def form_valid(self, form):
        if self.object.revoked_at is None:
            self.object.revoked_at = timezone.now()
            self.object.save(update_fields=["revoked_at"])
            log(self.object, "wagtail.apitoken.revoke", user=self.request.user)
        messages.success(
            self.request,
            _("Frontend token '%(token)s' revoked.") % {"token": self.object},
        )
        return redirect(self.get_success_url())


class FrontendTokenViewSet(ModelViewSet):
    model = FrontendToken
    icon = "key"
    menu_label = _("Frontend tokens")
    menu_name = "frontend_tokens"
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["name", "may_send_ad_hoc_queries"]
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = RevokeView

    def get_form_class(self, for_update=False):
        return FrontendTokenForm
