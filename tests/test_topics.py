"""Tags are topics (issue 21): the topic test, synonyms folded into one topic, no tag page for a
keyword only one article uses, and the review's list of keywords worth a curated topic."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.config import SiteConfig
from generator.content import ContentSet, format_article, format_issue, load_content
from generator.enrich.tags import MAX_TAGS, MIN_TAGS, Tagger, TopicVocabulary, is_topic_word, topic_proposals
from generator.records import Article, IssueMeta
from generator.render.site import build_model

# A small made-up archive: the document frequencies of a tagger need other articles.
BACKGROUND = ["近日，民警走访辖区群众，了解社情民意。", "民警开展夜间巡逻，守护群众平安。",
              "派出所召开会议，部署近期重点工作。"]


@pytest.mark.parametrize("word", ["电动车", "燃气", "巡逻车", "保安员", "老年人"])
def test_nouns_that_name_a_thing_pass_the_topic_test(word):
    assert is_topic_word(word)


@pytest.mark.parametrize("word, why", [
    ("启动", "verbal noun"), ("优化", "verbal noun"), ("积极", "adjective"), ("充分", "adverb"),
    ("然后", "function word"), ("一流", "evaluative"), ("典范", "evaluative"), ("积极性", "abstract ending"),
    ("执行力", "abstract ending"), ("内容", "everyday word"), ("时代", "everyday word"),
    ("充分发挥", "verb head"), ("整治", "two verbs"), ("燃放烟花", "verb and object"),
    ("北京", "place name"), ("市委", "organisation"), ("万达", "brand name"), ("小区", "kind of place"),
])
def test_verbs_evaluative_abstract_and_names_fail_the_topic_test(word, why):
    assert not is_topic_word(word), why


def test_synonyms_fold_into_one_topic():
    vocabulary = TopicVocabulary.default()
    assert {vocabulary.fold(name) for name in ("电诈", "电信诈骗", "电信网络诈骗", "反诈")} == {"反诈"}
    assert vocabulary.is_topic("反诈") and not vocabulary.is_topic("电信诈骗")
    tagger = Tagger(BACKGROUND)
    tags = tagger.tags("严防电诈", "民警提醒群众警惕电诈套路，电诈手法多变。")
    assert tags[0] == "反诈" and "电诈" not in tags


def test_keywords_are_never_verbs_or_everyday_words():
    tagger = Tagger(BACKGROUND + ["民警帮助群众找回电动车，电动车车主表示感谢。"])
    tags = tagger.tags("电动车找回了 民警用心办理",
                       "民警用心办理，积极利用监控，电动车很快找回。民警用心办理每一件事，电动车已归还。")
    assert "电动车" in tags
    assert not {"用心", "办理", "利用", "积极"} & set(tags)


def test_unit_and_person_names_are_no_tags():
    tagger = Tagger(BACKGROUND)
    body = "梁山县公安局特警大队张建国带队巡逻，张建国说巡逻车已就位，巡逻车上装有设备。"
    tags = tagger.tags("梁山县公安局特警大队巡逻", body, ["梁山县公安局特警大队"])
    assert not any(tag in "梁山县公安局特警大队" or tag in "张建国" for tag in tags)


def test_three_to_eight_tags_when_the_article_offers_them():
    tagger = Tagger(BACKGROUND)
    rich = ("民警宣传反诈知识，防范电信诈骗；开展禁毒宣传，讲解毒品危害；护学岗守护校园安全；"
            "整治交通秩序，查处酒驾；巡逻防控，提升见警率；化解矛盾纠纷，调解邻里纠纷；"
            "户籍窗口办理身份证，办理户口；开展普法，法治宣传进社区。")
    tags = tagger.tags("反诈禁毒护学交通巡逻调解户籍普法", rich)
    assert MIN_TAGS <= len(tags) <= MAX_TAGS
    # A short brief: its topic first, then a topic it names once; never a filler word.
    short = tagger.tags("民警巡逻", "民警开展巡逻，巡逻中提醒群众防诈骗。")
    assert short == ["巡逻防控", "反诈"]


def _article(issue: str, order: int, tags: list[str]) -> Article:
    return Article(title=f"第{order}篇", title_generated=False, kicker=None, unit=None, issue=issue,
                   order=order, kind="article", reporters=[], correspondents=[], photographers=[],
                   tags=tags, date="2024-04", source=f"seeds/{issue}.txt", source_lines=[1, 2],
                   body="正文。\n", path=f"{issue}/{order:02d}-di-{order}-pian.md")


def _model(*tag_lists: list[str]):
    content = ContentSet(issues={"x": IssueMeta(id="x", source="seeds/x.txt", date="2024-04")},
                         articles=[_article("x", n, tags) for n, tags in enumerate(tag_lists, 1)])
    return build_model(content, SiteConfig())


def test_a_keyword_of_one_article_has_no_page_until_a_second_uses_it():
    model = _model(["反诈", "电动车"], ["禁毒"])
    assert [t.name for t in model.tags] == ["禁毒", "反诈"] or {t.name for t in model.tags} == {"反诈", "禁毒"}
    assert [t.name for t in model.articles[0].tags] == ["反诈"]  # the article links only tags with a page
    assert model.articles[0].article.tags == ["反诈", "电动车"]  # the front matter keeps it
    model = _model(["反诈", "电动车"], ["禁毒", "电动车"])
    assert "电动车" in {t.name for t in model.tags}
    assert [t.name for t in model.articles[1].tags] == ["禁毒", "电动车"]


def test_a_curated_topic_has_a_page_with_one_article_and_synonyms_share_it():
    model = _model(["电信诈骗"], ["反诈", "电诈"], ["禁毒"])
    pages = {t.name: len(t.articles) for t in model.tags}
    assert pages == {"反诈": 2, "禁毒": 1}
    assert [t.name for t in model.articles[1].tags] == ["反诈"]


def _write_content(content: Path, tag_lists: list[list[str]]) -> None:
    folder = content / "x01"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "issue.yml").write_text(format_issue(IssueMeta(id="x01", source="seeds/x01.txt", date="2024-04")),
                                      encoding="utf-8")
    for n, tags in enumerate(tag_lists, 1):
        (folder / f"{n:02d}-di-{n}-pian.md").write_text(format_article(_article("x01", n, tags)), encoding="utf-8")


def test_topic_proposals_list_frequent_keywords_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    _write_content(content, [["反诈", "电动车"], ["电动车", "电信诈骗"], ["电动车", "燃气"], ["燃气"]])
    items = topic_proposals(content)
    assert [(i["kind"], i["path"]) for i in items] == [("topic", "x01/01-di-1-pian.md")]
    item = items[0]
    lines = (content / item["path"]).read_text(encoding="utf-8").splitlines()
    assert lines[item["line"] - 1].startswith("tags:")
    assert "电动车" in item["message"] and "3" in item["message"]
    assert "x01/03-di-3-pian.md" in item["detail"]
    assert topic_proposals(content, min_articles=2)[1]["message"].count("燃气") == 1
    assert load_content(content).errors == []


def test_a_tag_page_appears_in_an_incremental_build_as_in_a_full_one(tmp_path, capsys):
    content, seeds = tmp_path / "content", tmp_path / "seeds"
    seeds.mkdir()
    _write_content(content, [["反诈", "电动车"], ["禁毒"]])

    def build(output: str, *extra: str) -> int:
        return main(["--seeds", str(seeds), "--content", str(content), "--output", str(tmp_path / output),
                     "--cache-dir", str(tmp_path / f"cache-{output}"), "build", *extra])

    assert build("public") == 0
    tags_dir = tmp_path / "public" / "tags"
    assert len([p for p in tags_dir.iterdir() if p.is_dir()]) == 2  # 反诈, 禁毒; no page for 电动车
    _write_content(content, [["反诈", "电动车"], ["禁毒", "电动车"]])
    assert build("public") == 0
    assert len([p for p in tags_dir.iterdir() if p.is_dir()]) == 3
    assert build("full", "--full") == 0
    files = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert files(tmp_path / "public") == files(tmp_path / "full")
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "public" / "issues").rglob("*.html")]
    assert sum("电动车</a>" in page for page in pages) == 2  # both articles link the new page
    capsys.readouterr()


def test_a_tag_the_tagger_never_makes_keeps_its_page_from_the_first_article():
    model = _model(["反诈", "AI巡逻"], ["禁毒"])
    assert "AI巡逻" in {t.name for t in model.tags}
