"""Reading and writing content/: article Markdown files with YAML front matter, issue.yml files."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .model import ARTICLE_KINDS, Article, Block, IssueMeta, NoiseLine

ISSUE_FILE = "issue.yml"
FRONT_MATTER_KEYS = (
    "title", "title_generated", "kicker", "unit", "units", "issue", "order", "kind",
    "reporters", "correspondents", "photographers", "tags", "date", "source", "source_lines",
)
REQUIRED_KEYS = ("title", "issue", "order", "kind")
_LIST_KEYS = ("units", "reporters", "correspondents", "photographers", "tags")
_OPTIONAL_STR_KEYS = ("kicker", "unit", "date")


class ContentError(Exception):
    """A content file that cannot be used, with the file (and key or line) named."""

    def __init__(self, path: str, message: str, line: int | None = None, key: str | None = None):
        self.path, self.message, self.line, self.key = path, message, line, key
        where = path + (f":{line}" if line else "") + (f" [{key}]" if key else "")
        super().__init__(f"{where}: {message}")


# --- Markdown body -----------------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START_SPECIAL = re.compile(r"^(#|>|\+|-|=|\d+\.)")


def escape_markdown(text: str) -> str:
    """Escape seed text so that Markdown renders it literally (seeds are text, never markup)."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _LINE_START_SPECIAL.sub(lambda m: "\\" + m.group(1) if not m.group(1)[0].isdigit()
                                   else m.group(1)[:-1] + "\\.", text)


_UNESCAPE = re.compile(r"\\([\\`*_\[\]#>+\-=.!{}()])")


def unescape_markdown(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def blocks_to_markdown(blocks: list[Block]) -> str:
    parts = []
    for block in blocks:
        if block.kind == "subhead":
            parts.append("## " + escape_markdown(block.text))
        else:
            parts.append(escape_markdown(block.text))
    return "\n\n".join(parts) + "\n"


def markdown_to_blocks(body: str) -> list[Block]:
    """Plain-text view of a body: paragraphs and `## ` subheads, escapes removed."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        heading = re.match(r"^#{1,6}\s+(.*)$", chunk, re.S)
        if heading:
            blocks.append(Block("subhead", unescape_markdown(heading.group(1).strip())))
        else:
            blocks.append(Block("paragraph", unescape_markdown(" ".join(chunk.split("\n")))))
    return blocks


# --- Article files -----------------------------------------------------------------------------

def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)


def article_front_matter(article: Article) -> dict:
    data = {key: getattr(article, key) for key in FRONT_MATTER_KEYS}
    data["source_lines"] = list(article.source_lines)
    return data


def format_article(article: Article) -> str:
    return "---\n" + dump_yaml(article_front_matter(article)) + "---\n\n" + article.body.strip() + "\n"


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)


def parse_article(text: str, path: str) -> Article:
    """Parse one article file; raise ContentError naming the file, line or key on bad input."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ContentError(path, "no YAML front matter (the file must start with a '---' line "
                                 "and the front matter must end with another '---' line)", line=1)
    try:
        data = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(path, f"malformed YAML front matter: {problem}", line=line) from None
    if not isinstance(data, dict):
        raise ContentError(path, "front matter must be a mapping of keys to values", line=2)
    data = _validated(data, path)
    body = text[match.end():]
    return Article(body=body.strip() + "\n", path=path, **data)


def _validated(data: dict, path: str) -> dict:
    unknown = sorted(set(data) - set(FRONT_MATTER_KEYS), key=str)
    if unknown:
        raise ContentError(path, f"unknown key(s): {', '.join(map(str, unknown))}; "
                                 f"allowed: {', '.join(FRONT_MATTER_KEYS)}", key=str(unknown[0]))
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            raise ContentError(path, "missing required key", key=key)
    out: dict = {}
    out["title"] = _as_str(data["title"], path, "title")
    out["issue"] = _as_str(data["issue"], path, "issue")
    order = data["order"]
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ContentError(path, f"must be a positive whole number, not {order!r}", key="order")
    out["order"] = order
    kind = data["kind"]
    if kind not in ARTICLE_KINDS:
        raise ContentError(path, f"must be one of {', '.join(ARTICLE_KINDS)}, not {kind!r}", key="kind")
    out["kind"] = kind
    title_generated = data.get("title_generated", False)
    if not isinstance(title_generated, bool):
        raise ContentError(path, f"must be true or false, not {title_generated!r}", key="title_generated")
    out["title_generated"] = title_generated
    for key in _OPTIONAL_STR_KEYS:
        value = data.get(key)
        out[key] = None if value is None else _as_str(value, path, key)
    for key in _LIST_KEYS:
        value = data.get(key) or []
        if not isinstance(value, list):
            raise ContentError(path, f"must be a list (e.g. [a, b]), not {type(value).__name__} {value!r}", key=key)
        out[key] = [_as_str(item, path, key) for item in value]
    out["source"] = "" if data.get("source") is None else _as_str(data["source"], path, "source")
    lines = data.get("source_lines") or []
    if not (isinstance(lines, list) and all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
            and len(lines) in (0, 2)):
        raise ContentError(path, f"must be [first, last] line numbers, not {lines!r}", key="source_lines")
    out["source_lines"] = lines
    return out


def _as_str(value, path: str, key: str) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)) or value is None:
        raise ContentError(path, f"must be text, not {type(value).__name__} {value!r}", key=key)
    return str(value)


