from django.core.management.base import BaseCommand

from cms.content import backups


class Command(BaseCommand):
    help = (
        "Restore a folder made by `manage.py backup` into this site's database and "
        "media storage, then migrate and rebuild the search index. Refuses a "
        "database or media storage that already holds data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="BACKUP")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database's tables and the backup's media files.",
        )

    def handle(self, *args, folder, force, **options):
        backups.restore(folder, force=force, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Restored {folder}."))
