"""Records that flow between the stages: split -> content -> enrich -> render/search."""
from __future__ import annotations

from dataclasses import dataclass, field

ARTICLE_KINDS = ("article", "brief", "photo")
ARTICLE_SUFFIXES = (".md", ".markdown")  # matched without regard to case: `01-x.MD` is an article too


def article_stem(name: str) -> str:
    """`01-x.md`, `01-x.MD`, `01-x.markdown` -> `01-x`."""
    for suffix in ARTICLE_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


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
class Doubt:
    """A split decision taken on weak evidence: the seed line, the article (order), why, in plain words."""

    line: int
    article: int
    reason: str


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
    headline_raw: list[str] = field(default_factory=list)  # printed headline lines (and subtitle lines)
    subtitle: str | None = None  # 副标题, the `——…` line under the headline, as printed
    byline_line: int = 0  # seed line of the byline (0: none)
    kicker_line: int = 0  # seed line of the kicker (0: none)


@dataclass
class SplitIssue:
    issue_id: str
    source: str  # seed path relative to the project root
    articles: list[SplitArticle]
    noise: list[NoiseLine]
    doubts: list[Doubt] = field(default_factory=list)


@dataclass(frozen=True)
class DateVote:
    """One piece of evidence for an issue's year (issue.yml `date_evidence`)."""

    year: int
    weight: int
    rule: str  # which rule read it, e.g. "year reviewed as a whole"
    phrase: str  # the printed words around it


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
    # Every vote for the year, kept only when the votes disagree enough for an editor to check.
    date_evidence: list[DateVote] = field(default_factory=list)
    noise: list[NoiseLine] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)  # split decisions to check by eye


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
    pretitle: str | None = None  # 引题, above the headline (the kicker is the printed unit line)
    subtitle: str | None = None  # 副标题, below the headline
    draft: bool = False  # kept out of the site unless the build shows drafts
    page: int | None = None  # 版次
    page_name: str | None = None  # 版名
    images: list[dict] = field(default_factory=list)  # {file, caption}
    path: str = ""  # content-relative path, e.g. "000_41ea…/01-jiaqiang-zuofeng.md"

    @property
    def slug(self) -> str:
        return article_stem(self.path.rsplit("/", 1)[-1])


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
    # every unit the article mentions (canonical names, the main unit first) and every other printed
    # form of them in the unit registry: a reader's 任城分局 finds 市公安局任城区分局's articles
    units: list[str] = field(default_factory=list)
    unit_aliases: list[str] = field(default_factory=list)
