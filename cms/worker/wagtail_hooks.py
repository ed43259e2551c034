"""Reports > Failed tasks (views.py), in the menu for superusers only."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem

from .views import FailedTasksView


@hooks.register("register_admin_urls")
def failed_tasks_urls():
    return [
        path(
            "reports/failed-tasks/",
            FailedTasksView.as_view(),
            name="cms_worker_failed_tasks",
        ),
        path(
            "reports/failed-tasks/results/",
            FailedTasksView.as_view(results_only=True),
            name="cms_worker_failed_tasks_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def failed_tasks_menu_item():
    return AdminOnlyMenuItem(
        _("Failed tasks"),
        reverse("cms_worker_failed_tasks"),
        name="failed-tasks",
        icon_name="warning",
        order=1300,
    )
