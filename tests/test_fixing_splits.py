"""An editor's fixes of wrong splits (docs/fixing-splits.md) and checked doubts survive a rebuild and
a later re-import of the same seed; `build.py doubts` lists and checks doubts. End to end through
generator.cli.main, with every folder in tmp_path; made-up issues from tests/layouts/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.content import load_content
from generator.ingest.doubts import CHECKED_FILE, doubt_items, open_doubts

LAYOUTS = Path(__file__).parent / "layouts"
ISSUE = "combination"


@pytest.fixture
def dirs(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(LAYOUTS / "combination.txt", seeds / "combination.txt")
    shutil.copy(LAYOUTS / "unit_headline.txt", seeds / "unit_headline.txt")
    return {"seeds": seeds, "content": tmp_path / "content", "output": tmp_path / "public",
            "cache": tmp_path / "cache", "tmp": tmp_path}


def build(dirs, *command):
    return main(["--seeds", str(dirs["seeds"]), "--content", str(dirs["content"]),
                 "--output", str(dirs["output"]), "--cache-dir", str(dirs["cache"]), *command])


def doubts(dirs, *args):
    return main(["doubts", "--seeds", str(dirs["seeds"]), "--content", str(dirs["content"]), *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def reimport_same_seed(dirs):
    """The same issue text with other bytes (a trailing line break), so the importer splits it again."""
    seed = dirs["seeds"] / f"{ISSUE}.txt"
    seed.write_bytes(seed.read_bytes() + b"\n")


def article_file(dirs, number: int) -> Path:
    (path,) = (dirs["content"] / ISSUE).glob(f"{number:02d}-*.md")
    return path


def test_every_kind_of_fix_survives_a_rebuild_and_a_reimport(dirs, capsys):
    assert build(dirs) == 0
    issue_dir = dirs["content"] / ISSUE
    # change a title
    retitled = article_file(dirs, 1)
    retitled.write_text(retitled.read_text(encoding="utf-8").replace("title: 平安宣传进万家", "title: 青河平安宣传进万家"),
                        encoding="utf-8")
    # move text between two articles: the last paragraph of article 5 goes to article 4
    giver, taker = article_file(dirs, 5), article_file(dirs, 4)
    give_text = giver.read_text(encoding="utf-8")
    moved = "下一步，该所将持续开展走访活动，把服务送到群众家门口，不断提升群众的安全感和满意度。"
    assert moved in give_text
    giver.write_text(give_text.replace(moved, "").rstrip() + "\n", encoding="utf-8")
    taker.write_text(taker.read_text(encoding="utf-8").rstrip() + "\n\n" + moved + "\n", encoding="utf-8")
    # merge article 3 into article 2: deleting the merged-away file withdraws it
    merged_away = article_file(dirs, 3)
    keeper = article_file(dirs, 2)
    body_3 = merged_away.read_text(encoding="utf-8").split("---", 2)[2].strip()
    keeper.write_text(keeper.read_text(encoding="utf-8").rstrip() + "\n\n" + body_3 + "\n", encoding="utf-8")
    merged_away.unlink()
    # split article 6 into two: its second part becomes a new article 07
    original = article_file(dirs, 6)
    front, body = original.read_text(encoding="utf-8").split("---\n\n", 1)
    new_article = issue_dir / "07-fengyu-houji.md"
    new_article.write_text(front.replace("order: 6", "order: 7").replace("title: 风雨无阻守路口", "title: 风雨后记")
                           + "---\n\n雨停之后，民警继续坚守路口。\n", encoding="utf-8")
    edited = snapshot(issue_dir)
    capsys.readouterr()

    assert build(dirs) == 0  # a rebuild: nothing re-imported, every fix stands
    assert snapshot(issue_dir) == edited

    reimport_same_seed(dirs)
    assert build(dirs) == 0
    summary = capsys.readouterr().out
    assert "import: 1 issue(s) imported" in summary
    after = snapshot(issue_dir)
    for rel, data in edited.items():
        assert after[rel] == data, f"{rel} changed by the re-import"
    assert not list(issue_dir.glob("03-*.md")), "the merged-away article came back"
    fresh = sorted(rel for rel in after if rel.endswith(".new"))
    assert fresh == sorted(f"{Path(p).name}.new" for p in (retitled, keeper, taker, giver))
    assert "withdrawn by the editor, not re-imported" in summary and merged_away.name in summary

    content = load_content(dirs["content"])
    assert not content.errors
    titles = [a.title for a in content.issue_articles(ISSUE)]
    assert titles[0] == "青河平安宣传进万家" and "风雨后记" in titles and len(titles) == 6
    pages = "".join(p.read_text(encoding="utf-8") for p in dirs["output"].rglob("*.html"))
    assert "青河平安宣传进万家" in pages and "风雨后记" in pages


def test_doubts_are_listed_with_seed_lines_and_checks_survive_a_reimport(dirs, capsys):
    assert build(dirs, "import") == 0
    summary = capsys.readouterr().out
    assert "1 doubtful split in unit_headline: see issue.yml" in summary
    assert doubts(dirs) == 0
    listing = capsys.readouterr().out
    assert "unit_headline.txt:9: a two-line headline whose first line names a unit" in listing
    assert ">     9 | 市公安局交警支队" in listing and "     10 | 荣获“全国优秀公安交警支队”称号" in listing
    assert "1 open doubtful split(s) in content/" in listing
    items = doubt_items(dirs["content"])
    assert [(i["kind"], i["line"]) for i in items] == [("doubt", 9)]
    assert items[0]["path"].endswith("unit_headline.txt") and "build.py doubts --check unit_headline 9" in items[0]["detail"]

    assert doubts(dirs, "--check", "unit_headline", "8") == 2  # no doubt on that line
    assert "open doubts are on lines: 9" in capsys.readouterr().err
    assert doubts(dirs, "--check", "unit_headline", "9") == 0
    assert (dirs["content"] / "unit_headline" / CHECKED_FILE).is_file()
    assert open_doubts(dirs["content"]) == [] and doubt_items(dirs["content"]) == []

    seed = dirs["seeds"] / "unit_headline.txt"
    seed.write_bytes(seed.read_bytes() + b"\n")  # the same seed again
    capsys.readouterr()
    assert build(dirs, "import") == 0
    assert "doubtful split" not in capsys.readouterr().out  # still checked
    assert open_doubts(dirs["content"]) == []
    assert doubts(dirs, "unit_headline") == 0
    assert "0 open doubtful split(s) in unit_headline" in capsys.readouterr().out


def test_doubts_of_an_unknown_issue_is_an_error(dirs, capsys):
    assert build(dirs, "import") == 0
    assert doubts(dirs, "no-such-issue") == 2
    assert "no issue 'no-such-issue'" in capsys.readouterr().err


def test_issue_yml_round_trips_its_doubts(dirs):
    from generator.content.format import format_issue, parse_issue

    assert build(dirs, "import") == 0
    path = dirs["content"] / "unit_headline" / "issue.yml"
    meta = parse_issue(path.read_text(encoding="utf-8"), "unit_headline/issue.yml", "unit_headline")
    assert [(d.line, d.article) for d in meta.doubts] == [(9, 1)]
    assert format_issue(meta) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("doubts_value,message", [
    ("doubts: 3", "must be a list"),
    ("doubts: [{line: 0, article: 1, reason: x}]", "each entry must be"),
    ("doubts: [{line: 2, article: 1}]", "each entry must be"),
    ("doubts: [{line: 2, article: 1, reason: x, extra: 1}]", "each entry must be"),
])
def test_bad_doubts_in_issue_yml_name_the_key(doubts_value, message):
    from generator.content import ContentError
    from generator.content.format import parse_issue

    with pytest.raises(ContentError) as err:
        parse_issue(f"id: x\nsource: seeds/x.txt\n{doubts_value}\n", "x/issue.yml", "x")
    assert err.value.key == "doubts" and err.value.line == 3 and message in err.value.message


def test_subtitle_is_written_only_when_present_and_round_trips(dirs):
    from generator.content.format import format_article, parse_article

    assert build(dirs, "import") == 0
    with_subtitle = article_file(dirs, 6)
    text = with_subtitle.read_text(encoding="utf-8")
    assert "subtitle: ——记南湖交警铁骑队" in text and "title: 风雨无阻守路口\n" in text
    assert "\nsubtitle:" not in article_file(dirs, 1).read_text(encoding="utf-8")
    article = parse_article(text, "x.md")
    assert article.subtitle == "——记南湖交警铁骑队"
    assert format_article(article) == text
