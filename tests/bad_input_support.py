"""Shared helpers of the bad-input tests (tests/test_bad_*.py): running a build, reading the built
site, the nothing-lost check, and the two shared builds.

Seeds come from PDF exports made by different people on different machines, content files are
edited by hand. Each bad input either imports and renders correctly or is reported with file,
line and reason, while everything else still builds; the exit status says whether anything was
skipped. The corpus lives in tests/bad_inputs/ (seeds/ and content/); inputs that are big,
binary or in another encoding are made here at run time instead of being committed.

Two builds carry most tests (one with every bad seed, one with every bad content file, each
beside good input), so that every case is also checked against all the others at once.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path


from generator.ingest.bylines import parse_byline, split_trailing_byline
from generator.config import SiteConfig
from generator.content import ContentSet, load_content, markdown_to_blocks
from generator.records import Article
from generator.render.markup import is_safe_url
from generator.render.site import build_model
from generator.ingest.text import clean_line, non_space

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT_ROOT / "tests" / "bad_inputs"
BASE_URL = "https://example.org/archive/"
SITE_TITLE = "济宁公安"


# --- running a build -----------------------------------------------------------------------------

def run_build(root: Path, config: str = "feed_size: 500\n") -> tuple[int, str]:
    """`python build.py` on a project in `root`, as a user runs it: (exit status, all it printed).

    The site config is the test's own (the project's site.yml must not change the results); with
    feed_size 500 every article is in the feed.
    """
    (root / "site.yml").write_text(config, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "build.py"), "--seeds", str(root / "seeds"), "--content",
         str(root / "content"), "--output", str(root / "public"), "--cache-dir", str(root / "cache"),
         "--config", str(root / "site.yml"), "--base-url", BASE_URL],
        capture_output=True, text=True, cwd=root, timeout=MAX_SECONDS)
    return result.returncode, result.stdout + result.stderr


@contextlib.contextmanager
def shared_build(tmp_path_factory, name: str):
    """A folder for one of this module's builds, made once per test run even under xdist.

    Yields (root, None) to the process that must build, which stores its (status, output) with
    `save_build`; the other workers wait for it and get (root, (status, output)).
    """
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    base = base.parent / f"bad-input-{run_id}" if run_id else base / "bad-input"
    base.mkdir(parents=True, exist_ok=True)
    root, result = base / name, base / f"{name}.json"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held while building: the others wait here
        if result.exists():
            yield root, tuple(json.loads(result.read_text(encoding="utf-8")))
        else:
            yield root, None


def save_build(root: Path, status: int, output: str) -> tuple[int, str]:
    (root.parent / f"{root.name}.json").write_text(json.dumps([status, output]), encoding="utf-8")
    return status, output


def summary_line(output: str, *parts: str) -> str:
    """The one summary line that holds every part (a file name, a line, a reason)."""
    lines = [line for line in output.splitlines() if all(part in line for part in parts)]
    assert len(lines) == 1, f"expected one summary line with {parts!r}, found {lines!r} in:\n{output}"
    return lines[0]


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()}


# --- reading the built site ----------------------------------------------------------------------

class PageScan(HTMLParser):
    """Tags, attributes, text, <title>, meta description and JSON-LD of one HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.title = ""
        self.description = None
        self.json_ld: list[object] = []
        self._in: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "meta" and attributes.get("name") == "description":
            self.description = attributes.get("content")
        if tag not in ("meta", "link", "input", "br", "hr", "img"):
            self._in.append(tag if tag != "script" else f"script:{attributes.get('type', '')}")

    def handle_endtag(self, tag):
        while self._in:
            if self._in.pop().split(":")[0] == tag:
                break

    def handle_data(self, data):
        current = self._in[-1] if self._in else ""
        if current == "script:application/ld+json":
            self.json_ld.append(json.loads(data))
        elif current == "title":
            self.title += data
        elif not current.startswith("script"):
            self.text.append(data)

    @property
    def plain(self) -> str:
        return "".join(self.text)


ALLOWED_SCRIPTS = {"assets/js/lunr.min.js", "assets/js/search.js", "assets/js/offline.js", "assets/js/notfound.js"}


