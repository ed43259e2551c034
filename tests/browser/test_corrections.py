"""简繁 corrections that stick (issue 18, item 3), in a real browser: an editor
corrects a zh-hant segment in wagtail-localize's translation editor, the
Simplified sentence behind it changes and is published, and after the worker's
synchronisation the translation editor shows the segment to review with the
old correction beside the proposal."""

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import log_in, more_actions

SENTENCE = "秘书处了解会员情况"
CORRECTION = "秘書處了解會員情況"  # OpenCC's own: 祕書處瞭解會員情況
ADDED = " 2026"  # typed as keys: Draftail takes no inserted text

# The demo's only article is the old site's, written in Traditional (its zh-hans
# edition is the converted one); an article written in Simplified is published
# here, and its zh-hant edition is made by the worker, as after any publication.
# First the worker finishes what loading the demo queued (SQLite takes one
# writer at a time).
SETUP = f"""
import datetime, json, time
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale
from newsroom.models import NewsArticlePage, NewsIndexPage
for _ in range(600):
    tasks = DBTaskResult.objects
    if not (tasks.ready().exists() or tasks.running().exists()):
        break
    time.sleep(0.5)
index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
page = index.add_child(instance=NewsArticlePage(
    title="秘书处工作简报", slug="secretariat-brief", summary="秘书处简报",
    date=datetime.date(2026, 11, 30), body=json.dumps([
        {{"type": "paragraph", "value": "<p>{SENTENCE}</p>"}},
        {{"type": "paragraph", "value": "<p>会员大会后来召开</p>"}},
    ]), live=False))
page.save_revision().publish()
hant = Locale.objects.get(language_code="zh-hant")
for _ in range(240):
    edition = page.get_translation_or_none(hant)
    if edition is not None and edition.live:
        break
    time.sleep(0.5)
print(page.pk, edition.pk)
"""


def segment(page, source):
    """The translation editor's segment whose source text is `source`."""
    return page.locator("li", has=page.locator(f"p:text-is('{source}')")).last


def test_a_correction_whose_source_changed_is_shown_for_review(site, browser_page):
    page = browser_page
    hans_pk, hant_pk = site.manage("shell", "-c", SETUP).split()[-2:]
    log_in(page, site)

    # The zh-hant edition in the translation editor: correct the sentence.
    page.goto(f"{site.base}/admin/pages/{hant_pk}/edit/")
    item = segment(page, SENTENCE)
    item.locator("button").click()  # 编辑
    item.locator("textarea").fill(CORRECTION)
    page.shot("correcting")
    with page.expect_response(
        lambda r: "/translate/" in r.url and r.request.method == "PUT"
    ) as saved:
        item.locator("button").last.click()  # 保存
    assert saved.value.status in (200, 201)
    expect(item.locator(f"p:text-is('{CORRECTION}')")).to_be_visible()
    page.shot("corrected")

    # The sentence changes in the zh-hans source, typed in Draftail, and the
    # source is published.
    page.goto(f"{site.base}/admin/pages/{hans_pk}/edit/")
    editor = page.locator("[data-contentpath='body'] [contenteditable=true]")
    editor.filter(has_text=SENTENCE).click()
    page.keyboard.press("End")
    page.keyboard.type(ADDED)
    # Draftail writes its state into the form's input a moment after a change.
    expect(page.locator("input[name='body-0-value']")).to_have_value(
        re.compile(re.escape(SENTENCE + ADDED))
    )
    page.shot("source-changed")
    publish = page.locator("button[name=action-publish]")
    more_actions(page, publish)
    publish.click()
    expect(page.locator(".messages")).to_contain_text("秘书处工作简报' 已经发布")
    page.shot("source-published")

    # The worker synchronises the edition; the translation editor then shows
    # the segment to review.
    flags = page.locator("section.review-flags")
    deadline = time.monotonic() + 300
    while True:
        page.goto(f"{site.base}/admin/pages/{hant_pk}/edit/")
        if flags.count():
            break
        assert time.monotonic() < deadline, site.log()
        time.sleep(1)
    text = flags.inner_text()
    assert "1 个片段待审核" in text
    # Source as it was and is, the earlier correction, OpenCC's proposal (s2t).
    for shown in (
        SENTENCE,
        SENTENCE + ADDED,
        CORRECTION,
        "祕書處瞭解會員情況" + ADDED,
    ):
        assert shown in text
    expect(flags.locator("button", has_text="接受建议")).to_be_visible()
    page.shot("to-review")

    flags.locator("button", has_text="接受建议").click()
    page.wait_for_url(f"{site.base}/admin/pages/{hant_pk}/edit/")
    assert not flags.count()
    page.shot("accepted")
