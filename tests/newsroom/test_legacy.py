from pathlib import Path

import pytest

from newsroom.legacy import LegacyFormatError, parse_legacy_article, strip_pinyin

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "home/demo_content/2021-07-12-party-building-guidance-visit.txt"
)


def test_strip_pinyin_keeps_real_parentheses():
    assert strip_pinyin("協(xié)會動態(tài)") == "協會動態"
    assert strip_pinyin("公共服務平臺(中心)") == "公共服務平臺(中心)"
    assert strip_pinyin("互聯網+(RCEP)") == "互聯網+(RCEP)"


def test_parse_the_sample_export():
    article = parse_legacy_article(SAMPLE.read_text(encoding="utf-8"))
    assert article.category == "協會動態"
    assert article.title == "浙江省經信領域行業黨委相關負責人一行專程來協會指導黨建工作"
    assert str(article.date) == "2021-07-12"
    assert article.view_count == 61
    assert article.summary.startswith("1 月 27 日上午")
    assert not article.summary.endswith("...")
    kinds = [kind for kind, _text in article.body]
    assert kinds.count("heading") == 2 and kinds.count("paragraph") == 9
    assert all("圖片.png" not in text for _kind, text in article.body)


@pytest.mark.parametrize(
    "text, where",
    [
        ("only\ntwo lines", "found only 2 non-empty lines"),
        ("類別\n標題\n發布時間:無\n概覽\n摘要\n", "line 3: no date"),
        ("類別\n標題\n發布時間:2021.07.12\n正文\n摘要\n", "line 4: expected '概覽'"),
        ("類別\n標題\n發布時間:2021.13.12\n概覽\n摘要\n", "line 3: month must be"),
    ],
)
def test_malformed_exports_say_what_and_where(text, where):
    with pytest.raises(LegacyFormatError, match=where):
        parse_legacy_article(text)
