#!/usr/bin/env python3
"""Benchmark the whole build on the real seeds and on synthetic archives of several sizes.

    .venv/bin/python bench/run.py                       # sizes 50,300,1000 (`make bench`)
    .venv/bin/python bench/run.py --sizes 50,300 --json /tmp/results.json

For the real seeds (row "real") and for each size N, in a fresh temporary directory: write the
seeds (bench/make_archive.py N); run `build.py --seeds S --content C --output O --cache-dir K
--report-json R` as a subprocess, a full build from empty content/, public/ and cache; run it
again with nothing changed; add issue N (make_archive --start N) and build again. Each build's
wall time is measured here, its peak memory is the largest resident set of the build process or
of any process it started (os.wait4), and its seconds per stage come from the build's own
--report-json. Then the site is measured: output size, search data size (public/search/, raw and
gzip) and, with bench/search_browser.py, search load time and query latency in headless Chromium.

One table is printed (Markdown) and the same figures are written as JSON (default
bench/out/results.json); build logs go to bench/out/logs/.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

import make_archive  # noqa: E402

BUILD = ROOT / "build.py"
DEFAULT_SIZES = "50,300,1000"


# --- running one build -------------------------------------------------------------------------

def run_build(seeds: Path, content: Path, output: Path, report: Path, log: Path) -> dict:
    """Run build.py once; wall seconds, peak RSS (MB) and the build's own report."""
    command = [sys.executable, str(BUILD), "--seeds", str(seeds), "--content", str(content),
               "--output", str(output)]
    if build_has_option("--cache-dir"):  # a cache of this archive only, never the project's .cache/
        command += ["--cache-dir", str(output.parent / "cache")]
    if not build_has_option("--report-json"):  # an older build.py: timed without its stage report
        result = _run(command, report, log)
        result["report_error"] = "this build.py has no --report-json"
        return result
    return _run(command + ["--report-json", str(report)], report, log)


@functools.lru_cache(maxsize=None)
def build_has_option(option: str) -> bool:
    help_text = subprocess.run([sys.executable, str(BUILD), "--help"], cwd=ROOT, capture_output=True,
                               text=True).stdout
    return option in help_text


def _run(command: list[str], report: Path, log: Path) -> dict:
    report.unlink(missing_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        # wait4 gives this child's rusage; on Linux its ru_maxrss is the largest resident set of
        # the child and of every descendant it waited for (e.g. a process pool's workers).
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    result = {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "exit_code": process.returncode,
              "cpu_seconds": usage.ru_utime + usage.ru_stime, "log": str(log), "report": {}}
    if report.exists():
        try:
            result["report"] = json.loads(report.read_text(encoding="utf-8"))
        except ValueError as exc:
            result["report_error"] = f"unreadable {report.name}: {exc}"
    else:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        result["report_error"] = "no --report-json output" + (f" ({' / '.join(tail)})" if tail else "")
    if process.returncode:
        print(f"  warning: build exited with {process.returncode}; see {log}", file=sys.stderr)
    return result


# --- measuring the site ------------------------------------------------------------------------

def folder_size(folder: Path) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def search_data_size(site: Path) -> dict:
    """Every file under public/search/ (manifest, index buckets, store chunks): raw and gzip."""
    files = sorted(p for p in (site / "search").rglob("*") if p.is_file()) if (site / "search").is_dir() else []
    raw = gz = 0
    for path in files:
        data = path.read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, 6, mtime=0))
    return {"files": len(files), "bytes": raw, "gzip_bytes": gz}


def browser_figures(site: Path) -> dict:
    """bench/search_browser.measure_search, or the reason it could not run."""
    try:
        from search_browser import measure_search
    except Exception as exc:  # noqa: BLE001 - missing module or its dependencies
        return {"error": f"bench/search_browser.py unavailable: {type(exc).__name__}: {exc}"}
    try:
        figures = measure_search(site)
    except Exception as exc:  # noqa: BLE001 - a benchmark never crashes on one measurement
        traceback.print_exc(file=sys.stderr)
        return {"error": f"measure_search failed: {type(exc).__name__}: {exc}"}
    return dict(figures) if isinstance(figures, dict) else {"error": f"measure_search returned {figures!r}"}


def count_articles(content: Path) -> int:
    return sum(1 for p in content.glob("*/*.md"))


# --- one archive -------------------------------------------------------------------------------

def bench_archive(label: str, size: int | None, work: Path, logs: Path, browser: bool) -> dict:
    seeds, content, output, report = work / "seeds", work / "content", work / "public", work / "report.json"
    seeds.mkdir(parents=True)
    started = time.perf_counter()
    if size is None:  # the project's real seeds
        for path in sorted((ROOT / "seeds").iterdir()):
            if path.suffix in (".txt", ".yml"):
                shutil.copy2(path, seeds / path.name)
        issues = len(list(seeds.glob("*.txt")))
    else:
        make_archive.write_archive(size, seeds)
        issues = size
    generated = time.perf_counter() - started
    print(f"[{label}] {issues} issue(s) written in {generated:.1f}s; full build …", flush=True)

    result: dict = {"label": label, "issues": issues, "generate_seconds": generated}
    result["full"] = run_build(seeds, content, output, report, logs / f"{label}-full.log")
    result["articles"] = result["full"]["report"].get("articles") or count_articles(content)
    print(f"[{label}] full build {result['full']['seconds']:.1f}s; no-change rebuild …", flush=True)
    result["no_change"] = run_build(seeds, content, output, report, logs / f"{label}-nochange.log")

    # one new issue: issue N of the synthetic series (issue 0 for the real seeds)
    new_index = size if size is not None else 0
    spec = make_archive.write_archive(new_index + 1, seeds, start=new_index)[0]
    if size is None:  # keep the real seeds' names apart from the synthetic issue's
        for ext in (".txt", ".yml"):
            (seeds / f"{spec.stem}{ext}").rename(seeds / f"zz-new-{spec.stem}{ext}")
    print(f"[{label}] no-change {result['no_change']['seconds']:.1f}s; rebuild after adding one issue …",
          flush=True)
    result["add_one"] = run_build(seeds, content, output, report, logs / f"{label}-add-one.log")
    result["add_one"]["new_articles"] = len(spec.articles)

    result["output"] = folder_size(output)
    result["search_data"] = search_data_size(output)
    if browser:
        print(f"[{label}] search in headless Chromium …", flush=True)
        result["search_browser"] = browser_figures(output)
    else:
        result["search_browser"] = {"error": "skipped (--no-browser)"}
    return result


