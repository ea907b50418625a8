"""Publishing (issue 19): deploy with rsync, feeds and sitemap, sharing tags, CSP, precompressed
files, the offline zip and the service worker. Browser checks are in test_publish_browser.py."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.config import ConfigError, SiteConfig, parse_config
from generator.content import load_content
from generator.deploy import DeployError, deploy, is_remote, parse_itemized, DeployResult
from generator.enrich.units import UnitRegistry
from generator.output import SITE_MARKER, marker_bytes
from generator.pipeline import build_site
from generator.render.feeds import atom_timestamp
from generator.render.publish import OFFLINE_ZIP, ZIP_FOLDER, ZIP_TIME, offline_zip
from generator.render.site import build_model
from tests.fixtures_site import write_sample_content

pytest_plugins = ["tests.fixtures_site"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/jining/"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _site(tmp_path: Path, **config) -> tuple[Path, Path, SiteConfig]:
    content = tmp_path / "content"
    write_sample_content(content)
    public = tmp_path / "public"
    site_config = SiteConfig(page_size=3, **config)
    build_site(content, public, site_config)
    return content, public, site_config


def _change_an_article(content: Path) -> Path:
    article = sorted(content.glob("a03_third/0[1-9]-*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8").replace("第二句", "第二句（已更正）"), encoding="utf-8")
    return article


# --- deploy ---------------------------------------------------------------------------------------

def test_deploy_twice_sends_only_what_changed_and_keeps_the_hosts_files(tmp_path, capsys):
    content, public, config = _site(tmp_path)
    target = tmp_path / "host"
    (target / ".git").mkdir(parents=True)
    (target / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (target / "CNAME").write_text("archive.example.org\n")
    (target / "downloads").mkdir()
    (target / "downloads" / "报纸原版.pdf").write_bytes(b"%PDF-1.4 editor's upload")
    site_yml = tmp_path / "site.yml"
    site_yml.write_text(f"deploy:\n  target: {target}\n  keep: [downloads/]\n", encoding="utf-8")

    assert main(["deploy", "--output", str(public), "--config", str(site_yml)]) == 0
    first = capsys.readouterr().out
    site_files = snapshot(public)
    hosted = snapshot(target)
    assert {k: v for k, v in hosted.items() if k in site_files} == site_files
    assert set(hosted) - set(site_files) == {".git/HEAD", "CNAME", "downloads/报纸原版.pdf"}
    assert f"{len(site_files)} file(s) sent" in first

    # Second deploy after a one-article edit: exactly the files whose bytes changed are sent.
    _change_an_article(content)
    build_site(content, public, config)
    after = snapshot(public)
    changed = sorted(rel for rel in after if site_files.get(rel) != after[rel])
    assert 0 < len(changed) < len(after) / 4
    result = deploy(public, parse_config({"deploy": {"target": str(target), "keep": ["downloads/"]}}).deploy)
    assert sorted(result.sent) == changed
    assert result.deleted == []
    assert snapshot(target)["CNAME"] == hosted["CNAME"]
    assert {k: v for k, v in snapshot(target).items() if k in after} == after


def test_a_file_removed_from_the_site_is_deleted_on_the_host(tmp_path):
    content, public, config = _site(tmp_path)
    target = tmp_path / "host"
    deploy(public, SiteConfig().deploy, target=str(target))
    removed = sorted(content.glob("a01_first/0[1-9]-*.md"))[-1]
    removed.unlink()
    build_site(content, public, config)
    gone = sorted(set(snapshot(target)) - set(snapshot(public)))
    assert gone
    result = deploy(public, SiteConfig().deploy, target=str(target))
    assert sorted(result.deleted) == gone
    assert snapshot(target) == snapshot(public)


def test_dry_run_lists_the_changes_and_changes_nothing(tmp_path, capsys):
    _, public, _ = _site(tmp_path)
    target = tmp_path / "host"
    target.mkdir()
    assert main(["deploy", "--output", str(public), "--target", str(target), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would send: index.html" in out and "dry run, nothing sent" in out
    assert list(target.iterdir()) == []


@pytest.mark.parametrize("case", ["no target", "not built", "foreign files", "inside output", "no parent"])
def test_deploy_refuses_clearly_with_exit_2(tmp_path, capsys, case):
    public = tmp_path / "public"
    target = tmp_path / "host"
    args = ["deploy", "--output", str(public), "--config", str(tmp_path / "site.yml")]
    (tmp_path / "site.yml").write_text("title: 测试\n", encoding="utf-8")
    if case != "not built":
        public.mkdir()  # a complete build: the marker only this project writes, and the home page
        (public / SITE_MARKER).write_bytes(marker_bytes(articles=1, issues=1))
        (public / "index.html").write_text("<!DOCTYPE html>")
        (public / "404.html").write_text("<!DOCTYPE html>")
    else:
        public.mkdir()
        (public / "notes.txt").write_text("not a site")
    if case == "foreign files":
        target.mkdir()
        (target / "家庭照片.jpg").write_bytes(b"\xff\xd8")
    if case == "inside output":
        target = public / "copy"
    if case == "no parent":
        target = tmp_path / "missing" / "host"
    if case != "no target":
        args += ["--target", str(target)]
    assert main(args) == 2
    err = capsys.readouterr().err
    expected = {"no target": "no deploy target", "not built": "not a built site", "foreign files": "not a site",
                "inside output": "overlaps the output folder", "no parent": "does not exist"}[case]
    assert expected in err
    if case == "foreign files":
        assert (target / "家庭照片.jpg").exists()


def test_deploy_refuses_an_interrupted_build(tmp_path):
    _, public, _ = _site(tmp_path)
    (tmp_path / ".public.journal").write_text("{}")
    with pytest.raises(DeployError, match="interrupted"):
        deploy(public, SiteConfig().deploy, target=str(tmp_path / "host"))


def test_remote_targets_are_told_from_local_folders():
    assert is_remote("deploy@example.org:/srv/www/archive/")
    assert is_remote("example.org:archive") and is_remote("rsync://example.org/site/")
    assert not is_remote("/tmp/site") and not is_remote("./out/a:b") and not is_remote("public-copy")


def test_rsync_itemized_output_is_read():
    result = DeployResult(target="x", dry_run=False)
    parse_itemized("cd+++++++++ issues/\n>f+++++++++ issues/a.html\n<f.st...... index.html\n"
                   ".f..t...... same.html\n*deleting   old.html\n", result)
    assert result.sent == ["issues/a.html", "index.html"]
    assert result.deleted == ["old.html"] and result.created == ["issues/"]


@pytest.mark.parametrize("value, message", [
    ({"target": 3}, "target"), ({"keep": "x", "port": 22}, "unknown key"), ({"keep": [1]}, "keep"),
    ({"checksum": "yes"}, "checksum"), ({"target": "--rsh=evil"}, "target"), (["a"], r"\[deploy\]: must be a mapping"),
])
def test_bad_deploy_config_names_the_key(value, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({"deploy": value}, "site.yml")


def test_deploy_config_forms():
    assert parse_config({"deploy": "me@host:/srv/"}).deploy.target == "me@host:/srv/"
    deploy_config = parse_config({"deploy": {"target": "/srv", "keep": "uploads/", "ssh": "ssh -p 2222"}}).deploy
    assert deploy_config.excluded == (".git", "CNAME", ".nojekyll", "uploads/") and deploy_config.ssh == "ssh -p 2222"
    with pytest.raises(ConfigError, match=r"precompress\]: must be true or false"):
        parse_config({"precompress": "yes"})


# --- feeds and sitemap ---------------------------------------------------------------------------------

def _feed(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{name}"), f"{path}: feed without {name}"
    assert root.find(f"{ATOM}author/{ATOM}name") is not None  # so entries need no author of their own
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith(path.name)
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{name}"), f"{path}: entry without {name}"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    return root


def test_one_feed_per_unit_and_tag_linked_from_its_page(built_site_with_base_url):
    public = built_site_with_base_url.public
    model = build_model(load_content(built_site_with_base_url.content), built_site_with_base_url.config,
                        UnitRegistry.default())
    for view in [*model.units, *model.tags]:
        feed = _feed(public / view.directory / "feed.xml")
        entries = feed.findall(f"{ATOM}entry")
        assert entries, view.name
        assert view.name in feed.findtext(f"{ATOM}title")
        page = (public / view.url).read_text(encoding="utf-8")
        assert f'<link rel="alternate" type="application/atom+xml" title="{view.name} · ' in page
        assert 'href="../../' + view.directory + '/feed.xml"' in page
    feeds = sorted(p.relative_to(public).as_posix() for p in public.rglob("feed.xml"))
    assert len(feeds) == 1 + len(model.units) + len(model.tags)


def test_the_site_feed_has_full_text_as_escaped_html(built_site_with_base_url, hostile_text):
    feed = _feed(built_site_with_base_url.public / "feed.xml")
    raw = (built_site_with_base_url.public / "feed.xml").read_text(encoding="utf-8")
    contents = [e.find(f"{ATOM}content") for e in feed.findall(f"{ATOM}entry")]
    assert all(c is not None and c.get("type") == "html" for c in contents)
    html = "\n".join(c.text for c in contents)
    assert "这是第" in html and "<p>" in html  # the body, as HTML
    assert "<script>" not in raw  # escaped in the XML …
    assert "&lt;script&gt;" in html or hostile_text["body"] not in html  # … and once more as text in the HTML


def test_feed_timestamps_say_the_issues_date_at_its_precision(built_site_with_base_url):
    assert atom_timestamp("2024-04") == "2024-04-01T00:00:00+08:00"
    assert atom_timestamp("2024-04-15") == "2024-04-15T00:00:00+08:00"
    assert atom_timestamp("2024") == "2024-01-01T00:00:00+08:00"
    feed = _feed(built_site_with_base_url.public / "feed.xml")
    by_day = [e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}updated").startswith("2024-04-15")]
    by_month = [e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}updated").startswith("2024-04-01")]
    assert by_day and by_month
    # The month-only issue's entries say so in their text, as the site prints the issue
    # ("2024年4月 第1期（推定）"): the month, marked as inferred, and no invented day.
    month_texts = [e.findtext(f"{ATOM}content") for e in by_month]
    assert all("2024年4月" in t and "（推定）" in t and "4月1日" not in t for t in month_texts)
    assert all("2024年4月15日" in e.findtext(f"{ATOM}content") for e in by_day)
    assert feed.findtext(f"{ATOM}updated") == "2024-04-15T00:00:00+08:00"


def test_sitemap_has_lastmod_at_the_known_precision(built_site_with_base_url):
    root = ET.parse(built_site_with_base_url.public / "sitemap.xml").getroot()
    lastmods = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")}
    assert lastmods[BASE + "index.html"] == "2024-04-15"
    day = [loc for loc in lastmods if "/issues/" in loc and lastmods[loc] == "2024-04-15"]
    month = [loc for loc in lastmods if "/issues/" in loc and lastmods[loc] == "2023-11"]
    assert day and month
    assert all(re.fullmatch(r"\d{4}(-\d\d){0,2}", v) for v in lastmods.values() if v)


# --- sharing ---------------------------------------------------------------------------------------

def _meta(html: str, prop: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def test_canonical_and_opengraph_with_base_url(built_site_with_base_url):
    public = built_site_with_base_url.public
    # A dated issue's article (issues/2023-11/1/…, issues/2024/04-15/…); the undated issue's
    # pages lie one level up (issues/undated-…/) and have no published time.
    article = sorted(public.glob("issues/*/*/0[1-9]-*.html"))[0]
    rel = article.relative_to(public).as_posix()
    html = article.read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}{rel}">' in html
    assert _meta(html, "og:url") == BASE + rel and _meta(html, "og:type") == "article"
    title = re.search(r'<h1 class="article-title">(.*?)</h1>', html).group(1)
    assert _meta(html, "og:title") == title and _meta(html, "twitter:title") == title
    assert _meta(html, "og:description") and _meta(html, "twitter:card") == "summary"
    assert _meta(html, "og:image") is None  # the sample articles have no images
    assert re.fullmatch(r"\d{4}(-\d\d){0,2}", _meta(html, "article:published_time") or "")
    undated = sorted(public.glob("issues/*/0[1-9]-*.html"))
    assert undated and all(_meta(p.read_text(encoding="utf-8"), "article:published_time") is None for p in undated)
    home = (public / "index.html").read_text(encoding="utf-8")
    assert _meta(home, "og:type") == "website" and f'<link rel="canonical" href="{BASE}index.html">' in home
    assert "og:url" not in (public / "404.html").read_text(encoding="utf-8")


def test_no_canonical_or_opengraph_without_base_url(built_site):
    for page in built_site.public.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="canonical"' not in html and "og:" not in html and "twitter:" not in html, page


def test_json_ld_and_opengraph_carry_the_full_day_when_known(built_site_with_base_url):
    public = built_site_with_base_url.public
    model = build_model(load_content(built_site_with_base_url.content), built_site_with_base_url.config)
    article = next(a for a in model.articles if a.issue.meta.date == "2024-04-15")
    html = (public / article.url).read_text(encoding="utf-8")
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["datePublished"] == "2024-04-15" and _meta(html, "article:published_time") == "2024-04-15"


def test_an_articles_own_day_refines_its_issues_month(tmp_path):
    from generator.render.site import published_date

    content = tmp_path / "content"
    write_sample_content(content)
    path = sorted(content.glob("a02_second/0[1-9]-*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2024-04\n", "date: 2024-04-09\n"), encoding="utf-8")
    model = build_model(load_content(content), SiteConfig(base_url=BASE))
    article = next(a for a in model.articles if a.article.path.endswith(path.name))
    assert published_date(article) == "2024-04-09" and article.date == "2024-04"


def test_og_image_is_the_first_of_the_articles_images():
    from types import SimpleNamespace

    from generator.render.pages import article_image

    model = SimpleNamespace(config=SiteConfig(base_url=BASE))
    # thumbnail=None: no resized picture was published (render/photos.py), so the front matter's first image is used.
    article = SimpleNamespace(url="issues/2024-04/01-a.html", thumbnail=None,
                              article=SimpleNamespace(images=[{"file": "01-a-1.jpg", "caption": "民警"}, {"file": "2.jpg"}]))
    assert article_image(article, model) == BASE + "issues/2024-04/01-a-1.jpg"
    assert article_image(SimpleNamespace(url="x.html", thumbnail=None, article=SimpleNamespace()), model) is None
    # A published (resized) first picture is what is shared, before the front matter's original.
    from generator.render.photos import ImageVariant, ImageView

    resized = ImageView([ImageVariant("images/ab12-480.jpg", 480, 320), ImageVariant("images/ab12-960.jpg", 960, 640)],
                        caption="民警", label=None, alt="民警")
    shown = SimpleNamespace(url=article.url, thumbnail=resized, article=article.article)
    assert article_image(shown, model) == BASE + "images/ab12-960.jpg"
    assert article_image(article, SimpleNamespace(config=SiteConfig())) is None


def test_icons_are_in_the_theme_and_linked_from_every_page(built_site):
    public = built_site.public
    for name in ("favicon.svg", "favicon-32.png", "apple-touch-icon.png", "icon-512.png"):
        assert (public / "assets" / "icons" / name).stat().st_size > 100
    assert (public / "assets/icons/apple-touch-icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for page in public.rglob("*.html"):
        assert 'assets/icons/favicon.svg" type="image/svg+xml">' in page.read_text(encoding="utf-8"), page


# --- Content-Security-Policy ----------------------------------------------------------------------------

def test_every_page_has_a_strict_policy_and_nothing_inline(built_site_with_base_url, built_site):
    for site in (built_site, built_site_with_base_url):
        for page in site.public.rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
            assert policy, page
            text = policy.group(1).replace("&#39;", "'")
            assert "script-src 'self';" in text and "style-src 'self';" in text and "unsafe" not in text
            assert "<style" not in html and " style=" not in html, page
            for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
                assert 'src="' in script[0] or 'type="application/ld+json"' in script[0], (page, script)
            assert not re.search(r"<[a-z][^<>]*\son[a-z]+=", html), page  # no handler attributes


# --- 404 -----------------------------------------------------------------------------------------

def test_404_without_base_url_probes_for_the_root_and_has_a_plain_home_link(built_site):
    html = (built_site.public / "404.html").read_text(encoding="utf-8")
    for up in ("", "../", "../../../"):
        assert f'src="{up}assets/js/notfound.js"' in html and f'href="{up}assets/css/site.css"' in html
    assert '<noscript><p>以上链接需要启用 JavaScript；也可以前往<a href="/" data-root-probe>' in html
    assert 'href="search.html"' in html


def test_404_with_base_url_links_are_absolute(built_site_with_base_url):
    html = (built_site_with_base_url.public / "404.html").read_text(encoding="utf-8")
    assert f'href="{BASE}search.html"' in html and f'href="{BASE}assets/css/site.css"' in html
    assert "notfound.js" not in html and "data-root-probe" not in html


# --- offline copy, service worker, precompressed files ---------------------------------------------

def test_offline_zip_is_the_whole_site_deterministic_and_linked(tmp_path):
    _, first, _ = _site(tmp_path / "one")
    _, second, _ = _site(tmp_path / "two")
    data = (first / OFFLINE_ZIP).read_bytes()
    assert data == (second / OFFLINE_ZIP).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names[1:] == sorted(names[1:]) and names[0] == f"{ZIP_FOLDER}/README.txt"
        assert {i.date_time for i in infos} == {ZIP_TIME}
        inside = {n[len(ZIP_FOLDER) + 1:] for n in names} - {"README.txt"}
        expected = set(snapshot(first)) - {OFFLINE_ZIP, "sw.js"}
        assert inside == expected
        assert archive.read(f"{ZIP_FOLDER}/index.html") == (first / "index.html").read_bytes()
        assert {i.external_attr >> 16 for i in infos} == {0o100644} and archive.testzip() is None
    assert '<a href="offline.zip" data-offline-download>下载离线版</a>' in (first / "index.html").read_text(encoding="utf-8")


def test_offline_zip_and_service_worker_rebuilt_only_when_the_site_changed(tmp_path):
    content, public, config = _site(tmp_path)
    zip_stat = (public / OFFLINE_ZIP).stat()
    sw = (public / "sw.js").read_text(encoding="utf-8")
    build_site(content, public, config)
    assert (public / OFFLINE_ZIP).stat().st_mtime_ns == zip_stat.st_mtime_ns
    assert (public / "sw.js").read_text(encoding="utf-8") == sw
    _change_an_article(content)
    build_site(content, public, config)
    assert (public / OFFLINE_ZIP).read_bytes() != b"" and (public / OFFLINE_ZIP).stat().st_mtime_ns != zip_stat.st_mtime_ns
    new_sw = (public / "sw.js").read_text(encoding="utf-8")
    version = re.search(r'var VERSION = "([0-9a-f]+)";', new_sw).group(1)
    assert version not in sw
    with zipfile.ZipFile(public / OFFLINE_ZIP) as archive:
        assert archive.testzip() is None  # every member's CRC checks out
        changed = [n for n in archive.namelist() if n.endswith(".html") and "已更正" in archive.read(n).decode("utf-8")]
        assert changed
    # Made from the previous zip's members where files did not change, yet the same bytes as a
    # zip made afresh from the whole site.
    files = {rel: (public / rel).read_bytes() for rel in snapshot(public) if rel not in (OFFLINE_ZIP, "sw.js")}
    assert (public / OFFLINE_ZIP).read_bytes() == offline_zip(files)


def test_service_worker_precaches_files_that_exist(built_site):
    sw = (built_site.public / "sw.js").read_text(encoding="utf-8")
    listed = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", sw, re.S).group(1))
    assert {"index.html", "search.html", "search/manifest.js", "assets/js/offline.js"} <= set(listed)
    assert all((built_site.public / rel).is_file() for rel in listed)
    assert 'addEventListener("fetch"' in sw


def test_precompressed_files_are_deterministic_and_removed_when_stale(tmp_path):
    import brotli

    content, public, config = _site(tmp_path, precompress=True)
    gz = public / "index.html.gz"
    data = gz.read_bytes()
    assert gzip.decompress(data) == (public / "index.html").read_bytes()
    assert data[3] & 0x08 == 0 and data[4:8] == b"\0\0\0\0"  # no file name, time 0
    assert brotli.decompress((public / "index.html.br").read_bytes()) == (public / "index.html").read_bytes()
    texts = [p for p in public.rglob("*") if p.suffix in (".html", ".css", ".js", ".svg", ".txt", ".xml")
             and p.stat().st_size >= 256]
    assert texts and all(p.with_name(p.name + ".gz").is_file() for p in texts)
    assert not list(public.rglob("*.png.gz")) and not list(public.rglob("*.zip.gz"))
    # Unchanged sources keep their twins untouched; a removed source loses them.
    mtime = gz.stat().st_mtime_ns
    removed = sorted(content.glob("a01_first/0[1-9]-*.md"))[-1]
    removed.unlink()
    build_site(content, public, config)
    assert not [p for p in public.rglob("*.gz") if not p.with_suffix("").is_file()]
    assert gz.stat().st_mtime_ns != mtime or gzip.decompress(gz.read_bytes()) == (public / "index.html").read_bytes()
    # Off again: every twin goes.
    build_site(content, public, SiteConfig(page_size=3))
    assert not list(public.rglob("*.gz")) and not list(public.rglob("*.br"))


def test_precompress_is_off_by_default(built_site):
    assert not list(built_site.public.rglob("*.gz"))


def test_precompress_option_on_the_command_line(tmp_path):
    content = tmp_path / "content"
    write_sample_content(content)
    (tmp_path / "seeds").mkdir()
    status = main(["--seeds", str(tmp_path / "seeds"), "--content", str(content), "--output", str(tmp_path / "public"),
                   "--cache-dir", str(tmp_path / "cache"), "--precompress"])
    assert status == 1  # the sample content holds one broken file, listed as skipped
    assert (tmp_path / "public" / "index.html.gz").is_file()


# --- recipes ----------------------------------------------------------------------------------------

def test_github_pages_workflow_is_valid_yaml_that_builds_and_deploys():
    workflow = yaml.safe_load((PROJECT_ROOT / "docs" / "github-pages.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"]["pages"] == "write"
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = "\n".join(step.get("run", "") for step in steps)
    uses = [step.get("uses", "") for step in steps]
    assert "build.py" in runs and "--base-url" in runs
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)


def test_server_snippets_cache_fingerprinted_files_and_serve_gz():
    nginx = (PROJECT_ROOT / "docs" / "nginx.conf").read_text(encoding="utf-8")
    caddy = (PROJECT_ROOT / "docs" / "Caddyfile").read_text(encoding="utf-8")
    assert "gzip_static on;" in nginx and "error_page 404" in nginx and "immutable" in nginx
    assert "precompressed br gzip" in caddy and "handle_errors" in caddy and "immutable" in caddy
    assert nginx.count("{") == nginx.count("}") and caddy.count("{") == caddy.count("}")


# --- the nginx recipe, run for real ---------------------------------------------------------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is installed by `make setup` (Debian's nginx-light)")
def test_the_nginx_snippet_serves_precompressed_files_cache_headers_and_the_404(tmp_path):
    import socket
    import subprocess
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    content = tmp_path / "content"
    write_sample_content(content)
    public = tmp_path / "public"
    build_site(content, public, SiteConfig(page_size=3, precompress=True, base_url=f"http://127.0.0.1:{port}/"))
    server = (PROJECT_ROOT / "docs" / "nginx.conf").read_text(encoding="utf-8")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("/var/www/archive", str(public))
    (tmp_path / "nginx.conf").write_text(
        # Run as root (as here), nginx's workers would be another user, locked out of pytest's tmp folders.
        ("user root;\n" if os.geteuid() == 0 else "") + "daemon off;\npid nginx.pid;\nerror_log error.log;\nevents {}\nhttp {\n"
        "  include /etc/nginx/mime.types;\n  access_log off;\n"
        "  client_body_temp_path tmp;\n  proxy_temp_path tmp;\n  fastcgi_temp_path tmp;\n"
        "  uwsgi_temp_path tmp;\n  scgi_temp_path tmp;\n" + server + "}\n", encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        def get(path: str, **headers):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.headers, error.read()

        for _ in range(100):
            try:
                get("/index.html")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                time.sleep(0.05)
        status, headers, body = get("/index.html", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert body == (public / "index.html.gz").read_bytes()  # the precompressed file, as it is
        assert headers["Cache-Control"] == "no-cache"
        status, headers, body = get("/issues/gone/deeper/page.html")
        assert status == 404 and body == (public / "404.html").read_bytes()
        assert f'href="http://127.0.0.1:{port}/index.html"' in body.decode("utf-8")
        status, headers, _ = get("/offline.zip")
        assert status == 200 and headers["Content-Disposition"] == "attachment"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _record_compressed(monkeypatch) -> list[str]:
    """From now on, the names of the zip members compressed (not carried over), in order."""
    from generator.render import publish

    compressed: list[str] = []
    original = publish.ZipEntry.of.__func__
    monkeypatch.setattr(publish.ZipEntry, "of", classmethod(lambda cls, name, data: (
        compressed.append(name), original(cls, name, data))[1]))
    return compressed


def test_a_rebuild_compresses_only_the_changed_files_into_the_zip(tmp_path, monkeypatch):
    import subprocess

    from generator.render import publish

    from generator.caches import Caches

    content = tmp_path / "content"
    write_sample_content(content)
    public, config, caches = tmp_path / "public", SiteConfig(page_size=3), Caches(tmp_path / "cache")
    build_site(content, public, config, caches=caches)
    before = snapshot(public)
    compressed = _record_compressed(monkeypatch)
    _change_an_article(content)
    build_site(content, public, config, caches=Caches(tmp_path / "cache"))
    after = snapshot(public)
    changed = {rel for rel in after if before.get(rel) != after[rel]} - {OFFLINE_ZIP, "sw.js"}
    assert sorted(compressed) == sorted([f"{ZIP_FOLDER}/README.txt"] + [f"{ZIP_FOLDER}/{rel}" for rel in changed])
    assert len(compressed) < len(after) / 4
    # Written piece by piece from the previous zip's members: the bytes a zip made afresh has.
    site = {rel: (public / rel).read_bytes() for rel in after if not publish.is_derived(rel)}
    assert (public / OFFLINE_ZIP).read_bytes() == publish.offline_zip(site)
    if shutil.which("unzip"):
        assert subprocess.run(["unzip", "-tq", str(public / OFFLINE_ZIP)], capture_output=True).returncode == 0


def test_a_site_too_large_for_a_plain_zip_is_said_in_the_summary(tmp_path, monkeypatch):
    from generator.render import publish

    monkeypatch.setattr(publish, "_ZIP_LIMIT", 10)
    content = tmp_path / "content"
    write_sample_content(content)
    report = build_site(content, tmp_path / "public", SiteConfig(page_size=3))
    assert any(n.startswith("offline.zip skipped:") and "zip64" in n for n in report.notices)
    assert not (tmp_path / "public" / OFFLINE_ZIP).exists() and (tmp_path / "public" / "index.html").exists()


def test_a_file_put_in_pieces_is_recognised_unchanged_like_one_put_whole(tmp_path):
    from generator.output import StagedOutput

    public = tmp_path / "public"
    first = StagedOutput(public, {})
    first.put_chunks("big.bin", [b"abc", memoryview(b"def")])
    first.put_chunks("other.bin", [b"x"])
    first.commit()
    assert (public / "big.bin").read_bytes() == b"abcdef"
    again = StagedOutput(public, first.records)
    again.put_chunks("big.bin", [b"abcd", b"ef"])  # the same bytes, cut elsewhere
    again.put_chunks("other.bin", [b"y"])
    report = again.commit()
    assert report.written == ["other.bin"] and report.unchanged == 1
    assert again.records["big.bin"] == first.records["big.bin"]
    unrecorded = StagedOutput(public, {})  # no records: the file on disk is compared
    unrecorded.put_chunks("big.bin", [b"abcdef"])
    unrecorded.put_chunks("other.bin", [b"z"])
    assert unrecorded.commit().written == ["other.bin"]
    assert (public / "other.bin").read_bytes() == b"z"


def test_members_of_a_zip_another_compressor_made_are_compressed_again(tmp_path, monkeypatch):
    """An earlier version deflated with another library (other bytes for the same file): its
    members are not carried into the new zip, so a rebuild still equals a full build."""
    from generator.caches import Caches
    from generator.render import publish

    content = tmp_path / "content"
    write_sample_content(content)
    public, config = tmp_path / "public", SiteConfig(page_size=3)
    with monkeypatch.context() as patched:
        patched.setattr(publish, "ZIP_COMPRESSOR", "zlib-6")
        patched.setattr(publish.ZipEntry, "of", classmethod(lambda cls, name, data: cls(
            name, publish.zlib.crc32(data), len(data), publish.zlib.compress(data, 1)[2:-4])))
        build_site(content, public, config, caches=Caches(tmp_path / "cache"))
    compressed = _record_compressed(monkeypatch)
    _change_an_article(content)
    build_site(content, public, config, caches=Caches(tmp_path / "cache"))
    site = {rel: (public / rel).read_bytes() for rel in snapshot(public) if not publish.is_derived(rel)}
    assert len(compressed) == len(site) + 1  # every file, and the README
    assert (public / OFFLINE_ZIP).read_bytes() == publish.offline_zip(site)
