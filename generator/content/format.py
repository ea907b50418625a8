"""Reading and writing content/: article Markdown files with YAML front matter, issue.yml files."""
from __future__ import annotations

import datetime
import re
from functools import lru_cache
import reprlib

import yaml

from ..records import ARTICLE_KINDS, Article, Block, IssueMeta, NoiseLine

ISSUE_FILE = "issue.yml"
FRONT_MATTER_KEYS = (
    "title", "title_generated", "kicker", "unit", "units", "issue", "order", "kind",
    "reporters", "correspondents", "photographers", "tags", "date", "source", "source_lines",
)
# Newspaper-structure keys: optional, written only when set (the schema engineer folds them in).
OPTIONAL_KEYS = ("pretitle", "subtitle", "page", "page_name", "images")
REQUIRED_KEYS = ("title", "issue", "order", "kind")
_LIST_KEYS = ("units", "reporters", "correspondents", "photographers", "tags")
_OPTIONAL_STR_KEYS = ("kicker", "unit", "date")


class ContentError(Exception):
    """A content file that cannot be used, with the file (and key or line) named."""

    def __init__(self, path: str, message: str, line: int | None = None, key: str | None = None):
        self.path, self.message, self.line, self.key = path, message, line, key
        where = path + (f":{line}" if line else "") + (f" [{key}]" if key else "")
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # keeps the fields when the error is cached (pickled)
        return (type(self), (self.path, self.message, self.line, self.key))


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


def _load_mapping(text: str, path: str, first_line: int) -> tuple[object, dict[str, int]]:
    """YAML text -> (data, line of each top-level key); ContentError with the line on bad YAML.

    `first_line` is the file line the text starts on, so that lines are the file's own.
    """
    loader = _StrictLoader(text)
    node = None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(path, f"malformed YAML: {problem}", line=line) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # A scalar that looks like a date but is none (`2024-13-45`), or nesting too deep.
        key, line = _failing_key(node, first_line)
        raise ContentError(path, f"not a valid value: {_short(str(exc))}", line=line, key=key) from None
    finally:
        loader.dispose()
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_lines.setdefault(key_node.value, key_node.start_mark.line + first_line)
    return data, key_lines


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_YAML_DUMPER, allow_unicode=True, sort_keys=False,
                     default_flow_style=None, width=1000)


def article_front_matter(article: Article) -> dict:
    data = {key: getattr(article, key) for key in FRONT_MATTER_KEYS}
    data["source_lines"] = list(article.source_lines)
    for key in OPTIONAL_KEYS:
        if getattr(article, key):
            data[key] = getattr(article, key)
    return data