# --- Issue files -------------------------------------------------------------------------------

def format_issue(meta: IssueMeta) -> str:
    data = {
        "id": meta.id, "number": meta.number, "title": meta.title, "source": meta.source,
        "date": meta.date, "date_inferred": meta.date_inferred, "date_method": meta.date_method,
        "noise": [{"line": n.line, "text": n.text} for n in meta.noise],
    }
    return dump_yaml(data)


def parse_issue(text: str, path: str, issue_id: str) -> IssueMeta:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentError(path, f"malformed YAML: {getattr(exc, 'problem', exc)}",
                           line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise ContentError(path, "must be a mapping of keys to values")
    number = data.get("number")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
        raise ContentError(path, f"must be a whole number, not {number!r}", key="number")
    date = data.get("date")
    noise = [NoiseLine(int(n.get("line", 0)), str(n.get("text", ""))) for n in data.get("noise") or []
             if isinstance(n, dict)]
    return IssueMeta(
        id=issue_id, source=str(data.get("source") or ""), number=number,
        title=None if data.get("title") is None else str(data["title"]),
        date=None if date is None else str(date), date_inferred=bool(data.get("date_inferred", True)),
        date_method=data.get("date_method"), noise=noise,
    )


# --- The whole content tree --------------------------------------------------------------------

@dataclass
class ContentSet:
    issues: dict[str, IssueMeta] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)

    def issue_articles(self, issue_id: str) -> list[Article]:
        return sorted((a for a in self.articles if a.issue == issue_id), key=lambda a: (a.order, a.path))


def load_content(content_dir: Path) -> ContentSet:
    """Read every issue folder; a bad file is recorded in `errors` and the rest still load."""
    content_dir = Path(content_dir)
    result = ContentSet()
    if not content_dir.is_dir():
        return result
    for issue_dir in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        meta_path = issue_dir / ISSUE_FILE
        rel_meta = f"{issue_dir.name}/{ISSUE_FILE}"
        meta = IssueMeta(id=issue_dir.name, source="")
        if meta_path.exists():
            try:
                meta = parse_issue(_read_text(meta_path, rel_meta), rel_meta, issue_dir.name)
            except ContentError as err:
                result.errors.append(err)
        result.issues[issue_dir.name] = meta
        for md_path in sorted(issue_dir.glob("*.md")):
            rel = f"{issue_dir.name}/{md_path.name}"
            try:
                article = parse_article(_read_text(md_path, rel), rel)
            except ContentError as err:
                result.errors.append(err)
                continue
            if article.issue != issue_dir.name:
                result.errors.append(ContentError(rel, f"issue {article.issue!r} does not match its "
                                                       f"folder {issue_dir.name!r}", key="issue"))
                continue
            result.articles.append(article)
    _reject_duplicate_positions(result)
    return result


def _reject_duplicate_positions(result: ContentSet) -> None:
    seen: dict[tuple[str, int], str] = {}
    kept = []
    for article in sorted(result.articles, key=lambda a: a.path):
        key = (article.issue, article.order)
        if key in seen:
            result.errors.append(ContentError(article.path, f"order {article.order} is already taken by "
                                                            f"{seen[key]}", key="order"))
            continue
        seen[key] = article.path
        kept.append(article)
    result.articles = kept


def _read_text(path: Path, rel: str) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ContentError(rel, f"not UTF-8 (byte {exc.start}); save the file as UTF-8", line=line) from None
