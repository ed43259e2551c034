"""Text as the search index sees it: normalised, then cut into terms.

Chinese has no spaces between words, and readers type Simplified characters for
Traditional text and the other way round, full-width letters and digits, any case.
So both what is indexed and what is searched for go through the same steps:

1. `normalise`: each character on its own through NFKC (full-width forms become
   half-width, compatibility ideographs the unified ones), case folding, and
   OpenCC's Traditional-to-Simplified character table, completed with the
   characters its conversions write in phrases and variants (瞭 of 瞭解 is 了).
   Character by character, not phrase by phrase: a character must always become
   the same character, or a query of one word would not match the same word
   inside a longer phrase.
2. `terms`: a run of Chinese characters gives one term per character, the bigram
   starting at it, and the run's last character as itself (党支部 gives 党支, 支部,
   部); Latin words and numbers are terms as they are. No dictionary is needed, and
   any word of two or more characters is found inside any text that contains it.

A query becomes a `Query`: each Chinese run of two or more characters must match
all of its bigrams; a single character matches the terms that start with it;
Latin words of three or more letters match words they begin (and a plural its
singular); numbers and short words match exactly. Every query term is a literal
string, never syntax of the database's search language.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from cms.localization.translators import TRADITIONAL_VARIANTS, converter

# CJK Unified Ideographs with extension A, compatibility ideographs (NFKC maps them
# to unified ones) and the supplementary ideographic planes.
IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# A letter or digit of any script but the ideographs.
WORD_CHAR = rf"[^\W_{IDEOGRAPH}]"
TOKEN = re.compile(rf"(?P<han>[{IDEOGRAPH}]+)|(?P<word>{WORD_CHAR}+)")
# Longer "words" are not language (hashes, base64); they are not indexed.
MAX_WORD = 64
# Only the start of a very long text is indexed: PostgreSQL's tsvector holds at
# most 1 MB, which some 80,000 distinct bigrams fill.
MAX_INDEXED = 50_000


# Characters OpenCC's Simplified-to-Traditional conversion writes for another
# character in some of its phrases, though its character table leaves them as
# they are (了解 -> 瞭解, 借口 -> 藉口, 家具 -> 傢俱, 回复 -> 回覆, 坐标 -> 座標,
# 想象 -> 想像): each pair is (written, Simplified). Found in OpenCC's
# STPhrases.txt (its Python package ships the dictionaries compiled only): for
# each phrase, its first conversion, character by character, where the written
# character is one the table leaves as it is.
PHRASE_FORMS = (
    "藉借 覆复 揹背 瞭了 伕夫 甯宁 薰熏 甦苏 座坐 鎗枪 哩里 濬浚 俱具 像象 拏拿 "
    "燄焰 彷仿 荳豆 待呆 蘗檗 澂澄 觔斤 籐藤 瑯琅 耡锄 唚吣 耈耇 隄堤 斲斫 菓果"
).split()


@cache
def simplified_table():
    """Traditional-to-Simplified, character by character, as a str.translate table.

    Built once from OpenCC's own table: one conversion of every ideograph, one per
    line, so no phrase context applies. Then each character a Traditional
    edition may hold for a Simplified one that the table leaves as it is: those
    the variants (cms.localization.translators) write character by character
    (着 -> 著 in Taiwan's, 卫 -> 衞 in Hong Kong's) and PHRASE_FORMS. Folded to
    the Simplified one in what is indexed and in queries alike, a word typed in
    either script finds the other (瞭解 and 了解); the same character in
    Simplified text (著名) is folded too, so it still finds itself.
    """
    ranges = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0x20000, 0x2A6E0))
    chars = [chr(code) for start, end in ranges for code in range(start, end)]

    def each(config):
        return converter(config).convert("\n".join(chars)).split("\n")

    table = {ord(old): new for old, new in zip(chars, each("t2s"), strict=True)}
    pairs = [
        (written, simplified)
        for variant in TRADITIONAL_VARIANTS
        for simplified, written in zip(chars, each(variant), strict=True)
    ]
    pairs += [tuple(pair) for pair in PHRASE_FORMS]
    forms = {}
    for written, simplified in pairs:
        folded = table.get(ord(simplified), simplified)
        if table.get(ord(written), written) == written != folded:
            forms.setdefault(ord(written), folded)
    table.update(forms)
    return {old: new for old, new in table.items() if chr(old) != new}


@cache
def normalise_char(char):
    return unicodedata.normalize("NFKC", char).casefold().translate(simplified_table())


def normalise(text):
    """`text` as the index compares it (see the module's docstring)."""
    return "".join(map(normalise_char, text))


def index_terms(text):
    """The terms of `text` (its first MAX_INDEXED characters) for the index, in
    order, as one space-separated string."""
    terms = []
    for match in TOKEN.finditer(normalise(text[:MAX_INDEXED])):
        if match["han"]:
            run = match["han"]
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
            terms.append(run[-1])
        elif len(match["word"]) <= MAX_WORD:
            terms.append(match["word"])
    return " ".join(terms)


@dataclass(frozen=True)
class Term:
    """One term a match must contain: `text` exactly, or anything it begins when
    `prefix` is set."""

    text: str
    prefix: bool = False


class Query:
    """What a reader typed, as terms every match must contain, and the pieces to
    mark in an excerpt."""

    def __init__(self, text):
        self.text = text
        terms, marks = {}, []
        for match in TOKEN.finditer(normalise(text)):
            if match["han"]:
                run = match["han"]
                marks.append((run, None))
                if len(run) == 1:
                    terms[run] = Term(run, prefix=True)
                for i in range(len(run) - 1):
                    terms.setdefault(run[i : i + 2], Term(run[i : i + 2]))
            else:
                word = match["word"][:MAX_WORD]
                if word.isdigit() or len(word) < 3:
                    term = Term(word)
                else:
                    # "committees" also finds "committee": a plural matches its stem.
                    stem = word[:-1] if len(word) > 3 and word.endswith("s") else word
                    term = Term(stem, prefix=True)
                terms[term.text] = term
                marks.append((word, term))
        self.terms = list(terms.values())
        # What to mark in an excerpt: each Chinese run whole, each word's term.
        self.marks = marks

    def __bool__(self):
        return bool(self.terms)

    def excerpt(self, texts, width=80):
        """`highlight` of the first of `texts` with a match, else of the first."""
        for text in texts:
            if self.matched_spans(text):
                return self.highlight(text, width)
        return self.highlight(texts[0], width)

    def highlight(self, text, width=80):
        """An excerpt of `text` of about `width` characters around the first match,
        as HTML: the text escaped, each match in <mark>."""
        spans = self.matched_spans(text)
        start = 0
        if spans:
            first = spans[0][0]
            start = max(0, min(first - width // 4, len(text) - width))
            # Start after a space or punctuation mark, when one is near.
            boundary = max(text.rfind(c, start, first) for c in " ，。；、,.;\n")
            if start and boundary >= 0:
                start = boundary + 1
        end = min(len(text), start + width)
        pieces, position = [], start
        for span_start, span_end in spans:
            if span_start >= end:
                break
            span_end = min(span_end, end)
            pieces.append(html.escape(text[position:span_start]))
            pieces.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
            position = span_end
        pieces.append(html.escape(text[position:end]))
        excerpt = "".join(pieces).replace("\n", " ")
        return ("…" if start else "") + excerpt + ("…" if end < len(text) else "")

    def matched_spans(self, text):
        """(start, end) of each part of `text` a query term matches, merged, sorted.

        A Chinese piece is marked where it occurs whole (党支部 marks 黨支部), or, where
        it never does, by its bigrams; Latin words and numbers as whole words.
        """
        normalised, origin = [], []
        for index, char in enumerate(text):
            piece = normalise_char(char)
            normalised.append(piece)
            origin.extend([index] * len(piece))
        flat = "".join(normalised)
        origin.append(len(text))
        hits = []
        for piece, term in self.marks:
            if term is None:
                found = self._find(re.escape(piece), flat, origin)
                if not found and len(piece) > 1:
                    bigrams = {piece[i : i + 2] for i in range(len(piece) - 1)}
                    pattern = "|".join(map(re.escape, bigrams))
                    found = self._find(pattern, flat, origin)
            else:
                tail = f"{WORD_CHAR}*" if term.prefix else f"(?!{WORD_CHAR})"
                pattern = rf"(?<!{WORD_CHAR}){re.escape(term.text)}{tail}"
                found = self._find(pattern, flat, origin)
            hits.extend(found)
        merged = []
        for start, end in sorted(hits):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    @staticmethod
    def _find(pattern, flat, origin):
        """Spans in the original text of `pattern`'s matches in its normalised
        form `flat` (`origin` maps each normalised position back)."""
        return [
            (origin[m.start()], origin[m.end() - 1] + 1)
            for m in re.finditer(pattern, flat)
        ]


# Spaces before or after a Chinese character: typography (RCEP 企业, 2021 年度),
# which readers typing leave out.
SPACE_BY_HAN = re.compile(rf"\s+(?=[{IDEOGRAPH}])|(?<=[{IDEOGRAPH}])\s+")


def suggestion_text(text):
    """`text` as suggestions compare it: normalised, without spaces next to a
    Chinese character and with other runs of spaces as one, so that RCEP企业 and
    协会召开2021 start "RCEP 企业培训会" and "协会召开 2021 年度会员大会"."""
    return " ".join(SPACE_BY_HAN.sub("", normalise(text)).split())


def grams(text):
    """The characters and character pairs of each run of Chinese characters and
    of each word in `text` (already normalised), once each, space-separated: what
    PostgreSQL indexes to find suggestions that contain a piece (`needed_grams`)."""
    found = {}
    for match in TOKEN.finditer(text):
        run = match[0]
        found.update(dict.fromkeys(run))
        found.update(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))
    return " ".join(found)


def needed_grams(piece):
    """The grams (see `grams`) every text containing `piece` (normalised) has: of
    each run of Chinese characters and of each word, its pairs, or the character
    of a run of one."""
    needed = {}
    for match in TOKEN.finditer(piece):
        run = match[0]
        pairs = [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        needed.update(dict.fromkeys(pairs))
    return list(needed)
