from pathlib import Path

import pytest

from newsroom.legacy import (
    LegacyFormatError,
    decode_export,
    parse_legacy_article,
    strip_pinyin,
)

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "demo/content/2021-07-12-party-building-guidance-visit.txt"
)


def test_strip_pinyin_keeps_real_parentheses():
    assert strip_pinyin("協(xié)會動態(tài)") == "協會動態"
    assert strip_pinyin("公共服務平臺(中心)") == "公共服務平臺(中心)"
    assert strip_pinyin("互聯網+(RCEP)") == "互聯網+(RCEP)"
    assert strip_pinyin("企業(yè)") == "企業"
    # Latin words in parentheses are text unless they are a toned pinyin syllable
    # right after a character.
    assert strip_pinyin("请下载浙里办(app)和(ppt)。") == "请下载浙里办(app)和(ppt)。"
    assert strip_pinyin("Wang (wáng)") == "Wang (wáng)"


def test_parse_the_sample_export():
    article = parse_legacy_article(SAMPLE.read_text(encoding="utf-8"))
    assert article.category == "協會動態"
    assert article.title == "浙江省經信領域行業黨委相關負責人一行專程來協會指導黨建工作"
    assert str(article.date) == "2021-07-12"
    assert article.view_count == 61
    # The teaser is the first paragraph cut with "...": the summary is its whole
    # first sentence.
    assert article.summary.startswith("1 月 27 日上午")
    assert article.summary.endswith("有關協會工作和籌建黨支部事宜的情況匯報。")
    kinds = [block.kind for block in article.body]
    assert kinds.count("heading") == 2 and kinds.count("paragraph") == 9
    assert [(b.text, b.line) for b in article.body if b.kind == "image"] == [
        ("圖片.png", 11)
    ]
    assert [line for line, _text in article.damaged] == [21, 27]
    assert "規?;?" in article.damaged[1][1]


@pytest.mark.parametrize(
    "text, where",
    [
        ("only\ntwo lines", "found only 2 non-empty lines"),
        ("類別\n標題\n發布時間:無\n概覽\n摘要\n", "line 3: no date"),
        ("類別\n標題\n發布時間:2021.07.12\n正文\n摘要\n", "line 4: expected '概覽'"),
        ("類別\n標題\n發布時間:2021.13.12\n概覽\n摘要\n", "line 3: month must be"),
        ("類別\n發布時間:2021.07.12\n概覽\n摘要\n正文\n", "line 2: no title"),
    ],
)
def test_malformed_exports_say_what_and_where(text, where):
    with pytest.raises(LegacyFormatError, match=where):
        parse_legacy_article(text)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b" \n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("協會動態\n標題\n".encode("gbk"), "not UTF-8"),
        (b"category\n" + "標題".encode("gbk"), "line 2: not UTF-8"),
        ("類別\n標題\n".encode() + "第三行".encode("big5"), "line 3: not UTF-8"),
    ],
)
def test_unreadable_files_say_why(data, message):
    with pytest.raises(LegacyFormatError, match=message):
        decode_export(data)


def test_teaser_that_is_not_a_cut_paragraph_stays_as_it_is():
    text = "類別\n標題\n發布時間:2021.07.12\n概覽\n一句摘要\n正文第一段。第二句。\n"
    assert parse_legacy_article(text).summary == "一句摘要"
    cut = text.replace("一句摘要", "正文第一...")
    assert parse_legacy_article(cut).summary == "正文第一段。"
