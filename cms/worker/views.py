"""Reports > Failed tasks: background tasks that gave up (retries.py), newest
first, with their error, for administrators (superusers) only: a traceback can
name anything the code touched."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView


class ErrorColumn(Column):
    """The exception's last line, the whole traceback folded beneath it."""

    cell_template_name = "cms_worker/error_cell.html"


def last_line(row):
    lines = row.traceback.strip().splitlines()
    return lines[-1] if lines else row.exception_class_path


class FailedTasksView(ReportView):
    page_title = _("Failed tasks")
    header_icon = "warning"
    index_url_name = "cms_worker_failed_tasks"
    index_results_url_name = "cms_worker_failed_tasks_results"
    columns = [
        Column("task_name", label=_("Task")),
        ErrorColumn("error", label=_("Error"), accessor=last_line),
        Column(
            "attempts", label=_("Attempts"), accessor=lambda row: len(row.worker_ids)
        ),
        Column("args_kwargs", label=_("Arguments")),
        DateColumn("enqueued_at", label=_("Queued at")),
        DateColumn("finished_at", label=_("Failed at")),
    ]
    list_export = ["task_path", "exception_class_path", "traceback", "finished_at"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return DBTaskResult.objects.failed().order_by("-finished_at")
