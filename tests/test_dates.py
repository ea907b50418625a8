"""Issue date inference, sidecars and display (generator/enrich/dates.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.enrich.dates import display_date, infer_issue_date, load_sidecar
from generator.ingest.split import split_seed

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# What each real issue's date is, checked by hand, and why (no issue prints its date):
REAL_ISSUES = {
    # "2023年，市公安局…" reviews 2023 as finished, "全市2024年高质量发展动员…大会", "净网2024";
    # the articles report 春节期间 / 除夕 / 元宵灯会 of 2024 (Spring Festival 2024-02-10): February 2024.
    "000_41eae79e8e932416": "2024-02",
    # "4月15日是我国第九个全民国家安全教育日" (the 1st was 2016): April 2024.
    "001_67b9e7bfefdaf7f2": "2024-04",
    # 2019 is printed most often ("自2019年11月20日启动…以来", a past start), but "2020年2月7日",
    # "组织开展2020年警务实战训练" and "7月23日…7月1日" put the issue in July 2020.
    "002_6375eb87e497a1e8": "2020-07",
    # The largest year, 2022, is a plan ("将持续到2022年3月5日"); "自2021年12月23日起", "今年11月",
    # "12月被省禁毒委命名", "2021年至今": December 2021.
    "003_575f710fd89719b4": "2021-12",
    # 2021 is printed most often ("2021年，该局…" reviews it), "2022年春节期间/假期", "2月11日": February 2022.
    "004_dcb9e1f64b8fb131": "2022-02",
}


def _issue_texts(stem: str) -> list[str]:
    path = SEEDS / f"{stem}.txt"
    issue = split_seed(path.read_text(encoding="utf-8"), stem, f"seeds/{path.name}")
    return ["\n".join(block.text for block in article.blocks) for article in issue.articles]


@pytest.mark.parametrize("stem, expected", sorted(REAL_ISSUES.items()))
def test_real_issue_dates(stem, expected):
    guess = infer_issue_date(_issue_texts(stem))
    assert guess.date == expected, guess.method
    assert guess.method


@pytest.mark.parametrize("texts, expected", [
    (["4月15日是我国第十个全民国家安全教育日，全市公安机关开展宣传。"], "2025-04"),
    (["今年是中国共产党成立100周年。"], "2021"),
    (["2019年，全市公安机关破获案件3000起。", "春节期间，民警坚守岗位。"], "2020-01"),  # Spring Festival 2020 was 1/25
    (["此次专项行动自2023年11月1日起，将持续到2024年2月底。"], "2023-11"),
    (["自2019年11月20日启动改革以来，成效明显。7月1日，市公安局召开会议。", "组织开展2020年警务训练。"], "2020-07"),
    (["力争到2025年建成智慧警务体系。2023年3月，市公安局部署。"], "2023-03"),
    (["12月28日，民警走访企业。1月5日，市公安局召开会议。", "2024年春节前，民警走访。"], "2024-01"),
    (["“净网2023”专项行动取得成效。今年11月，民警破获一起案件。"], "2023-11"),
    (["1999年10月，梁山县公安局接到报警。2021年6月，专案组抓获嫌疑人，10月17日双方认亲。"], "2021-10"),
    (["民警将2024年确定为服务提升年。"], "2024"),
    (["近日，民警走访企业。"], None),
])
def test_made_up_snippets(texts, expected):
    guess = infer_issue_date(texts)
    assert guess.date == expected, guess.method


def test_method_names_the_phrase():
    guess = infer_issue_date(["4月15日是我国第九个全民国家安全教育日。"])
    assert "第九个全民国家安全教育日" in guess.method


def test_sidecar(tmp_path):
    seed = tmp_path / "007_x.txt"
    seed.write_text("text", encoding="utf-8")
    assert load_sidecar(seed) is None
    (tmp_path / "007_x.yml").write_text("date: 2024-04-15\nnumber: 12\ntitle: 第12期\n", encoding="utf-8")
    sidecar = load_sidecar(seed)
    assert (sidecar.date, sidecar.number, sidecar.title) == ("2024-04-15", 12, "第12期")
    (tmp_path / "007_x.yml").write_text("date: 2024-04\n", encoding="utf-8")
    assert load_sidecar(seed).date == "2024-04"


@pytest.mark.parametrize("content, key", [
    ("date: April 2024\n", "date"), ("date: 2024-13\n", "date"), ("number: twelve\n", "number"),
    ("issue: 3\n", "issue"), ("date: [2024\n", "malformed"), ("- 2024\n", "mapping"),
])
def test_bad_sidecar_names_file_and_key(tmp_path, content, key):
    seed = tmp_path / "008_y.txt"
    (tmp_path / "008_y.yml").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_sidecar(seed)
    assert "008_y.yml" in str(info.value) and key in str(info.value)


def test_display_date():
    assert display_date("2024-04", True) == "2024年4月（推定）"
    assert display_date("2024-04-15", False) == "2024年4月15日"
    assert display_date("2021", True) == "2021年（推定）"
    assert display_date(None, True) == "日期不详"
