from django.core.management.base import BaseCommand

from home.roles import ensure_roles


class Command(BaseCommand):
    help = (
        "Give the editorial groups their page permissions on every locale's tree "
        "and put the news workflow on every news index (home.roles). Only what is "
        "missing is added; run it after adding a locale's home page or news index."
    )

    def handle(self, *args, **options):
        ensure_roles()
        self.stdout.write("Editorial groups and the news workflow are in place.")
