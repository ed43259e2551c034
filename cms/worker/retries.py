"""A failed task is tried again, a limited number of times, later each time.

django-tasks has no retries of its own. The database queue keeps a failed task
as a row marked FAILED; when a task of that row fails (`task_finished`) and it
has had fewer than CMS_TASK_ATTEMPTS attempts (every attempt appends the
worker's id to `worker_ids`), the same row goes back to READY, to run after
CMS_TASK_RETRY_DELAY seconds, doubled for each attempt before. It keeps the last
error meanwhile. So a FAILED row is always one that gave up: the admin's list of
failed tasks (views.py) shows exactly what needs a person. Every task is retried,
Wagtail's own too; tasks are written to be safe to run again.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult


def retry_delay(attempts):
    """Seconds before the next attempt, after `attempts` failed ones."""
    return settings.CMS_TASK_RETRY_DELAY * 2 ** (attempts - 1)


def retry(sender, task_result, **kwargs):
    row = getattr(task_result, "db_result", None)  # only the database queue's
    if row is None or task_result.status != TaskResultStatus.FAILED:
        return
    attempts = len(row.worker_ids)
    if attempts >= settings.CMS_TASK_ATTEMPTS:
        return
    DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY,
        run_after=timezone.now() + timedelta(seconds=retry_delay(attempts)),
        finished_at=None,
    )


def connect():
    task_finished.connect(retry, dispatch_uid="cms-worker-retry")
