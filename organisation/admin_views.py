"""Member import from the admin: upload a list, read the preview (the companies to
create and update, the rejected rows, the questions), decide, confirm. The same
import as `manage.py import_members`.

The upload waits on disk between preview and confirmation; the confirmation plans
it again and refuses when the file's digest differs from the one the preview
showed (nothing is imported), or when the data changed so that the preview would
ask other questions (the new preview is shown instead).
"""

import io
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .member_import import Decisions, MemberFileError, plan_import, write

# Uploads wait here between preview and confirmation, named by a random token, for
# a day at most.
UPLOAD_DIR_NAME = "member-imports"
UPLOAD_LIFETIME = 24 * 60 * 60
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")
# Rows of each list shown on the preview page; the report has all of them.
PREVIEW_ROWS = 200
CREATE, REJECT, IMPORT = "create", "reject", "import"


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


def check_permission(request):
    if not (
        request.user.has_perm("organisation.add_membercompany")
        and request.user.has_perm("organisation.change_membercompany")
    ):
        raise PermissionDenied


def import_view(request):
    check_permission(request)
    if request.method == "POST" and "token" in request.POST:
        return confirm(request)
    form = MemberListForm()
    if request.method == "POST":
        form = MemberListForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            token = f"{uuid.uuid4()}{Path(upload.name).suffix.lower()}"
            path = upload_dir() / token
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                plan = plan_import(path, upload.name)
            except MemberFileError as error:
                path.unlink(missing_ok=True)
                form.add_error("file", str(error))
            else:
                return preview(request, plan, token)
    return render(request, "organisation/admin/import_members.html", {"form": form})


def preview(request, plan, token, choices=None, problem=None):
    """The preview page: the first PREVIEW_ROWS of each list, the questions with
    the worker's choices so far (a possible duplicate is skipped by default)."""
    choices = choices or {}
    return render(
        request,
        "organisation/admin/import_members.html",
        {
            "plan": plan,
            "token": token,
            "problem": problem,
            "preview_rows": PREVIEW_ROWS,
            "create": plan.create[:PREVIEW_ROWS],
            "update": plan.update[:PREVIEW_ROWS],
            "rejected": plan.rejected[:PREVIEW_ROWS],
            "labels": [
                (label, f"label:{key}", choices.get(f"label:{key}"))
                for key, label in plan.new_labels.items()
            ],
            "duplicates": [
                (row, f"duplicate:{row.number}", choices.get(f"duplicate:{row.number}"))
                for row in plan.duplicates
            ],
            "report_url": reverse("organisation_import_members_report")
            + "?"
            + urlencode({"token": token, "name": plan.file_name}),
        },
    )


def confirm(request):
    token = request.POST["token"]
    path = stored_upload(token)
    if path is None:
        # gettext, not the lazy _: a lazy message would be translated when the
        # messages are stored, after Wagtail's switch to the editor's language.
        messages.error(
            request, gettext("That upload has expired; please upload again.")
        )
        return redirect("organisation_import_members")
    try:
        plan = plan_import(path, request.POST.get("name") or path.name)
    except MemberFileError as error:
        plan = None
        messages.error(request, str(error))
    if plan is None or plan.digest != request.POST.get("digest"):
        path.unlink(missing_ok=True)
        if plan is not None:
            messages.error(
                request,
                gettext(
                    "The file changed after the preview, so nothing was imported. "
                    "Please upload it again."
                ),
            )
        return redirect("organisation_import_members")
    choices = {
        key: value
        for key, value in request.POST.items()
        if key.startswith(("label:", "duplicate:"))
    }
    if plan.questions() != request.POST.get("questions"):
        return preview(
            request,
            plan,
            token,
            choices,
            gettext(
                "The member data changed after the preview, so nothing was imported. "
                "Please check this new preview and confirm again."
            ),
        )
    decisions = Decisions(
        create_labels={
            key for key in plan.new_labels if choices.get(f"label:{key}") == CREATE
        },
        import_duplicates={
            row.number
            for row in plan.duplicates
            if choices.get(f"duplicate:{row.number}") == IMPORT
        },
    )
    undecided = [
        label.name
        for key, label in plan.new_labels.items()
        if choices.get(f"label:{key}") not in (CREATE, REJECT)
    ]
    if undecided:
        return preview(
            request,
            plan,
            token,
            choices,
            gettext(
                "Choose for each new region and industry whether to create it or to "
                "reject its rows (not chosen: %(names)s). Nothing was imported."
            )
            % {"names": ", ".join(undecided)},
        )
    plan = plan.decided(decisions)
    write(plan)
    path.unlink(missing_ok=True)
    messages.success(
        request,
        gettext(
            "%(created)d created, %(updated)d updated, %(skipped)d skipped as "
            "possible duplicates, %(rejected)d rejected."
        )
        % {
            "created": len(plan.create),
            "updated": len(plan.update),
            "skipped": len(plan.skipped),
            "rejected": len(plan.rejected),
        },
    )
    return redirect(reverse("wagtailsnippets_organisation_membercompany:list"))


def report_view(request):
    """The whole preview as an .xlsx workbook, in the editor's language: the
    companies to create and to update (with the changes and what the preview
    asks about them) and the rejected rows with their reasons."""
    check_permission(request)
    path = stored_upload(request.GET.get("token", ""))
    if path is None:
        messages.error(
            request, gettext("That upload has expired; please upload again.")
        )
        return redirect("organisation_import_members")
    name = request.GET.get("name") or path.name
    try:
        plan = plan_import(path, name)
    except MemberFileError as error:
        messages.error(request, str(error))
        return redirect("organisation_import_members")
    response = HttpResponse(
        report_workbook(plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="member-import-report.xlsx"'
    return response


def report_workbook(plan):
    """The report's bytes (openpyxl, which reads the imports, writes it too)."""
    workbook = Workbook(write_only=True)
    row_heading, name, code = (
        gettext("Row"),
        gettext("Company name"),
        gettext("Credit code"),
    )
    sheets = [
        (
            gettext("To create"),
            [
                row_heading,
                name,
                code,
                gettext("Membership tier"),
                gettext("Region"),
                gettext("Industry"),
                gettext("To decide"),
            ],
            [
                [
                    row.number,
                    row.values["name"],
                    row.values["credit_code"],
                    row.shown["tier"],
                    row.shown["region"],
                    row.shown["industry"],
                    "; ".join(row.notes),
                ]
                for row in plan.create
            ],
        ),
        (
            gettext("To update"),
            [row_heading, name, code, gettext("Changes"), gettext("To decide")],
            [
                [
                    row.number,
                    row.values["name"],
                    row.values["credit_code"],
                    "; ".join(row.changes),
                    "; ".join(row.notes),
                ]
                for row in plan.update
            ],
        ),
        (
            gettext("Rejected rows"),
            [row_heading, gettext("Problem")],
            [list(problem) for problem in plan.rejected],
        ),
    ]
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append([text_cell(sheet, value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def text_cell(sheet, value):
    """A cell that shows `value`: text starting with = stays text, never a
    formula Excel would run."""
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell
