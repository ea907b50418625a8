"""Every printed form of a unit is one canonical unit, whatever the order of its parts (issue 21):
place + (bureau) + function + level; the city prefix; the actor of an article; bodies that do not
police."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from generator.enrich.units import Unit, UnitRegistry


@pytest.fixture(scope="module")
def registry() -> UnitRegistry:
    return UnitRegistry.default()


@pytest.mark.parametrize("printed", ["邹城交警大队", "邹城市交警大队", "邹城市公安局交警大队", "邹城公安局交警大队",
                                     "邹城市公安局交通警察大队", "邹城市局交警大队"])
def test_one_brigade_whatever_the_order_of_its_parts(registry, printed):
    assert registry.canonical(printed) == "邹城市公安局交警大队"
    assert registry.parent("邹城市公安局交警大队") == "邹城市公安局"


@pytest.mark.parametrize("printed", ["济宁禁毒支队", "济宁市禁毒支队", "市禁毒支队", "禁毒支队", "济宁市公安局禁毒支队",
                                     "市公安局禁毒支队"])
def test_the_city_prefix_names_the_city_bureaus_detachment(registry, printed):
    assert registry.canonical(printed) == "市公安局禁毒支队"


@pytest.mark.parametrize("printed, canonical", [
    ("济宁市公安局环侦支队", "市公安局环侦支队"),  # made up: not in the registry
    ("济宁环侦支队", "市公安局环侦支队"),
    ("济宁市公安局刑警支队", "市公安局刑侦支队"),
    ("济宁刑事侦查支队", "市公安局刑侦支队"),
])
def test_a_city_prefixed_unit_is_the_city_bureaus(registry, printed, canonical):
    assert registry.canonical(printed) == canonical


@pytest.mark.parametrize("printed", ["泗水县公安局刑警大队", "泗水县刑警大队", "泗水刑警大队", "泗水县公安局刑侦大队",
                                     "泗水县公安局刑事侦查大队"])
def test_function_forms_fold_for_units_the_registry_lacks(registry, printed):
    assert registry.canonical(printed) == "泗水县公安局刑侦大队"


@pytest.mark.parametrize("printed", ["金乡化雨派出所", "金乡县化雨派出所", "金乡县公安局化雨派出所", "化雨派出所"])
def test_a_place_before_a_known_station_is_the_same_station(registry, printed):
    assert registry.canonical(printed) == "金乡县公安局化雨派出所"


def test_a_place_of_another_county_before_a_station_name_is_that_countys_station(registry):
    found = [m for m in registry.mentions("近日，嘉祥化雨派出所民警走访群众") if not m.qualifier]
    assert [m.canonical for m in found] == ["嘉祥县公安局化雨派出所"]


def test_another_citys_units_stay_outside(registry):
    found = registry.mentions("枣庄市禁毒支队与微山县公安局联合行动")
    assert "市公安局禁毒支队" not in [m.canonical for m in found]
    assert [m.canonical for m in found if m.kind != "external"] == ["微山县公安局"]


@pytest.mark.parametrize("kicker, body, unit", [
    ("邹城交警大队", "民警接到求助后立即出警，将孩子送往医院。", "邹城市公安局交警大队"),
    ("市中分局", "市公安局市中分局民警春节坚守岗位。", "市公安局市中区分局"),
    (None, "近日，济宁禁毒支队组织禁毒宣传。", "市公安局禁毒支队"),
])
def test_the_main_unit_is_the_canonical_name(registry, kicker, body, unit):
    assert registry.main_unit(kicker, "标题", body) == unit
    assert registry.article_units(kicker, "标题", body)[0] == unit


@pytest.mark.parametrize("kicker, title, body", [
    ("全市公安机关", "智慧公安升级", "市公安局坚持科技兴警，梁山县公安局建成智慧平台。"),
    (None, "全市公安机关强化社会面防控", "市公安局部署开展夜巡。"),
    (None, "夜巡守平安", "记者从市公安局获悉，今年以来，全市公安机关开展夜间巡逻。"),
    (None, "夜巡守平安", "据市公安局介绍，全市各级公安机关开展夜间巡逻。"),
])
def test_an_article_whose_actor_is_the_whole_citys_police(registry, kicker, title, body):
    assert registry.main_unit(kicker, title, body) == "全市公安机关"


def test_a_source_alone_is_still_the_unit(registry):
    assert registry.main_unit(None, "夜巡", "记者从市公安局获悉，夜巡成效明显。") == "市公安局"


def test_a_training_base_is_the_main_unit_only_when_the_headline_names_it(registry):
    body = "近日，某警察学院与济宁人民警察训练基地签约，市公安局有关负责人出席。"
    assert registry.main_unit(None, "校局合作结硕果", body) == "市公安局"
    assert registry.main_unit(None, "济宁人民警察训练基地开放办学", body) == "济宁人民警察训练基地"
    assert "济宁人民警察训练基地" in registry.article_units(None, "校局合作结硕果", body)


def test_institution_kind_in_a_made_up_registry():
    registry = UnitRegistry([Unit("某市公安局", None, "city", ("某市公安局",)),
                             Unit("某市警察学校", "某市公安局", "institution", ())])
    body = "某市警察学校与某市公安局举行签约仪式。"
    assert registry.main_unit(None, "签约", body) == "某市公安局"
    assert registry.main_unit(None, "某市警察学校举行签约", body) == "某市警察学校"


_COUNTIES = sorted((u for u in UnitRegistry.default()._units.values() if u.kind == "county"), key=lambda u: u.name)
_FUNCTIONS = [("交警", "交通警察"), ("刑侦", "刑警"), ("治安", "治安管理"), ("网安", "网警")]


@settings(max_examples=40, deadline=None)
@given(county=st.sampled_from(_COUNTIES), function=st.sampled_from(_FUNCTIONS), full=st.booleans(),
       variant=st.booleans(), place_index=st.integers(min_value=0, max_value=1))
def test_property_place_bureau_function_level_is_one_unit(county, function, full, variant, place_index):
    """For every county bureau and function: the short and the full printed forms, with any form
    of the function, name one unit under that bureau."""
    registry = UnitRegistry.default()
    place = county.places[place_index % len(county.places)]
    words = function[1] if variant else function[0]
    printed = (county.name if full else place) + words + "大队"
    canonical = registry.canonical(printed)
    assert canonical is not None and registry.parent(canonical) == county.name, printed
    assert canonical == registry.canonical(place + function[0] + "大队")
