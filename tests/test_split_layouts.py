"""Made-up issues, one per layout the splitter used to get wrong silently, with golden expectations.

Each tests/layouts/<name>.txt is invented text in the raw format (hard-wrapped at a 22-character
column, the first line of a paragraph two characters short for its indent, blank lines at column
breaks). tests/golden/layouts/<name>.yml records what the splitter makes of it, doubts included.
Rewrite the golden files after a deliberate change, then READ the diff:
    .venv/bin/python -m tests.test_split_layouts
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from generator.ingest.bylines import normalise_name, parse_byline, split_trailing_byline
from generator.ingest.split import split_seed
from generator.ingest.text import join_wrapped
from generator.ingest.titles import generate_title, generate_title_checked
from generator.records import SplitIssue

LAYOUTS = Path(__file__).parent / "layouts"
GOLDEN = Path(__file__).parent / "golden" / "layouts"
NAMES = sorted(p.stem for p in LAYOUTS.glob("*.txt"))


def split_layout(name: str) -> SplitIssue:
    return split_seed((LAYOUTS / f"{name}.txt").read_text(encoding="utf-8"), name, f"tests/layouts/{name}.txt")


def summarise(issue: SplitIssue) -> dict:
    return {
        "articles": [{
            "order": a.order, "kind": a.kind, "title": a.title, "title_generated": a.title_generated,
            "subtitle": a.subtitle, "kicker": a.kicker, "reporters": a.byline.reporters,
            "correspondents": a.byline.correspondents, "photographers": a.byline.photographers,
            "blocks": [f"{b.kind}: {b.text}" for b in a.blocks], "lines": [a.first_line, a.last_line],
        } for a in issue.articles],
        "doubts": [{"line": d.line, "article": d.article, "reason": d.reason} for d in issue.doubts],
    }


@pytest.mark.parametrize("name", NAMES)
def test_layout_matches_golden(name):
    golden = yaml.safe_load((GOLDEN / f"{name}.yml").read_text(encoding="utf-8"))
    assert summarise(split_layout(name)) == golden


def test_every_layout_has_a_golden_file():
    assert NAMES and sorted(p.stem for p in GOLDEN.glob("*.yml")) == NAMES


def articles(name: str):
    return split_layout(name).articles


# --- 1. a body's first line cut off by a column break is not a headline ---------------------------

CUT_START = "东岭县公安局柳湾派出所民警近日走访辖区养殖户和农家乐经营者，"


@pytest.mark.parametrize("name,before", [
    ("cut_after_brief", ["article", "brief"]),
    ("cut_after_photo", ["photo"]),
    ("cut_after_headline", ["article"]),
])
def test_first_line_cut_by_a_column_break_starts_the_next_article(name, before):
    *previous, cut = articles(name)
    assert [a.kind for a in previous] == before
    assert cut.blocks[0].text.startswith(CUT_START)  # whole, not starting mid-word at `殖户`
    assert (cut.kicker, cut.title) == ("东岭县公安局", "走访农户送平安")
    assert all("东岭" not in a.title and "东岭" not in (a.kicker or "") for a in previous)


def test_headline_without_kicker_keeps_its_title_before_a_cut_line():
    headline, _ = articles("cut_after_headline")
    assert (headline.kicker, headline.title, headline.kind) == (None, "北山部署夏季治安整治", "article")


def test_brief_cut_by_a_column_break_after_another_brief():
    first, cut, _ = articles("cut_brief_after_brief")
    assert first.kind == cut.kind == "brief"
    assert cut.blocks[0].text.startswith("西塘县公安局交警大队民警近日走进辖区小学开展“交通安全进校园”")
    assert first.blocks[-1].text.endswith("表示由衷感谢。")


LONG_HEADLINE = """\
白沙镇派出所民警近日在巡逻中帮助一名走失老人安全回家，老
人家属送来锦旗，对民警的热心帮助表示由衷感谢。 通讯员 赵小川

青河县公安局开展夏季治安打击整治百日行动

为进一步维护辖区治安稳定，青河县公安局近
日开展夏季治安打击整治百日行动，集中整治群众
反映强烈的突出治安问题，破获各类案件六十余起，
群众安全感明显提升。

