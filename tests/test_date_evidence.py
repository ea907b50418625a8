"""Issue dates weighed from all the evidence (issue 21): votes with weights, a floor of years
reported as past, conflicts kept in issue.yml and listed for review, a date settled by the
sidecar or the seed's file name."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.content import ContentError, format_issue, parse_issue
from generator.enrich.dates import (WEIGHTS, date_conflict_items, infer_issue_date,
                                    year_votes)
from generator.records import DateVote, IssueMeta

# The unseen issue of issue 21: a previous year reviewed as a whole, 今年以来, a campaign of the
# current year, and one sentence opening on the current year with work under way.
SCENARIO = ["2024年全年，全市公安机关破获刑事案件3000起，同比上升百分之十。今年以来，市公安局持续推进改革。",
            "为深入推进2025年“平安护航”行动，市公安局召开会议进行部署。",
            "2025年，某县公安局深入推进社区警务改革，成效明显。"]


def test_the_scenario_of_the_issue_is_the_year_after_the_review():
    guess = infer_issue_date(SCENARIO)
    assert guess.date == "2025", guess.method
    assert "为深入推进2025年" in guess.method


def test_each_piece_of_the_scenario_votes():
    votes, floor = year_votes("".join(SCENARIO))
    assert floor == 2025
    by_rule = {(v.year, v.rule.split(" ")[0]): v.weight for v in votes}
    assert by_rule[(2025, "2024")] == WEIGHTS["review"]  # 2024年全年 -> the year after
    assert (2025, "campaign") in by_rule
    assert any(v.rule.startswith("'今年'") and v.year == 2025 for v in votes)
    assert not any(v.year == 2026 for v in votes)  # work under way in 2025 is no review of it


@pytest.mark.parametrize("texts, expected", [
    (["2023年，全市公安机关共破获案件3000起。"], "2024"),  # a finished year, reviewed
    (["2023年，市公安局深入推进智慧警务建设。"], "2023"),  # work under way that year
    (["2023年度全市公安机关执法质量考评结果出炉。"], "2024"),
    (["组织开展2021年春季练兵。", "自2020年起，该局持续推进改革。"], "2021"),
    # a year printed as past is a floor even against a louder vote for an earlier year
    (["为深入推进2022年专项行动。2023年3月5日，民警抓获嫌疑人。"], "2023-03"),
])
def test_made_up_evidence(texts, expected):
    assert infer_issue_date(texts).date == expected


def test_a_numbered_day_outweighs_the_rest():
    guess = infer_issue_date(["4月15日是第九个全民国家安全教育日。", "2023年，全市公安机关共破获案件。"])
    assert guess.date == "2024-04"


def test_close_votes_are_kept_as_evidence_and_clear_ones_are_not():
    disputed = infer_issue_date(["2024年，全县公安机关共破获案件300起。", "组织开展2024年夏季治安打击整治行动。"])
    assert disputed.date == "2024"
    assert {v.year for v in disputed.evidence} == {2024, 2025}
    assert disputed.evidence[0].year == 2024  # the winner's votes first
    assert infer_issue_date(SCENARIO).evidence == ()


def test_date_evidence_round_trips_through_issue_yml():
    meta = IssueMeta(id="x", source="seeds/x.txt", date="2024", date_method="votes",
                     date_evidence=[DateVote(2024, 3, "campaign or meeting of 2024", "开展2024年夏季行动"),
                                    DateVote(2025, 1, "2024 reviewed as a finished year", "2024年，全县")])
    text = format_issue(meta)
    assert "date_evidence:" in text
    assert parse_issue(text, "x/issue.yml", "x").date_evidence == meta.date_evidence
    plain = format_issue(IssueMeta(id="x", source="seeds/x.txt", date="2024"))
    assert "date_evidence" not in plain  # written only when the votes disagree


@pytest.mark.parametrize("value", ["[1, 2]", "{year: 2024}", "[{year: two, weight: 1}]", "[{year: 2024, weight: 1, x: 1}]"])
def test_bad_date_evidence_names_file_line_and_key(value):
    text = f"id: x\nsource: seeds/x.txt\ndate: '2024'\ndate_evidence: {value}\n"
    with pytest.raises(ContentError) as info:
        parse_issue(text, "x/issue.yml", "x")
    assert "x/issue.yml" in str(info.value) and "date_evidence" in str(info.value) and "4" in str(info.value)


@pytest.mark.parametrize("stem, expected", [
    ("2024-04-15_jining", "2024-04-15"), ("20240415", "2024-04-15"), ("济宁公安_2023-11", "2023-11"),
    ("000_41eae79e8e932416", None), ("a20230511b", None), ("2024-02-30", None), ("x_20241315", None),
])
def test_date_from_file_name(stem, expected):
    from generator.enrich.seednames import parse_seed_name  # the one file-name reader

    assert parse_seed_name(stem).date == expected


SEED = """2024年，全县公安机关共破获案件300起，同比上升百分之十。

组织开展2024年夏季治安打击整治行动，市公安局召开会议进行部署，要求各单位狠抓落实。

记者 张三

市公安局

夏季治安打击整治行动启动
"""


def _import(tmp_path: Path, name: str) -> Path:
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir(exist_ok=True)
    (seeds / name).write_text(SEED, encoding="utf-8")
    status = main(["--cache-dir", str(tmp_path / "cache"), "import", "--seeds", str(seeds), "--content", str(content)])
    assert status == 0
    return content


def test_a_conflict_is_recorded_and_listed_for_review(tmp_path, capsys):
    content = _import(tmp_path, "x01_test.txt")
    text = (content / "x01_test" / "issue.yml").read_text(encoding="utf-8")
    assert "date_evidence:" in text and "date: '2024'" in text
    items = date_conflict_items(content)
    assert [(i["kind"], i["path"]) for i in items] == [("date", "x01_test/issue.yml")]
    assert text.splitlines()[items[0]["line"] - 1].startswith("date_evidence:")
    assert "2024" in items[0]["message"] and "2025" in items[0]["message"]
    assert "seeds/x01_test.yml" in items[0]["detail"]
    capsys.readouterr()


def test_a_sidecar_settles_the_date(tmp_path, capsys):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "x01_test.yml").write_text("date: 2025-01\n", encoding="utf-8")
    content = _import(tmp_path, "x01_test.txt")
    meta = parse_issue((content / "x01_test" / "issue.yml").read_text(encoding="utf-8"), "issue.yml", "x01_test")
    assert (meta.date, meta.date_inferred, meta.date_evidence) == ("2025-01", False, [])
    assert date_conflict_items(content) == []
    capsys.readouterr()


def test_a_file_name_with_a_date_settles_it(tmp_path, capsys):
    content = _import(tmp_path, "2024-07-01_x.txt")
    meta = parse_issue((content / "2024-07-01_x" / "issue.yml").read_text(encoding="utf-8"), "issue.yml",
                       "2024-07-01_x")
    assert (meta.date, meta.date_inferred) == ("2024-07-01", False)
    assert "file name" in meta.date_method
    assert date_conflict_items(content) == []
    capsys.readouterr()
