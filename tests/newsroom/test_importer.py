"""`manage.py import_legacy_news`: the old site's exports as news articles."""

import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale, Revision

from newsroom.models import ArticleViewCount, NewsArticlePage, NewsCategory
from tests.factories import NewsCategoryFactory

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "demo/content/2021-07-12-party-building-guidance-visit.txt"
)

PINYIN = re.compile(r"\([a-zü\u00e0-\u01dc]+\)")
ARTICLE = """協(xié)會動態(tài)

協會召開理事會

發(fā)布時間:2024.03.08 瀏覽次數(shù):12
概覽
理事會在杭州召開...

理事會在杭州召開,審議年度工作報告。會議由秘書長主持。

一、會議議程

議程見附件。

photo.png
"""


@pytest.fixture(autouse=True)
def category(db):
    """The zh-hant category the old site's articles are in, as editors have it."""
    return NewsCategoryFactory(
        name="協會動態",
        slug="協會動態",
        locale=Locale.objects.get(language_code="zh-hant"),
    )


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_legacy_news", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), False
    return out.getvalue(), err.getvalue(), True


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def png(path):
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 6), "red").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def article_text(article):
    blocks = [str(block.value) for block in article.body]
    return " ".join([article.title, article.summary, *blocks])


@pytest.mark.django_db
def test_the_sample_imports_cleanly():
    """The old site's real export (the one the demo loads) imports cleanly; its
    damaged text published only when asked to."""
    out, err, ok = run(SAMPLE, "--locale", "zh-hant", "--publish-damaged")
    assert ok and out.startswith("created:"), err
    article = NewsArticlePage.objects.get(
        legacy_id=SAMPLE.name, locale__language_code="zh-hant"
    )
    assert article.live and article.locale.language_code == "zh-hant"
    assert str(article.date) == "2021-07-12"
    assert article.view_count == 61
    assert [c.name for c in article.categories.all()] == ["協會動態"]
    headings = [b.value["text"] for b in article.body if b.block_type == "heading"]
    assert headings == ["一、協會創新工作情況", "二、落實浙江省經信領域黨建會議精神"]
    assert not PINYIN.search(article_text(article))
    assert "公共服務平臺(中心)" in article_text(article)
    assert article.first_published_at.date().isoformat() == "2021-07-12"


@pytest.mark.django_db
def test_import_is_idempotent_and_updates_the_one_article(tmp_path):
    path = write(tmp_path, "2024-03-08-council.txt", ARTICLE)
    out, _err, ok = run(path, "--locale", "zh-hant")
    assert ok and out.startswith("created:")
    revisions = Revision.objects.count()
    out, _err, ok = run(path, "--locale", "zh-hant")
    assert ok and out.startswith("unchanged:")
    assert Revision.objects.count() == revisions
    write(tmp_path, path.name, ARTICLE.replace("議程見附件。", "議程已發給各理事。"))
    out, _err, ok = run(path, "--locale", "zh-hant")
    assert ok and out.startswith("updated:")
    article = NewsArticlePage.objects.get(legacy_id=path.name)
    assert "議程已發給各理事。" in article_text(article)
    assert NewsArticlePage.objects.filter(legacy_id=path.name).count() == 1


@pytest.mark.django_db
def test_fields_of_an_imported_article(tmp_path):
    path = write(tmp_path, "2024-03-08-council.txt", ARTICLE)
    out, _err, _ok = run(path, "--locale", "zh-hant")
    article = NewsArticlePage.objects.get(legacy_id=path.name)
    assert article.title == "協會召開理事會"
    assert article.summary == "理事會在杭州召開,審議年度工作報告。"
    assert str(article.date) == "2024-03-08" and article.view_count == 12
    assert [b.block_type for b in article.body] == ["paragraph", "heading", "paragraph"]
    # The category exists already (`category`): it is reused, not duplicated.
    assert NewsCategory.objects.filter(name="協會動態").count() == 1
    assert f"{path}:15: image photo.png not found" in out


