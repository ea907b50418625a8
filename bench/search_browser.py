"""Measure the search of a built site in headless Chromium, from file://.

    .venv/bin/python bench/search_browser.py public/            # figures for a built site
    .venv/bin/python bench/search_browser.py public/ --json     # the same, as JSON
    .venv/bin/python bench/search_browser.py public/ -q 公安局 -q 110   # chosen queries

`measure_search(public_dir, queries=None)` returns:

- load_ms: opening search.html?q=… in a fresh browser context until the first result shows, i.e.
  loading the page, lunr.js, search.js and the search data that query needs (median over a few
  typical queries, each in a fresh context so nothing is cached)
- first_result_bytes, first_result_bytes_gzip: what those loads fetched before the first result
  showed (every resource, HTML included; gzip at level 6 per file, as a web server would send it);
  median over the same queries
- median_query_ms, p95_query_ms: the time a query takes once its data is loaded: in one page, each
  query is submitted once (loading its data), then submitted again and timed from the submit to
  the page leaving its "loading" state (results ranked, the first page rendered, the count final);
  a query's time is the median of WARM_RUNS such runs
- queries_run, plus details: cold queries, slowest queries, result counts

The default queries come from the site itself (deterministic): frequent and random 2–4 character
words of the titles, names, substrings of the texts, numbers, Latin words and pinyin.
Only the DOM of the search page is used (form, `data-search-state`, `data-search-results`).
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox"]
QUERY_COUNT = 100
COLD_QUERIES = 8
WARM_RUNS = 3  # a query's time, data loaded: the median of this many runs (one run is noisy)
CJK = "\u4e00-\u9fff"

# Records every script and stylesheet loaded (file:// loads leave no Resource Timing entries) and
# what had loaded when the first result appeared.
_OBSERVER = """
window.__bench = {first: null, loaded: []};
document.addEventListener('load', function (event) {
  var url = event.target && (event.target.src || event.target.href);
  if (url) window.__bench.loaded.push(url);
}, true);
new MutationObserver(function () {
  if (window.__bench.first || !document.querySelector('[data-search-results] > *')) return;
  window.__bench.first = {t: performance.now(), resources: window.__bench.loaded.slice()};
}).observe(document, {childList: true, subtree: true});
"""

# Submit a query through the page's form and resolve when the page leaves its "loading" state.
_SUBMIT = """async q => {
  const root = document.querySelector('[data-search-page]');
  const input = root.querySelector('input[name="q"]');
  const settled = () => new Promise(resolve => {
    const done = () => root.dataset.searchState !== 'loading';
    if (done()) { resolve(); return; }
    const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); resolve(); } });
    observer.observe(root, {attributes: true, attributeFilter: ['data-search-state']});
  });
  input.value = q;
  // the page runs a query submitted twice only once (Enter on the results shown does nothing): forget
  // the last one, so that a warm run searches again
  if (window.BulletinSearch && BulletinSearch.page) BulletinSearch.page.lastKey = null;
  const t0 = performance.now();
  input.form.requestSubmit();
  await settled();
  const t1 = performance.now();
  return {ms: t1 - t0, state: root.dataset.searchState,
          results: root.querySelectorAll('[data-search-results] > *').length};
}"""


# --- the site's own words ------------------------------------------------------------------------

def _payload(data: bytes):
    return json.loads(data[data.index(b"]=") + 2:].rstrip().rstrip(b";"))


def store_records(public_dir: Path) -> list[list]:
    """Every store record of the site ([url, title, issue, date, unit, text, extra]), in file order."""
    records = []
    for path in sorted((public_dir / "search" / "s").rglob("*.js"), key=lambda p: [
            int(x) if x.isdigit() else x for x in re.split(r"(\d+)", str(p))]):
        records.extend(_payload(path.read_bytes()))
    return records


def default_queries(public_dir: Path, count: int = QUERY_COUNT) -> list[str]:
    """Queries a reader might type, taken from the site (same site, same queries)."""
    from pypinyin import lazy_pinyin

    from generator.lang.segment import get_jieba

    jieba = get_jieba()
    records = store_records(public_dir)
    rng = random.Random(20240415)
    title_words: Counter = Counter()
    for record in records:
        for word in jieba.cut(record[1], HMM=False):
            if 2 <= len(word) <= 4 and re.fullmatch(f"[{CJK}]+", word):
                title_words[word] += 1
    frequent = [w for w, _ in title_words.most_common(12)]
    others = sorted(set(title_words) - set(frequent))
    words = frequent + rng.sample(others, min(len(others), 48))
    # names: short CJK words of the tags/people/subheads line that jieba does not know
    names = sorted({t for r in records for t in (r[6] or "").split()
                    if re.fullmatch(f"[{CJK}]{{2,3}}", t) and t not in jieba.FREQ})
    names = rng.sample(names, min(len(names), 12))
    # substrings of the texts (any run of 2-4 characters must find its article)
    substrings = []
    for record in rng.sample(records, min(len(records), 10)):
        runs = [r for r in re.findall(f"[{CJK}]{{4,}}", record[5] or "")]
        if runs:
            run = rng.choice(runs)
            size = rng.randint(2, 4)
            start = rng.randrange(0, len(run) - size + 1)
            substrings.append(run[start:start + size])
    latin = Counter(t.lower() for r in records for t in re.findall(r"[A-Za-z]{2,}|\d{3,}", r[5] or ""))
    latin_words = [w for w, _ in latin.most_common(10)]
    pinyin = ["".join(lazy_pinyin(w)) for w in words if len(w) >= 3][:8]
    queries: list[str] = []
    for q in words + names + substrings + latin_words + pinyin:
        if q not in queries:
            queries.append(q)
    return queries[:count]


def _cold_choice(queries: list[str]) -> list[str]:
    """A few typical queries for the cold measurements: frequent and ordinary words, a number."""
    picks = queries[:2] + queries[12:16]
    picks += [q for q in queries if q.isdigit()][:1] + [q for q in queries if q.isascii() and q.isalpha()][:1]
    seen: list[str] = []
    for q in picks:
        if q not in seen:
            seen.append(q)
    return seen[:COLD_QUERIES]


# --- measuring -----------------------------------------------------------------------------------

class _Sizes:
    def __init__(self) -> None:
        self.cache: dict[Path, tuple[int, int]] = {}

    def of(self, url: str) -> tuple[int, int]:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme != "file":
            return 0, 0
        path = Path(urllib.parse.unquote(parsed.path))
        if path not in self.cache:
            try:
                data = path.read_bytes()
            except OSError:
                data = b""
            self.cache[path] = (len(data), len(gzip.compress(data, 6)))
        return self.cache[path]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = fraction * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _cold(browser, page_url: str, query: str, sizes: _Sizes) -> dict:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(_OBSERVER)
        page.goto(page_url + "?q=" + urllib.parse.quote(query))
        page.wait_for_function("() => window.__bench.first || (document.querySelector('[data-search-page]')"
                               " && !['loading', 'empty'].includes(document.querySelector("
                               "'[data-search-page]').dataset.searchState))", timeout=60000)
        first = page.evaluate("() => window.__bench.first")
        if first is None:  # no result: what the query needed to say so
            first = page.evaluate("() => ({t: performance.now(), resources: window.__bench.loaded.slice()})")
            found = False
        else:
            found = True
        urls = [page_url] + first["resources"]
        raw = sum(sizes.of(u)[0] for u in urls)
        packed = sum(sizes.of(u)[1] for u in urls)
        return {"query": query, "found": found, "ms": first["t"], "files": len(urls), "bytes": raw,
                "bytes_gzip": packed}
    finally:
        context.close()


def measure_search(public_dir: Path, queries: list[str] | None = None) -> dict:
    """Figures for the search of the site in `public_dir` (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    public_dir = Path(public_dir).resolve()
    queries = list(queries) if queries else default_queries(public_dir)
    page_url = (public_dir / "search.html").as_uri()
    sizes = _Sizes()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            cold = [_cold(browser, page_url, q, sizes) for q in _cold_choice(queries)]
            context = browser.new_context()
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(page_url)
            page.wait_for_function("() => document.querySelector('[data-search-page]')"
                                   " && document.querySelector('[data-search-page]').dataset.searchState")
            runs = []
            for query in queries:
                first = page.evaluate(_SUBMIT, query)  # loads the query's data
                again = [page.evaluate(_SUBMIT, query) for _ in range(WARM_RUNS)]
                runs.append({"query": query, "first_ms": first["ms"], "ms": statistics.median(r["ms"] for r in again),
                             "state": again[-1]["state"], "results": again[-1]["results"]})
            context.close()
        finally:
            browser.close()
    if errors:
        raise RuntimeError(f"errors in the search page: {errors[:3]}")
    times = [r["ms"] for r in runs]
    shown = [c for c in cold if c["found"]] or cold
    return {
        "load_ms": round(statistics.median(c["ms"] for c in shown), 1),
        "first_result_bytes": int(statistics.median(c["bytes"] for c in shown)),
        "first_result_bytes_gzip": int(statistics.median(c["bytes_gzip"] for c in shown)),
        "first_result_bytes_gzip_max": max(c["bytes_gzip"] for c in shown),
        "median_query_ms": round(statistics.median(times), 2),
        "p95_query_ms": round(_percentile(times, 0.95), 2),
        "max_query_ms": round(max(times), 2),
        "median_first_query_ms": round(statistics.median(r["first_ms"] for r in runs), 2),
        "queries_run": len(runs),
        "queries_with_results": sum(1 for r in runs if r["state"] == "results"),
        "slowest": sorted(runs, key=lambda r: -r["ms"])[:5],
        "cold": cold,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("public_dir", type=Path, help="a built site (search.html and search/)")
    parser.add_argument("-q", "--query", action="append", help="a query to run (repeatable); default: "
                        "100 queries taken from the site")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = measure_search(args.public_dir, args.query)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return 0
    print(f"load (cold, to first result)   {figures['load_ms']:8.1f} ms  median of {len(figures['cold'])} queries")
    print(f"fetched before first result    {figures['first_result_bytes'] / 1024:8.1f} KB  "
          f"gzip {figures['first_result_bytes_gzip'] / 1024:.1f} KB (max {figures['first_result_bytes_gzip_max'] / 1024:.1f} KB)")
    print(f"query, data loaded             {figures['median_query_ms']:8.2f} ms median, "
          f"{figures['p95_query_ms']:.2f} ms p95, {figures['max_query_ms']:.2f} ms max "
          f"({figures['queries_run']} queries, {figures['queries_with_results']} with results)")
    print(f"query, first time (loads data) {figures['median_first_query_ms']:8.2f} ms median")
    print("cold queries:")
    for c in figures["cold"]:
        print(f"  {c['query']:<12} {c['ms']:7.1f} ms  {c['files']:4d} files  {c['bytes'] / 1024:7.1f} KB"
              f"  gzip {c['bytes_gzip'] / 1024:6.1f} KB{'' if c['found'] else '  (no result)'}")
    print("slowest queries (data loaded):")
    for r in figures["slowest"]:
        print(f"  {r['query']:<12} {r['ms']:7.2f} ms  {r['results']:3d} shown  ({r['state']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
