from pathlib import Path

from django.core.management.base import BaseCommand

from cms.api.schema import possible_types_json, schema_sdl


class Command(BaseCommand):
    help = (
        "Write the GraphQL schema (SDL) to a file, or print it without one; with "
        "--possible-types, also the possible types of its interfaces and unions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="File to write, e.g. schema.graphql"
        )
        parser.add_argument(
            "--possible-types",
            help="JSON file for a client cache, e.g. frontend/possible-types.json",
        )

    def handle(self, *args, path=None, possible_types=None, **options):
        sdl = schema_sdl()
        if path is None:
            self.stdout.write(sdl, ending="")
        else:
            Path(path).write_text(sdl, encoding="utf-8")
            self.stdout.write(f"Wrote {path}.")
        if possible_types:
            Path(possible_types).write_text(possible_types_json(), encoding="utf-8")
            self.stdout.write(f"Wrote {possible_types}.")
