"""The admin of webhooks (cms.delivery.webhooks): Settings > Webhooks.

Administrators with "Can add webhook" make an endpoint per frontend and see its
secret once, on the page that answers the form (never in a message, which would
keep it in the session); afterwards only its first characters are shown.
"Rotate secret" (with "Can change webhook") makes a new one, shown once too; the
previous one keeps signing beside it for CMS_WEBHOOK_ROTATION_GRACE seconds.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.utils import quote
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.admin.widgets.button import Button
from wagtail.models import get_page_models
from wagtail.snippets.models import get_snippet_models

from . import webhooks
from .models import WebhookEndpoint

SHOWN_ONCE_TEMPLATE = "cms_delivery/webhooks/secret.html"


def type_choices():
    """Every page and snippet model, by name, for an endpoint's type filter."""
    models = [*get_page_models(), *get_snippet_models()]
    choices = {m._meta.label_lower: str(m._meta.verbose_name) for m in models}
    return sorted(choices.items(), key=lambda choice: choice[1])


class WebhookEndpointForm(WagtailAdminModelForm):
    locales = forms.MultipleChoiceField(
        label=_("Locales"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only changes in these locales; none selected: every locale."),
    )
    types = forms.MultipleChoiceField(
        label=_("Content types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only changes of these types; none selected: every type."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "active", "locales", "types"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locales"].choices = [
            (code, _(name)) for code, name in settings.WAGTAIL_CONTENT_LANGUAGES
        ]
        self.fields["types"].choices = type_choices()


def show_secret(view, request, endpoint, secret, title):
    """The page that shows a secret, once."""
    view.object = endpoint
    context = view.get_context_data(secret=secret)
    context["page_title"] = context["header_title"] = title
    # The admin's responses are never cached (no-store): nor is this one.
    return TemplateResponse(request, SHOWN_ONCE_TEMPLATE, context)


class IndexView(generic.IndexView):
    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "name", label=_("Name"), get_url=self.get_edit_url
            ),
            Column("url", label=_("URL")),
            BooleanColumn("active", label=_("Active")),
            Column("secret_hint", label=_("Secret")),
            DateColumn("created_at", label=_("Created at")),
        ]

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Delivery log"), url=reverse("cms_delivery_log"), icon_name="list-ul"
            ),
        ]


class CreateView(generic.CreateView):
    def form_valid(self, form):
        endpoint = form.save(commit=False)
        endpoint.created_by = self.request.user
        endpoint.secret = webhooks.new_secret()
        endpoint.save()
        self.form = form
        return show_secret(
            self, self.request, endpoint, endpoint.secret, _("Webhook created")
        )


class EditView(generic.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.user_has_permission("change"):
            buttons.append(
                Button(
                    _("Rotate secret"),
                    url=reverse("webhooks:rotate", args=(quote(self.object.pk),)),
                    icon_name="key",
                    priority=20,
                )
            )
        return buttons


class RotateView(generic.DeleteView):
    """Wagtail's delete confirmation, turned into rotation: GET asks to confirm,
    POST makes a new secret and shows it once."""

    permission_required = "change"
    page_title = _("Rotate secret")
    template_name = "cms_delivery/webhooks/confirm_rotate.html"

    @property
    def confirmation_message(self):
        return _(
            "Make a new secret for this webhook? Deliveries are signed with both "
            "the new and the old secret for a day; then with the new one only."
        )

    def get_delete_url(self):
        return reverse("webhooks:rotate", args=(quote(self.object.pk),))

    def form_valid(self, form):
        secret = webhooks.rotate(self.object)
        return show_secret(self, self.request, self.object, secret, _("Secret rotated"))


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhooks")
    menu_name = "webhooks"
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm

    @property
    def rotate_view(self):
        return self.construct_view(RotateView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("rotate/<str:pk>/", self.rotate_view, name="rotate"),
        ]
