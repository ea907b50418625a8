"""The site model: every issue, article, unit, tag, person and year with its URL and links.

Built once from a ContentSet; pages are then pure functions of this model.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path


from ..caches import Memo, package_versions, source_digest
from .deps import INTERNAL, Tracked, derived, tracked
from ..config import SiteConfig
from ..enrich.tags import TopicVocabulary
from ..content import ContentSet, markdown_to_blocks
from ..records import Article, IssueMeta, article_stem
from ..lang.slugs import slugify
from .issue_urls import IssueUrls, month_ordinal
from .urls import assign_unique_slugs

ROLES = (("reporters", "记者"), ("correspondents", "通讯员"), ("photographers", "摄"))
SUMMARY_LENGTH = 90
RELATED_WINDOW = 12  # neighbours looked at per shared unit or tag; keeps related O(n)


class _View(Tracked):
    """A view of the site model. Reading it while a page renders records `dep_key` (deps.py).

    Views link to each other in cycles; a default dataclass repr would recurse without end."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {object.__getattribute__(self, 'dep_key')[1]}>"


@dataclass(eq=False, repr=False)
class Credit:
    """One person credited on an article (part of the article's view, not a view of its own)."""

    person: "PersonView"
    role: str

    def __repr__(self) -> str:
        return f"<Credit {self.role}>"


@tracked
@dataclass(eq=False, repr=False)
class UnitView(_View):
    name: str
    slug: str = ""
    parent: "UnitView | None" = None
    children: list["UnitView"] = field(default_factory=list)
    main_articles: list["ArticleView"] = field(default_factory=list)  # the article's own unit
    mention_articles: list["ArticleView"] = field(default_factory=list)  # mentioned in the text

    def __post_init__(self) -> None:
        fields = self.__dict__  # not through the recording attribute access: no key yet
        fields["dep_key"] = ("unit", fields["name"])

    @property
    def label(self) -> str:
        """The name as shown under its parent: `化雨派出所` under `金乡县公安局`."""
        parent = self.parent.name if self.parent else ""
        if parent and self.name.startswith(parent) and len(self.name) > len(parent):
            return self.name[len(parent):]
        return self.name

    @property
    def url(self) -> str:
        return f"units/{self.slug}/index.html"

    @property
    def directory(self) -> str:
        return f"units/{self.slug}"

    @property
    def all_directory(self) -> str:
        return f"units/{self.slug}/all"

    @property
    def mentions_directory(self) -> str:
        """The list of articles that mention the unit in their text (another unit being their own)."""
        return f"units/{self.slug}/mentions"

    @property
    def articles(self) -> list["ArticleView"]:
        return self.main_articles + self.mention_articles

    @property
    def count(self) -> int:
        return len(self.main_articles) + len(self.mention_articles)

    def ancestors(self) -> list["UnitView"]:
        """From the top of the hierarchy down to this unit's parent."""
        chain, node = [], self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain

    def is_mentioned_in(self, article: "ArticleView") -> bool:
        return article.unit is not self and any(u is self for u in article.mentioned_units)

    def descendants(self) -> list["UnitView"]:
        out = []
        for child in self.children:
            out.append(child)
            out.extend(child.descendants())
        return out

    @derived
    def articles_with_descendants(self) -> list["ArticleView"]:
        # Asked for by every page of a unit's list and the units index; the model is complete
        # before any page is rendered, so the answer is kept.
        seen: dict[int, ArticleView] = {}
        for unit in [self, *self.descendants()]:
            for article in unit.articles:
                seen.setdefault(id(article), article)
        return sorted(seen.values(), key=newest_first)

    @property
    def total_count(self) -> int:
        return len(self.articles_with_descendants())


@tracked
@dataclass(eq=False, repr=False)
class TagView(_View):
    name: str
    slug: str = ""
    articles: list["ArticleView"] = field(default_factory=list)

    def __post_init__(self) -> None:
        fields = self.__dict__  # not through the recording attribute access: no key yet
        fields["dep_key"] = ("tag", fields["name"])

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/index.html"

    @property
    def directory(self) -> str:
        return f"tags/{self.slug}"

    @property
    def initial(self) -> str:
        return pinyin_initial(self.name)