def assert_nothing_injected(public: Path) -> int:
    """No page of the site holds a tag, handler or URL that came from input; returns pages seen."""
    pages = sorted(public.rglob("*.html"))
    for page in pages:
        scan = PageScan(page.read_text(encoding="utf-8"))
        where = page.relative_to(public).as_posix()
        for tag, attributes in scan.tags:
            assert tag not in ("img", "iframe", "object", "embed", "svg", "b", "i", "style") or \
                (tag == "style" and where == "search.html"), f"{where}: <{tag}> from input"
            for name, value in attributes.items():
                assert not name.startswith("on"), f"{where}: event handler {name}= on <{tag}>"
                if name in ("href", "src", "action") and value:
                    assert is_safe_url(value), f"{where}: unsafe URL {value!r} on <{tag}>"
            if tag == "script":
                src = attributes.get("src")
                assert attributes.get("type") == "application/ld+json" or (
                    src and any(src.endswith(allowed) for allowed in ALLOWED_SCRIPTS)), f"{where}: <script {attributes}>"
    return len(pages)


def find_article_page(public: Path, title: str) -> PageScan:
    """The article page whose <h1> is `title` (found through its JSON-LD headline)."""
    found = []
    for page in (public / "issues").rglob("*.html"):
        if page.name == "index.html":
            continue
        scan = PageScan(page.read_text(encoding="utf-8"))
        if any(item.get("headline") == title for item in scan.json_ld):
            found.append(scan)
    assert len(found) == 1, f"expected one article page titled {title!r}, found {len(found)}"
    return found[0]


class Build:
    """One finished build: its folders, exit status and printed summary; content and model on demand."""

    def __init__(self, root: Path, status: int, output: str, **extra):
        self.root, self.status, self.output = root, status, output
        self.content, self.public = root / "content", root / "public"
        self.__dict__.update(extra)

    @functools.cached_property
    def loaded(self) -> ContentSet:
        return load_content(self.content)

    @functools.cached_property
    def model(self):
        return build_model(self.loaded, SiteConfig())


def issue_pages(build: Build, issue_id: str) -> list[tuple[Article, PageScan]]:
    """Each article of one issue with its page, found through the site model's URLs."""
    return [(view.article, PageScan((build.public / view.url).read_text(encoding="utf-8")))
            for view in build.model.articles if view.issue.id == issue_id]


def feed_entries(public: Path) -> list[dict]:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.parse(public / "feed.xml").getroot()  # raises on anything that is not well-formed XML
    return [{"title": e.findtext("a:title", namespaces=ns), "summary": e.findtext("a:summary", namespaces=ns),
             "authors": [a.findtext("a:name", namespaces=ns) for a in e.findall("a:author", ns)],
             "tags": [c.get("term") for c in e.findall("a:category", ns)]}
            for e in root.findall("a:entry", ns)]


_SCRIPT_DATA = re.compile(r"^\(window\.\w+=window\.\w+\|\|\{\}\)\[(\".*?\")\]=(.*);\s*$", re.S)


