from django.core.management.base import BaseCommand

from cms.content import backups


class Command(BaseCommand):
    help = (
        "Back up the database and the media (local disk or the S3 bucket) into a "
        "new folder cms-backup-<UTC time> inside DIR, with a manifest.json; prints "
        "the folder's path. `manage.py restore` takes it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        folder = backups.backup(directory)
        self.stdout.write(str(folder))
