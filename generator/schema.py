"""One schema for the four YAML inputs, read by one strict loader.

    site.yml                       SITE             (config.py)
    article front matter           ARTICLE          (content/format.py)
    content/<issue>/issue.yml      ISSUE            (content/format.py)
    seeds/<stem>.yml (sidecar)     SIDECAR          (enrich/dates.py)

The loader composes YAML into nodes and reads each field from the scalar's source text, so what
the editor typed is what the site shows: `tags: [12:30, 0110]` stays `12:30` and `0110` (YAML 1.1
would make them 750 and 72), `title: 2024-04-01` stays that text. Numbers, dates and booleans
are parsed strictly from the text (`true`/`false`, digits, `YYYY[-MM[-DD]]`). A key written twice
is an error in every file and at every depth (YAML would silently keep the last one), as is any
tag other than YAML's plain types (`!!python/object` never runs).

`python -m generator.schema` prints the field tables docs/content-format.md holds (a test checks
that the document and the schema agree).
"""
from __future__ import annotations

import datetime
import difflib
import re
import reprlib
from dataclasses import dataclass

import yaml

# libyaml's C composer is an order of magnitude faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TYPES = ("text", "bool", "int", "date", "list[text]", "lines", "choice", "list[mapping]", "mapping")
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
               ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge", "value")}
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # one of TYPES
    doc: str  # one line for docs/content-format.md
    required: bool = False
    default: object = None
    choices: tuple[str, ...] = ()  # for "choice"
    minimum: int | None = None  # for "int"
    items: tuple["Field", ...] = ()  # the keys of each entry of a "list[mapping]"

    def __post_init__(self):
        assert self.type in TYPES, self.type

    @property
    def type_label(self) -> str:
        if self.type == "choice":
            return "one of " + ", ".join(self.choices)
        if self.type == "list[mapping]":
            return "list of {" + ", ".join(item.name for item in self.items) + "}"
        if self.type == "lines":
            return "[int, int]"
        return self.type  # "mapping": a key that also takes one text says so in its doc

    @property
    def default_label(self) -> str:
        if self.required:
            return "required"
        if self.default is None:
            return "null"
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        if self.default in ([], ()):
            return "[]"
        return f"`{self.default}`" if self.default != "" else "`\"\"`"


@dataclass(frozen=True)
class Schema:
    name: str  # as docs/content-format.md titles its table
    fields: tuple[Field, ...]
    unknown_keys: str = "error"  # "error", or "warn": reported, the file is still used

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


class SchemaError(Exception):
    """A value that cannot be used: the file, the line (None: unknown) and the key (None: the file)."""

    def __init__(self, path: str, message: str, line: int | None = None, key: str | None = None):
        self.path, self.message, self.line, self.key = path, message, line, key
        super().__init__(where(path, line, key) + ": " + message)

    def __reduce__(self):
        return (type(self), (self.path, self.message, self.line, self.key))


def where(path: str, line: int | None, key: str | None) -> str:
    return path + (f":{line}" if line else "") + (f" [{key}]" if key else "")


@dataclass(frozen=True)
class KeyWarning:
    """An unknown key that was ignored (schemas with unknown_keys="warn")."""

    path: str
    line: int | None
    key: str
    suggestion: str | None

    def __str__(self) -> str:
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        return f"{where(self.path, self.line, self.key)}: unknown key {self.key!r} ignored{hint}"


def nearest_key(key: str, known) -> str | None:
    match = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    return match[0] if match else None


_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict, _REPR.maxlevel = 60, 60, 4, 4, 2


def short(value) -> str:
    """A value quoted in an error message: never a whole (possibly huge) structure."""
    return _REPR.repr(value)


