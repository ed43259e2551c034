from django.core.management.base import BaseCommand

from cms.search import index


class Command(BaseCommand):
    help = (
        "Index every searchable object again (news, units, people, member "
        "companies). Saves and publications keep the index current; this is for a "
        "new installation, a restored database or a changed tokeniser."
    )

    def handle(self, *args, **options):
        index.rebuild(
            lambda model, count: self.stdout.write(
                f"{model._meta.verbose_name_plural}: {count}"
            )
        )
        self.stdout.write(self.style.SUCCESS("Search index rebuilt."))