@pytest.mark.django_db
def test_images_next_to_the_file_or_in_a_media_dir(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    png(media / "photo.png")
    path = write(tmp_path, "2024-03-08-council.txt", ARTICLE)
    out, _err, ok = run(path, "--locale", "zh-hant", "--media-dir", media)
    assert ok and "not found" not in out
    article = NewsArticlePage.objects.get(legacy_id=path.name)
    [image_block] = [b for b in article.body if b.block_type == "image"]
    assert image_block.value["image"].width == 8
    # Importing again reuses the image instead of adding a copy.
    out, _err, ok = run(path, "--locale", "zh-hant", "--media-dir", media)
    assert out.startswith("unchanged:")
    assert get_image_model().objects.count() == 1


@pytest.mark.django_db
def test_damaged_text_is_reported_with_file_and_line_and_imported(tmp_path):
    damaged = ARTICLE.replace("議程見附件。", "推動協會建設的規?;?,發揮\ue034作用。")
    path = write(tmp_path, "damaged.txt", damaged)
    out, _err, ok = run(path, "--locale", "zh-hant")
    assert ok
    assert f"{path}:13: text looks damaged by the old site's encoding" in out
    assert NewsArticlePage.objects.filter(legacy_id="damaged.txt").exists()


DAMAGED = ARTICLE.replace("議程見附件。", "推動協會建設的規?;?,發揮作用。")


@pytest.mark.django_db
def test_damaged_articles_are_drafts_that_need_review(tmp_path):
    path = write(tmp_path, "damaged.txt", DAMAGED)
    out, _err, ok = run(path, "--locale", "zh-hant")
    assert ok and out.startswith("created:")
    assert "kept as a draft that needs review" in out
    article = NewsArticlePage.objects.get(legacy_id="damaged.txt")
    assert not article.live and article.needs_review
    latest = article.get_latest_revision_as_object()
    assert latest.needs_review and "規?;?" in article_text(latest)
    # Importing it again neither publishes it nor adds a revision.
    revisions = Revision.objects.count()
    out, _err, _ok = run(path, "--locale", "zh-hant")
    assert out.startswith("unchanged:") and Revision.objects.count() == revisions
    article.refresh_from_db()
    assert not article.live
    # Publishing the editor's correction keeps the old site's date.
    latest.needs_review = False
    latest.save_revision().publish()
    article.refresh_from_db()
    assert article.live and not article.needs_review
    assert article.first_published_at.date().isoformat() == "2024-03-08"


@pytest.mark.django_db
def test_publish_damaged_publishes_them_all_the_same(tmp_path):
    path = write(tmp_path, "damaged.txt", DAMAGED)
    out, _err, ok = run(path, "--locale", "zh-hant", "--publish-damaged")
    assert ok and out.startswith("created:")
    assert "needs review" not in out
    article = NewsArticlePage.objects.get(legacy_id="damaged.txt")
    assert article.live and not article.needs_review
    assert "規?;?" in article_text(article)


@pytest.mark.django_db
def test_clean_articles_are_published_and_need_no_review(tmp_path):
    out, _err, ok = run(write(tmp_path, "clean.txt", ARTICLE), "--locale", "zh-hant")
    assert ok and out.startswith("created:") and "needs review" not in out
    article = NewsArticlePage.objects.get(legacy_id="clean.txt")
    assert article.live and not article.needs_review


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"\x00\x01binary", "the file is binary"),
        (b"category\n" + "標題".encode("big5"), "line 2: not UTF-8"),
        (
            "協會動態\n發布時間:2024.03.08\n概覽\n摘要\n正文\n".encode(),
            "line 2: no title",
        ),
        ("協會動態\n標題\n發布時間:無\n概覽\n摘要\n".encode(), "line 3: no date"),
    ],
)
def test_bad_files_are_rejected_with_file_and_line_and_the_rest_goes_on(
    tmp_path, content, message
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = write(tmp_path, "good.txt", ARTICLE)
    pages, categories = NewsArticlePage.objects.count(), NewsCategory.objects.count()
    out, err, ok = run(bad, good, "--locale", "zh-hant")
    assert not ok
    assert f"failed: {bad}: {message}" in err
    assert "1 file(s) could not be imported" in err
    assert out.startswith(f"created: {good}")
    assert NewsArticlePage.objects.count() == pages + 1
    assert NewsCategory.objects.count() == categories


@pytest.mark.django_db
def test_draft_and_dry_run(tmp_path):
    png(tmp_path / "photo.png")
    path = write(
        tmp_path, "draft.txt", ARTICLE.replace("協(xié)會動態(tài)", "通知公告")
    )
    counts = (
        NewsArticlePage.objects.count(),
        NewsCategory.objects.count(),
        get_image_model().objects.count(),
        Revision.objects.count(),
    )
    out, _err, ok = run(path, "--locale", "zh-hant", "--dry-run")
    assert ok and out.startswith("would be created:")
    assert "would add this image" in out
    assert counts == (
        NewsArticlePage.objects.count(),
        NewsCategory.objects.count(),
        get_image_model().objects.count(),
        Revision.objects.count(),
    )
    run(path, "--locale", "zh-hant", "--draft")
    article = NewsArticlePage.objects.get(legacy_id="draft.txt")
    assert not article.live and article.first_published_at is None
    assert NewsCategory.objects.filter(name="通知公告", locale=article.locale).exists()


@pytest.mark.django_db
def test_reimport_never_lowers_a_grown_view_count(tmp_path):
    path = write(tmp_path, "views.txt", ARTICLE)
    run(path, "--locale", "zh-hant")
    article = NewsArticlePage.objects.get(legacy_id="views.txt")
    ArticleViewCount.objects.filter(article=article).update(count=500)
    run(path, "--locale", "zh-hant")
    assert NewsArticlePage.objects.get(pk=article.pk).view_count == 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [(["--locale", "fr"], "Unknown locale 'fr'"), ([], "--locale")],
)
def test_bad_command_arguments(tmp_path, args, message):
    path = write(tmp_path, "a.txt", ARTICLE)
    with pytest.raises(CommandError, match=message):
        call_command("import_legacy_news", str(path), *args, stdout=StringIO())


