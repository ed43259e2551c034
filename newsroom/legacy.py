"""Reading articles exported as text from the association's old website.

The export's layout: the category line, the title, a line with the publication date
and read count, the word 概覽 and a teaser, then the body, where numbered section
headings (一、...) stand on lines of their own and 圖片.png marks where an image stood.
The old site's Traditional edition came from a character converter that left pinyin
in parentheses after some characters (協(xié)會); that pinyin is removed, while real
parentheses, whose content is Chinese (平臺(中心)), are text and stay.
"""

import datetime
import re
from dataclasses import dataclass, field

PINYIN_ANNOTATION = re.compile(r"\([a-zü\u00e0-\u01dc]+\)")
DATE_LINE = re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})")
VIEW_COUNT = re.compile(r"[:：]\s*(\d+)\s*$")
SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S.{0,40}$")
IMAGE_PLACEHOLDER = re.compile(r"^\S+\.(png|jpe?g|gif)$", re.IGNORECASE)
SUMMARY_MARK = "概覽"


class LegacyFormatError(ValueError):
    """The text does not have the old site's layout; the message says where."""


@dataclass
class LegacyArticle:
    category: str
    title: str
    date: datetime.date
    view_count: int
    summary: str
    # (block type, text) pairs: ("heading", ...) and ("paragraph", ...).
    body: list = field(default_factory=list)


def strip_pinyin(text):
    """Remove the converter's pinyin annotations, keep real parentheses."""
    return PINYIN_ANNOTATION.sub("", text)


def parse_legacy_article(text):
    """Parse one exported article into a LegacyArticle."""
    lines = [strip_pinyin(line).strip() for line in text.lstrip("\ufeff").splitlines()]
    numbered = [(number, line) for number, line in enumerate(lines, 1) if line]
    if len(numbered) < 5:
        raise LegacyFormatError(
            "expected category, title, date line, 概覽 and teaser; "
            f"found only {len(numbered)} non-empty lines"
        )
    (_, category), (_, title), (date_no, date_line), (mark_no, mark) = numbered[:4]
    date_match = DATE_LINE.search(date_line)
    if not date_match:
        raise LegacyFormatError(
            f"line {date_no}: no date like 2021.07.12 in {date_line!r}"
        )
    count_match = VIEW_COUNT.search(date_line)
    if mark != SUMMARY_MARK:
        raise LegacyFormatError(
            f"line {mark_no}: expected {SUMMARY_MARK!r}, found {mark!r}"
        )
    teaser = numbered[4][1]
    body = []
    for _number, line in numbered[5:]:
        if IMAGE_PLACEHOLDER.match(line):
            continue
        kind = "heading" if SECTION_HEADING.match(line) else "paragraph"
        body.append((kind, line))
    try:
        date = datetime.date(*map(int, date_match.groups()))
    except ValueError as error:
        raise LegacyFormatError(f"line {date_no}: {error}") from None
    return LegacyArticle(
        category=category,
        title=title,
        date=date,
        view_count=int(count_match.group(1)) if count_match else 0,
        summary=teaser.removesuffix("...").removesuffix("…").strip(),
        body=body,
    )
