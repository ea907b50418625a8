"""What the golden files record for each imported article, and a command to rewrite them.

Rewrite after a deliberate change to the splitter, then READ the diff before committing:
    .venv/bin/python -m tests.golden_summary
"""
from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from generator.content import load_content, markdown_to_blocks
from generator.records import Article

GOLDEN_DIR = Path(__file__).parent / "golden"
_SENTENCE = re.compile(r".+?(?:[。！？!?…]+[”’」』）)]*|$)", re.S)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def summarise(article: Article) -> dict:
    blocks = markdown_to_blocks(article.body)
    body = [s for b in blocks if b.kind == "paragraph" for s in sentences(b.text)]
    return {
        "order": article.order,
        "title": article.title,
        "title_generated": article.title_generated,
        "kicker": article.kicker,
        "unit": article.unit,
        "kind": article.kind,
        "reporters": article.reporters,
        "correspondents": article.correspondents,
        "photographers": article.photographers,
        "subheads": [b.text for b in blocks if b.kind == "subhead"],
        "first_sentence": body[0] if body else None,
        "last_sentence": body[-1] if body else None,
        "source_lines": article.source_lines,
    }


def summarise_issue(content_dir: Path, issue_id: str) -> list[dict]:
    content = load_content(content_dir)
    return [summarise(a) for a in content.issue_articles(issue_id)]


def main() -> int:
    from generator.pipeline import import_seeds

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(root / "seeds", Path(tmp) / "seeds")
        report = import_seeds(Path(tmp) / "seeds", Path(tmp) / "content", project_root=Path(tmp))
        if report.problems:
            print(*report.problems, sep="\n", file=sys.stderr)
            return 1
        GOLDEN_DIR.mkdir(exist_ok=True)
        for seed in sorted((root / "seeds").glob("*.txt")):
            data = summarise_issue(Path(tmp) / "content", seed.stem)
            (GOLDEN_DIR / f"{seed.stem}.yml").write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
            print(f"wrote tests/golden/{seed.stem}.yml ({len(data)} articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
