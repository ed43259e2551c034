"""Two editors' journeys in the Simplified Chinese admin, in a real browser on the
demo site: importing the secretariat's member list (upload, preview, decisions,
report, confirmation, the result in the admin and over GraphQL), and finding an
article in the admin's search by a word of its body."""

import io
import re
import time
import urllib.request
from collections import Counter

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from demo.site import DEMO_COMPANIES
from organisation.demo_members import INDUSTRIES, REGIONS, generated_companies
from tests.browser.conftest import graphql, log_in
from tests.factories import credit_code

TIMEOUT = 30_000  # ms, for every wait on the page
WORKER_TIMEOUT = 60  # s, for what the task worker does
MEMBER_LIST = "/admin/snippets/organisation/membercompany/"
HEADER = ["企业名称", "统一社会信用代码", "会员类别", "所在地区", "所属行业"]
# Names no demo company has (demo names start with a city's first two characters).
NEW = {
    "jia": "浏览器测试甲科技有限公司",
    "yi": "浏览器测试乙实业有限公司",
    "bing": "浏览器测试丙矿业有限公司",
    "ding": "浏览器测试丁有限公司",
}


def zh_hans(entries, slug):
    return next(names[0] for entry_slug, *names in entries if entry_slug == slug)


def english_words(page):
    """Latin words of three letters or more in the page's main area (credit codes
    and the report's file type aside): text left untranslated in the Chinese
    admin."""
    text = re.sub(r"[0-9A-Z]{18}", "", page.locator("#main").inner_text())
    words = set(re.findall(r"(?<![0-9A-Za-z])[A-Za-z]{3,}(?![0-9A-Za-z])", text))
    return sorted(words - {"xlsx", "csv"})


def member_companies(site, search):
    query = """query ($search: String) {
        memberCompanies(search: $search, perPage: 20) {
            items { registeredName creditCode tier { name } region { name }
                    industry { name } }
        }
    }"""
    return graphql(site, query, search=search)["memberCompanies"]["items"]


@pytest.fixture(autouse=True)
def patient_expect():
    """`expect` waits TIMEOUT in these tests (5 s by default), then as before."""
    expect.set_options(timeout=TIMEOUT)
    yield
    expect.set_options(timeout=None)


@pytest.fixture(scope="module")
def demo_companies():
    """The demo's companies' credit codes, and two of its companies whose names no
    other has: one the list updates, one whose name it gives to a new credit
    code."""
    companies = generated_companies(DEMO_COMPANIES)
    counts = Counter(company["name"] for company in companies)
    unique = [company for company in companies if counts[company["name"]] == 1]
    updated = next(c for c in unique if c["tier"] == "executive-vice-president")
    named = next(c for c in unique if c is not updated)
    return {company["credit_code"] for company in companies}, updated, named


