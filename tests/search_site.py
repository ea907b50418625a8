"""Helpers for the search tests: a built site from the real seeds, and a brute-force reference search.

The site is built by the real renderer from content imported from the seeds. While the importer
cannot run (it is being written), the content is made from the seeds' paragraphs directly, in the
documented content format, so that the search is still exercised on real text.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from generator.content import format_article, markdown_to_blocks
from generator.records import Article
from generator.search import terms as T

INJECTED_TITLE = "<script>alert('x')</script> 注入标题测试"


def import_real_content(seeds_dir: Path, root: Path) -> Path:
    """The real seeds imported by the importer into `root/content`."""
    from generator.pipeline import import_seeds

    content = root / "content"
    shutil.copytree(seeds_dir, root / "seeds")
    report = import_seeds(root / "seeds", content, project_root=root)
    assert not report.problems, report.problems
    return content



def add_injected_article(content: Path) -> None:
    """An article whose title and body carry markup: the results must show it as text."""
    issue_dir = sorted(p for p in content.iterdir() if p.is_dir())[-1]
    orders = [int(p.name[:2]) for p in issue_dir.glob("*.md") if p.name[:2].isdigit()]
    article = Article(
        title=INJECTED_TITLE, title_generated=False, kicker=None, unit=None, issue=issue_dir.name,
        order=max(orders) + 1, kind="article", reporters=[], correspondents=[], photographers=[],
        tags=[], date=None, source="seeds/injected.txt", source_lines=[1, 1],
        body="正文里也有 <b>标记</b> 与 <script>document.title='x'</script> 注入标题测试的文字。\n")
    path = issue_dir / f"{article.order:02d}-injected.md"
    path.write_text(format_article(article), encoding="utf-8")


def searchable_text(article: Article) -> str:
    blocks = markdown_to_blocks(article.body)
    names = article.reporters + article.correspondents + article.photographers
    return "\n".join([article.title, article.unit or ""] + [b.text for b in blocks] + article.tags + names)


def compact(text: str) -> str:
    """The text as the index sees phrases: normalised, quote marks and spaces between CJK dropped."""
    return T._INDEX_JOIN.sub("", T.normalize(text))


def expected_titles(articles: list[Article], query: str) -> set[str]:
    """Brute force: titles of the articles that contain every CJK run of the query as a phrase and
    every Latin/number word of it as a whole word."""
    runs = T.split_runs(query, query=True)
    found = set()
    for article in articles:
        text = searchable_text(article)
        phrases = compact(text)
        words = {r.text for r in T.split_runs(text) if r.kind == "latin"}
        if all((r.text in phrases) if r.kind == "cjk" else (r.text in words) for r in runs):
            found.add(article.title)
    return found


def lunr_py_index(docs):
    """lunr.py's own index (its builder, not the generator's writer) of `docs`, refs numbered in order."""
    from lunr.builder import Builder

    from generator.search import indexer

    builder = Builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("id")
    for name, boost in indexer.FIELDS:
        builder.field(name, boost=boost)
    for number, doc in enumerate(docs):
        builder.add({"id": str(number), **indexer.field_terms(doc)})
    return builder.build()
