"""Rebuilding both indexes (`manage.py rebuild_search_index`): in batches, each
committed on its own, resumable, for everything or for one model or locale.

A rebuild is a list of parts: the project's entries of one model in one locale,
and Wagtail's entries of one model (in one locale, for a locale's rebuild).
Each part goes through its objects in primary key order, a batch at a time. A
batch replaces, in one transaction, the entries of the keys from the previous
batch's last to its own last (the part's last batch: every key after it), so a
reader finds one complete entry per indexable object at every moment, and
entries of objects no longer indexable are gone when the part ends. The same
transaction records where the part stands (`RebuildCheckpoint`): a rebuild
stopped by an error or a killed process continues after its last committed
batch, and ends with the entries a rebuild without a stop makes. The checkpoints
are deleted when the rebuild completes.

Wagtail's entries are written by modelsearch's own machinery, as its
`update_index` does: the backend's rebuilder (which first removes the entries of
deleted objects, and last refreshes the title norms the ranking uses) and the
index's `add_items` for each batch, which replaces each object's entry.
"""

import contextlib
import datetime
import time
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from modelsearch.backends import get_search_backends
from modelsearch.index import get_indexed_models
from wagtail.models import Locale, TranslatableMixin
from wagtail.search.models import IndexEntry

from . import index
from .documents import REGISTRY
from .models import RebuildCheckpoint, SearchEntry, Suggestion

PROJECT, WAGTAIL = "project", "wagtail"


def translatable(model):
    return issubclass(model, TranslatableMixin)


@dataclass
class Part:
    checkpoint: RebuildCheckpoint
    model: type

    @property
    def locale(self):
        return self.checkpoint.locale

    def label(self):
        name = str(self.model._meta.verbose_name_plural)
        if self.checkpoint.index == WAGTAIL:
            name = f"Wagtail: {name}"
        return f"{name} ({self.locale.language_code})" if self.locale else name

    def objects(self):
        """The part's objects, in primary key order."""
        if self.checkpoint.index == PROJECT:
            rows = REGISTRY[self.model].indexable()
        else:
            rows = self.model.get_indexed_objects()
        if self.locale and translatable(self.model):
            rows = rows.filter(locale=self.locale)
        return rows.order_by("pk")

    def write(self, pks, last):
        """Index the objects `pks` (the next batch), `last` being True for the
        part's last batch."""
        after = self.checkpoint.after
        if self.checkpoint.index == PROJECT:
            document = REGISTRY[self.model]
            where = {
                "model": self.model._meta.label_lower,
                "locale": self.locale,
                "object_id__gt": after,
            }
            if not last:
                where["object_id__lte"] = pks[-1]
            objects = document.indexable().filter(pk__in=pks)
            entries = document.entries(objects) if pks else []
            mine = [e for e in entries if e.locale_id == self.locale.pk]
            index.announce(index.replace(where, mine))
        elif pks:
            objects = list(self.objects().filter(pk__in=pks))
            for backend in get_search_backends():
                backend.get_index_for_model(self.model).add_items(self.model, objects)


def plan(models, locale):
    """Checkpoints for the parts of a rebuild of `models` (project's and
    Wagtail's) in `locale` (None: every locale), in place of any others;
    returns how many (none: nothing to do, and the others stay)."""
    locales = [locale] if locale else list(Locale.objects.order_by("pk"))
    rows = []
    for model in models:
        if model in REGISTRY:
            rows += [
                RebuildCheckpoint(index=PROJECT, model=label(model), locale=one)
                for one in locales
            ]
        if model in wagtail_models() and (locale is None or translatable(model)):
            rows.append(
                RebuildCheckpoint(index=WAGTAIL, model=label(model), locale=locale)
            )
    if rows:
        for row in rows:
            row.beat = timezone.now()
        RebuildCheckpoint.objects.all().delete()
        RebuildCheckpoint.objects.bulk_create(rows)
    return len(rows)


# A rebuild that wrote a batch this recently is taken to be running: one batch
# takes seconds. A process killed without a word (kill -9, a lost machine)
# leaves its last beat; after this long its rebuild counts as interrupted.
RUNNING = datetime.timedelta(minutes=2)


def running():
    """The checkpoint of a rebuild that is running now (in any process), or
    None: two rebuilds at once would each remove the other's checkpoints."""
    recent = RebuildCheckpoint.objects.filter(beat__gte=timezone.now() - RUNNING)
    return recent.order_by("-beat").first()


def stopped():
    """Say that the rebuild under way has stopped (an error, Ctrl-C): another
    may start or resume it at once. Quietly nothing when the database is what
    failed (then its last beat holds others off for RUNNING)."""
    with contextlib.suppress(DatabaseError):
        RebuildCheckpoint.objects.update(beat=None)


