from pathlib import Path

from django.core.management.base import BaseCommand

from cms.api.schema import schema_sdl


class Command(BaseCommand):
    help = "Write the GraphQL schema (SDL) to a file, or print it without one."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="File to write, e.g. schema.graphql"
        )

    def handle(self, *args, path=None, **options):
        sdl = schema_sdl()
        if path is None:
            self.stdout.write(sdl, ending="")
            return
        Path(path).write_text(sdl, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