def test_an_editor_imports_the_secretariats_member_list(
    site, browser_page, tmp_path, demo_companies
):
    page = browser_page
    page.set_default_timeout(TIMEOUT)
    demo_codes, updated, named = demo_companies
    keys = [*NEW, "nameless", "duplicate"]
    codes = {key: credit_code(9000 + n) for n, key in enumerate(keys)}
    assert demo_codes.isdisjoint(codes.values())
    xihu = zh_hans(REGIONS, "hangzhou-xihu")
    it = zh_hans(INDUSTRIES, "information-technology")
    rows = [
        HEADER,
        [NEW["jia"], codes["jia"], "会员单位", xihu, it],  # row 2: new
        [NEW["yi"], codes["yi"], "理事单位", "火星市", "制造业"],  # 3: new region
        [NEW["bing"], codes["bing"], "会员单位", xihu, "太空采矿"],  # 4: new industry
        [  # 5: a demo company, one tier lower
            updated["name"],
            updated["credit_code"],
            "副会长单位",
            zh_hans(REGIONS, updated["region"]),
            zh_hans(INDUSTRIES, updated["industry"]),
        ],
        ["", codes["nameless"], "会员单位", xihu, it],  # 6: no name
        [NEW["ding"], codes["ding"], "金牌会员", xihu, it],  # 7: no such tier
        [named["name"], codes["duplicate"], "会员单位", xihu, it],  # 8: a name in use
    ]
    upload = tmp_path / "会员名单.csv"
    upload.write_text(
        "".join(",".join(row) + "\r\n" for row in rows), encoding="utf-8-sig"
    )

    log_in(page, site)
    page.get_by_role("link", name="导入会员", exact=True).click()
    expect(page).to_have_url(f"{site.base}/admin/import-members/")
    expect(page.locator("h1")).to_contain_text("导入会员")
    assert english_words(page) == []
    page.shot("import-page")

    page.set_input_files("input[name=file]", upload)
    page.shot("file-chosen")
    page.get_by_role("button", name="预览", exact=True).click()
    expect(page.locator("form.import-confirm")).to_be_visible()
    expect(page.locator(".import-summary")).to_contain_text(
        "将新建 4 条，更新 1 条，0 条无变化，拒绝 2 条"
    )
    # The rejected rows, each with its reason in Chinese.
    problems = page.locator("table.import-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("“企业名称”列：缺少企业名称")
    expect(problems.nth(1)).to_contain_text("“会员类别”列：未知的会员类别“金牌会员”")
    # The region and the industry the site does not have, for a decision.
    labels = page.locator("table.import-new-labels tbody tr")
    expect(labels).to_have_count(2)
    mars = labels.filter(has_text="火星市")
    expect(mars).to_contain_text("所在地区")
    expect(mars).to_contain_text("新建这个地区")
    mining = labels.filter(has_text="太空采矿")
    expect(mining).to_contain_text("拒绝使用它的行")
    # The name another credit code has, linked to the company that has it.
    duplicates = page.locator("table.import-duplicates tbody tr")
    expect(duplicates).to_have_count(1)
    expect(duplicates).to_contain_text(codes["duplicate"])
    expect(duplicates.get_by_role("link", name=named["name"])).to_be_visible()
    expect(duplicates.locator("input[value=skip]")).to_be_checked()
    # The companies to create and the one to update, with its change.
    create = page.locator("table.import-create tbody")
    for key in ("jia", "yi", "bing"):
        expect(create).to_contain_text(NEW[key])
    expect(create).to_contain_text("火星市（新）")
    update = page.locator("table.import-update tbody tr")
    expect(update).to_have_count(1)
    expect(update).to_contain_text(updated["credit_code"])
    expect(update).to_contain_text("会员等级：常务副会长单位 → 副会长单位")
    assert english_words(page) == []
    page.shot("preview")

    # The report the link downloads, with the browser's session.
    report_link = page.get_by_role("link", name="下载完整报告（.xlsx）")
    report_url = site.base + report_link.get_attribute("href")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    request = urllib.request.Request(report_url, headers={"Cookie": cookies})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.headers["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        workbook = load_workbook(io.BytesIO(response.read()), read_only=True)
    sheets = {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
    assert list(sheets) == ["将新建", "将更新", "被拒绝的行"]
    assert [row[:3] for row in sheets["将新建"][1:]] == [
        [2, NEW["jia"], codes["jia"]],
        [3, NEW["yi"], codes["yi"]],
        [4, NEW["bing"], codes["bing"]],
        [8, named["name"], codes["duplicate"]],
    ]
    assert sheets["将更新"][1][:3] == [5, updated["name"], updated["credit_code"]]
    assert [row[0] for row in sheets["被拒绝的行"][1:]] == [6, 7]
    assert "金牌会员" in sheets["被拒绝的行"][2][1]

    # The decisions: create the region, reject the industry's row.
    mars.locator("input[value=create]").check()
    mining.locator("input[value=reject]").check()
    page.shot("decided")
    page.get_by_role("button", name="确认导入", exact=True).click()
    expect(page).to_have_url(f"{site.base}{MEMBER_LIST}")
    expect(page.locator(".messages")).to_contain_text(
        "新建 2 家，更新 1 家，跳过可能重复的 1 家，拒绝 3 行。"
    )
    assert english_words(page) == []
    page.shot("imported")

    # The admin's member list finds the new companies, not the refused ones.
    page.goto(f"{site.base}{MEMBER_LIST}?q=浏览器测试")
    listing = page.locator("#listing-results")
    expect(listing).to_contain_text(NEW["jia"])
    expect(listing).to_contain_text(NEW["yi"])
    expect(listing).to_contain_text("火星市")
    expect(listing).not_to_contain_text(NEW["bing"])
    expect(listing).not_to_contain_text(NEW["ding"])
    page.shot("member-list")
    page.goto(f"{site.base}{MEMBER_LIST}?q={codes['duplicate']}")
    expect(page.locator("#main")).not_to_contain_text(codes["duplicate"])

    # Readers see the same over GraphQL.
    found = {c["creditCode"]: c for c in member_companies(site, "浏览器测试")}
    assert sorted(found) == sorted([codes["jia"], codes["yi"]])
    assert found[codes["yi"]]["region"] == {"name": "火星市"}
    assert found[codes["yi"]]["tier"] == {"name": "理事单位"}
    assert found[codes["jia"]]["industry"] == {"name": it}
    (company,) = [
        c
        for c in member_companies(site, updated["name"])
        if c["creditCode"] == updated["credit_code"]
    ]
    assert company["tier"] == {"name": "副会长单位"}
    assert [
        c["creditCode"]
        for c in member_companies(site, named["name"])
        if c["registeredName"] == named["name"]
    ] == [named["credit_code"]]


def test_the_admin_search_finds_an_article_by_a_word_of_its_body(site, browser_page):
    page = browser_page
    page.set_default_timeout(TIMEOUT)
    word = "疫情"
    # The demo's article; other browser tests of the session add their own.
    articles = graphql(
        site,
        '{ newsArticles(locale: "zh-hans", perPage: 50) '
        "{ items { id title body { rawValue } } } }",
    )["newsArticles"]["items"]
    (article,) = [
        a for a in articles if word in "".join(block["rawValue"] for block in a["body"])
    ]
    assert word not in article["title"]

    log_in(page, site)
    page.fill("#menu-search-q", word)
    page.shot("search-typed")
    page.press("#menu-search-q", "Enter")
    page.wait_for_url(re.compile(r"/admin/pages/search/\?q="))
    # Wagtail's index is written by the task worker, after the demo was loaded.
    result = page.locator(f"#main a[href='/admin/pages/{article['id']}/edit/']")
    deadline = time.monotonic() + WORKER_TIMEOUT
    while not result.count() and time.monotonic() < deadline:
        time.sleep(2)
        page.reload()
    expect(result.first).to_contain_text(article["title"])
    assert english_words(page) == []
    page.shot("search-results")