# Characters no text field may hold: C0/C1 controls other than tab and line breaks (invalid in
# HTML and in the XML feed), lone surrogates (cannot be written as UTF-8) and non-characters.
_BAD_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def bad_character(text: str) -> tuple[int, str] | None:
    match = _BAD_CHARACTER.search(text)
    if not match:
        return None
    kind = "a lone surrogate" if "\ud800" <= match.group() <= "\udfff" else "a control character"
    return match.start(), f"contains {kind} (U+{ord(match.group()):04X}); remove it"


# --- the loader --------------------------------------------------------------------------------

@dataclass
class Document:
    """A composed YAML document: its root node and where its text starts in the file."""

    path: str
    node: yaml.Node | None
    first_line: int = 1

    def line(self, node) -> int | None:
        mark = getattr(node, "start_mark", None)
        return mark.line + self.first_line if mark is not None else None


def compose(text: str, path: str, first_line: int = 1) -> Document:
    """YAML text -> Document; SchemaError (with the line) for malformed YAML, a key written twice
    or a tag that is not one of YAML's plain types. Nothing is constructed yet."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SchemaError(path, f"malformed YAML: {problem}", line=line) from None
    except RecursionError:
        raise SchemaError(path, "malformed YAML: nested too deep") from None
    finally:
        loader.dispose()
    document = Document(path, node, first_line)
    _check_nodes(document)
    return document


def from_python(data, path: str) -> Document:
    """A Document from already-loaded Python data (keeps `parse_config(dict)` working)."""
    return Document(path, yaml.representer.SafeRepresenter().represent_data(data), 1)


def _check_nodes(document: Document) -> None:
    # Iterative, and each node once: aliases share nodes (a "billion laughs" stays small), and a
    # deeply nested value must not exhaust the stack.
    pending, seen = [document.node] if document.node is not None else [], set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in _PLAIN_TAGS and not (isinstance(node, yaml.ScalarNode) and node.tag == "!"):
            raise SchemaError(document.path, f"could not determine a constructor for the tag {node.tag!r}",
                              line=document.line(node))
        if isinstance(node, yaml.MappingNode):
            keys = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys:
                        raise SchemaError(document.path, f"duplicate key {key_node.value!r}",
                                          line=document.line(key_node))
                    keys.add(key_node.value)
                pending.extend((key_node, value_node))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)


def read(schema: Schema, document: Document, warnings: list | None = None) -> tuple[dict, dict[str, int]]:
    """The document's values by the schema (every field, defaults filled in) and the line of
    each key. Unknown keys are errors, or with unknown_keys="warn" KeyWarnings in `warnings`."""
    path, node = document.path, document.node
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL):
        entries = []
    elif not isinstance(node, yaml.MappingNode):
        raise SchemaError(path, "must be a mapping of keys to values", line=document.line(node))
    else:
        entries = node.value
    values: dict[str, yaml.Node] = {}
    lines: dict[str, int] = {}
    unknown = []
    for key_node, value_node in entries:
        if not isinstance(key_node, yaml.ScalarNode):
            raise SchemaError(path, "keys must be plain names", line=document.line(key_node))
        key = key_node.value
        lines[key] = document.line(key_node)
        if key in schema.names:
            values[key] = value_node
        else:
            unknown.append(key)
    for key in unknown:
        suggestion = nearest_key(key, schema.names)
        if schema.unknown_keys == "warn":
            if warnings is not None:
                warnings.append(KeyWarning(path, lines[key], key, suggestion))
            continue
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        raise SchemaError(path, f"unknown key(s): {', '.join(short(k) for k in unknown[:5])}{hint}; "
                                f"allowed: {', '.join(schema.names)}", line=lines[key], key=key)
    out = {}
    for spec in schema.fields:
        reader = _Reader(document, spec.name, lines.get(spec.name))
        value_node = values.get(spec.name)
        if value_node is None or _is_null(value_node):
            if spec.required:
                reader.fail("missing required key" if spec.name not in values else "required, must not be empty")
            out[spec.name] = list(spec.default) if isinstance(spec.default, (list, tuple)) else spec.default
            continue
        value = reader.value(spec, value_node)
        if spec.required and isinstance(value, str) and not value.strip():
            reader.fail("required, must not be empty")
        out[spec.name] = value
    return out, lines


def _plain(node):
    if isinstance(node, yaml.MappingNode):
        return {_plain(key): _plain(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(value) for value in node.value]
    if node.tag == _NULL:
        return None
    return int(node.value) if _DIGITS.match(node.value) else node.value


def _is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL


_DIGITS = re.compile(r"^[+]?[0-9]+$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATE_TIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d")


class _Reader:
    """Reads one key's value node by its field's type; failures name the key and its line."""

    def __init__(self, document: Document, key: str, line: int | None):
        self.document, self.key, self.line = document, key, line

    def fail(self, message: str):
        raise SchemaError(self.document.path, message, line=self.line, key=self.key)

    def value(self, spec: Field, node):
        kind = spec.type
        if kind == "text":
            return self.text(node)
        if kind == "choice":
            text = self.text(node) if isinstance(node, yaml.ScalarNode) else None
            if text not in spec.choices:
                self.fail(f"must be one of {', '.join(spec.choices)}, not {short(_shown(node))}")
            return text
        if kind == "bool":
            return self.boolean(node)
        if kind == "int":
            return self.integer(node, spec.minimum)
        if kind == "date":
            return self.date(node)
        if kind == "list[text]":
            return [self.text(item) for item in self.sequence(node, "(e.g. [a, b])")]
        if kind == "mapping":  # plain data (digits are numbers), or one text; the key's reader checks it
            if not isinstance(node, (yaml.MappingNode, yaml.ScalarNode)):
                self.fail(f"must be a mapping, not {short(_shown(node))}")
            return _plain(node) if isinstance(node, yaml.MappingNode) else self.text(node)
        if kind == "lines":
            items = node.value if isinstance(node, yaml.SequenceNode) else None
            if items is None or len(items) not in (0, 2) or not all(
                    isinstance(i, yaml.ScalarNode) and _DIGITS.match(i.value) for i in items):
                self.fail(f"must be [first, last] line numbers, not {short(_shown(node))}")
            return [int(i.value) for i in items]
        return [self.entry(spec, item) for item in self.sequence(node, _entry_shape(spec))]

    def sequence(self, node, example: str) -> list:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(f"must be a list {example}, not {_type_name(node)} {short(_shown(node))}")
        return node.value

    def text(self, node) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL or (
                node.tag == _BOOL and node.value.lower() in ("true", "false")):
            self.fail(f"must be text, not {_type_name(node)} {short(_shown(node))}")
        text = node.value
        bad = bad_character(text)
        if bad:
            self.fail(bad[1])
        return text

    def boolean(self, node) -> bool:
        text = node.value.lower() if isinstance(node, yaml.ScalarNode) else None
        if text not in ("true", "false"):
            self.fail(f"must be true or false, not {short(_shown(node))}")
        return text == "true"

    def integer(self, node, minimum: int | None) -> int:
        text = node.value.strip() if isinstance(node, yaml.ScalarNode) else ""
        if not _DIGITS.match(text) or (minimum is not None and int(text) < minimum):
            kind = "positive whole number" if minimum == 1 else "whole number"
            self.fail(f"must be a {kind}, not {short(_shown(node))}")
        return int(text)

    def date(self, node) -> str:
        text = node.value.strip() if isinstance(node, yaml.ScalarNode) else None
        if text is not None and _DATE_TIME.match(text):
            self.fail(f"must be a date YYYY, YYYY-MM or YYYY-MM-DD, not a time {text}")
        match = _DATE.match(text or "")
        if not match:
            self.fail(f"must be a date YYYY, YYYY-MM or YYYY-MM-DD, not {short(_shown(node))}")
        year, month, day = match.group(1), match.group(2), match.group(3)
        try:
            datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            self.fail(f"not a valid date: {exc}")
        if int(year) < 1:
            self.fail("not a valid date: year 0")
        return text

    def entry(self, spec: Field, node) -> dict:
        shape = _entry_shape(spec)
        if not isinstance(node, yaml.MappingNode):
            self.fail(f"each entry must be {shape}, not {short(_shown(node))}")
        given = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if name not in {item.name for item in spec.items}:
                self.fail(f"each entry must be {shape}, not {short(_shown(node))}")
            given[name] = value_node
        out = {}
        for item in spec.items:
            value_node = given.get(item.name)
            if value_node is None or _is_null(value_node):
                if item.required:
                    self.fail(f"each entry must be {shape}, not {short(_shown(node))}")
                out[item.name] = item.default
                continue
            try:
                out[item.name] = self.value(item, value_node)
            except SchemaError:
                self.fail(f"each entry must be {shape}, not {short(_shown(node))}")
        return out


def _entry_shape(spec: Field) -> str:
    kinds = {"int": "<number>", "text": "<text>", "bool": "<true|false>"}
    return "{" + ", ".join(f"{item.name}: {kinds.get(item.type, '<' + item.type + '>')}" for item in spec.items) + "}"


def _type_name(node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.MappingNode):
        return "dict"
    if node.tag == _NULL:
        return "NoneType"
    return "bool" if node.tag == _BOOL else "str"


def _shown(node, depth: int = 0):
    """A node as a short Python value for messages (never walks a whole structure)."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if depth > 2:
        return "…"
    if isinstance(node, yaml.SequenceNode):
        return [_shown(item, depth + 1) for item in node.value[:5]]
    return {_shown(k, depth + 1): _shown(v, depth + 1) for k, v in node.value[:5]}


