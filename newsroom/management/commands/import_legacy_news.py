from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.importer import ImportSetupError, LegacyNewsImporter


class Command(BaseCommand):
    help = (
        "Import articles exported as text from the old website. Each file becomes "
        "one article (importing it again updates that article). Files that cannot "
        "be read are reported and skipped; the command then exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", help="Export files, or folders of .txt files."
        )
        parser.add_argument(
            "--locale", required=True, help="Locale of the articles, e.g. zh-hant."
        )
        parser.add_argument(
            "--media-dir",
            action="append",
            default=[],
            help="Another folder to look for images in (besides the file's own).",
        )
        parser.add_argument(
            "--draft", action="store_true", help="Save drafts, do not publish."
        )
        parser.add_argument(
            "--publish-damaged",
            action="store_true",
            help="Publish articles with text damaged by the old site's encoding "
            "(by default they are saved as drafts that need review).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write nothing; say what would happen.",
        )

    def handle(
        self, *args, paths, locale, media_dir, draft, dry_run, publish_damaged, **opts
    ):
        try:
            importer = LegacyNewsImporter(
                locale,
                media_dir,
                draft=draft,
                dry_run=dry_run,
                publish_damaged=publish_damaged,
            )
        except ImportSetupError as error:
            raise CommandError(str(error)) from None
        failed = 0
        for path in self._files(paths):
            result = importer.import_file(path)
            if result.error:
                failed += 1
                self.stderr.write(f"failed: {result.error}")
                continue
            self.stdout.write(f"{result.action}: {path} -> {result.title}")
            for note in result.notes:
                self.stdout.write(f"  note: {note}")
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported; see above.")

    def _files(self, paths):
        for name in paths:
            path = Path(name)
            if path.is_dir():
                yield from sorted(path.glob("*.txt"))
            else:
                yield path