@tracked
@dataclass(eq=False, repr=False)
class PersonView(_View):
    name: str
    slug: str = ""
    credits: list[tuple["ArticleView", str]] = field(default_factory=list)  # (article, role)

    def __post_init__(self) -> None:
        fields = self.__dict__  # not through the recording attribute access: no key yet
        fields["dep_key"] = ("person", fields["name"])

    @property
    def url(self) -> str:
        return f"people/{self.slug}/index.html"

    @property
    def directory(self) -> str:
        return f"people/{self.slug}"

    @property
    def roles(self) -> list[str]:
        return [role for _, role in ROLES if any(r == role for _, r in self.credits)]


@tracked
@dataclass(eq=False, repr=False)
class IssueView(_View):
    meta: IssueMeta
    slug: str
    label: str  # display date as printed, e.g. "2024年3月15日 星期五", "2024年4月 第1期（推定）"
    articles: list["ArticleView"] = field(default_factory=list)
    position: int = field(default=0, metadata=INTERNAL)  # chronological: 0 is the oldest
    previous: "IssueView | None" = None
    next: "IssueView | None" = None

    def __post_init__(self) -> None:
        fields = self.__dict__  # not through the recording attribute access: no key yet
        fields["dep_key"] = ("issue", fields["meta"].id)

    @property
    def id(self) -> str:
        return self.meta.id

    def pages(self) -> list["PageGroup"]:
        """The issue's articles by printed page (版), in page order; articles without a page
        last. Empty when no article has a page: the issue is then one list."""
        if not any(a.article.page for a in self.articles):
            return []
        groups: dict[int | None, PageGroup] = {}
        for article in self.articles:
            number = article.article.page
            group = groups.setdefault(number, PageGroup(number, None))
            group.name = group.name or article.article.page_name
            group.articles.append(article)
        return sorted(groups.values(), key=lambda g: (g.number is None, g.number or 0))

    @property
    def url(self) -> str:
        return f"issues/{self.slug}/index.html"

    @property
    def year(self) -> str | None:
        return self.meta.date[:4] if self.meta.date else None

    @property
    def heading(self) -> str:
        parts = []
        if self.meta.title:
            parts.append(self.meta.title)
        if self.meta.number is not None:
            parts.append(f"第{self.meta.number}期")
        parts.append(self.label)
        if not parts[:-1] and not self.meta.date:
            parts.append(self.id)  # several undated issues must still be told apart
        return " · ".join(parts)


@tracked
@dataclass(eq=False, repr=False)
class PageGroup:
    """One printed page (版) of an issue (made from its articles' views, which record the reads)."""

    number: int | None  # None: articles whose page is not known
    name: str | None
    articles: list["ArticleView"] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"page-{self.number}" if self.number else "page-other"

    def __repr__(self) -> str:
        return f"<PageGroup {self.number}>"

    @property
    def label(self) -> str:
        if self.number is None:
            return "其他"
        return f"第{self.number}版" + (f" {self.name}" if self.name else "")


@tracked
@dataclass(eq=False, repr=False)
class ArticleView(_View):
    article: Article
    issue: IssueView
    slug: str
    unit: UnitView | None = None
    mentioned_units: list[UnitView] = field(default_factory=list)
    tags: list[TagView] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    summary: str = ""
    previous: "ArticleView | None" = None
    next: "ArticleView | None" = None
    related: list["ArticleView"] = field(default_factory=list)
    sort_key: tuple = field(default=(), metadata=INTERNAL)  # newest first, once positions are known
    images: list = field(default_factory=list)  # photos.ImageView, attached by render.prepare_site
    photo: object = None  # photos.PhotoLayout: pictures, captions and the body without them

    def __post_init__(self) -> None:
        fields = self.__dict__  # not through the recording attribute access: no key yet
        fields["dep_key"] = ("article", fields["article"].path)

    @property
    def url(self) -> str:
        return f"issues/{self.issue.slug}/{self.slug}.html"

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def kicker(self) -> str | None:
        return self.article.kicker

    @property
    def pretitle(self) -> str | None:
        return self.article.pretitle

    @property
    def subtitle(self) -> str | None:
        return self.article.subtitle

    @property
    def draft(self) -> bool:
        return self.article.draft

    @property
    def thumbnail(self):
        return self.images[0] if self.images else None

    @property
    def date(self) -> str | None:
        return self.issue.meta.date or self.article.date

    def credits_by_role(self) -> list[tuple[str, list["PersonView"]]]:
        grouped = []
        for _, role in ROLES:
            people = [c.person for c in self.credits if c.role == role]
            if people:
                grouped.append((role, people))
        return grouped


