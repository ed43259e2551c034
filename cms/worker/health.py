"""The task queue in /readyz (cms.health): its table answers.

Only that: how far the worker lags is no reason to take a web process out of the
load balancer (every one would go at once); the admin's failed-task list and the
worker's log show it."""

from django_tasks_db.models import DBTaskResult

from cms.health import readiness_check


def queue():
    DBTaskResult.objects.order_by().exists()


def register():
    readiness_check("tasks")(queue)