def search_strings(public: Path) -> set[str]:
    """Every string in the search data files (store and index), as the browser reads them."""
    strings: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            strings.add(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for path in (public / "search").rglob("*.js"):
        match = _SCRIPT_DATA.match(path.read_text(encoding="utf-8"))
        assert match, f"{path}: not a search data script"
        walk(json.loads(match.group(2)))
    return strings


# --- nothing lost, end to end --------------------------------------------------------------------

def assert_nothing_lost(seed_text: str, content: ContentSet, issue_id: str) -> None:
    """Every visible character of the seed is in the content files of its issue, exactly once.

    Per article, the seed lines it came from (`source_lines`) hold exactly the characters of its
    printed headline, kicker, body and names, plus the role words of its byline (记者, 通讯员, ■, 摄),
    which content does not keep as text. Lines outside every article must be recorded noise.
    """
    articles = content.issue_articles(issue_id)
    assert articles, f"no article of {issue_id} in content"
    lines = re.split(r"\r\n|\r|\n", seed_text)
    noise = {n.line for n in content.issues[issue_id].noise}
    covered: set[int] = set()
    for article in articles:
        first, last = article.source_lines
        covered.update(range(first, last + 1))
        expected = Counter(non_space("".join(lines[n - 1] for n in range(first, last + 1) if n not in noise)))
        placed = Counter(non_space("".join(
            ([] if article.title_generated else [article.title]) + [article.kicker or ""]
            + article.reporters + article.correspondents + article.photographers
            + [block.text for block in markdown_to_blocks(article.body)])))
        assert not placed - expected, f"{article.path}: characters not in the seed: {placed - expected}"
        assert expected - placed == _role_words(lines[first - 1:last]), f"{article.path}: characters lost"
    for number, line in enumerate(lines, start=1):
        assert number in covered or number in noise or not non_space(line), f"line {number} lost"


def _role_words(lines: list[str]) -> Counter:
    """The characters of the byline role words (记者, 通讯员, ■, 摄) printed on these lines."""
    roles: Counter = Counter()
    for line in lines:
        line = clean_line(line)
        byline = parse_byline(line) or (split_trailing_byline(line) or (None, None))[1]
        if byline:
            roles += Counter(non_space(byline.raw)) - Counter("".join(byline.names()))
    return roles


# --- the seed build: every bad seed beside good ones ----------------------------------------------

BASELINE = (CORPUS / "seeds" / "baseline.txt").read_text(encoding="utf-8")
TRADITIONAL = (CORPUS / "seeds" / "traditional.txt").read_text(encoding="utf-8")
MAX_SECONDS = 60


def _runtime_seeds(seeds: Path, root: Path) -> None:
    """Seeds that are better made than committed: big, binary, other encodings, odd file types."""
    (seeds / "gb18030.txt").write_bytes(BASELINE.encode("gb18030"))
    (seeds / "gbk-traditional.txt").write_bytes(TRADITIONAL.encode("gbk"))
    (seeds / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (seeds / "utf16-bom.txt").write_bytes(BASELINE.encode("utf-16"))
    (seeds / "utf16-no-bom.txt").write_bytes(BASELINE.encode("utf-16-le"))
    (seeds / "mojibake.txt").write_bytes(BASELINE.encode("gbk").decode("latin-1").encode("utf-8"))
    (seeds / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (seeds / "random-bytes.txt").write_bytes(random.Random(7).randbytes(4096).replace(b"\x00", b"\x01"))
    (seeds / "nul-in-middle.txt").write_bytes((BASELINE * 3).encode() + b"\x00" + BASELINE.encode())
    damaged = bytearray(BASELINE.encode())
    damaged[BASELINE.encode().index("活动中".encode())] = 0xFF  # line 4
    (seeds / "invalid-utf8.txt").write_bytes(bytes(damaged))
    with open(seeds / "big-10mb.txt", "wb") as big:  # ten megabytes of real-looking text
        chunk = (BASELINE + "\n").encode()
        big.write(chunk * (10_000_000 // len(chunk) + 1))
    # Copies of the baseline under other names, each with its own number of trailing blank lines:
    # a seed whose bytes equal another's is reported and not imported twice.
    copies = itertools.count(1)

    def copy() -> str:
        return BASELINE + "\n" * next(copies)

    (seeds / "第 1 期 name with spaces.txt").write_text(copy(), encoding="utf-8")
    (seeds / "index.txt").write_text(copy(), encoding="utf-8")
    (seeds / "UPPER-CASE.TXT").write_text(copy(), encoding="utf-8")
    # One issue id twice (names sort by code point: the upper-case name comes first and wins).
    (seeds / "DUP-CASE.txt").write_text(copy(), encoding="utf-8")
    (seeds / "dup-case.txt").write_text(copy(), encoding="utf-8")
    (seeds / "..txt").write_text(copy(), encoding="utf-8")
    (seeds / ".txt").write_text(copy(), encoding="utf-8")
    (seeds / "._baseline.txt").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")  # AppleDouble
    (seeds / "line\nbreak.txt").write_text(copy(), encoding="utf-8")
    (seeds / " padded .txt").write_text(copy(), encoding="utf-8")
    (seeds / "ends-with-dot..txt").write_text(copy(), encoding="utf-8")
    (seeds / ("长" * 80 + ".txt")).write_text(copy(), encoding="utf-8")  # 240 bytes of name
    (seeds / "folder.txt").mkdir()
    (seeds / "dangling-link.txt").symlink_to(root / "nowhere.txt")
    os.mkfifo(seeds / "fifo.txt")
    # The importer must not write through a content folder that links out of content/.
    (root / "outside").mkdir()
    (root / "content").mkdir()
    (root / "content" / "linked-issue").symlink_to(root / "outside", target_is_directory=True)
    (seeds / "linked-issue.txt").write_text(copy(), encoding="utf-8")


def make_seed_build(tmp_path_factory) -> "Build":
    """The seed build, made once per test run (every module that asks shares it)."""
    with shared_build(tmp_path_factory, "seed-build") as (root, done):
        if done:
            status, output = done
        else:
            root.mkdir()
            shutil.copytree(CORPUS / "seeds", root / "seeds")
            _runtime_seeds(root / "seeds", root)
            status, output = save_build(root, *run_build(root))
    return Build(root, status, output)


# --- the content build: every bad content file beside good ones -----------------------------------

ODD_FOLDER = "<b onmouseover=alert(1)>期"


def _runtime_content(content: Path, root: Path) -> None:
    bad = content / "bad"
    template = (bad / "01-valid.md").read_text(encoding="utf-8")
    (bad / "40-gbk.md").write_bytes(template.replace("order: 1", "order: 40").encode("gbk"))
    (bad / "41-folder.md").mkdir()
    (root / "secret.md").write_text(template.replace("order: 1", "order: 42").replace("正常的文章", "外部的秘密"),
                                    encoding="utf-8")
    (bad / "42-link-outside.md").symlink_to(root / "secret.md")
    (bad / ".#01-valid.md").symlink_to("editor@host.1234")  # an Emacs lock file: a dangling link
    (bad / "43-nul-in-body.md").write_text(template.replace("order: 1", "order: 43") + "第二段\x00有 NUL。\n",
                                           encoding="utf-8")
    (bad / "44-escape-in-body.md").write_text(template.replace("order: 1", "order: 44") + "\n\n\n颜色\x1b[31m代码\n",
                                              encoding="utf-8")
    (bad / "45-deep-nesting.md").write_text(
        "---\ntitle: 深层嵌套\nissue: bad\norder: 45\nkind: brief\ntags: " + "[" * 5000 + "]" * 5000 + "\n---\n\n正文。\n",
        encoding="utf-8")
    (root / "outside-issue").mkdir()
    (root / "outside-issue" / "01-secret.md").write_text(template.replace("issue: bad", "issue: linked"),
                                                         encoding="utf-8")
    (content / "linked").symlink_to(root / "outside-issue", target_is_directory=True)
    # An issue folder named like markup (no issue.yml): its id shows in headings, never as a tag.
    odd = content / ODD_FOLDER
    odd.mkdir()
    (odd / "01-odd.md").write_text(template.replace("issue: bad", f"issue: '{ODD_FOLDER}'")
                                   .replace("正常的文章", "文件夹名像标签"), encoding="utf-8")


def make_content_build(tmp_path_factory) -> "Build":
    """The content build, made once per test run (every module that asks shares it)."""
    with shared_build(tmp_path_factory, "content-build") as (root, done):
        if done:
            status, output = done
        else:
            root.mkdir()
            (root / "seeds").mkdir()
            shutil.copy(CORPUS / "seeds" / "baseline.txt", root / "seeds")
            shutil.copytree(CORPUS / "content", root / "content")
            _runtime_content(root / "content", root)
            (root / "before.json").write_text(json.dumps(sorted(files_under(root))), encoding="utf-8")
            status, output = save_build(root, *run_build(root))
    before = set(json.loads((root / "before.json").read_text(encoding="utf-8")))
    return Build(root, status, output, before=before)