@tracked
@dataclass(eq=False, repr=False)
class YearView(_View):
    year: str  # "2024", or "" for issues without a date
    issues: list[IssueView] = field(default_factory=list)

    def __post_init__(self) -> None:
        fields = self.__dict__  # not through the recording attribute access: no key yet
        fields["dep_key"] = ("year", fields["year"])

    @property
    def label(self) -> str:
        return f"{self.year}年" if self.year else "日期不详"

    @property
    def slug(self) -> str:
        return self.year or "undated"

    @property
    def url(self) -> str:
        return f"archive/{self.slug}/index.html"

    @property
    def directory(self) -> str:
        return f"archive/{self.slug}"

    @property
    def articles(self) -> list[ArticleView]:
        return sorted((a for issue in self.issues for a in issue.articles), key=newest_first)


@tracked
@dataclass(eq=False)
class SiteModel(Tracked):
    config: SiteConfig
    issues: list[IssueView]  # chronological (oldest first)
    articles: list[ArticleView]  # issue order, then printed order
    units: list[UnitView]  # every unit
    unit_roots: list[UnitView]  # top of the hierarchy, pinyin order
    tags: list[TagView]  # pinyin order
    people: list[PersonView]  # pinyin order
    years: list[YearView]  # newest first
    hierarchy_source: str  # "registry" or "flat"

    # Each list of the model is a dependency of its own: a page showing the tag index does not
    # depend on the list of people.
    dep_key = ("model", "")

    def views_by_key(self) -> dict:
        """Every view of the model by its dependency key."""
        views: dict = {}
        for group in (self.issues, self.articles, self.units, self.tags, self.people, self.years):
            for view in group:
                views[object.__getattribute__(view, "dep_key")] = view
        return views

    @property
    def latest_issue(self) -> IssueView | None:
        return self.issues[-1] if self.issues else None

    def tag_groups(self) -> list[tuple[str, list[TagView]]]:
        groups: dict[str, list[TagView]] = defaultdict(list)
        for tag in self.tags:
            groups[tag.initial].append(tag)
        return sorted(groups.items(), key=lambda kv: (kv[0] == "#", kv[0]))


# --- ordering helpers --------------------------------------------------------------------------

# Sort keys of names seen before, kept between builds (see cache.Memo).
PINYIN_MEMO = Memo("pinyin", source_digest(Path(__file__)) + package_versions("pypinyin"))


def pinyin_key(text: str) -> tuple:
    return (PINYIN_MEMO.get(("key", text), lambda: _pinyin(text, "TONE3").lower()), text)


def pinyin_initial(text: str) -> str:
    letter = PINYIN_MEMO.get(("initial", text[:1]), lambda: _pinyin(text[:1] or "#", "FIRST_LETTER")[:1].upper())
    return letter if "A" <= letter <= "Z" else "#"


def _pinyin(text: str, style: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=getattr(Style, style))) or "#"


def issue_sort_key(meta: IssueMeta) -> tuple:
    # Undated issues sort before dated ones, so "latest" is the newest issue with a date.
    return (meta.date or "", meta.id)


def first_appearance(articles: list["ArticleView"]) -> tuple:
    """When a unit, tag or person first appeared: the oldest of their articles."""
    return min(((a.issue.position, a.article.order, a.article.path) for a in articles), default=(1 << 30,))