def format_article(article: Article) -> str:
    return "---\n" + dump_yaml(article_front_matter(article)) + "---\n\n" + article.body.strip() + "\n"


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def parse_article(text: str, path: str) -> Article:
    """Parse one article file; raise ContentError naming the file, line or key on bad input."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ContentError(path, "empty file: an article file is YAML front matter between '---' lines, "
                                 "then the body", line=1)
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ContentError(path, "no YAML front matter (the file must start with a '---' line "
                                 "and the front matter must end with another '---' line)", line=1)
    data, key_lines = _load_mapping(match.group(1) or "", path, first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError(path, "front matter must be a mapping of keys to values", line=2)
    data = _validated(data, path, key_lines)
    body = text[match.end():]
    body_line = text.count("\n", 0, match.end()) + 1
    bad = _bad_character(body)
    if bad:
        position, reason = bad
        raise ContentError(path, f"body: {reason}", line=body_line + body.count("\n", 0, position))
    return Article(body=body.strip() + "\n", path=path, **data)


# Characters no text field may hold: C0/C1 controls other than tab and line breaks (invalid in
# HTML and in the XML feed), lone surrogates (cannot be written as UTF-8) and non-characters.
_BAD_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict, _REPR.maxlevel = 60, 60, 4, 4, 2


def _short(value) -> str:
    """A value quoted in an error message: never a whole (possibly huge or aliased) structure."""
    return _REPR.repr(value)


def _bad_character(text: str) -> tuple[int, str] | None:
    match = _BAD_CHARACTER.search(text)
    if not match:
        return None
    kind = "a lone surrogate" if "\ud800" <= match.group() <= "\udfff" else "a control character"
    return match.start(), f"contains {kind} (U+{ord(match.group()):04X}); remove it"


def _failing_key(node, first_line: int) -> tuple[str | None, int | None]:
    """The top-level key whose value cannot be constructed, and its line (None, None if unknown)."""
    if not isinstance(node, yaml.MappingNode):
        return None, None
    for key_node, value_node in node.value:
        loader = _StrictLoader("")
        try:
            loader.construct_document(value_node)
        except Exception:  # noqa: BLE001 - any failure points at this key
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            return key, key_node.start_mark.line + first_line
        finally:
            loader.dispose()
    return None, None


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


def _date(value, path: str, key: str, line: int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        raise ContentError(path, f"must be a date YYYY, YYYY-MM or YYYY-MM-DD, not a time {value}",
                           line=line, key=key)
    text = value.isoformat() if isinstance(value, datetime.date) else _as_str(value, path, key, line)
    if not valid_date(text):
        raise ContentError(path, f"must be a date YYYY, YYYY-MM or YYYY-MM-DD, not {_short(value)}",
                           line=line, key=key)
    return text


def _validated(data: dict, path: str, key_lines: dict[str, int] | None = None) -> dict:
    key_lines = key_lines or {}

    def fail(key: str, message: str):
        raise ContentError(path, message, line=key_lines.get(key), key=key)

    unknown = sorted(set(data) - set(FRONT_MATTER_KEYS) - set(OPTIONAL_KEYS), key=str)
    if unknown:
        fail(str(unknown[0]), f"unknown key(s): {', '.join(_short(str(k)) for k in unknown[:5])}; "
                              f"allowed: {', '.join(FRONT_MATTER_KEYS + OPTIONAL_KEYS)}")
    for key in REQUIRED_KEYS:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            fail(key, "missing required key" if key not in data else "required, must not be empty")
    out: dict = {}
    out["title"] = _as_str(data["title"], path, "title", key_lines.get("title"))
    out["issue"] = _as_str(data["issue"], path, "issue", key_lines.get("issue"))
    order = data["order"]
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        fail("order", f"must be a positive whole number, not {_short(order)}")
    out["order"] = order
    kind = data["kind"]
    if kind not in ARTICLE_KINDS:
        fail("kind", f"must be one of {', '.join(ARTICLE_KINDS)}, not {_short(kind)}")
    out["kind"] = kind
    title_generated = data.get("title_generated", False)
    if not isinstance(title_generated, bool):
        fail("title_generated", f"must be true or false, not {_short(title_generated)}")
    out["title_generated"] = title_generated
    for key in ("kicker", "unit"):
        value = data.get(key)
        out[key] = None if value is None else _as_str(value, path, key, key_lines.get(key))
    out["date"] = _date(data.get("date"), path, "date", key_lines.get("date"))
    for key in _LIST_KEYS:
        value = data.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            fail(key, f"must be a list (e.g. [a, b]), not {type(value).__name__} {_short(value)}")
        out[key] = [_as_str(item, path, key, key_lines.get(key)) for item in value]
    out["source"] = "" if data.get("source") is None else _as_str(data["source"], path, "source",
                                                                   key_lines.get("source"))
    lines = data.get("source_lines") or []
    if not (isinstance(lines, list) and all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
            and len(lines) in (0, 2)):
        fail("source_lines", f"must be [first, last] line numbers, not {_short(lines)}")
    out["source_lines"] = lines
    out.update(_newspaper_keys(data, path, fail, key_lines))
    return out


def _newspaper_keys(data: dict, path: str, fail, key_lines: dict[str, int]) -> dict:
    out: dict = {}
    for key in ("pretitle", "subtitle", "page_name"):
        value = data.get(key)
        out[key] = None if value is None else (_as_str(value, path, key, key_lines.get(key)).strip() or None)
    page = data.get("page")
    if page is not None and (isinstance(page, bool) or not isinstance(page, int) or page < 1):
        fail("page", f"must be a page number (1, 2, …), not {_short(page)}")
    out["page"] = page
    images = data.get("images") or []
    if not isinstance(images, list):
        fail("images", f"must be a list of {{file, caption}}, not {_short(images)}")
    out["images"] = []
    for item in images:
        if isinstance(item, str):
            item = {"file": item}
        if not (isinstance(item, dict) and set(item) <= {"file", "caption"} and item.get("file")):
            fail("images", f"each entry must be {{file: <name>, caption: <text>}}, not {_short(item)}")
        entry = {"file": _as_str(item["file"], path, "images", key_lines.get("images"))}
        if item.get("caption") is not None:
            entry["caption"] = _as_str(item["caption"], path, "images", key_lines.get("images"))
        out["images"].append(entry)
    return out


def _as_str(value, path: str, key: str, line: int | None = None) -> str:
    if isinstance(value, (bool, dict, list, set, bytes)) or value is None:
        raise ContentError(path, f"must be text, not {type(value).__name__} {_short(value)}", line=line, key=key)
    # An unquoted `2024-04-01` is a YAML date; as text it reads the same.
    text = value.isoformat() if type(value) is datetime.date else str(value)
    bad = _bad_character(text)
    if bad:
        raise ContentError(path, bad[1], line=line, key=key)
    return text


# --- Issue files -------------------------------------------------------------------------------

ISSUE_KEYS = ("id", "number", "title", "source", "date", "date_inferred", "date_method", "noise")


def format_issue(meta: IssueMeta) -> str:
    data = {
        "id": meta.id, "number": meta.number, "title": meta.title, "source": meta.source,
        "date": meta.date, "date_inferred": meta.date_inferred, "date_method": meta.date_method,
        "noise": [{"line": n.line, "text": n.text} for n in meta.noise],
    }
    return dump_yaml(data)


def parse_issue(text: str, path: str, issue_id: str) -> IssueMeta:
    """Parse one issue.yml; raise ContentError naming the file, line and key on bad input."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    data, key_lines = _load_mapping(text, path, first_line=1)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError(path, "must be a mapping of keys to values", line=1)

    def fail(key: str, message: str):
        raise ContentError(path, message, line=key_lines.get(key), key=key)

    def text_or_none(key: str) -> str | None:
        value = data.get(key)
        return None if value is None else _as_str(value, path, key, key_lines.get(key))

    unknown = sorted(set(data) - set(ISSUE_KEYS), key=str)
    if unknown:
        fail(str(unknown[0]), f"unknown key(s): {', '.join(_short(str(k)) for k in unknown[:5])}; "
                              f"allowed: {', '.join(ISSUE_KEYS)}")
    declared = text_or_none("id")
    if declared is not None and declared != issue_id:
        fail("id", f"id {_short(declared)} does not match its folder {issue_id!r}")
    number = data.get("number")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 0):
        fail("number", f"must be a whole number, not {_short(number)}")
    date_inferred = data.get("date_inferred", True)
    if not isinstance(date_inferred, bool):
        fail("date_inferred", f"must be true or false, not {_short(date_inferred)}")
    noise = []
    raw_noise = data.get("noise")
    if raw_noise is not None and not isinstance(raw_noise, list):
        fail("noise", f"must be a list of {{line, text}}, not {_short(raw_noise)}")
    for item in raw_noise or []:
        if not (isinstance(item, dict) and set(item) <= {"line", "text"} and isinstance(item.get("line"), int)
                and not isinstance(item.get("line"), bool) and item["line"] >= 1):
            fail("noise", f"each entry must be {{line: <number>, text: <text>}}, not {_short(item)}")
        noise.append(NoiseLine(item["line"], _as_str(item.get("text", ""), path, "noise", key_lines.get("noise"))))
    return IssueMeta(
        id=issue_id, source=text_or_none("source") or "", number=number, title=text_or_none("title"),
        date=_date(data.get("date"), path, "date", key_lines.get("date")), date_inferred=date_inferred,
        date_method=text_or_none("date_method"), noise=noise,
    )
