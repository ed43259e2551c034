"""Reading articles exported as text from the association's old website.

The export's layout: the category line, the title, a line with the publication date
and read count (發布時間:2021.07.12 瀏覽次數:61), the word 概覽 and a teaser, then the
body, where numbered section headings (一、...) stand on lines of their own and
圖片.png marks where an image stood. The old site's Traditional edition came from a
character converter that left pinyin in parentheses after some characters
(協(xié)會); that pinyin is removed, while real parentheses, whose content is Chinese
(平臺(中心)), are text and stay. Where its encoding failed, characters became `?` or
private-use code points: such places are listed (`damaged`) so an editor can mend
them, and the article is read all the same.
"""

import datetime
import re
from dataclasses import dataclass, field

TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# One pinyin syllable with its tone mark, in parentheses right after a character:
# what the converter added. (app), (RCEP) or (中心) are the author's own text.
PINYIN_ANNOTATION = re.compile(
    rf"(?<=[{CJK}])\((?=[a-zü]*[{TONED_VOWELS}])[a-zü{TONED_VOWELS}]{{1,6}}\)"
)
DATE_LINE = re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})")
VIEW_COUNT = re.compile(r"[:：]\s*(\d+)\s*$")
SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S.{0,40}$")
IMAGE_PLACEHOLDER = re.compile(r"^\S+\.(png|jpe?g|gif|webp)$", re.IGNORECASE)
# A `?` next to a Chinese character or another `?` (Chinese text asks with ？),
# the replacement character, or a private-use code point.
DAMAGE = re.compile(rf"(?:(?<=[{CJK}?])\?|\?(?=[{CJK}?])|\ufffd|[\ue000-\uf8ff])+")
SUMMARY_MARK = "概覽"
TITLE_MAX_LENGTH = 255  # Wagtail's page title field
ELLIPSIS = ("...", "…", "⋯")


class LegacyFormatError(ValueError):
    """The text does not have the old site's layout; the message says where."""


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "image" (text is then the file name)
    text: str
    line: int


@dataclass
class LegacyArticle:
    category: str
    title: str
    date: datetime.date
    view_count: int
    summary: str
    body: list = field(default_factory=list)
    # (line number, damaged text) for each place the old encoding broke.
    damaged: list = field(default_factory=list)


def strip_pinyin(text):
    """Remove the converter's pinyin annotations, keep real parentheses."""
    return PINYIN_ANNOTATION.sub("", text)


def full_summary(teaser, paragraphs):
    """The teaser, or the whole first sentence when the teaser is the first
    paragraph cut short with an ellipsis."""
    if not teaser.endswith(ELLIPSIS) or not paragraphs:
        return teaser
    stem = teaser.rstrip(".…⋯ ")
    first = paragraphs[0]
    if not first.startswith(stem):
        return teaser.rstrip(".…⋯ ")
    end = first.find("。", len(stem))
    return first[: end + 1] if end != -1 else first


def parse_legacy_article(text):
    """Parse one exported article into a LegacyArticle."""
    lines = [strip_pinyin(line).strip() for line in text.lstrip("\ufeff").splitlines()]
    numbered = [(number, line) for number, line in enumerate(lines, 1) if line]
    if len(numbered) < 5:
        raise LegacyFormatError(
            "expected category, title, date line, 概覽 and teaser; "
            f"found only {len(numbered)} non-empty lines"
        )
    (_, category), (title_no, title), (date_no, date_line), (mark_no, mark) = numbered[
        :4
    ]
    if DATE_LINE.search(title):
        raise LegacyFormatError(f"line {title_no}: no title before the date line")
    if len(title) > TITLE_MAX_LENGTH:
        raise LegacyFormatError(
            f"line {title_no}: the title is longer than {TITLE_MAX_LENGTH} characters"
        )
    date_match = DATE_LINE.search(date_line)
    if not date_match:
        raise LegacyFormatError(f"line {date_no}: no date like 2021.07.12")
    try:
        date = datetime.date(*map(int, date_match.groups()))
    except ValueError as error:
        raise LegacyFormatError(f"line {date_no}: {error}") from None
    if mark != SUMMARY_MARK:
        raise LegacyFormatError(
            f"line {mark_no}: expected {SUMMARY_MARK!r}, found {mark!r}"
        )
    body = []
    for number, line in numbered[5:]:
        if IMAGE_PLACEHOLDER.match(line):
            kind = "image"
        elif SECTION_HEADING.match(line):
            kind = "heading"
        else:
            kind = "paragraph"
        body.append(Block(kind, line, number))
    count_match = VIEW_COUNT.search(date_line)
    paragraphs = [block.text for block in body if block.kind == "paragraph"]
    return LegacyArticle(
        category=category,
        title=title,
        date=date,
        view_count=int(count_match.group(1)) if count_match else 0,
        summary=full_summary(numbered[4][1], paragraphs),
        body=body,
        damaged=damaged_places(numbered),
    )


def damaged_places(numbered_lines):
    """(line number, excerpt) for each line the old encoding damaged; the excerpt
    spans the damage with a few characters of context."""
    places = []
    for number, line in numbered_lines:
        spans = [match.span() for match in DAMAGE.finditer(line)]
        if spans:
            start, end = max(0, spans[0][0] - 4), spans[-1][1] + 4
            places.append((number, line[start:end]))
    return places


def decode_export(data):
    """The text of an exported file, or a LegacyFormatError saying why not."""
    if not data.strip():
        raise LegacyFormatError("the file is empty")
    if b"\x00" in data:
        raise LegacyFormatError("the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise LegacyFormatError(
            f"line {line}: not UTF-8 text (byte {error.start})"
        ) from None