def label(model):
    return model._meta.label


def wagtail_models():
    return [m for m in get_indexed_models() if m.get_search_fields()]


def indexed_models():
    """Every model in either index, the project's first."""
    return list(REGISTRY) + [m for m in wagtail_models() if m not in REGISTRY]


def pending():
    """The parts of the rebuild under way (or interrupted) left to do."""
    checkpoints = RebuildCheckpoint.objects.filter(done=False).select_related("locale")
    return [Part(c, apps.get_model(c.model)) for c in checkpoints]


def run(parts, batch_size, progress):
    """Do `parts` (each resumed after its checkpoint), showing `progress(part,
    total, done)`'s `Progress`; then delete the checkpoints. Returns how many
    objects were indexed."""
    rebuilders = {}  # the database backends' rebuilders keep their index
    backends = list(get_search_backends())
    for part in parts:
        if part.checkpoint.index == WAGTAIL:
            for number, backend in enumerate(backends):
                found = backend.get_index_for_model(part.model)
                rebuilder = backend.rebuilder_class(found)
                rebuilders.setdefault((number, found.get_key()), rebuilder)
    for rebuilder in rebuilders.values():
        rebuilder.start()
    count = sum(run_part(part, batch_size, progress) for part in parts)
    for rebuilder in rebuilders.values():
        rebuilder.finish()
    RebuildCheckpoint.objects.all().delete()
    analyse()
    return count


# The tables a rebuild fills. The database's statistics of them are what the
# searches' plans rest on, and above the exact limit `totalCount` is
# PostgreSQL's estimate from them (cms.search.database): without them (until
# autovacuum gets to the tables, never where it is off) a common word's admin
# search took 6 s and its totalCount read 1,001.
ANALYSED = (SearchEntry, Suggestion, IndexEntry)


def analyse():
    """Take the statistics of the ANALYSED tables now."""
    with connection.cursor() as cursor:
        for model in ANALYSED:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def run_part(part, batch_size, progress):
    objects = part.objects()
    checkpoint = part.checkpoint
    bar = progress(
        part, objects.count(), objects.filter(pk__lte=checkpoint.after).count()
    )
    keys = objects.values_list("pk", flat=True)
    while True:
        pks = list(keys.filter(pk__gt=checkpoint.after)[: batch_size + 1])
        last = len(pks) <= batch_size
        pks = pks[:batch_size]
        with transaction.atomic():
            part.write(pks, last)
            if pks:
                checkpoint.after = pks[-1]
            checkpoint.done = last
            checkpoint.beat = timezone.now()
            checkpoint.save(update_fields=["after", "done", "beat"])
        bar.advance(len(pks))
        if last:
            bar.finish()
            return bar.done - bar.resumed


class Progress:
    """A part's progress: a bar, counts, rate and time left. On a terminal one
    line redrawn after each batch; otherwise (a log) a line at each tenth of the
    way and at the end."""

    WIDTH = 10

    def __init__(self, out, label, total, done, tty, clock=time.monotonic):
        self.out, self.label, self.total, self.tty = out, label, total, tty
        self.done = self.resumed = done
        self.clock = clock
        self.started = clock()
        self.tenth = self.tenths()

    def tenths(self):
        return self.done * 10 // self.total if self.total else 10

    def rate(self):
        return (self.done - self.resumed) / max(self.clock() - self.started, 1e-3)

    def line(self, finished=False):
        share = self.done / self.total if self.total else 1
        filled = round(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        rate = self.rate()
        if finished:
            timing = f"in {clock(self.clock() - self.started)}"
        else:
            left = (self.total - self.done) / rate if rate else 0
            timing = f"ETA {clock(left)}"
        return (
            f"{self.label:<32} [{bar}]  {self.done:,}/{self.total:,}  "
            f"{share:4.0%}  {rate:,.0f}/s  {timing}"
        )

    def advance(self, count):
        self.done += count
        if self.tty:
            self.out.write(self.redrawn(self.line()), ending="")
            self.out.flush()
        elif self.tenths() > self.tenth and self.done < self.total:
            self.out.write(self.line())
        self.tenth = self.tenths()

    def finish(self):
        line = self.line(finished=True)
        self.out.write(self.redrawn(line) if self.tty else line)

    @staticmethod
    def redrawn(line):
        """`line` over the terminal's current one, whose end it erases (a
        shorter line left the last characters of the longer: "in 0:000")."""
        return f"\r{line}\x1b[K"


def clock(seconds):
    """0:26, 12:05, 1:02:03."""
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
