"""What the index and the queries see of a text (cms.search.text)."""

import pytest

from cms.localization.translators import TRADITIONAL_VARIANTS, converter
from cms.search.text import Query, Term, index_terms, normalise


def test_normalise_folds_script_width_and_case():
    assert normalise("黨支部") == normalise("党支部") == "党支部"
    assert normalise("協會動態") == "协会动态"
    assert normalise("ＲＣＥＰ　２０２１") == "rcep 2021"
    assert normalise("Blockchain") == "blockchain"
    # Character by character: 乾 is always 干, in a phrase or alone.
    assert normalise("乾隆") == normalise("乾") + "隆"


# Words whose Traditional forms OpenCC writes in a phrase (瞭解, 藉口, 傢俱,
# 回覆, 座標, 想像, 復甦, 薰染) or in a variant's characters (看著 in Taiwan's,
# 衞生 and 敍述 in Hong Kong's), none of which its character table undoes.
SIMPLIFIED_WORDS = (
    "了解 借口 家具 回复 答复 坐标 想象 复苏 熏染 看着 卫生 叙述 协会 党支部"
).split()


@pytest.mark.parametrize("variant", TRADITIONAL_VARIANTS)
def test_every_traditional_edition_of_a_word_is_the_word(variant):
    traditional = converter(variant).convert(" ".join(SIMPLIFIED_WORDS)).split()
    assert len(set(traditional) - set(SIMPLIFIED_WORDS)) > 8  # converted
    for simplified, written in zip(SIMPLIFIED_WORDS, traditional, strict=True):
        assert normalise(written) == normalise(simplified), (written, simplified)


def test_a_folded_character_in_simplified_text_still_finds_itself():
    """著 is Taiwan's 着 and also a Simplified character (著名): both fold alike."""
    assert normalise("著名") == normalise("着名")
    assert Query("著名").highlight("顯著、著名") == "顯著、<mark>著名</mark>"


def test_index_terms_are_bigrams_and_words():
    assert index_terms("黨支部") == "党支 支部 部"
    assert index_terms("RCEP企業，2021年度") == "rcep 企业 业 2021 年度 度"
    assert index_terms("党") == "党"
    assert index_terms("x" * 65) == ""  # not language


def test_a_query_needs_every_bigram_and_words_by_prefix():
    query = Query("党支部 Committees 2021 ab")
    assert query.terms == [
        Term("党支"),
        Term("支部"),
        Term("committee", prefix=True),
        Term("2021"),
        Term("ab"),
    ]
    assert Query("党").terms == [Term("党", prefix=True)]
    assert not Query("！？、。 ...")


def test_highlight_marks_whole_words_in_either_script_and_escapes():
    text = "<b>協會</b>籌建黨支部，黨建引領。"
    excerpt = Query("党支部 协会").highlight(text)
    assert excerpt == (
        "&lt;b&gt;<mark>協會</mark>&lt;/b&gt;籌建<mark>黨支部</mark>，黨建引領。"
    )
    # A word that never occurs whole is marked by its bigrams.
    assert Query("支部建设").highlight("黨支部成立") == "黨<mark>支部</mark>成立"


def test_highlight_cuts_long_texts_near_the_first_match():
    text = "甲" * 200 + "，区块链专业委员会" + "乙" * 200
    excerpt = Query("區塊鏈").highlight(text, width=40)
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert "<mark>区块链</mark>" in excerpt
    assert len(excerpt.replace("<mark>", "").replace("</mark>", "")) <= 42
