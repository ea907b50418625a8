"""Recorded dependencies (generator/render/deps.py): a page the next build would carry over must
have exactly the bytes a fresh render gives.

Each example edits one field of one article or issue of a made-up site, then asks, for every
page: with the dependencies recorded when the page was rendered before the edit, is its
fingerprint unchanged? If so, the incremental build reuses the old file, so a fresh render of the
edited site must give the same bytes. A dependency the recording missed fails here.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.caches import Caches
from generator.config import SiteConfig
from generator.content import ContentSet, load_content
from generator.render import stage as render
from generator.render.deps import recording
from generator.render.pages import render_page
from tests.fixtures_site import PEOPLE, TAGS, UNITS, write_sample_content


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> ContentSet:
    root = tmp_path_factory.mktemp("deps")
    write_sample_content(root / "content")
    return load_content(root / "content")


def render_everything(content: ContentSet, config: SiteConfig) -> tuple[render.Site, dict[str, tuple[bytes, tuple]]]:
    site = render.prepare_site(content, config, Caches(None))
    pages = {}
    for page in site.pages:
        with recording() as keys:
            html = render_page(site.env, page, site.model)
        pages[page.url] = (html, site.fingerprints.canonical(keys))
    return site, pages


TEXT = st.sampled_from(["新标题", "巡逻防控", "第9篇 反诈工作取得新成效", "", "市公安局", "张伟"])
ARTICLE_EDITS = {
    "title": st.sampled_from(["改过的标题", "第1篇 反诈工作取得新成效"]),
    "kicker": st.sampled_from([None, "市公安局", "新的引题"]),
    "unit": st.sampled_from([None, *UNITS, "邹城市公安局"]),
    "units": st.lists(st.sampled_from(UNITS), max_size=3, unique=True),
    "tags": st.lists(st.sampled_from([*TAGS, "新话题"]), max_size=3, unique=True),
    "reporters": st.lists(st.sampled_from([*PEOPLE, "新记者"]), max_size=2, unique=True),
    "correspondents": st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True),
    "photographers": st.lists(st.sampled_from(PEOPLE), max_size=1),
    "date": st.sampled_from([None, "2024-05", "2024-05-02"]),
    "body": st.sampled_from(["全新的正文。第二句。\n", "## 小标题\n\n正文改了。\n", "市公安局开展反诈宣传。\n"]),
    "kind": st.sampled_from(["article", "brief", "photo"]),
    "order": st.integers(min_value=1, max_value=12),
    "title_generated": st.booleans(),
}
ISSUE_EDITS = {
    "date": st.sampled_from([None, "2022-01", "2024-04-20", "2025"]),
    "date_inferred": st.booleans(),
    "date_method": st.sampled_from([None, "另一种推定"]),
    "number": st.sampled_from([None, 7, 1234]),
    "title": st.sampled_from([None, "特刊"]),
}


@st.composite
def edits(draw):
    if draw(st.booleans()):
        field = draw(st.sampled_from(sorted(ARTICLE_EDITS)))
        return ("article", draw(st.integers(min_value=0, max_value=35)), field, draw(ARTICLE_EDITS[field]))
    field = draw(st.sampled_from(sorted(ISSUE_EDITS)))
    return ("issue", draw(st.integers(min_value=0, max_value=3)), field, draw(ISSUE_EDITS[field]))


def random_edits(test):
    """Run `test` on random one-field edits of the sample site (one fixture for every example)."""
    return settings(max_examples=40, deadline=None, suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.function_scoped_fixture])(given(edit=edits())(test))


def edited(content: ContentSet, edit) -> ContentSet:
    kind, index, field, value = edit
    issues = dict(content.issues)
    articles = list(content.articles)
    if kind == "article":
        articles[index] = dataclasses.replace(articles[index], **{field: value})
        if field == "order":  # two articles at one position are a content error, not a render case
            taken = {(a.issue, a.order) for i, a in enumerate(articles) if i != index}
            if (articles[index].issue, value) in taken:
                articles[index] = dataclasses.replace(articles[index], order=100 + index)
    else:
        issue_id = sorted(issues)[index]
        issues[issue_id] = dataclasses.replace(issues[issue_id], **{field: value})
    return ContentSet(issues=issues, articles=articles, errors=[])


@random_edits
def test_a_page_carried_over_has_the_bytes_a_fresh_render_gives(sample, edit):
    config = SiteConfig(page_size=4)
    before_site, before = render_everything(sample, config)
    before_prints = {url: before_site.fingerprints.of(page, before[url][1]) for url, page in
                     ((p.url, p) for p in before_site.pages)}
    after_site, after = render_everything(edited(sample, edit), config)
    reused = 0
    for page in after_site.pages:
        if page.url not in before:
            continue
        if after_site.fingerprints.of(page, before[page.url][1]) == before_prints[page.url]:
            reused += 1
            assert after[page.url][0] == before[page.url][0], (
                f"{page.url} would be carried over after {edit}, but its bytes changed")
    assert reused > 0 or not before  # an edit of one field leaves some pages alone


def test_every_page_records_what_it_reads(sample):
    site, pages = render_everything(sample, SiteConfig(page_size=4))
    article_page = next(url for url in pages if url.endswith(".html") and "/" in url and url.startswith("issues/")
                        and not url.endswith("index.html"))
    recorded = pages[article_page][1]
    fields = {name for (_, name) in recorded}
    assert {"article", "tags", "credits"} <= fields
    assert any(key[0] == "unit" for key, _ in recorded)
    home = pages["index.html"][1]
    assert ((("model", ""), "issues")) in home


def test_a_changed_template_changes_every_fingerprint(tmp_path, sample):
    from generator.render.fingerprints import global_digest
    from generator.render.theme import theme_chain

    theme = tmp_path / "themes" / "mine" / "templates"
    theme.mkdir(parents=True)
    chain = theme_chain("default")
    first = global_digest(SiteConfig(), chain)
    (theme / "base.html").write_text("{% extends 'default/base.html' %}", encoding="utf-8")
    assert global_digest(SiteConfig(), [Path(theme.parent), *chain]) != first


def recorded_site(content: ContentSet, config: SiteConfig) -> tuple[dict, dict]:
    """Output records of every page of `content` as a build stores them, and the dependency
    digests stored beside them."""
    from generator.output import OutputRecord

    site, pages = render_everything(content, config)
    fingerprints = site.fingerprints
    records = {page.url: OutputRecord(fingerprints.of(page, pages[page.url][1]), "", 0, 0, pages[page.url][1],
                                      fingerprints.identity(page)) for page in site.pages}
    return records, fingerprints.recorded_digests(records)[0]


def assert_decides_as_the_fingerprint(content: ContentSet, config: SiteConfig, records: dict, last: dict) -> int:
    """For every page with a record: `still_valid` (changed dependencies and identities) says
    what comparing the whole fingerprint says. Returns how many pages it keeps."""
    site = render.prepare_site(content, config, Caches(None), last_digests=last)
    site.fingerprints.compare_with_last(records, site.pages)
    kept = 0
    for page in site.pages:
        record = records.get(page.url)
        if record is None:
            continue
        expected = site.fingerprints.of(page, record.dependencies) == record.fingerprint
        assert site.fingerprints.still_valid(page, record) == expected, page.url
        kept += expected
    return kept


@random_edits
def test_the_stored_digests_keep_exactly_the_pages_the_fingerprints_keep(sample, edit):
    config = SiteConfig(page_size=4)
    records, last = recorded_site(sample, config)
    assert assert_decides_as_the_fingerprint(edited(sample, edit), config, records, last) > 0


def test_compared_on_every_core_as_in_process(sample, monkeypatch):
    """The comparison split into many small parts for the workers decides as it does in-process."""
    from generator.render import fingerprints

    config = SiteConfig(page_size=4)
    records, last = recorded_site(sample, config)
    monkeypatch.setattr(fingerprints, "DIGESTS_PER_PART", 7)
    monkeypatch.setattr(fingerprints, "IDENTITIES_PER_PART", 3)
    monkeypatch.setattr(fingerprints, "PARALLEL_MIN_PARTS", 1)
    for edit in [("article", 3, "title", "改过的标题"), ("article", 0, "tags", ["新话题"]),
                 ("issue", 1, "date", "2022-01"), ("article", 5, "order", 12)]:
        kept = assert_decides_as_the_fingerprint(edited(sample, edit), config, records, last)
        assert 0 < kept < len(records)


def test_digests_saved_with_other_records_are_not_used(sample):
    config = SiteConfig(page_size=4)
    records, last = recorded_site(sample, config)
    site = render.prepare_site(sample, config, Caches(None))
    stored = render.dependency_digests(site, records)
    assert render.last_dependency_digests(stored, records) is not None
    url = next(iter(records))
    other = dict(records, **{url: dataclasses.replace(records[url], fingerprint="another build's")})
    assert render.last_dependency_digests(stored, other) is None
    assert render.last_dependency_digests({}, records) is None


def test_records_of_an_earlier_version_without_identities_are_rendered_again(sample):
    """A render state written before identities were recorded has nothing to compare a page's
    identity with: every page is rendered again (never kept on a guess)."""
    config = SiteConfig(page_size=4)
    records, last = recorded_site(sample, config)
    older = {url: dataclasses.replace(record, identity=None) for url, record in records.items()}
    site = render.prepare_site(sample, config, Caches(None), last_digests=last)
    site.fingerprints.compare_with_last(older, site.pages)
    assert not any(site.fingerprints.still_valid(page, older[page.url]) for page in site.pages if page.url in older)


def test_without_stored_digests_every_page_is_rendered_again(sample):
    config = SiteConfig(page_size=4)
    records, _ = recorded_site(sample, config)
    site = render.prepare_site(sample, config, Caches(None), last_digests=None)
    site.fingerprints.compare_with_last(records, site.pages)
    assert not any(site.fingerprints.still_valid(page, records[page.url]) for page in site.pages)


def test_after_the_comparison_every_stored_digest_is_known_and_is_the_digest_now(sample, monkeypatch):
    """The pages rendered after the comparison take the digests of what they read from it
    instead of computing them again (the comparison ran in worker processes, which send back
    only what changed): each must be what computing it now gives."""
    from generator.render import fingerprints
    from generator.render.deps import Digests

    monkeypatch.setattr(fingerprints, "DIGESTS_PER_PART", 7)
    monkeypatch.setattr(fingerprints, "PARALLEL_MIN_PARTS", 1)
    config = SiteConfig(page_size=4)
    records, last = recorded_site(sample, config)
    for edit in [("article", 3, "title", "改过的标题"), ("article", 0, "tags", ["新话题"]), ("issue", 1, "date", "2022-01")]:
        site = render.prepare_site(edited(sample, edit), config, Caches(None), last_digests=last)
        site.fingerprints.compare_with_last(records, site.pages)
        known = site.fingerprints.digests.computed
        fresh = Digests(site.model.views_by_key(), site.model)
        assert set(last) <= set(known)
        now = {dependency: fresh.of(dependency) for dependency in last}
        assert {dependency: known[dependency] for dependency in last} == now
        assert any(now[dependency] != last[dependency] for dependency in last)


@pytest.mark.parametrize("unreferenced_share", [0.1, -1.0])
def test_the_stored_digests_cover_every_record_s_dependencies_with_its_digest_now(sample, tmp_path, monkeypatch,
                                                                                   unreferenced_share):
    """Build after build (each an edit of the last), what is stored for the next comparison
    names every dependency of every output record with the digest the model gives it now: a
    few dependencies no page names any more may stay (up to the allowed share), never one
    missing. With no share allowed, exactly the records' dependencies are stored."""
    from generator.caches import folder_key
    from generator.pipeline import RENDER_STATE_VERSION, build_site
    from generator.render import fingerprints
    from generator.render.deps import Digests

    monkeypatch.setattr(fingerprints, "UNREFERENCED_SHARE", unreferenced_share)
    monkeypatch.setattr(fingerprints, "DIGESTS_PER_PART", 7)  # compared in worker processes
    monkeypatch.setattr(fingerprints, "PARALLEL_MIN_PARTS", 1)
    config, caches, output = SiteConfig(page_size=4), Caches(tmp_path / "cache"), tmp_path / "public"
    state = f"render/{folder_key(output)}.pickle"
    content = sample
    for edit in [None, ("article", 3, "title", "改过的标题"), ("article", 0, "tags", ["新话题"]),
                 ("issue", 1, "date", "2022-01"), ("article", 3, "title", "又改过的标题")]:
        content = edited(content, edit) if edit else content
        build_site(content, output, config, caches=caches)
        records = caches.load(state, RENDER_STATE_VERSION)
        stored = caches.load(state + ".digests", RENDER_STATE_VERSION)
        assert render.last_dependency_digests(stored, records) is not None
        named = set().union(*(record.dependencies for record in records.values() if record.dependencies))
        model = render.prepare_site(content, config, Caches(None)).model
        fresh = Digests(model.views_by_key(), model)
        assert {dependency: stored["digests"][dependency] for dependency in named} == {
            dependency: fresh.of(dependency) for dependency in named}
        if unreferenced_share < 0:
            assert set(stored["digests"]) == named and stored["exact"] == len(named)
        else:
            assert len(stored["digests"]) <= stored["exact"] * (1 + unreferenced_share)