通讯员 韩立春
"""


def test_headline_as_wide_as_the_column_before_an_indented_paragraph_is_a_headline_in_doubt():
    issue = split_seed(LONG_HEADLINE, "t", "seeds/t.txt")
    first, second = issue.articles
    assert (first.kind, first.title) == ("article", "青河县公安局开展夏季治安打击整治百日行动")
    assert second.blocks[0].text.startswith("为进一步维护辖区治安稳定")
    assert [(d.line, d.article) for d in issue.doubts] == [(4, 1)]


# --- 2. `——` subtitles -----------------------------------------------------------------------------

def test_subtitle_one_blank_line_under_or_right_under_the_headline():
    one, two, three, brief = articles("subtitle")
    assert (one.title, one.subtitle, one.kicker) == ("扎根基层二十年", "——记东岭县公安局柳湾派出所民警张大勇", None)
    assert (two.title, two.subtitle, two.kicker) == ("雷霆出击破大案", "——青河警方侦破系列盗窃案纪实", "青河县公安局")
    assert (three.title, three.subtitle) == ("风雨无阻守路口", "——记南湖交警铁骑队")
    for article in (two, three, brief):
        assert not article.blocks[0].text.startswith("——")


SUBTITLE_IN_THE_HEADLINE_BLOCK = """\
白沙镇派出所民警近日在巡逻中帮助一名走失老人安全回家，老
人家属送来锦旗，对民警的热心帮助表示由衷感谢。

通讯员 赵小川

扎根基层二十载
情系群众保平安
——记白沙镇派出所民警王大勇

青河县公安局近日开展夏季治安打击整治百日行动，集
中整治群众反映强烈的突出治安问题，破获各类案件六
十余起，群众安全感明显提升。

通讯员 韩立春

青河县公安局

百日行动见成效
——青河警方夏季治安整治纪实

东岭县公安局柳湾派出所民警近日走访辖区养殖户和农
家乐经营者，面对面宣传防范电信网络诈骗知识。

通讯员 孙明远
"""


def test_subtitle_right_under_a_two_line_headline_and_under_a_kicker_and_headline():
    first, second, third = split_seed(SUBTITLE_IN_THE_HEADLINE_BLOCK, "t", "seeds/t.txt").articles
    assert (first.kicker, first.title, first.subtitle) == (None, "扎根基层二十载 情系群众保平安", "——记白沙镇派出所民警王大勇")
    assert (second.kicker, second.title, second.subtitle) == ("青河县公安局", "百日行动见成效", "——青河警方夏季治安整治纪实")
    assert second.blocks[0].text.startswith("青河县公安局近日")
    assert third.blocks[0].text.startswith("东岭县公安局柳湾派出所")


# --- 3. a two-line headline whose first line is a unit name ----------------------------------------

def test_two_line_headline_starting_with_a_unit_is_one_headline():
    first, second, _ = articles("unit_headline")
    assert first.kicker is None
    assert first.title == "市公安局交警支队 荣获“全国优秀公安交警支队”称号"
    assert second.kicker == "北山县公安局"  # the blank line marks a kicker
    issue = split_layout("unit_headline")
    assert [(d.line, d.article) for d in issue.doubts] == [(9, 1)]


# --- 4. generated titles ------------------------------------------------------------------------------

def test_generated_titles_skip_times_and_say_who_did_what():
    timed, subject, purpose, _ = articles("generated_titles")
    assert timed.title == "青河县公安局在城区广场举办禁毒宣传活动"
    assert subject.title == "城关派出所民辅警联合社区工作人员走进辖区商场"
    assert purpose.title == "南湖县公安局组织民警深入乡村开展夜间巡逻"


@pytest.mark.parametrize("paragraph,title", [
    ("5月9日上午，民警在辖区开展巡逻防控工作，守护群众平安。", "民警在辖区开展巡逻防控工作"),
    ("当日傍晚，白沙镇派出所接到群众报警称有老人走失。", "白沙镇派出所接到群众报警称有老人走失"),
    ("6月1日凌晨3时许，民警在巡逻中发现一辆可疑车辆。", "民警在巡逻中发现一辆可疑车辆"),
    ("5月9日上午民警走进校园开展安全教育。", "民警走进校园开展安全教育"),
])
def test_time_phrases_are_not_titles(paragraph, title):
    assert generate_title(paragraph) == title


def test_a_title_that_names_nobody_doing_anything_is_a_doubt():
    assert generate_title_checked("青河县公安局网安大队、城关派出所。").doubt
    assert generate_title_checked("民警在辖区开展巡逻防控工作。").doubt is None


# --- 5. Latin text across lines --------------------------------------------------------------------------

def test_urls_and_addresses_join_without_a_space():
    (article, _) = articles("latin_joins")
    text = article.blocks[0].text
    assert "https://www.qinghe-example.gov.cn/jingwu/index.html查询" in text
    assert "serviceqinghe@example.com咨询" in text


@pytest.mark.parametrize("lines,joined", [
    (["请登录https://www.exam", "ple.gov.cn查询"], "请登录https://www.example.gov.cn查询"),
    (["下载爱山东AP", "P办理"], "下载爱山东APP办理"),
    (["发送至abc@", "example.com"], "发送至abc@example.com"),
    (["the quick", "brown fox"], "the quick brown fox"),
])
def test_latin_line_breaks(lines, joined):
    assert join_wrapped(lines) == joined


# --- 6. the first-line indent is part of the column ----------------------------------------------------

def test_first_line_ending_a_sentence_does_not_end_its_paragraph():
    article, _ = articles("indent_first_line")
    assert [b.text[:8] for b in article.blocks] == ["青河县公安局近日", "各派出所结合辖区", "活动期间共走访群"]
    assert article.blocks[0].text.endswith("把平安服务送到群众家门口。")


ONE_LINE_PARAGRAPH = """\
民警深入辖区企业、学校和社区，面对面听取群众
意见建议，了解群众所思所盼，把平安服务送到群
众家门口，切实提升群众的安全感和满意度。
青河县公安局近日开展为期一个月走访活动。
民警深入辖区企业、学校和社区，面对面听取
群众意见建议，了解群众所思所盼，把平安服务送
到群众家门口，切实提升群众的安全感和满意度。

