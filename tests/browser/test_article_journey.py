"""An article's whole journey through the Simplified Chinese admin, in a real
browser (issue 18, item 8): written as a draft with a cover image and every kind
of body block, previewed, submitted to the 新闻审核 workflow, approved by a
reviewer, read over GraphQL with its zh-hant edition made by the worker, and
translated into English in part, which publishing warns about. Each step leaves a
screenshot under build/screenshots/<vendor>/<test>/."""

import os
import re
import time

from PIL import Image
from playwright.sync_api import expect

from home.roles import NEWS_WORKFLOW, REVIEWERS
from tests.browser.conftest import PASSWORD, WAIT, graphql, log_in, more_actions

# Characters that differ between the scripts, so the zh-hant edition shows the
# worker's conversion.
TITLE = "协会举办数字化转型培训会"
TITLE_HANT = "協會舉辦數字化轉型培訓會"
SUMMARY = "协会组织会员企业学习数字化转型经验。"
SUMMARY_HANT = "協會組織會員企業學習數字化轉型經驗。"
HEADING = "一、培训内容"
PARAGRAPH = "培训会邀请专家讲解工业互联网平台的应用。"
QUOTE = "数字化转型是中小企业发展的必由之路。"
TABLE = [["场次", "时间", "人数"], ["上午", "9:00", "120"]]
DATE = "2026-11-30"
ENGLISH_TITLE = "Association holds a digital transformation training"
REVIEWER = "journey-reviewer"
SYNC_WAIT = 60  # s, for the worker's zh-hant edition

ARTICLE = """
query Article($id: ID!, $locale: String!) {
  page(id: $id, locale: $locale) {
    title
    ... on NewsArticlePage { summary }
    translations { locale title ... on NewsArticlePage { summary } }
  }
}
"""


def cover_png(folder):
    """A small PNG of its own (no other test's image: no duplicate warning)."""
    path = folder / "training-cover.png"
    Image.new("RGB", (160, 90), tuple(os.urandom(3))).save(path)
    return path


def add_block(page, label):
    """Append a block to the body through the StreamField's + and its chooser."""
    page.locator(".c-sf-add-button:visible").last.click()
    page.locator(".w-combobox__option:visible", has_text=label).first.click()


def write_draft(page, site, image):
    """Step 1: the article, written in the admin and saved as a draft; its id."""
    news = graphql(site, '{ page(urlPath: "/news/", locale: "zh-hans") { id } }')
    page.goto(f"{site.base}/admin/pages/{news['page']['id']}/")
    page.get_by_role("link", name="添加子页面").first.click()
    page.wait_for_url(re.compile(r"/admin/pages/add/newsroom/newsarticlepage/"))
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", SUMMARY)

    page.locator("#id_cover_image-chooser .unchosen button").click()
    modal = page.locator(".modal")
    modal.locator("#tab-label-upload").click()
    modal.locator("#id_image-chooser-upload-file").set_input_files(image)
    modal.locator("#id_image-chooser-upload-title").fill("培训会现场")
    page.shot("image-chooser-upload")
    modal.locator("form[data-chooser-modal-creation-form] [type=submit]").click()
    expect(page.locator("#id_cover_image-chooser")).not_to_have_class(
        re.compile(r"\bblank\b"), timeout=WAIT
    )

    add_block(page, "小标题")
    page.fill("#body-0-value-text", HEADING)
    add_block(page, "段落")
    editor = page.locator("[data-contentpath='body'] [contenteditable=true]:visible")
    editor.first.click()
    page.keyboard.insert_text(PARAGRAPH)
    add_block(page, "引用")
    page.fill("#body-2-value-text", QUOTE)
    page.fill("#body-2-value-attribution", "专家")
    add_block(page, "表格")
    page.fill("#body-3-value-caption", "参加人数")
    page.locator("#body-3-value-table-table-header-choice").select_option("row")
    grid = page.locator("#body-3-value-table-handsontable-container .ht_master td")
    columns = grid.first.locator("xpath=..").locator("td").count()
    for row, cells in enumerate(TABLE):
        for column, text in enumerate(cells):
            grid.nth(row * columns + column).dblclick()
            cell = page.locator("textarea.handsontableInput:visible")
            cell.fill(text)
            cell.press("Enter")
    page.shot("content")

    page.get_by_role("tab", name="详情").click()
    page.fill("#id_date", DATE)
    page.keyboard.press("Escape")
    page.get_by_role("tab", name="内容").click()

    page.locator("button.action-save").first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"), timeout=WAIT)
    expect(page.locator(".messages")).to_contain_text(TITLE)
    page.shot("draft-saved")
    return int(re.search(r"/pages/(\d+)/edit/", page.url)[1])


