from django.core.management.base import BaseCommand

from demo import site as demo


class Command(BaseCommand):
    help = (
        "Create the demo site (home pages in zh-hans, zh-hant and en, the news and "
        "organisation sections, the old site's sample article). Only what is missing "
        "is created: a second run changes nothing."
    )

    def handle(self, *args, **options):
        homes = demo.load(report=self.stdout.write)
        for code, home in homes.items():
            self.stdout.write(f"{code}: {home.title} ({home.url})")