@pytest.mark.django_db
def test_one_bad_file_of_any_kind_does_not_stop_the_others(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"not an image at all")
    corrupt_image = write(tmp_path, "a-corrupt-image.txt", ARTICLE)
    long_title = write(
        tmp_path, "b-long.txt", ARTICLE.replace("協會召開理事會", "長" * 300)
    )
    good_dir = tmp_path / "good"
    good_dir.mkdir()
    good = write(good_dir, "c-good.txt", ARTICLE)
    out, err, ok = run(corrupt_image, long_title, good, "--locale", "zh-hant")
    assert not ok
    assert f"failed: {corrupt_image}: " in err
    assert f"failed: {long_title}: line 3: the title is longer than 255" in err
    assert "2 file(s) could not be imported" in err
    assert out.startswith(f"created: {good}")
    assert not NewsArticlePage.objects.filter(legacy_id="a-corrupt-image.txt").exists()
    assert get_image_model().objects.count() == 0


@pytest.mark.django_db
def test_two_files_of_the_same_name_in_one_run(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first = write(tmp_path / "x", "same.txt", ARTICLE)
    second = write(tmp_path / "y", "same.txt", ARTICLE.replace("理事會", "監事會"))
    out, err, ok = run(first, second, "--locale", "zh-hant")
    assert not ok and f"failed: {second}: another file of this name" in err
    assert NewsArticlePage.objects.get(legacy_id="same.txt").title == "協會召開理事會"


@pytest.mark.django_db
def test_a_category_renamed_by_an_editor_is_still_found(tmp_path):
    category = NewsCategory.objects.get(name="協會動態")
    category.name = "協會新聞"
    category.save()
    path = write(tmp_path, "renamed.txt", ARTICLE)
    _out, _err, ok = run(path, "--locale", "zh-hant")
    assert ok
    article = NewsArticlePage.objects.get(legacy_id="renamed.txt")
    assert list(article.categories.all()) == [category]


@pytest.mark.django_db
def test_draft_then_publish_and_draft_reruns_are_idempotent(tmp_path):
    path = write(tmp_path, "draft-first.txt", ARTICLE)
    run(path, "--locale", "zh-hant", "--draft")
    revisions = Revision.objects.count()
    out, _err, _ok = run(path, "--locale", "zh-hant", "--draft")
    assert out.startswith("unchanged:") and Revision.objects.count() == revisions
    changed = ARTICLE.replace("議程見附件。", "議程另行通知。")
    write(tmp_path, path.name, changed)
    out, _err, _ok = run(path, "--locale", "zh-hant", "--draft")
    assert out.startswith("updated:")
    out, _err, _ok = run(path, "--locale", "zh-hant", "--draft")
    assert out.startswith("unchanged:")
    article = NewsArticlePage.objects.get(legacy_id=path.name)
    assert not article.live
    out, _err, _ok = run(path, "--locale", "zh-hant")
    assert out.startswith("published:")
    article.refresh_from_db()
    assert article.live and "議程另行通知。" in article_text(article)