记者 周晓岚
"""


def test_one_line_paragraph_before_an_indented_line_stays_a_paragraph():
    (article,) = split_seed(ONE_LINE_PARAGRAPH, "t", "seeds/t.txt").articles
    assert [b.text[:6] for b in article.blocks] == ["民警深入辖区", "青河县公安局", "民警深入辖区"]


# --- 7. bylines ------------------------------------------------------------------------------------------

def test_bylines_with_rare_characters_dots_and_colons():
    one, two, three, four, _ = articles("bylines")
    assert one.byline.reporters == ["王\U00020bb7明"] and one.byline.correspondents == ["李小红"]
    assert two.byline.correspondents == ["买买提·艾力", "阿依古丽·吐尔逊"]
    assert three.byline.reporters == ["王小明"]
    assert four.byline.correspondents == ["金玉山"]
    for article in (one, two, three, four):
        assert article.kind == "brief" and "记者" not in article.blocks[-1].text[-12:]
        assert "通讯员" not in article.blocks[-1].text


@pytest.mark.parametrize("text,names", [
    ("记者：王小明", ["王小明"]),
    ("记者:王小明 通讯员：李四", ["王小明", "李四"]),
    ("通讯员 买买提・艾力", ["买买提·艾力"]),
    ("■通讯员 \u2f29山 摄", ["小山"]),
])
def test_byline_forms(text, names):
    assert parse_byline(text).names() == names


def test_trailing_byline_with_a_colon_and_no_space():
    body, byline = split_trailing_byline("…供认不讳。记者：王小明")
    assert (body, byline.reporters) == ("…供认不讳。", ["王小明"])


def test_name_normalisation_keeps_text_readable():
    assert normalise_name("\uf90a玉山") == "金玉山"
    assert normalise_name("阿依古丽•吐尔逊") == "阿依古丽·吐尔逊"
    assert normalise_name("王\U00020bb7明") == "王\U00020bb7明"


def test_a_dot_alone_is_not_a_name():
    assert parse_byline("通讯员 ·") is None
    assert parse_byline("通讯员 王小明·") is None


# --- combinations and the nothing-lost property ------------------------------------------------------

def test_combination_of_briefs_photos_kickers_and_cut_lines():
    kinds = [(a.kind, a.title) for a in articles("combination")]
    assert kinds == [
        ("article", "平安宣传进万家"),
        ("photo", "青河县公安局特警大队民警在城区开展武装巡逻"),
        ("brief", "西塘县公安局交警大队民警近日走进辖区小学"),
        ("brief", "白沙镇派出所民警在辖区开展消防安全检查"),
        ("article", "走访农户送平安"),
        ("article", "风雨无阻守路口"),
    ]


PIECES = [line for name in NAMES for line in (LAYOUTS / f"{name}.txt").read_text(encoding="utf-8").split("\n")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_any_mix_of_layout_lines_loses_nothing(lines):
    issue = split_seed("\n".join(lines), "t", "seeds/t.txt")  # raises NothingLostError if anything is lost
    for doubt in issue.doubts:
        assert 1 <= doubt.line <= len(lines) and 1 <= doubt.article <= max(1, len(issue.articles))
        assert doubt.reason


def write_golden() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        text = yaml.safe_dump(summarise(split_layout(name)), allow_unicode=True, sort_keys=False, width=1000)
        (GOLDEN / f"{name}.yml").write_text(text, encoding="utf-8")
        print(f"wrote tests/golden/layouts/{name}.yml")


if __name__ == "__main__":
    write_golden()
    sys.exit(0)
