"""Records that flow between the stages: split -> content -> enrich -> render/search."""
from __future__ import annotations

from dataclasses import dataclass, field

ARTICLE_KINDS = ("article", "brief", "photo")


@dataclass(frozen=True)
class Block:
    """One piece of an article body: a re-flowed paragraph or an in-body subhead."""

    kind: str  # "paragraph" | "subhead"
    text: str


@dataclass
class Byline:
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    raw: str = ""  # the byline exactly as printed (used by the nothing-lost check)

    def names(self) -> list[str]:
        return self.reporters + self.correspondents + self.photographers


@dataclass
class NoiseLine:
    line: int
    text: str


@dataclass
class SplitArticle:
    """An article as the splitter found it in one seed."""

    order: int
    title: str
    title_generated: bool
    kicker: str | None
    kind: str
    byline: Byline
    blocks: list[Block]
    first_line: int
    last_line: int
    headline_raw: list[str] = field(default_factory=list)  # printed headline lines


@dataclass
class SplitIssue:
    issue_id: str
    source: str  # seed path relative to the project root
    articles: list[SplitArticle]
    noise: list[NoiseLine]


@dataclass
class IssueMeta:
    """Contents of content/<issue>/issue.yml."""

    id: str
    source: str
    number: int | None = None
    title: str | None = None
    date: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    date_inferred: bool = True
    date_method: str | None = None  # how the date was inferred (human-readable)
    noise: list[NoiseLine] = field(default_factory=list)


@dataclass
class Article:
    """An article as stored in content/ (front matter + Markdown body)."""

    title: str
    title_generated: bool
    kicker: str | None
    unit: str | None
    issue: str
    order: int
    kind: str
    reporters: list[str]
    correspondents: list[str]
    photographers: list[str]
    tags: list[str]
    date: str | None
    source: str
    source_lines: list[int]
    body: str  # Markdown
    units: list[str] = field(default_factory=list)
    # Newspaper structure (optional front matter, written only when set):
    pretitle: str | None = None  # 引题, printed above the headline (the kicker is the unit line)
    subtitle: str | None = None  # 副标题, printed below the headline
    page: int | None = None  # 版次
    page_name: str | None = None  # 版名, e.g. 法治在线
    images: list = field(default_factory=list)  # [{file, caption}] beside the article, in order
    path: str = ""  # content-relative path, e.g. "000_41ea…/01-jiaqiang-zuofeng.md"

    @property
    def slug(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.endswith(".md") else name


@dataclass
class SearchDoc:
    """What the renderer hands the search indexer for one article page."""

    url: str  # site-root-relative, e.g. "issues/2024-04-…/zhihui-xunfang.html"
    title: str
    issue_label: str  # e.g. "2024年4月（推定）"
    date: str | None
    unit: str | None
    tags: list[str]
    people: list[str]
    subheads: list[str]
    text: str  # body paragraphs as plain text, subheads excluded