def newest_first(article: ArticleView) -> tuple:
    return article.sort_key


def published_date(article: ArticleView) -> str | None:
    """The most precise date known for an article: its own front-matter date when it refines the
    issue's (`2024-04-15` within issue `2024-04`), else the issue's (what lists show and sort by)."""
    own, issue = article.article.date, article.issue.meta.date
    if own and issue and own != issue and own.startswith(issue + "-"):
        return own
    return issue or own


# --- building the model ------------------------------------------------------------------------

def build_model(content: ContentSet, config: SiteConfig, registry=None, topics: TopicVocabulary | None = None,
                issue_urls: IssueUrls | None = None, published: Path | None = None) -> SiteModel:
    if not config.show_drafts and any(a.draft for a in content.articles):
        # A draft is not part of the site: no page, no list entry, feed, search or sitemap entry.
        content = ContentSet(content.issues, [a for a in content.articles if not a.draft], content.errors,
                             root=content.root)
    metas = dict(content.issues)
    for article in content.articles:  # an article whose issue.yml is missing still gets an issue
        metas.setdefault(article.issue, IssueMeta(id=article.issue, source=article.source, date=article.date))
    issues = _build_issues(metas, issue_urls if issue_urls is not None else IssueUrls(), published)
    by_id = {issue.id: issue for issue in issues}
    articles = _build_articles(content, by_id)
    units, roots, source = _build_units(articles, registry)
    tags = _build_tags(articles, topics or TopicVocabulary.default())
    people = _build_people(articles)
    _link_related(articles, config.related_count)
    years = _build_years(issues)
    return SiteModel(config, issues, articles, units, roots, tags, people, years, source)


def _build_issues(metas: dict[str, IssueMeta], issue_urls: IssueUrls, published: Path | None = None
                  ) -> list[IssueView]:
    ordered = sorted(metas.values(), key=issue_sort_key)
    slugs = issue_urls.assign(ordered, published)
    issues = [IssueView(meta, slugs[meta.id], issue_label(meta, month_ordinal(slugs[meta.id], meta.date)), position=i)
              for i, meta in enumerate(ordered)]
    for earlier, later in zip(issues, issues[1:]):
        earlier.next, later.previous = later, earlier
    return issues


WEEKDAYS = "一二三四五六日"


def issue_label(meta: IssueMeta, ordinal: int | None = None) -> str:
    """The date as printed: "2024年3月15日 星期五"; a month: "2024年3月 第1期（推定）" (the 第N期
    tells issues of one month apart when no number is printed)."""
    if not meta.date:
        return "日期不详"
    parts = [int(p) for p in meta.date.split("-")]
    text = f"{parts[0]}年"
    if len(parts) > 1:
        text += f"{parts[1]}月"
    if len(parts) > 2:
        text += f"{parts[2]}日 星期{WEEKDAYS[_dt.date(*parts).weekday()]}"
    elif len(parts) == 2 and ordinal is not None and meta.number is None:
        text += f" 第{ordinal}期"
    return text + ("（推定）" if meta.date_inferred else "")


def _build_articles(content: ContentSet, issues: dict[str, IssueView]) -> list[ArticleView]:
    views = []
    for issue in issues.values():
        in_issue = content.issue_articles(issue.id)
        slugs = assign_unique_slugs([a.path for a in in_issue],
                                    lambda path: slugify(article_stem(path.rsplit("/", 1)[-1])),
                                    reserved=["index"])
        for article in in_issue:
            view = ArticleView(article, issue, slugs[article.path], summary=first_sentence(article.body),
                               sort_key=(-issue.position, article.order, article.path))
            issue.articles.append(view)
        for earlier, later in zip(issue.articles, issue.articles[1:]):
            earlier.next, later.previous = later, earlier
        views.extend(issue.articles)
    return views


_BLANK_LINES = re.compile(r"\n\s*\n")