def check_preview(page):
    """Step 2: the preview panel shows the article as readers will read it."""
    page.locator("[data-side-panel-toggle=preview]").click()
    frame = page.frame_locator("#w-preview-iframe")
    article = frame.locator("article")
    expect(article.locator("h1")).to_have_text(TITLE, timeout=WAIT)
    expect(article.locator(".body h2")).to_have_text(HEADING)
    expect(article.locator(".body")).not_to_contain_text("level")
    expect(article.locator(".body")).to_contain_text(PARAGRAPH)
    expect(article.locator("blockquote")).to_have_text(QUOTE)
    expect(article.locator("table caption")).to_have_text("参加人数")
    expect(article.locator("thead th")).to_have_text(TABLE[0])
    expect(article.locator("tbody tr").first.locator("td, th")).to_have_text(TABLE[1])
    expect(article.locator("p.summary")).to_have_text(SUMMARY)
    expect(article.locator(f"time[datetime='{DATE}']")).to_have_text("2026年11月30日")
    cover = article.locator("figure.cover img")
    expect(cover).to_be_visible()
    # The browser loaded the rendition: the file is served, not only named.
    assert cover.evaluate("img => img.complete && img.naturalWidth") > 0
    page.shot("preview")


def submit_for_review(page):
    """Step 3: submitted to the news sections' workflow."""
    submit = page.locator("button[name=action-submit]")
    more_actions(page, submit)
    expect(submit).to_contain_text(NEWS_WORKFLOW)
    page.shot("submit-menu")
    submit.click()
    expect(page.locator(".messages")).to_contain_text(TITLE, timeout=WAIT)
    page.shot("submitted")


def create_reviewer(site):
    """A member of the reviewers' group, made on the site's own database."""
    site.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.models import Group\n"
        f"user = get_user_model().objects.create_user({REVIEWER!r}, "
        f"'reviewer@example.org', {PASSWORD!r}, first_name='审核', last_name='员')\n"
        f"user.groups.add(Group.objects.get(name={REVIEWERS!r}))\n",
    )


def approve(page, site):
    """Step 3, the reviewer's part: from the dashboard to the article, approved
    with a comment; approving publishes it."""
    page.context.clear_cookies()
    log_in(page, site, REVIEWER)
    page.shot("reviewer-dashboard")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    approve = page.locator(
        "[data-workflow-action-name=approve][data-workflow-action-modal-url]"
    )
    more_actions(page, approve)
    expect(approve).to_contain_text("带评论批准")
    page.shot("approve-menu")
    approve.click()
    comment = page.locator(".modal textarea[name=comment]")
    comment.fill("内容无误，同意发布。")
    page.shot("approve-comment")
    page.locator(".modal form [type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(TITLE, timeout=WAIT)
    page.shot("approved")


def wait_for_editions(site, article_id):
    """Step 4: the article over GraphQL, live in zh-hans, and its zh-hant edition
    once the worker has made it; the zh-hant edition's fields."""
    deadline = time.monotonic() + SYNC_WAIT
    while True:
        article = graphql(site, ARTICLE, id=str(article_id), locale="zh-hans")["page"]
        assert article["title"] == TITLE
        assert article["summary"] == SUMMARY
        editions = {t["locale"]: t for t in article["translations"]}
        if "zh-hant" in editions:
            return editions["zh-hant"]
        assert time.monotonic() < deadline, f"no zh-hant edition: {article}"
        time.sleep(1)


def translate_in_part(page, site, article_id):
    """Step 5: an English edition with its title translated, nothing else, and
    published; the admin says how much is translated and warns on publishing."""
    page.context.clear_cookies()
    log_in(page, site)
    page.goto(f"{site.base}/admin/pages/{article_id}/edit/")
    # The header's actions menu, mounted as it opens.
    page.locator("button.w-dropdown__toggle.w-h-slim-header").click()
    page.locator("a[href*='/localize/submit/page/']").click()
    page.get_by_label("English").check()
    page.shot("translate-to-english")
    page.locator("form input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"), timeout=WAIT)
    expect(page.locator(".messages")).to_contain_text("此译文完成了 0%", timeout=WAIT)
    page.shot("translation-editor")

    # The title is the first segment (the header's 翻译 is the locale menu).
    page.locator("button", has_text=re.compile("^翻译$")).first.click()
    page.locator("textarea:visible").first.fill(ENGLISH_TITLE)
    page.locator("button", has_text=re.compile("^保存$")).click()
    expect(page.get_by_text(ENGLISH_TITLE, exact=True)).to_be_visible(timeout=WAIT)
    page.shot("title-translated")

    publish = page.get_by_role("button", name=re.compile("发布在"))
    more_actions(page, publish)
    publish.click()
    warning = page.locator(".messages .warning", has_text="此版本发布时仅翻译了")
    expect(warning).to_be_visible(timeout=WAIT)
    expect(warning).to_contain_text("简体中文")
    page.shot("incomplete-warning")


def test_an_article_from_draft_to_three_editions(site, browser_page, tmp_path):
    page = browser_page
    page.set_default_timeout(WAIT)
    log_in(page, site)

    article_id = write_draft(page, site, cover_png(tmp_path))
    check_preview(page)
    submit_for_review(page)
    create_reviewer(site)
    approve(page, site)

    hant = wait_for_editions(site, article_id)
    assert hant["title"] == TITLE_HANT
    assert hant["summary"] == SUMMARY_HANT

    translate_in_part(page, site, article_id)
    english = {
        t["locale"]: t
        for t in graphql(site, ARTICLE, id=str(article_id), locale="zh-hans")["page"][
            "translations"
        ]
    }["en"]
    # Published in part: the translated title, the source's summary.
    assert english["title"] == ENGLISH_TITLE
    assert english["summary"] == SUMMARY
