"""`manage.py worker`: django-tasks-db's `db_worker` (same options), which first
makes sure the every-minute run of scheduled publishing is queued (schedule.py)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from cms.worker import schedule


class Command(DbWorker):
    help = "Run queued background tasks (db_worker), scheduled publishing included."

    def handle(self, *args, **options):
        schedule.ensure()
        super().handle(*args, **options)