def first_sentence(body: str) -> str:
    # Only the first paragraph is needed: look at the body's blocks one at a time.
    start = 0
    text = body.strip()
    while start <= len(text):
        match = _BLANK_LINES.search(text, start)
        end = match.start() if match else len(text)
        blocks = markdown_to_blocks(text[start:end])
        if blocks and blocks[0].kind == "paragraph" and blocks[0].text.strip():
            sentence_text = blocks[0].text.strip()
            found = re.search(r"[。！？!?]", sentence_text)
            sentence = sentence_text[: found.end()] if found else sentence_text
            if len(sentence) > SUMMARY_LENGTH:
                sentence = sentence[: SUMMARY_LENGTH - 1] + "…"
            return sentence
        if not match:
            break
        start = match.end()
    return ""


def _build_units(articles: list[ArticleView], registry) -> tuple[list[UnitView], list[UnitView], str]:
    def canonical(name: str) -> str:
        # Units were resolved from the text at import; here an alias an editor typed is mapped.
        return registry.known_name(name) if registry is not None else name

    units: dict[str, UnitView] = {}

    def unit(name: str) -> UnitView:
        if name not in units:
            units[name] = UnitView(name)
        return units[name]

    for view in articles:
        main = canonical(view.article.unit) if view.article.unit else None
        if main:
            view.unit = unit(main)
            view.unit.main_articles.append(view)
        for name in dict.fromkeys(canonical(n) for n in view.article.units):
            if name and name != main:
                mentioned = unit(name)
                mentioned.mention_articles.append(view)
                view.mentioned_units.append(mentioned)
    if registry is not None:
        _attach_ancestors(units, registry, unit)
    for item in units.values():
        item.main_articles.sort(key=newest_first)
        item.mention_articles.sort(key=newest_first)
        item.children.sort(key=lambda u: (pinyin_key(u.label), u.name))
    slugs = assign_unique_slugs(units, slugify, reserved=["index"],
                                seniority=lambda name: first_appearance(units[name].articles_with_descendants()))
    for name, item in units.items():
        item.slug = slugs[name]
    roots = sorted((u for u in units.values() if u.parent is None), key=lambda u: pinyin_key(u.name))
    ordered = sorted(units.values(), key=lambda u: pinyin_key(u.name))
    return ordered, roots, "registry" if registry is not None else "flat"


def _attach_ancestors(units: dict[str, UnitView], registry, make_unit) -> None:
    pending = list(units)
    while pending:
        name = pending.pop()
        child = units[name]
        if child.parent is not None:
            continue
        parent_name = registry.parent(name)
        if not parent_name or parent_name == name or _is_ancestor(units.get(parent_name), child):
            continue
        is_new = parent_name not in units
        parent = make_unit(parent_name)
        child.parent = parent
        parent.children.append(child)
        if is_new:
            pending.append(parent_name)


def _is_ancestor(candidate: UnitView | None, unit: UnitView) -> bool:
    # Guards against a cycle in registry data turning the tree into a loop.
    node = candidate
    while node is not None:
        if node is unit:
            return True
        node = node.parent
    return False


def _build_tags(articles: list[ArticleView], topics: TopicVocabulary) -> list[TagView]:
    """Tag pages: a synonym is shown as its topic; a tag that is no curated topic gets a page (and
    a link from its articles) only once a second article uses it (TopicVocabulary.has_page). It
    stays in the article's front matter either way."""
    found: dict[str, TagView] = {}
    for view in articles:
        for name in dict.fromkeys(topics.fold(t.strip()) for t in view.article.tags):
            if name:
                found.setdefault(name, TagView(name)).articles.append(view)
    tags = {name: tag for name, tag in found.items() if topics.has_page(name, len(tag.articles))}
    for view in articles:
        names = dict.fromkeys(topics.fold(t.strip()) for t in view.article.tags)
        view.tags = [tags[name] for name in names if name in tags]
    # Slugs over every tag, with or without a page, so that a tag getting its page never takes
    # the plain slug (the URL) of another.
    slugs = assign_unique_slugs(found, slugify, reserved=["index"],
                                seniority=lambda name: first_appearance(found[name].articles))
    for name, tag in tags.items():
        tag.slug = slugs[name]
        tag.articles.sort(key=newest_first)
    return sorted(tags.values(), key=lambda t: pinyin_key(t.name))


