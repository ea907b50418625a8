"""What each page is made of, as a digest: a page whose digest did not change is not rendered again.

A page's fingerprint covers the data its template shows: for an article page the article itself,
its issue, unit, tags, people, neighbours and related articles as they appear in links; for a list
page the entity and the cards of the articles on that page. The global digest covers the site
config, the theme's files and the renderer's own code, so changing any of them renders every page.
The indexes (home, archive, units, tags, people) cover the site-wide lists they show. A theme
that shows more than the default theme's templates do can turn incremental rendering off
(`python build.py --full`).
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from ..caches import source_digest
from .site import ArticleView, IssueView, SiteModel, UnitView

RENDERER_CODE = Path(__file__).resolve().parent
SITE_INDEXES = ("home.html", "archive.html", "units.html", "tags.html", "people.html")


def _record_digest(record) -> str:
    """Digest of every field of a content record (cheaper than repr of its whole body)."""
    digest = hashlib.sha1()
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        digest.update(f"{field.name}\0{value if isinstance(value, str) else repr(value)}\0".encode("utf-8"))
    return digest.hexdigest()


def global_digest(config, theme_chain: list[Path]) -> str:
    config_text = repr(sorted(dataclasses.asdict(config).items()))
    code = source_digest(RENDERER_CODE, RENDERER_CODE.parent / "content.py", RENDERER_CODE.parent / "slugs.py")
    themes = source_digest(*theme_chain)
    return hashlib.sha1(f"{config_text}\0{code}\0{themes}".encode("utf-8")).hexdigest()


class Fingerprints:
    """Page fingerprints for one site model; pieces shared by many pages are computed once."""

    def __init__(self, model: SiteModel, global_key: str):
        self.model = model
        self.global_key = global_key
        self._cards: dict[int, str] = {}
        self._subtrees: dict[int, tuple] = {}

    def page(self, page) -> str:
        """The page's fingerprint: a digest of everything its template shows."""
        context = page.context
        parts: list = [page.url, page.template, page.section]
        # The older pages of a list show only their articles: the list's own header (counts,
        # sub-units, the year's issues) is on its first page, so that older pages stay put.
        first_page = "pager" not in context or context["pager"].number == 1
        if "article" in context:
            parts.append(self._article_page(context["article"]))
        if "issue" in context:
            parts.append(self._issue_page(context["issue"]))
        if "year" in context:
            year = context["year"]
            parts.append((year.label, year.url))
            if first_page:
                parts.append([self._issue_link(i) + (len(i.articles),) for i in year.issues])
        if "unit" in context:
            unit = context["unit"]
            parts.append((unit.name, unit.url, [(a.name, a.url) for a in unit.ancestors()], context.get("scope")))
            if first_page:
                parts.append(self._unit_header(unit))
        if "tag" in context:
            tag = context["tag"]
            parts.append((tag.name, tag.url) + ((len(tag.articles),) if first_page else ()))
        if "person" in context:
            person = context["person"]
            parts.append((person.name, person.url) + ((person.roles, len(person.credits)) if first_page else ()))
        if "calendar" in context:
            parts.append(self._calendar_page(context["calendar"]))
        if "pager" in context:
            pager = context["pager"]
            parts.append((pager.total > 1, pager.page_number, pager.previous_url, pager.next_url,
                          [(link.label, link.url, link.current) for link in pager.links],
                          [self._item(item, context) for item in pager.items]))
        if page.template in SITE_INDEXES:
            parts.append(self._site_index(page.template))
        text = repr(parts) + "\0" + self.global_key
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    # --- pieces --------------------------------------------------------------------------------

    def card(self, article: ArticleView) -> str:
        """How an article appears in a list or a link, as a digest (lists repeat the same cards)."""
        key = id(article)
        card = self._cards.get(key)
        if card is None:
            shown = (article.url, article.title, article.kicker, article.pretitle, article.subtitle,
                     article.thumbnail.shown() if article.thumbnail else None, article.summary, article.date,
                     self._issue_link(article.issue),
                     (article.unit.name, article.unit.url) if article.unit else None,
                     [(role, [(p.name, p.url) for p in people]) for role, people in article.credits_by_role()])
            card = self._cards[key] = hashlib.sha1(repr(shown).encode("utf-8")).hexdigest()
        return card

    def _item(self, item, context) -> tuple:
        if isinstance(item, tuple):  # (article, role) on a person's page
            return (self.card(item[0]), item[1])
        unit = context.get("unit")
        return (self.card(item), unit.is_mentioned_in(item) if unit is not None else None)

    @staticmethod
    def _issue_link(issue: IssueView | None) -> tuple:
        return (issue.url, issue.heading) if issue is not None else ()

    def _article_page(self, article: ArticleView) -> tuple:
        issue = article.issue
        return (
            _record_digest(article.article),
            self.card(article),
            (issue.meta.number, issue.meta.date, issue.year),
            [(t.name, t.url) for t in article.tags],
            [(u.name, u.url) for u in article.mentioned_units],
            (article.previous.url, article.previous.title) if article.previous else None,
            (article.next.url, article.next.title) if article.next else None,
            [self.card(other) for other in article.related],
            # pictures and the 图片新闻 block (the body is in the record digest)
            ([i.shown() for i in article.images], article.photo.body, article.photo.captions)
            if article.photo is not None else None,
        )

    def _issue_page(self, issue: IssueView) -> tuple:
        meta = issue.meta
        return (self._issue_link(issue), issue.year, meta.date, meta.date_inferred, meta.date_method,
                meta.number, meta.title, [self.card(a) for a in issue.articles],
                [(a.article.page, a.article.page_name) for a in issue.articles],
                self._issue_link(issue.previous), self._issue_link(issue.next))

    def _site_index(self, template: str) -> tuple:
        model = self.model
        if template == "home.html":
            latest = model.latest_issue
            lead = latest.articles[0] if latest and latest.articles else None
            return (self._issue_link(latest), [self.card(a) for a in latest.articles] if latest else [],
                    (lead.summary, [(c.person.name, c.person.url, c.role) for c in lead.credits]) if lead else None,
                    [self._issue_link(i) + (len(i.articles),) for i in model.issues[-13:-1]],
                    [(y.label, y.url, len(y.issues)) for y in model.years])
        if template == "archive.html":
            return [(y.label, y.url, [self._issue_link(i) + (len(i.articles),) for i in y.issues]) for y in model.years]
        if template == "units.html":
            return (len(model.units), [(u.name, u.label, u.url, u.count, u.total_count, self._subtree(u))
                                       for u in model.unit_roots])
        if template == "tags.html":
            return [(initial, [(t.name, t.url, len(t.articles)) for t in tags]) for initial, tags in model.tag_groups()]
        return [(p.name, p.url, p.roles, len(p.credits)) for p in model.people]

    def _calendar_page(self, calendar) -> tuple:
        """A year's calendar shows each issue's link and date, and the neighbouring years."""
        return (calendar.year, [self._issue_link(i) + (i.meta.date,) for i in calendar.issues],
                calendar.previous.url if calendar.previous else None, calendar.next.url if calendar.next else None)

    def _unit_header(self, unit: UnitView) -> tuple:
        return (unit.label, unit.count, unit.total_count, unit.all_directory, bool(unit.children),
                self._subtree(unit))

    def _subtree(self, unit: UnitView) -> tuple:
        key = id(unit)
        tree = self._subtrees.get(key)
        if tree is None:
            tree = tuple((c.name, c.label, c.url, c.count, c.total_count, self._subtree(c)) for c in unit.children)
            self._subtrees[key] = tree
        return tree
