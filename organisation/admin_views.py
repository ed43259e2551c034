"""Member import from the admin: upload a list, read the preview with its problems,
confirm. The same import as `manage.py import_members`."""

import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .member_import import MemberFileError, import_members

# Uploads wait here between preview and confirmation, named by a random token, for
# a day at most.
UPLOAD_DIR_NAME = "member-imports"
UPLOAD_LIFETIME = 24 * 60 * 60
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


class MemberListForm(forms.Form):
    file = forms.FileField(
        label=_("Member list"),
        help_text=_(".xlsx or .csv, with a header row (Chinese or English)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.")
                % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        return upload


def upload_dir():
    """The folder of waiting uploads, cleared of those older than a day."""
    path = Path(settings.MEDIA_ROOT) / UPLOAD_DIR_NAME
    path.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in path.iterdir():
        if now - old.stat().st_mtime > UPLOAD_LIFETIME:
            old.unlink(missing_ok=True)
    return path


def stored_upload(token):
    """The waiting upload for a token from the confirmation form, or None. Only
    names this view made are accepted: a random uuid and a known suffix."""
    stem, _dot, suffix = str(token).partition(".")
    try:
        uuid.UUID(stem)
    except ValueError:
        return None
    path = upload_dir() / f"{stem}.{suffix}"
    return path if f".{suffix}" in SUFFIXES and path.is_file() else None


def import_view(request):
    if not (
        request.user.has_perm("organisation.add_membercompany")
        and request.user.has_perm("organisation.change_membercompany")
    ):
        raise PermissionDenied
    context = {"form": MemberListForm()}
    if request.method == "POST" and "token" in request.POST:
        path = stored_upload(request.POST["token"])
        if path is None:
            # gettext, not the lazy _: a lazy message would be translated when the
            # messages are stored, after Wagtail's switch to the editor's language.
            messages.error(
                request, gettext("That upload has expired; please upload again.")
            )
            return redirect("organisation_import_members")
        try:
            report = import_members(path)
        finally:
            path.unlink(missing_ok=True)
        messages.success(
            request,
            gettext("%(created)d created, %(updated)d updated, %(rejected)d rejected.")
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "rejected": len(report.rejected),
            },
        )
        return redirect(reverse("wagtailsnippets_organisation_membercompany:list"))
    if request.method == "POST":
        form = MemberListForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            token = f"{uuid.uuid4()}{Path(upload.name).suffix.lower()}"
            path = upload_dir() / token
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                context["report"] = import_members(path, dry_run=True)
                context["token"] = token
                context["file_name"] = upload.name
            except MemberFileError as error:
                path.unlink(missing_ok=True)
                form.add_error("file", str(error).replace(str(path), upload.name))
    return render(request, "organisation/admin/import_members.html", context)