_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_SPACE_BY_CJK = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+|\s+(?=[\u3400-\u9fff\uf900-\ufaff])")


def person_name(printed: str) -> str:
    """One person, however the name was typed: NFKC folds look-alikes (`⼩` U+2F29 is `小`) and
    full-width forms, invisible characters (zero-width space, joiners, direction marks) go, a
    no-break space is a space, and spaces between Chinese characters go (`王 小明` is `王小明`).
    The content file keeps what was typed."""
    name = _INVISIBLE.sub("", unicodedata.normalize("NFKC", printed))
    return _SPACE_BY_CJK.sub("", " ".join(name.split()))


def _build_people(articles: list[ArticleView]) -> list[PersonView]:
    people: dict[str, PersonView] = {}
    for view in articles:
        for attribute, role in ROLES:
            for name in dict.fromkeys(person_name(n) for n in getattr(view.article, attribute)):
                if name:
                    person = people.setdefault(name, PersonView(name))
                    person.credits.append((view, role))
                    view.credits.append(Credit(person, role))
    slugs = assign_unique_slugs(people, lambda name: slugify(name, compact=True), reserved=["index"],
                                seniority=lambda name: first_appearance([a for a, _ in people[name].credits]))
    for name, person in people.items():
        person.slug = slugs[name]
        person.credits.sort(key=lambda credit: newest_first(credit[0]))
    return sorted(people.values(), key=lambda p: pinyin_key(p.name))


def _link_related(articles: list[ArticleView], limit: int) -> None:
    """Related = same unit or shared tags, scored by overlap.

    Each unit's and tag's articles are kept in chronological order and an article only looks at
    its RELATED_WINDOW nearest neighbours in each, so the cost grows with n, not n². Articles are
    handled by their index in `articles` (ints hash and compare in C, and Counter counts the
    neighbours in C: this runs for every article of the site in every build).
    """
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    keys_of: list[list[tuple[str, str]]] = []
    for index, view in enumerate(articles):
        keys = [("tag", t.name) for t in view.tags]
        if view.unit is not None:
            keys.append(("unit", view.unit.name))
        keys_of.append(keys)
        for key in keys:
            buckets[key].append(index)
    sort_keys = [view.sort_key for view in articles]
    positions = [view.issue.position for view in articles]
    places: list[dict[tuple[str, str], int]] = [{} for _ in articles]  # an article's place in each bucket
    for key, bucket in buckets.items():
        bucket.sort(key=sort_keys.__getitem__)
        for place, index in enumerate(bucket):
            places[index][key] = place
    half = RELATED_WINDOW // 2
    for index, view in enumerate(articles):
        scores: Counter[int] = Counter()
        for key in keys_of[index]:
            here = places[index][key]
            window = buckets[key][max(0, here - half):here + half + 1]
            scores.update(window)
            if key[0] == "unit":  # a shared unit weighs twice a shared tag
                scores.update(window)
        scores.pop(index, None)
        here_position = positions[index]
        # Only candidates scoring at least the limit-th best score can be among the first
        # `limit`; (score, distance, newest first) never ties (sort_key ends with the unique
        # path), so the article itself is never compared. Sorting in C beats a heap.
        floor = sorted(scores.values(), reverse=True)[limit - 1] if len(scores) > limit > 0 else 0
        ranked = sorted([(-score, abs(positions[other] - here_position), sort_keys[other], other)
                         for other, score in scores.items() if score >= floor])[:limit]
        view.related = [articles[entry[-1]] for entry in ranked]


def _build_years(issues: list[IssueView]) -> list[YearView]:
    years: dict[str, YearView] = {}
    for issue in issues:
        key = issue.year or ""
        years.setdefault(key, YearView(key)).issues.append(issue)
    for year in years.values():
        year.issues.reverse()  # newest first within a year
    # Newest year first; issues without a date last.
    return sorted(years.values(), key=lambda y: (y.year != "", y.year), reverse=True)
