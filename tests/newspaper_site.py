"""Made-up content trees for the newspaper-structure tests (issues, pages, pictures)."""
from __future__ import annotations

from pathlib import Path

from generator.cli import main
from generator.content import format_article, format_issue
from generator.records import Article, IssueMeta


def write_issue(content: Path, issue_id: str, date: str | None, *, inferred: bool = False,
                number: int | None = None, articles: list[dict] | None = None) -> Path:
    folder = content / issue_id
    folder.mkdir(parents=True, exist_ok=True)
    meta = IssueMeta(id=issue_id, source=f"seeds/{issue_id}.txt", number=number, date=date, date_inferred=inferred,
                     date_method="测试用日期" if inferred else None)
    (folder / "issue.yml").write_text(format_issue(meta), encoding="utf-8")
    for order, fields in enumerate(articles or [{}], 1):
        values = dict(title=f"{issue_id}第{order}篇报道", title_generated=False, kicker=None, unit="市公安局",
                      issue=issue_id, order=order, kind="article", reporters=["张伟"], correspondents=[],
                      photographers=[], tags=["反诈"], date=date, source=f"seeds/{issue_id}.txt",
                      source_lines=[order, order + 1], body=f"市公安局开展第{order}项工作。\n")
        values.update(fields)
        (folder / f"{order:02d}-article-{order}.md").write_text(format_article(Article(**values)), encoding="utf-8")
    return folder


def build(root: Path, *extra: str, content: Path | None = None) -> int:
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    return main(["--seeds", str(root / "seeds"), "--content", str(content or root / "content"),
                 "--output", str(root / "public"), "--cache-dir", str(root / "cache"), *extra])


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
