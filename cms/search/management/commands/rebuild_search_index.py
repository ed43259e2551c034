from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, no_translations
from wagtail.models import Locale

from cms.search import rebuild
from cms.search.models import RebuildCheckpoint


def positive(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Index every searchable object again, in the project's index (news, "
        "units, people, member companies) and in Wagtail's (what the admin and "
        "grapple's searchQuery search: pages, images, documents), in batches each "
        "committed on its own: searches keep working meanwhile, and an interrupted "
        "rebuild continues with --resume. Saves and publications keep both "
        "indexes current on the worker; this is for a new installation, a "
        "restored database or a changed tokeniser."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--model",
            metavar="APP.MODEL",
            help="Rebuild only this model's entries (e.g. newsroom.NewsArticlePage).",
        )
        parser.add_argument(
            "--locale",
            metavar="CODE",
            help="Rebuild only this locale's entries (e.g. zh-hant); Wagtail's "
            "index only of translatable models.",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Continue the interrupted rebuild where it stopped.",
        )
        parser.add_argument(
            "--batch-size",
            type=positive,
            default=500,
            help="Objects per batch, each committed on its own (default 500).",
        )

    @no_translations
    def handle(self, *args, model=None, locale=None, resume=False, **options):
        busy = rebuild.running()
        if busy is not None:
            until = (busy.beat + rebuild.RUNNING).strftime("%H:%M:%S UTC")
            raise CommandError(
                f"A rebuild started {started(busy)} is running: let it finish. "
                "If its process was killed, `rebuild_search_index --resume` "
                f"continues it from {until}."
            )
        interrupted = RebuildCheckpoint.objects.first()
        if resume:
            if model or locale:
                raise CommandError(
                    "--resume continues the interrupted rebuild with its own "
                    "models and locales; give it no --model or --locale."
                )
            if interrupted is None:
                raise CommandError(
                    "There is no interrupted rebuild to resume; run "
                    "rebuild_search_index without --resume."
                )
            self.stdout.write(f"Resuming the rebuild started {started(interrupted)}.")
        else:
            models = [self.model(model)] if model else rebuild.indexed_models()
            locale = self.locale(locale) if locale else None
            if interrupted is not None:
                said = (
                    f"A rebuild started {started(interrupted)} was interrupted; "
                    "`rebuild_search_index --resume` continues it."
                )
                if model or locale:
                    # Its checkpoints would give way to this one's.
                    raise CommandError(
                        f"{said} Resume it, or rebuild everything, before "
                        "rebuilding one model or locale."
                    )
                self.stdout.write(f"{said} This rebuild starts afresh instead.")
            if not rebuild.plan(models, locale):
                raise CommandError(
                    f"--model {model} --locale {locale.language_code}:"
                    " nothing to rebuild; this model's entries are not per locale "
                    "(rebuild it without --locale)."
                )
        tty = self.stdout.isatty()
        try:
            count = rebuild.run(
                rebuild.pending(),
                options["batch_size"],
                lambda part, total, done: rebuild.Progress(
                    self.stdout, part.label(), total, done, tty
                ),
            )
        except KeyboardInterrupt:
            # Ctrl-C: the message on a line of its own (a terminal's progress
            # line is unfinished), not a traceback (130: stopped by SIGINT).
            rebuild.stopped()
            if tty:
                self.stdout.write("")
            raise CommandError(STOPPED, returncode=130) from None
        except BaseException:
            rebuild.stopped()
            self.stderr.write(f"\n{STOPPED}")
            raise
        self.stdout.write(
            self.style.SUCCESS(f"Search indexes rebuilt ({count:,} objects indexed).")
        )

    def model(self, label):
        indexed = rebuild.indexed_models()
        try:
            found = apps.get_model(label)
        except (LookupError, ValueError):
            found = None
        if found not in indexed:
            names = ", ".join(sorted(m._meta.label for m in indexed))
            raise CommandError(
                f"--model {label}: not an indexed model. Indexed models: {names}."
            )
        return found

    def locale(self, code):
        found = Locale.objects.filter(language_code__iexact=code).first()
        if found is None:
            codes = Locale.objects.order_by("pk").values_list(
                "language_code", flat=True
            )
            raise CommandError(
                f"--locale {code}: no such locale. Locales: {', '.join(codes)}."
            )
        return found


STOPPED = (
    "The rebuild stopped; `rebuild_search_index --resume` continues it after "
    "its last committed batch."
)


def started(checkpoint):
    return checkpoint.started_at.strftime("%Y-%m-%d %H:%M UTC")
