"""Reading and writing content/: article Markdown files with YAML front matter, issue.yml files."""
from __future__ import annotations

import datetime
import re
from functools import lru_cache

import yaml

from .. import schema
from ..records import Article, Block, DateVote, Doubt, IssueMeta, NoiseLine

ISSUE_FILE = "issue.yml"
FRONT_MATTER_KEYS = (
    "title", "title_generated", "kicker", "unit", "units", "issue", "order", "kind",
    "reporters", "correspondents", "photographers", "tags", "date", "source", "source_lines",
)
REQUIRED_KEYS = tuple(f.name for f in schema.ARTICLE.fields if f.required)
# Keys the importer writes only when they hold something (new keys keep old files byte-identical).
OPTIONAL_FRONT_MATTER_KEYS = tuple(name for name in schema.ARTICLE.names if name not in FRONT_MATTER_KEYS)


class ContentError(schema.SchemaError):
    """A content file that cannot be used, with the file (and key or line) named."""


# --- Markdown body -----------------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
# `=` is not escaped: a one-line block cannot be a setext underline, and Python-Markdown would
# show the backslash of `\=`.
_LINE_START_SPECIAL = re.compile(r"^(#|>|\+|-|\d+\.)")


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


@lru_cache(maxsize=1 << 15)
def plain_blocks(body: str) -> tuple[Block, ...]:
    """`markdown_to_blocks`, kept per body: an import and the search stage of the same build both
    need every article's plain text."""
    return tuple(markdown_to_blocks(body))


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

# libyaml's C loader and dumper are an order of magnitude faster than the pure-Python ones and
# give the same results for the plain scalars, lists and mappings content files hold.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _StrictLoader(_YAML_LOADER):
    """The safe loader, except that a key given twice is an error (YAML would keep the last one
    silently, and an editor's fix written above a forgotten old line would vanish)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def load_yaml(text: str):
    return yaml.load(text, Loader=_StrictLoader)


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_YAML_DUMPER, allow_unicode=True, sort_keys=False,
                     default_flow_style=None, width=1000)


def article_front_matter(article: Article) -> dict:
    data = {key: getattr(article, key) for key in FRONT_MATTER_KEYS}
    data["source_lines"] = list(article.source_lines)
    for key in OPTIONAL_FRONT_MATTER_KEYS:
        value = getattr(article, key)
        if value != schema.ARTICLE.field(key).default:
            data[key] = value
    return data


def format_article(article: Article) -> str:
    return "---\n" + dump_yaml(article_front_matter(article)) + "---\n\n" + article.body.strip() + "\n"


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def parse_article(text: str, path: str, warnings: list | None = None) -> Article:
    """Parse one article file; raise ContentError naming the file, line or key on bad input.

    Unknown keys do not stop the article: they go to `warnings` (KeyWarning, with the nearest
    known key) and the article is read with the keys it has."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ContentError(path, "empty file: an article file is YAML front matter between '---' lines, "
                                 "then the body", line=1)
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ContentError(path, "no YAML front matter (the file must start with a '---' line "
                                 "and the front matter must end with another '---' line)", line=1)
    try:
        document = schema.compose(match.group(1) or "", path, first_line=2)
        if document.node is not None and not isinstance(document.node, yaml.MappingNode) and \
                document.node.tag != "tag:yaml.org,2002:null":
            raise ContentError(path, "front matter must be a mapping of keys to values", line=2)
        data, _ = schema.read(schema.ARTICLE, document, warnings)
    except schema.SchemaError as err:
        raise ContentError(err.path, err.message, line=err.line, key=err.key) from None
    body = text[match.end():]
    body_line = text.count("\n", 0, match.end()) + 1
    bad = _bad_character(body)
    if bad:
        position, reason = bad
        raise ContentError(path, f"body: {reason}", line=body_line + body.count("\n", 0, position))
    return Article(body=body.strip() + "\n", path=path, **data)


_bad_character = schema.bad_character
_short = schema.short
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def valid_date(value: str) -> bool:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, naming a real month and day."""
    match = _DATE.match(value)
    if not match:
        return False
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return year >= 1


# --- Issue files -------------------------------------------------------------------------------

ISSUE_KEYS = schema.ISSUE.names


def format_issue(meta: IssueMeta) -> str:
    data = {
        "id": meta.id, "number": meta.number, "title": meta.title, "source": meta.source,
        "date": meta.date, "date_inferred": meta.date_inferred, "date_method": meta.date_method,
        "noise": [{"line": n.line, "text": n.text} for n in meta.noise],
    }
    if meta.date_evidence:  # only written when the votes for the year disagree
        data["date_evidence"] = [{"year": v.year, "weight": v.weight, "rule": v.rule, "phrase": v.phrase}
                                 for v in meta.date_evidence]
    if meta.doubts:  # split decisions taken on weak evidence (`build.py doubts` lists them)
        data["doubts"] = [{"line": d.line, "article": d.article, "reason": d.reason} for d in meta.doubts]
    return dump_yaml(data)


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def parse_issue(text: str, path: str, issue_id: str) -> IssueMeta:
    """Parse one issue.yml; raise ContentError naming the file, line and key on bad input."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        data, lines = schema.read(schema.ISSUE, schema.compose(text, path, first_line=1))
    except schema.SchemaError as err:
        raise ContentError(err.path, err.message, line=err.line, key=err.key) from None
    if data["id"] is not None and data["id"] != issue_id:
        raise ContentError(path, f"id {_short(data['id'])} does not match its folder {issue_id!r}",
                           line=lines.get("id"), key="id")
    return IssueMeta(
        id=issue_id, source=data["source"] or "", number=data["number"], title=data["title"], date=data["date"],
        date_inferred=data["date_inferred"], date_method=data["date_method"],
        noise=[NoiseLine(n["line"], n["text"] or "") for n in data["noise"]],
        doubts=[Doubt(d["line"], d["article"], d["reason"] or "") for d in data["doubts"]],
        date_evidence=[DateVote(v["year"], v["weight"], v["rule"] or "", v["phrase"] or "") for v in data["date_evidence"]],
    )
