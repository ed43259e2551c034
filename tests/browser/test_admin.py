"""The admin in a real browser, as the association's editors use it."""

from tests.browser.conftest import log_in


def test_an_editor_signs_in_to_the_simplified_chinese_admin(site, browser_page):
    page = browser_page
    page.goto(f"{site.base}/admin/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.shot("login").stat().st_size > 0
    log_in(page, site)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # The dashboard's own words, in Simplified Chinese, rendered by the browser.
    assert page.title().startswith("控制面板")
    page.shot("dashboard")
