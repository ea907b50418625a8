"""Render stage: URLs, config, Markdown safety, the site model and the built output."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import ConfigError, SiteConfig, load_config, parse_config
from generator.pipeline import build_site
from generator.render.markup import json_for_script, render_body
from generator.enrich.units import UnitRegistry
from generator.render.site import build_model
from generator.render.theme import ThemeError, theme_chain
from generator.render.urls import assign_unique_slugs, relative_url, root_prefix
from generator.lang.slugs import slugify
from generator.content import load_content


PROJECT_ROOT = Path(__file__).resolve().parent.parent


# --- URLs -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["金乡县公安局化雨派出所", "反诈", "电动车 PTU 110", "</script>", "曹梦溪", "é"])
def test_slugs_are_ascii_and_url_safe(text):
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug


def test_slug_is_readable_pinyin():
    assert slugify("金乡县公安局") == "jinxiangxian-gonganju"
    assert slugify("曹梦溪", compact=True) == "caomengxi"
    assert "ptu" in slugify("PTU巡逻") and "110" in slugify("110接警")


def test_collisions_resolved_independently_of_order():
    names = ["张伟", "章伟", "张炜"]
    first = assign_unique_slugs(names, lambda n: slugify(n, compact=True))
    second = assign_unique_slugs(list(reversed(names)), lambda n: slugify(n, compact=True))
    assert first == second
    assert len(set(first.values())) == 3
    # adding an unrelated name does not move anyone
    third = assign_unique_slugs(names + ["李明"], lambda n: slugify(n, compact=True))
    assert all(third[n] == first[n] for n in names)


def test_reserved_slug_is_never_assigned():
    slugs = assign_unique_slugs(["index"], lambda n: n, reserved=["index"])
    assert slugs["index"] != "index"


def test_relative_urls():
    assert relative_url("index.html", "units/a/index.html") == "units/a/index.html"
    assert relative_url("units/a/index.html", "index.html") == "../../index.html"
    assert relative_url("issues/x/a.html", "issues/x/b.html") == "b.html"
    assert relative_url("issues/x/a.html", "issues/x/a.html") == "a.html"
    assert root_prefix("index.html") == "" and root_prefix("tags/t/index.html") == "../../"


# --- config ---------------------------------------------------------------------------------------

def test_config_defaults_without_file(tmp_path):
    config = load_config(None, project_root=tmp_path)
    assert config == SiteConfig()
    assert config.absolute_root is None


def test_example_site_yml_matches_defaults():
    assert load_config(PROJECT_ROOT / "site.yml") == SiteConfig()


def test_config_overrides_and_errors(tmp_path):
    config = parse_config({"title": "测试", "page_size": 5, "base_url": "https://x.org/a"})
    assert config.title == "测试" and config.page_size == 5 and config.absolute_root == "https://x.org/a/"
    assert config.with_overrides(theme="dark", base_url=None).theme == "dark"
    with pytest.raises(ConfigError, match="unknown"):
        parse_config({"titel": "x"})
    with pytest.raises(ConfigError, match="page_size"):
        parse_config({"page_size": 0})
    bad = tmp_path / "site.yml"
    bad.write_text("title: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="malformed"):
        load_config(bad)


# --- Markdown and JSON-LD safety ------------------------------------------------------------------

def test_markup_in_body_shows_as_text():
    html = str(render_body("<b>粗</b> &amp; <script>x</script> <http://e.org> ![](http://e.org/a.png)\n").html)
    assert "<b>" not in html and "<script>" not in html and "<img" not in html and "<a " not in html
    assert "&lt;b&gt;" in html and "&amp;amp;" in html


def test_subheads_get_ascii_ids():
    body = render_body("## 一、强化领导\n\n正文\n\n## 二、狠抓落实\n\n正文\n")
    assert [text for _, text in body.subheads] == ["一、强化领导", "二、狠抓落实"]
    assert all(re.fullmatch(r"[a-z0-9_-]+", anchor) for anchor, _ in body.subheads)


def test_each_body_converts_as_if_alone():
    # the converter is reused: a reference defined, a subhead id taken in one body is not
    # seen by the next
    first = render_body("见[通报][1]。\n\n[1]: https://example.org/a\n\n## 一、强化领导\n")
    second = render_body("见[通报][1]。\n\n## 一、强化领导\n")
    assert 'href="https://example.org/a"' in str(first.html)
    assert "href" not in str(second.html) and "[通报][1]" in str(second.html)
    assert second.subheads == first.subheads and len(second.subheads) == 1
    assert str(render_body("## 一、强化领导\n").html) == str(render_body("## 一、强化领导\n").html)


def test_json_for_script_cannot_close_the_script():
    text = str(json_for_script({"headline": "a</script><script>alert(1)</script>&"}))
    assert "</" not in text and "<" not in text and "&" not in text
    assert json.loads(text)["headline"] == "a</script><script>alert(1)</script>&"


# --- site model -----------------------------------------------------------------------------------

def test_issues_ordered_by_date_then_id(sample_content):
    model = build_model(load_content(sample_content), SiteConfig())
    dates = [i.meta.date or "" for i in model.issues]
    assert dates == sorted(dates)
    assert model.latest_issue.meta.date == "2024-04-15"
    assert [y.year for y in model.years] == ["2024", "2023", ""]


def test_lists_newest_first_and_related_bounded(sample_content):
    model = build_model(load_content(sample_content), SiteConfig(related_count=3))
    for tag in model.tags:
        positions = [a.issue.position for a in tag.articles]
        assert positions == sorted(positions, reverse=True)
    for article in model.articles:
        assert len(article.related) <= 3 and article not in article.related
        for other in article.related:
            shared = {t.name for t in other.tags} & {t.name for t in article.tags}
            assert shared or (article.unit is not None and other.unit is article.unit)


class FakeRegistry:
    """Stands in for generator.enrich.units.UnitRegistry: a small hierarchy with aliases."""

    PARENTS = {"金乡县公安局化雨派出所": "金乡县公安局", "金乡县公安局": "市公安局", "嘉祥县公安局": "市公安局",
               "市中分局": "市公安局", "交警支队": "市公安局"}
    ALIASES = {"市中公安分局": "市中分局"}

    def known_name(self, printed):
        return self.ALIASES.get(printed, printed)

    def parent(self, name):
        return self.PARENTS.get(name)

    def children(self, name):
        return sorted(c for c, p in self.PARENTS.items() if p == name)


def test_unit_hierarchy_from_registry(sample_content):
    model = build_model(load_content(sample_content), SiteConfig(), registry=FakeRegistry())
    assert [u.name for u in model.unit_roots] == ["市公安局"]
    city = model.unit_roots[0]
    assert [c.name for c in city.children] == ["嘉祥县公安局", "交警支队", "金乡县公安局", "市中分局"]  # pinyin
    assert city.children[2].children[0].label == "化雨派出所"
    jinxiang = next(u for u in city.children if u.name == "金乡县公安局")
    assert [c.name for c in jinxiang.children] == ["金乡县公安局化雨派出所"]
    assert city.total_count > city.count
    assert set(map(id, jinxiang.articles_with_descendants())) >= set(map(id, jinxiang.children[0].articles))


def test_units_flat_without_registry(sample_content):
    model = build_model(load_content(sample_content), SiteConfig(), registry=None)
    assert model.hierarchy_source == "flat"
    assert all(u.parent is None and not u.children for u in model.units)


# --- themes ---------------------------------------------------------------------------------------

def test_theme_falls_back_to_default(tmp_path, sample_content):
    theme = tmp_path / "themes" / "plain" / "templates"
    theme.mkdir(parents=True)
    (theme / "tag.html").write_text('{% extends "base.html" %}{% block content %}<h1 class="plain-tag">'
                                    '{{ tag.name }}</h1>{% endblock %}', encoding="utf-8")
    public = tmp_path / "public"
    build_site(sample_content, public, SiteConfig(theme="plain"), theme_dirs=[tmp_path / "themes"])
    tag_page = next((public / "tags").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'class="plain-tag"' in tag_page
    assert 'class="article-item"' in (public / "index.html").read_text(encoding="utf-8")
    assert (public / "assets" / "css" / "site.css").exists()


def test_unknown_theme_is_an_error(tmp_path):
    with pytest.raises(ThemeError, match="nosuch"):
        theme_chain("nosuch", [tmp_path])


# --- the built site -------------------------------------------------------------------------------

def test_every_page_type_is_written(built_site):
    public = built_site.public
    for rel in ["index.html", "404.html", "robots.txt", "archive/index.html", "units/index.html",
                "tags/index.html", "people/index.html", "assets/css/site.css", "assets/css/print.css"]:
        assert (public / rel).is_file(), rel
    assert list(public.glob("issues/**/index.html")) and list(public.glob("units/*/index.html"))
    assert list(public.glob("tags/*/page-1.html")), "page_size=3 should paginate tag lists"
    assert built_site.report.pages_rendered > 0 and built_site.report.articles == 36


def test_content_errors_reported_rest_built(built_site):
    assert any("99-broken.md" in error for error in built_site.report.errors)
    assert len(list(built_site.public.glob("issues/**/*.html"))) == 36 + 4


def test_feed_and_sitemap_only_with_base_url(built_site, built_site_with_base_url):
    assert not (built_site.public / "feed.xml").exists() and not (built_site.public / "sitemap.xml").exists()
    assert any("base URL" in n for n in built_site.report.notices)
    public = built_site_with_base_url.public
    feed = ET.parse(public / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert 0 < len(entries) <= built_site_with_base_url.config.feed_size
    assert all(e.find("a:id", ns).text.startswith("https://example.org/jining/") for e in entries)
    locs = [e.text for e in ET.parse(public / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/jining/index.html" in locs
    assert all(not loc.endswith("404.html") for loc in locs)
    assert "Sitemap: https://example.org/jining/sitemap.xml" in (public / "robots.txt").read_text()


def test_article_page_content(built_site):
    model = build_model(load_content(built_site.content), built_site.config, UnitRegistry.default())
    article = next(a for a in model.articles if a.credits and a.unit and a.tags and a.next and a.date)
    html = (built_site.public / article.url).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    for credit in article.credits:
        assert relative_url(article.url, credit.person.url) in html
        assert credit.role in html
    assert relative_url(article.url, article.unit.url) in html
    assert relative_url(article.url, article.issue.url) in html
    assert all(relative_url(article.url, t.url) in html for t in article.tags)
    assert relative_url(article.url, article.next.url) in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "NewsArticle" and ld["headline"] == article.title
    assert {"datePublished", "author", "publisher", "isPartOf"} <= set(ld)


def test_hostile_text_is_escaped(built_site, hostile_text):
    heading = re.compile(r'<h1 class="article-title">[^<]*粗体')
    page = next(p for p in built_site.public.glob("issues/**/*.html") if heading.search(p.read_text(encoding="utf-8")))
    html = page.read_text(encoding="utf-8")
    assert html.count("<script") == html.count("</script>")
    assert "<script>alert" not in html and "<img src=x" not in html
    ld_text = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(ld_text)["headline"] == hostile_text["title"]
    assert "&lt;script&gt;alert(" in html and "<script>" in hostile_text["body"]


def test_search_form_and_root_on_every_page(built_site):
    for page in built_site.public.rglob("*.html"):
        rel = page.relative_to(built_site.public).as_posix()
        html = page.read_text(encoding="utf-8")
        expected = root_prefix(rel) + "search.html"
        assert f'<form class="site-search" role="search" action="{expected}">' in html, rel
        assert 'type="search" id="site-search-q" name="q"' in html, rel


def test_no_external_requests(built_site):
    pattern = re.compile(r'(?:src|href)="(?:https?:)?//', re.I)
    for page in built_site.public.rglob("*.html"):
        assert not pattern.search(page.read_text(encoding="utf-8")), page
    for css in built_site.public.rglob("*.css"):
        assert not re.search(r"url\(|@import", css.read_text(encoding="utf-8")), css


def test_build_is_deterministic_and_rewrites_nothing(tmp_path, sample_content, built_site):
    build_site(sample_content, tmp_path / "a", SiteConfig(page_size=3))
    second = build_site(sample_content, tmp_path / "a", SiteConfig(page_size=3))
    assert second.files_written == 0 and second.files_unchanged > 0
    built = {p.relative_to(built_site.public).as_posix(): p.read_bytes()
             for p in built_site.public.rglob("*") if p.is_file()}
    again = {p.relative_to(tmp_path / "a").as_posix(): p.read_bytes()
             for p in (tmp_path / "a").rglob("*") if p.is_file()}
    assert built == again


@given(st.integers(min_value=0, max_value=80), st.integers(min_value=1, max_value=12),
       st.integers(min_value=1, max_value=30))
def test_older_pages_of_a_list_never_change_when_articles_arrive(count, size, arriving):
    from generator.render.pages import paginate

    def pages(n):  # newest first, like every list of the site
        return {pager.urls[pager.number - 1]: pager.items for pager in paginate(list(range(n, 0, -1)), "t", size)}

    before, after = pages(count), pages(count + arriving)
    for url, items in before.items():
        if url != "t/index.html":
            assert after[url] == items  # an older page keeps its articles and its URL

    def navigation(n):
        return {p.urls[p.number - 1]: ([(link.label, link.url) for link in p.links], p.next_url, p.page_number)
                for p in paginate(list(range(n, 0, -1)), "t", size) if p.number > 1}

    old_nav, new_nav = navigation(count), navigation(count + arriving)
    newest_fixed = max((nav[2] for nav in old_nav.values()), default=0)
    for url, nav in old_nav.items():
        if nav[2] + 3 <= newest_fixed:  # only the pages next to the newest end link to new pages
            assert new_nav[url] == nav
    every = [item for pager in paginate(list(range(count, 0, -1)), "t", size) for item in pager.items]
    assert every == list(range(count, 0, -1))  # nothing lost or repeated, newest first
    for url, items in after.items():
        assert len(items) <= 2 * size - 1 and (url == "t/index.html" or len(items) == size)


def _older_page_items(public: Path) -> dict[str, list[str]]:
    """Every older page of every list (page-N.html) -> the articles it lists, in order."""
    link = re.compile(r'<h3 class="article-item-title">\s*<a href="([^"]+)"')
    return {page.relative_to(public).as_posix(): link.findall(page.read_text(encoding="utf-8"))
            for page in public.rglob("page-*.html")}


def test_a_new_issue_moves_no_older_page_of_any_list(tmp_path):
    """A new issue's articles, each with its own unit and units it mentions, leave every older
    page of every list (units, their mentions, units with their sub-units, tags, people, years)
    showing the same articles: what README promises, and what keeps an upload small."""
    from dataclasses import replace as _replace

    from generator.content import format_article, format_issue
    from generator.records import Article, IssueMeta
    from tests.fixtures_site import write_sample_content

    content = tmp_path / "content"
    write_sample_content(content)
    config = SiteConfig(page_size=2)
    build_site(content, tmp_path / "public", config)
    before = _older_page_items(tmp_path / "public")
    assert any("/mentions/page-" in url for url in before)  # the sample has lists long enough to test
    folder = content / "a05_newest"
    folder.mkdir()
    (folder / "issue.yml").write_text(format_issue(IssueMeta(id="a05_newest", source="seeds/a05_newest.txt",
                                                            date="2024-05-10", date_inferred=False)), encoding="utf-8")
    template = Article(title="", title_generated=False, kicker=None, unit=None, issue="a05_newest", order=1,
                       kind="article", reporters=["张伟"], correspondents=[], photographers=[], tags=["反诈"],
                       date="2024-05-10", source="seeds/a05_newest.txt", source_lines=[1, 2], body="", units=[])
    for order, (unit, mentioned) in enumerate([("市公安局", ["交警支队"]), ("交警支队", ["市公安局"]),
                                               ("金乡县公安局化雨派出所", ["市公安局", "嘉祥县公安局"])], 1):
        article = _replace(template, title=f"新一期第{order}篇 反诈宣传进社区", unit=unit, units=mentioned,
                           order=order, body=f"{unit}联合{'、'.join(mentioned)}开展反诈宣传。\n")
        (folder / f"{order:02d}-xin-{order}.md").write_text(format_article(article), encoding="utf-8")
    build_site(content, tmp_path / "public", config)
    after = _older_page_items(tmp_path / "public")
    moved = {url: (items, after.get(url)) for url, items in before.items() if after.get(url) != items}
    assert not moved


def _related_by_definition(articles, limit: int) -> list[list[int]]:
    """Related articles as first written: for each shared tag (1 point) or unit (2 points), the
    RELATED_WINDOW nearest articles in that tag's or unit's newest-first list; best score, then
    nearest issue, then newest first."""
    from collections import defaultdict

    from generator.render.site import RELATED_WINDOW

    buckets, position = defaultdict(list), {}
    keys_of = {}
    for view in articles:
        keys = [("tag", t.name) for t in view.tags] + ([("unit", view.unit.name)] if view.unit else [])
        keys_of[id(view)] = keys
        for key in keys:
            buckets[key].append(view)
    for key, bucket in buckets.items():
        bucket.sort(key=lambda v: v.sort_key)
        for index, view in enumerate(bucket):
            position[(id(view), key)] = index
    related = []
    for view in articles:
        scores = {}
        for key in keys_of[id(view)]:
            here = position[(id(view), key)]
            for other in buckets[key][max(0, here - RELATED_WINDOW // 2):here + RELATED_WINDOW // 2 + 1]:
                scores[id(other)] = scores.get(id(other), 0) + (2 if key[0] == "unit" else 1)
        scores.pop(id(view), None)
        others = {id(a): n for n, a in enumerate(articles)}
        ranked = sorted((-s, abs(articles[others[o]].issue.position - view.issue.position),
                         articles[others[o]].sort_key, others[o]) for o, s in scores.items())[:limit]
        related.append([entry[-1] for entry in ranked])
    return related


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.lists(st.sampled_from("甲乙丙丁戊"), max_size=3),
                          st.sampled_from([None, "一", "二", "三"])), min_size=1, max_size=40),
       st.integers(0, 6))
def test_related_articles_are_those_of_the_definition(specs, limit):
    from types import SimpleNamespace as View

    from generator.render.site import _link_related

    articles = [View(tags=[View(name=t) for t in tags], unit=View(name=unit) if unit else None,
                     issue=View(position=position), sort_key=(-position, n, f"{n:03d}.md"))
                for n, (position, tags, unit) in enumerate(specs)]
    _link_related(articles, limit)
    by_index = {id(a): n for n, a in enumerate(articles)}
    assert [[by_index[id(r)] for r in a.related] for a in articles] == _related_by_definition(articles, limit)