# --- the four inputs ---------------------------------------------------------------------------

_NAMES = "a list of names as printed"
ARTICLE = Schema("Article front matter", (
    Field("title", "text", "headline (two printed lines are joined by one space) or a generated title", required=True),
    Field("title_generated", "bool", "true when the page printed no headline", default=False),
    Field("pretitle", "text", "引题: the printed line above the headline that introduces it (not the unit line)"),
    Field("kicker", "text", "the printed unit line above the headline"),
    Field("subtitle", "text", "副标题: the printed line below the headline"),
    Field("unit", "text", "main police unit, canonical name whatever the printed form (`邹城交警大队` is "
                          "`邹城市公安局交警大队`); an editor may type any alias"),
    Field("units", "list[text]", "every unit the article mentions (canonical names, enrichment)", default=[]),
    Field("issue", "text", "issue id (folder name)", required=True),
    Field("order", "int", "1-based position in the printed issue", required=True, minimum=1),
    Field("kind", "choice", "`article`, `brief` (no headline) or `photo` (ends in a `■ … 摄` credit)",
          required=True, choices=("article", "brief", "photo")),
    Field("reporters", "list[text]", "记者", default=[]),
    Field("correspondents", "list[text]", "通讯员", default=[]),
    Field("photographers", "list[text]", "names in a photo credit", default=[]),
    Field("tags", "list[text]", "topics; editors may change them (a keyword gets a tag page once two articles "
                                "use it)", default=[]),
    Field("date", "date", "the issue date as far as known: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`"),
    Field("source", "text", "seed path relative to the project root", default=""),
    Field("source_lines", "lines", "first and last line of the article in the seed (1-based)", default=[]),
    Field("draft", "bool", "true keeps the article out of the site (`build.py --drafts` shows it)", default=False),
    Field("page", "int", "版次: the printed page the article is on", minimum=1),
    Field("page_name", "text", "版名: the printed page's name (`要闻`)"),
    Field("images", "list[mapping]", "pictures of the article: file (beside the article) and caption", default=[],
          items=(Field("file", "text", "image file", required=True), Field("caption", "text", "caption"))),
), unknown_keys="warn")

