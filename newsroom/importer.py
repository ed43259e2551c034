"""Import of the old website's text exports as news articles.

One file, one article, matched by file name (`legacy_id`) within the locale, so
importing a file again updates its article instead of adding another. Each file is
imported in a transaction of its own: a file that cannot be read or parsed writes
nothing, and the others go on.

An article whose text the old site's encoding damaged (legacy.damaged_places) is
saved as a draft marked `needs_review`, for an editor to correct and publish,
unless `publish_damaged` says to publish it all the same.
"""

import datetime
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Locale

from home.slugs import free_slug, numbered

from .legacy import LegacyFormatError, decode_export, parse_legacy_article
from .models import ArticleViewCount, NewsArticlePage, NewsCategory, NewsIndexPage


class ImportSetupError(Exception):
    """The import cannot start (unknown locale, no news index)."""


@dataclass
class FileResult:
    path: Path
    action: str = (
        ""  # created, updated, unchanged, failed (prefixed "would " in dry runs)
    )
    article: NewsArticlePage | None = None
    title: str = ""
    notes: list = field(default_factory=list)
    error: str = ""


def body_data(stream_value):
    """A body's blocks as (type, stored value), without the block ids."""
    return [(block["type"], block["value"]) for block in stream_value.get_prep_value()]


class LegacyNewsImporter:
    """Imports exported articles into one locale's news index."""

    def __init__(
        self,
        locale_code,
        media_dirs=(),
        draft=False,
        dry_run=False,
        publish_damaged=False,
    ):
        self.locale = Locale.objects.filter(language_code=locale_code).first()
        if self.locale is None:
            raise ImportSetupError(f"Unknown locale {locale_code!r}.")
        self.index = NewsIndexPage.objects.filter(locale=self.locale).first()
        if self.index is None:
            raise ImportSetupError(
                f"The locale {locale_code!r} has no news index page to import into."
            )
        self.media_dirs = [Path(d) for d in media_dirs]
        self.draft = draft
        self.dry_run = dry_run
        self.publish_damaged = publish_damaged
        self.seen_names = set()

    def import_file(self, path):
        path = Path(path)
        result = FileResult(path)
        if path.name in self.seen_names:
            return self._failed(
                result,
                "another file of this name was imported in this run; articles are "
                "matched by file name, so rename one of them",
            )
        self.seen_names.add(path.name)
        try:
            article = parse_legacy_article(decode_export(path.read_bytes()))
        except OSError as error:
            return self._failed(result, f"cannot read the file: {error.strerror}")
        except LegacyFormatError as error:
            return self._failed(result, str(error))
        result.title = article.title
        result.notes += [
            f"{path}:{line}: text looks damaged by the old site's encoding: {text!r}"
            for line, text in article.damaged
        ]
        try:
            with transaction.atomic():
                self._save(path, article, result)
                if self.dry_run:
                    transaction.set_rollback(True)
        # One file's unforeseen problem (a corrupt image, a rule of the database)
        # must not stop the others: it is reported like any rejected file, and its
        # transaction has written nothing.
        except Exception as error:  # noqa: BLE001
            result.notes.clear()
            return self._failed(result, f"{type(error).__name__}: {error}")
        return result

    def _failed(self, result, message):
        result.action = "failed"
        result.error = f"{result.path}: {message}"
        return result

    def _save(self, path, article, result):
        existing = NewsArticlePage.objects.filter(
            locale=self.locale, legacy_id=path.name
        ).first()
        if existing is None:
            page = NewsArticlePage(
                legacy_id=path.name, slug=self._slug(path), locale=self.locale
            )
        else:
            # Compare with the newest version, a draft included.
            page = existing.get_latest_revision_as_object()
        hold = bool(article.damaged) and not self.publish_damaged
        category = self._category(article.category)
        body = [block for b in article.body if (block := self._block(path, b, result))]
        fields = {
            "title": article.title,
            "summary": article.summary,
            "date": article.date,
            "needs_review": hold,
        }
        before = existing and (
            {name: getattr(page, name) for name in fields},
            body_data(page.body),
            set(page.categories.all()),
        )
        for name, value in fields.items():
            setattr(page, name, value)
        page.body = body
        page.categories = [category]
        changed = before != (fields, body_data(page.body), {category})
        if existing is None:
            page.live = False
            if not self.draft:
                # The old site's date is also when it was first published.
                page.first_published_at = timezone.make_aware(
                    datetime.datetime.combine(article.date, datetime.time(9))
                )
            self.index.add_child(instance=page)
        publish = not (self.draft or hold) and (changed or not existing.live)
        if hold:
            result.notes.append(
                f"{path}: kept as a draft that needs review (--publish-damaged "
                "publishes it all the same)"
            )
        if changed or publish:
            revision = (
                page.save_revision(log_action=True) if changed else page.latest_revision
            )
            if publish:
                revision.publish()
        self._keep_view_count(page, article.view_count)
        action = "created" if existing is None else "updated" if changed else None
        action = action or ("published" if publish else "unchanged")
        result.action = ("would be " if self.dry_run else "") + action
        result.article = page

    def _slug(self, path):
        """A slug from the file name, free among the index's children."""
        return free_slug(
            slugify(path.stem, allow_unicode=True) or "article", self.index
        )

    def _category(self, name):
        """The locale's category of this name (or of its slug, should an editor
        have renamed it), created when missing."""
        slug = slugify(name, allow_unicode=True) or "category"
        categories = NewsCategory.objects.filter(locale=self.locale)
        category = (
            categories.filter(name=name).first() or categories.filter(slug=slug).first()
        )
        if category is None:
            taken = set(categories.values_list("slug", flat=True))
            category = NewsCategory.objects.create(
                locale=self.locale, name=name, slug=numbered(slug, taken.__contains__)
            )
        return category

    def _block(self, path, block, result):
        if block.kind == "heading":
            return ("heading", {"text": block.text, "level": "2"})
        if block.kind == "paragraph":
            return ("paragraph", format_html("<p>{}</p>", block.text))
        image_path = self._find_image(path, block.text)
        if image_path is None:
            result.notes.append(
                f"{path}:{block.line}: image {block.text} not found next to the file "
                "or in --media-dir; left out"
            )
            return None
        image = self._image(image_path, result)
        return ("image", {"image": image, "caption": "", "alt_text": ""})

    def _find_image(self, path, name):
        for folder in [path.parent, *self.media_dirs]:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        return None

    def _image(self, image_path, result):
        """The Wagtail image for a file, reused when the same file came before.

        A dry run stores no file: it names the image it would add instead.
        """
        data = image_path.read_bytes()
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        Image = get_image_model()
        image = Image.objects.filter(file_hash=digest).first()
        if image is None and self.dry_run:
            result.notes.append(f"{image_path}: would add this image")
        elif image is None:
            image = Image(
                title=image_path.stem, file=ImageFile(io.BytesIO(data), image_path.name)
            )
            image.file_hash = digest
            image.file_size = len(data)
            image.save()
        return image

    def _keep_view_count(self, page, legacy_count):
        """Carry the old site's count over; never lower a count readers have grown."""
        ArticleViewCount.objects.get_or_create(article=page)
        ArticleViewCount.objects.filter(pk=page.pk, count__lt=legacy_count).update(
            count=legacy_count
        )
