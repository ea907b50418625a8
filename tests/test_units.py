"""Unit registry, unit mentions, main unit and hierarchy (generator/enrich/units.py)."""
from __future__ import annotations

import pytest

from generator.enrich.units import UnitRegistry


@pytest.fixture(scope="module")
def registry() -> UnitRegistry:
    return UnitRegistry.default()


@pytest.mark.parametrize("printed", ["市中分局", "市中公安分局", "市中区分局", "市公安局市中区分局", "市公安局市中分局"])
def test_aliases_of_one_branch(registry, printed):
    assert registry.canonical(printed) == "市公安局市中区分局"


def test_collective_is_not_the_city_bureau(registry):
    assert registry.canonical("全市公安机关") == "全市公安机关"
    assert registry.get("全市公安机关").kind == "collective"
    assert registry.parent("全市公安机关") is None
    assert "全市公安机关" not in registry.get("市公安局").aliases


def test_not_a_unit(registry):
    assert registry.canonical("曲阜圣城义警") is None
    assert registry.canonical("派出所") is None


def test_hierarchy_parents(registry):
    assert registry.parent("梁山县公安局") == "市公安局"
    assert registry.parent("市公安局特警支队") == "市公安局"
    assert registry.parent("市公安局") is None
    assert "市公安局兖州区分局" in registry.children("市公安局")
    # a unit known only by pattern takes the longest known name it starts with as parent
    assert registry.parent("嘉祥县公安局黄垓派出所") == "嘉祥县公安局"


def test_three_nested_units(registry):
    found = registry.mentions("日前，负责人到市公安局兖州分局颜店派出所送来锦旗")
    assert [m.canonical for m in found] == ["市公安局", "市公安局兖州区分局", "市公安局兖州区分局颜店派出所"]
    assert [m.qualifier for m in found] == [True, True, False]
    assert found[-1].full_printed == "市公安局兖州分局颜店派出所"


def test_offsets_point_into_the_given_text(registry):
    text = "近日，梁山县公安局 开发区派出所民警"
    for mention in registry.mentions(text):
        assert text[mention.start:mention.end].replace(" ", "") == mention.printed


@pytest.mark.parametrize("text, printed, canonical", [
    ("近日，梁山县公安局开发区派出所助企民警", "开发区派出所", "梁山县公安局开发区派出所"),
    ("接到报警后，嘉祥县公安局老僧堂派出所立刻展开调查", "老僧堂派出所", "嘉祥县公安局老僧堂派出所"),
    # made-up names the registry cannot know
    ("近日，泗水县公安局石湖岭派出所破获一起案件", "石湖岭派出所", "泗水县公安局石湖岭派出所"),
    ("汶上县公安局联合该局治安大队开展检查", "治安大队", "汶上县公安局治安大队"),
    ("鱼台交警大队近日查处酒驾", "鱼台交警大队", "鱼台县公安局交警大队"),
])
def test_unknown_units_by_pattern(registry, text, printed, canonical):
    found = {m.printed: m.canonical for m in registry.mentions(text)}
    assert found.get(printed) == canonical, found


def test_pattern_does_not_swallow_preceding_words(registry):
    printed = [m.printed for m in registry.mentions("近日，梁山县公安局召开会议")]
    assert printed == ["梁山县公安局"]
    printed = [m.printed for m in registry.mentions("27岁的他坦言刚到高楼派出所时很不习惯")]
    assert printed == ["高楼派出所"]


def test_later_short_mention_reuses_earlier_full_name(registry):
    text = "微山县公安局黄山岛派出所负责湖区。据黄山岛派出所所长介绍"
    assert [m.canonical for m in registry.mentions(text) if not m.qualifier] == ["微山县公安局黄山岛派出所"] * 2


@pytest.mark.parametrize("text", ["全市34个派出所作为示范", "配合辖区派出所开展宣传", "创建枫桥式公安派出所",
                                  "荣膺全国一级公安派出所", "16辆派出所巡逻车", "该局刑警大队大队长说",
                                  "市公安局兖州分局接到报警。通过数据赋能派出所、无人机巡控"])
def test_generic_phrases_are_no_units(registry, text):
    assert [m for m in registry.mentions(text) if m.kind == "station"] == []


def test_other_cities_are_not_jining_units(registry):
    found = registry.mentions("微山县公安局经济开发区派出所与枣庄市滕州张汪派出所启动联勤；枣庄市公安局")
    kinds = {m.printed: m.kind for m in found}
    assert kinds["枣庄市滕州张汪派出所"] == "external"
    assert kinds["枣庄市公安局"] == "external"
    assert "市公安局" not in [m.canonical for m in found]


def test_main_unit_from_kicker_takes_full_printed_form(registry):
    body = "金乡县公安局化雨派出所将工作重心转移到源头防范。化雨派出所每日开展警情研判。"
    assert registry.main_unit("化雨派出所", "强化源头防范管理", body) == "金乡县公安局化雨派出所"
    assert registry.article_units("化雨派出所", "强化源头防范管理", body)[0] == "金乡县公安局化雨派出所"


def test_main_unit_without_kicker_is_first_unit_of_text(registry):
    body = "近日，史先生报警。接到报警后，嘉祥县公安局老僧堂派出所立刻展开调查，市公安局给予指导。"
    assert registry.main_unit(None, "", body) == "嘉祥县公安局老僧堂派出所"
    assert registry.article_units(None, "", body) == ["嘉祥县公安局老僧堂派出所", "市公安局"]


def test_kicker_that_is_no_unit_falls_back_to_text(registry):
    assert registry.main_unit("曲阜圣城义警", "携手助平安", "春节期间，曲阜市公安局每天招募义警。") == "曲阜市公安局"


def test_article_units_skip_qualifiers(registry):
    units = registry.article_units(None, "", "市公安局市中区分局网警大队、阜桥派出所民辅警近日开展宣传。")
    assert units == ["市公安局市中区分局网警大队", "市公安局市中区分局阜桥派出所"]


def test_hierarchy_tree_in_pinyin_order(registry):
    tree = registry.hierarchy(["嘉祥县公安局老僧堂派出所", "梁山县公安局", "市公安局特警支队", "全市公安机关"])
    assert [n.name for n in tree] == ["全市公安机关", "市公安局"]  # quan < shi
    city = tree[1]
    assert [n.name for n in city.children] == ["嘉祥县公安局", "梁山县公安局", "市公安局特警支队"]  # jia < liang < te
    assert city.children[0].children[0].label == "老僧堂派出所"


def test_real_seed_kickers_resolve(registry, project_root):
    """Every unit-like kicker printed in the real issues names a registry or pattern unit."""
    for kicker in ("市公安局", "梁山县公安局", "化雨派出所", "全市公安机关", "市中分局", "经济开发区分局",
                   "任城区分局", "二十里铺派出所", "洸河派出所", "市中公安分局", "邹城市公安局"):
        assert registry.canonical(kicker), kicker
