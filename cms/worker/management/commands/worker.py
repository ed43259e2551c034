"""`manage.py worker`: django-tasks-db's `db_worker` (same options), which first
makes sure the every-minute run of scheduled publishing is queued (schedule.py),
and which outlives a database outage."""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from cms.worker import schedule

logger = logging.getLogger(__name__)

# Seconds between attempts while the database does not answer.
DATABASE_RETRY = 5


class Command(DbWorker):
    help = "Run queued background tasks (db_worker), scheduled publishing included."

    def handle(self, *args, **options):
        """db_worker's loop exits on the first database error, so a database away
        for a second left no worker (nothing restarts it under `make run`, and a
        process manager only after its own delay): wait, then start again. A
        signal still stops it at once (db_worker's handlers exit while idle)."""
        while True:
            try:
                schedule.ensure()
                super().handle(*args, **options)
                return
            except (OperationalError, InterfaceError) as error:
                logger.warning(
                    "The database does not answer (%s); the worker tries again "
                    "in %s s.",
                    type(error).__name__,
                    DATABASE_RETRY,
                )
                connections.close_all()
                time.sleep(DATABASE_RETRY)