# --- the table ---------------------------------------------------------------------------------

def _num(value, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, (int, float)):
        return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"
    return str(value)


def stage_names(runs: list[dict]) -> list[str]:
    names: list[str] = []
    for run in runs:
        for name in run["full"]["report"].get("stages", {}) or {}:
            if name not in names:
                names.append(name)
    return names


def table(runs: list[dict]) -> str:
    stages = stage_names(runs)
    header = (["archive", "issues", "articles", "build s", "ms/article", "peak MB"]
              + [f"{name} s" for name in stages]
              + ["+1 issue s", "no-change s", "output MB (files)", "search data MB raw / gzip (files)",
                 "search load ms", "first result KB gzip", "query median ms"])
    rows = []
    for run in runs:
        full = run["full"]
        articles = run.get("articles") or 0
        full_stages = full["report"].get("stages", {}) or {}
        browser = run.get("search_browser", {})
        search = run["search_data"]
        rows.append(
            [run["label"], _num(run["issues"]), _num(articles), _num(full["seconds"]),
             _num(1000 * full["seconds"] / articles if articles else None, 0), _num(full["peak_mb"], 0)]
            + [_num(full_stages.get(name), 2) if isinstance(full_stages.get(name), (int, float)) else "n/a"
               for name in stages]
            + [_num(run["add_one"]["seconds"]), _num(run["no_change"]["seconds"]),
               f"{run['output']['bytes'] / 1e6:,.1f} ({run['output']['files']:,})",
               f"{search['bytes'] / 1e6:,.2f} / {search['gzip_bytes'] / 1e6:,.2f} ({search['files']:,})",
               _num(browser.get("load_ms"), 0),
               _num(browser["first_result_bytes_gzip"] / 1000, 0) if "first_result_bytes_gzip" in browser else "n/a",
               _num(browser.get("median_query_ms"), 1)])
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) if i else str(c).ljust(w)  # noqa: E731
                                           for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    out = [line(header), "|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2))
                                        for i, w in enumerate(widths)) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def notes(runs: list[dict]) -> list[str]:
    lines = []
    for run in runs:
        for key in ("full", "no_change", "add_one"):
            build = run[key]
            if build.get("report_error"):
                lines.append(f"{run['label']} {key}: stage figures n/a: {build['report_error']}")
            if build["exit_code"]:
                lines.append(f"{run['label']} {key}: build exited with {build['exit_code']} (log {build['log']})")
        error = run.get("search_browser", {}).get("error")
        if error:
            lines.append(f"{run['label']}: search figures n/a: {error}")
        report = run["add_one"]["report"]
        if report.get("pages_rendered") is not None:
            lines.append(f"{run['label']} +1 issue ({run['add_one']['new_articles']} articles): "
                         f"{report.get('pages_rendered')} pages rendered, {report.get('pages_reused')} reused, "
                         f"{report.get('files_written')} files written")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"comma-separated numbers of synthetic issues (default {DEFAULT_SIZES})")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="folder for results and logs (default bench/out)")
    parser.add_argument("--json", type=Path, default=None, help="results file (default OUT/results.json)")
    parser.add_argument("--no-real", action="store_true", help="skip the row for the project's real seeds")
    parser.add_argument("--no-browser", action="store_true", help="skip the search figures in Chromium")
    parser.add_argument("--keep", action="store_true", help="keep the temporary archives (their path is printed)")
    parser.add_argument("--show", type=Path, metavar="FILE", help="only print the table of an earlier results file")
    args = parser.parse_args(argv)
    if args.show:
        results = json.loads(args.show.read_text(encoding="utf-8"))
        print_results(results)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    json_path = args.json or args.out / "results.json"
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    logs = args.out / "logs"

    runs = []
    work_root = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    try:
        for label, size in ([] if args.no_real else [("real", None)]) + [(str(n), n) for n in sizes]:
            runs.append(bench_archive(label, size, work_root / label, logs, not args.no_browser))
            if not args.keep:
                shutil.rmtree(work_root / label, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work_root, ignore_errors=True)

    results = {
        "command": command,
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "build_command": f"{Path(sys.executable).name} build.py --seeds S --content C --output O --cache-dir K --report-json R",
        "runs": runs,
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    print()
    print_results(results)
    print(f"results: {json_path}" + (f"; archives kept in {work_root}" if args.keep else ""))
    return 0


def print_results(results: dict) -> None:
    machine = results["machine"]
    print(f"command: {results['command']}")
    print(f"{results['date']}, {machine['cpus']} CPU(s), Python {machine['python']}")
    print(table(results["runs"]))
    for line in notes(results["runs"]):
        print(f"  {line}")


if __name__ == "__main__":
    sys.exit(main())
