"""Scheduled publishing and expiry, every minute, without cron.

django-tasks has no periodic tasks. `publish_scheduled` is a task that, first of
all, queues its own next run a minute later; then it runs Wagtail's
`publish_scheduled` command (go-live of approved revisions, unpublication of
expired pages and snippets). Queuing the next run first keeps the chain alive
when a run fails. `ensure` starts the chain (the `worker` command calls it as it
starts); a run queues no successor when one is already waiting, so however many
workers start, chains that meet merge into one within a minute.

A chain rather than a loop inside the worker: it runs on whichever worker is free,
is one row in the queue an operator can see, is retried like any task, and needs
nothing from the worker process beyond running tasks.
"""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

EVERY = timedelta(minutes=1)


@task()
def publish_scheduled():
    ensure(after=EVERY)
    call_command("publish_scheduled")


def ensure(after=timedelta(0)):
    """Queue a run of `publish_scheduled` `after` from now, unless one is waiting.
    Only on the database queue: the chain needs a queue that runs tasks later."""
    if not isinstance(publish_scheduled.get_backend(), DatabaseBackend):
        return
    waiting = DBTaskResult.objects.filter(
        task_path=publish_scheduled.module_path, status=TaskResultStatus.READY
    )
    if not waiting.exists():
        publish_scheduled.using(run_after=timezone.now() + after).enqueue()
