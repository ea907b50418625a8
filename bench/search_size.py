"""Measure the search data of a built site: sizes (raw and gzip, total and per article), what a
query fetches before its first results, and optionally load time and query latency in Chromium.

    .venv/bin/python bench/search_size.py public/                 # a site built by build.py
    .venv/bin/python bench/search_size.py --synthetic 300 /tmp/s  # build search data for 300
                                                                  # synthetic issues, then measure
    add --browser to time the queries in headless Chromium (engine only; bench/search_browser.py
    measures the search page itself: load, bytes before the first result, query latency)
"""
from __future__ import annotations

import argparse
import gzip
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.records import SearchDoc  # noqa: E402
from generator.search import build_search_files  # noqa: E402
from generator.search import terms as T  # noqa: E402
from tests.query_port import query_terms  # noqa: E402  (the browser's query parsing, ported)

QUERIES = ["国家安全教育日", "智慧巡防系统", "电动车", "110", "12345", "PTU", "APP", "民警", "公安局",
           "反诈宣传", "交通安全", "diandongche", "派出所", "群众", "火星量子纠缠基地"]
PAGE = 20


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def read_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in (site / "search").rglob("*.js")}


def load_payload(data: bytes):
    import json
    return json.loads(data[data.index(b"]=") + 2:].rstrip().rstrip(b";"))


def synthetic_docs(issue_count: int, seeds: Path) -> list[SearchDoc]:
    """Weekly issues of ~9 articles made by recombining the seeds' paragraphs (deterministic)."""
    paragraphs = []
    for seed in sorted(seeds.glob("*.txt")):
        paragraphs += [p.replace("\n", "") for p in re.split(r"\n\s*\n", seed.read_text(encoding="utf-8"))
                       if len(p.strip()) > 20]
    rng = random.Random(42)
    docs = []
    for issue in range(issue_count):
        year, week = 2005 + issue // 50, issue % 50
        date = f"{year}-{week // 4 + 1:02d}-{week % 4 * 7 + 1:02d}"
        for order in range(1, 10):
            body = rng.sample(paragraphs, rng.randint(2, 6))
            docs.append(SearchDoc(url=f"issues/{issue}/{order}.html", title=body[0][:18], issue_label=date,
                                  date=date, unit="市公安局", tags=["社会治安"], people=["张明"],
                                  subheads=[], text="\n".join(body)))
    return docs


def measure_sizes(files: dict[str, bytes], articles: int) -> None:
    groups = {"index buckets": "search/i/", "field lengths": "search/n/", "store chunks": "search/s/",
              "manifest": "search/manifest", "unit filter": "search/f/",
              "t2s (on demand)": "search/t2s"}
    print(f"{'part':<15}{'files':>7}{'raw KB':>10}{'gzip KB':>10}{'raw B/art':>11}{'gzip B/art':>11}")
    for name, prefix in groups.items():
        chosen = [v for k, v in files.items() if k.startswith(prefix)]
        raw, packed = sum(map(len, chosen)), sum(map(gz, chosen))
        print(f"{name:<15}{len(chosen):>7}{raw / 1024:>10.0f}{packed / 1024:>10.0f}"
              f"{raw / articles:>11.0f}{packed / articles:>11.0f}")


def measure_query_fetch(files: dict[str, bytes]) -> None:
    """Bytes (gzip) of manifest + field lengths + index buckets a query loads, + a first page of store
    chunks (worst case: each of the first PAGE results in a different chunk)."""
    manifest = load_payload(files["search/manifest.js"])
    chunk_sizes = [gz(v) for k, v in files.items() if k.startswith("search/s/")]
    page_store = sum(sorted(chunk_sizes)[-PAGE:]) if chunk_sizes else 0
    base = gz(files["search/manifest.js"]) + sum(gz(v) for k, v in files.items() if k.startswith("search/n/"))
    print(f"\nfetched before first results (gzip KB; manifest and field lengths {base / 1024:.0f} KB; "
          f"store = {PAGE} largest chunks, worst case {page_store / 1024:.0f} KB)")
    for query in QUERIES:
        buckets = set()
        for shard in manifest["shards"]:
            for term in query_terms(query):
                buckets.add(f"search/i/{shard['id']}/{T.bucket_of(term.term, shard['buckets'])}.js")
        index_bytes = sum(gz(files[b]) for b in buckets)
        print(f"  {query:<14} {len(buckets):>4} files  index {index_bytes / 1024:7.0f}  "
              f"total <= {(base + index_bytes + page_store) / 1024:7.0f}")


def measure_browser(site: Path) -> None:
    from playwright.sync_api import sync_playwright
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=args)
        page = browser.new_page()
        page.goto((site / "search.html").as_uri())
        page.wait_for_function("() => window.BulletinSearch")
        print("\nChromium (file://), engine only (ranking, first page): first query includes loading its data;"
              " then the same query again")
        latencies = []
        for query in QUERIES:
            timing = page.evaluate("""async q => {
                const e = new BulletinSearch.Engine(), t = BulletinSearch.queryTerms(q);
                const t0 = performance.now(); const r = await e.search(t); r.slice(0, 20);
                const t1 = performance.now(); (await e.search(t)).slice(0, 20); const t2 = performance.now();
                return [t1 - t0, t2 - t1, r.count]; }""", query)
            latencies.append(timing[1])
            print(f"  {query:<14} cold {timing[0]:7.1f} ms  warm {timing[1]:6.1f} ms  {timing[2]:5d} hits")
        print(f"  median warm query {statistics.median(latencies):.1f} ms")
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site (with search.html and search/)")
    parser.add_argument("--synthetic", type=int, metavar="ISSUES",
                        help="first write search data for this many synthetic issues into SITE")
    parser.add_argument("--browser", action="store_true", help="time queries in headless Chromium")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    if args.synthetic:
        docs = synthetic_docs(args.synthetic, root / "seeds")
        started = time.perf_counter()
        files = build_search_files(docs, None, cache_dir=None)
        print(f"built search data for {len(docs)} articles in {time.perf_counter() - started:.1f} s")
        for rel, data in files.items():
            target = args.site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _write_search_page(args.site, root)
    files = read_files(args.site)
    manifest = load_payload(files["search/manifest.js"])
    articles = sum(s["docs"] for s in manifest["shards"])
    print(f"{articles} articles in {len(manifest['shards'])} shards")
    measure_sizes(files, articles)
    measure_query_fetch(files)
    if args.browser:
        measure_browser(args.site)
    return 0


def _write_search_page(site: Path, root: Path) -> None:
    """A bare page loading the scripts, for --browser on synthetic data (no renderer involved)."""
    js = site / "assets" / "js"
    js.mkdir(parents=True, exist_ok=True)
    (js / "search.js").write_bytes((root / "themes/default/static/js/search.js").read_bytes())
    (site / "search.html").write_text(
        '<!DOCTYPE html><meta charset="utf-8"><title>bench</title>'
        '<script src="assets/js/lunr.min.js"></script><script src="assets/js/search.js"></script>',
        encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