ISSUE = Schema("Issue file issue.yml", (
    Field("id", "text", "issue id (must match the folder)"),
    Field("number", "int", "printed issue number, when known (sidecar)", minimum=0),
    Field("title", "text", "issue title, when known (sidecar)"),
    Field("source", "text", "seed path", default=""),
    Field("date", "date", "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`"),
    Field("date_inferred", "bool", "false when the date came from a sidecar `seeds/<stem>.yml`", default=True),
    Field("date_method", "text", "where the date came from: `sidecar <stem>.yml`, `file name <name>` or `inferred "
                                 "from the text: …` (shown by `build.py review`, never to readers)"),
    Field("noise", "list[mapping]", "seed lines kept out of every article (stray `①①` markers)", default=[],
          items=(Field("line", "int", "seed line", required=True, minimum=1), Field("text", "text", "the line",
                                                                                   default=""))),
    Field("date_evidence", "list[mapping]", "the votes for the year when they disagree (`build.py review`)",
          default=[], items=(Field("year", "int", "the year voted for", required=True),
                             Field("weight", "int", "the vote's weight", required=True, minimum=0),
                             Field("rule", "text", "which rule read it"), Field("phrase", "text", "the printed words"))),
    Field("doubts", "list[mapping]", "split decisions taken on weak evidence (`build.py doubts`)", default=[],
          items=(Field("line", "int", "seed line", required=True, minimum=1),
                 Field("article", "int", "the article's order", required=True, minimum=1),
                 Field("reason", "text", "why the splitter was unsure, in plain words", required=True))),
))

