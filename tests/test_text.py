"""Text normalisation: examples from the seeds and properties that hold for any input."""
from hypothesis import given, strategies as st

from generator.ingest.text import (display_width, ends_sentence, is_cjk, join_wrapped, non_space,
                            normalise_paragraph, remove_justification_spaces)


def test_justification_spaces_removed_between_chinese_and_digits():
    assert remove_justification_spaces("邀请 50 名小学生") == "邀请50名小学生"
    assert remove_justification_spaces("2019年 11月") == "2019年11月"
    assert remove_justification_spaces("管 ，共 检 查 单 位 场 所 359 家 次 ，检 查 率") == "管，共检查单位场所359家次，检查率"
    assert remove_justification_spaces("一级做给一级看 、一级带着一级干") == "一级做给一级看、一级带着一级干"


def test_spaces_between_latin_words_kept():
    assert remove_justification_spaces("使用 Open Source 软件") == "使用Open Source软件"
    assert remove_justification_spaces("PTU  车组") == "PTU车组"


def test_wrapped_lines_join_without_spaces_in_chinese():
    assert normalise_paragraph(["市公安局聚焦服务，保障高质量发展，坚定不移强作", "风，乘势而上"]) == \
        "市公安局聚焦服务，保障高质量发展，坚定不移强作风，乘势而上"
    assert join_wrapped(["the quick", "brown fox"]) == "the quick brown fox"


def test_sentence_end_sees_through_quotes_and_figure_refs():
    assert ends_sentence("太感谢了。”")
    assert ends_sentence("协同有力。（图②）")
    assert ends_sentence("后面有病号！")
    assert not ends_sentence("一旦发生诸如")
    assert not ends_sentence("“孙子”说不够，")


def test_digits_are_narrower_than_ideographs():
    assert display_width("济宁") == 2
    assert display_width("2024") < 4


cjk_text = st.text(alphabet=st.sampled_from(list("济宁公安局民警，。“”、") + ["1", "0", "A", "b", " ", "\u3000", "\t"]),
                   max_size=60)


@given(cjk_text)
def test_normalisation_keeps_every_visible_character(text):
    assert non_space(remove_justification_spaces(text)) == non_space(text)


@given(cjk_text)
def test_normalisation_is_idempotent(text):
    once = remove_justification_spaces(text)
    assert remove_justification_spaces(once) == once


@given(cjk_text)
def test_no_space_left_next_to_chinese(text):
    out = remove_justification_spaces(text)
    for index, char in enumerate(out):
        if char == " ":
            assert not is_cjk(out[index - 1]) and not is_cjk(out[index + 1])


@given(st.lists(cjk_text, max_size=8))
def test_joining_lines_keeps_every_visible_character(lines):
    assert non_space(normalise_paragraph(lines)) == non_space("".join(lines))