SITE = Schema("Site config site.yml", (
    Field("title", "text", "site name", default="济宁公安"),
    Field("subtitle", "text", "line under the site name", default="《济宁公安》报纸文章档案"),
    Field("publisher", "text", "publisher named in feeds and JSON-LD", default="济宁市公安局"),
    Field("base_url", "text", "absolute http(s) URL the site is published at; enables feed.xml and sitemap.xml"),
    Field("theme", "text", "theme folder under themes/", default="default"),
    Field("page_size", "int", "articles per page of a unit, tag, person or year list", default=20, minimum=1),
    Field("feed_size", "int", "articles in the Atom feed", default=20, minimum=1),
    Field("related_count", "int", "related articles shown under an article", default=5, minimum=1),
    Field("precompress", "bool", "also write `.gz` (and `.br`) beside every text file", default=False),
    Field("deploy", "mapping", "where `build.py deploy` publishes: the target alone (`user@host:/path/` or a "
                               "folder) or `{target: …, keep: [...]}` (docs/publishing.md)"),
    Field("keep", "list[text]", "paths in the output folder a build never removes (`.git`, `CNAME` and "
                                "`.nojekyll` always are)", default=[]),
))

SIDECAR = Schema("Seed sidecar seeds/<stem>.yml", (
    Field("date", "date", "issue date; overrides the inferred one"),
    Field("number", "int", "printed issue number", minimum=0),
    Field("title", "text", "issue title"),
    Field("pages", "mapping", "版: page number -> {name, articles} (`1: {name: 要闻, articles: [1, 2]}`, `2: 3-5`)"),
))

SCHEMAS = (SITE, ARTICLE, ISSUE, SIDECAR)


def markdown_table(schema: Schema) -> str:
    """The table docs/content-format.md shows for a schema (`python -m generator.schema`)."""
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for spec in schema.fields:
        rows.append(f"| `{spec.name}` | {spec.type_label} | {spec.default_label} | {spec.doc} |")
        for item in spec.items:
            rows.append(f"| `{spec.name}[].{item.name}` | {item.type_label} | {item.default_label} | {item.doc} |")
    return "\n".join(rows)


if __name__ == "__main__":
    for schema in SCHEMAS:
        print(f"### {schema.name}\n\n{markdown_table(schema)}\n")
