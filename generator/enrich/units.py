"""Police units: the registry (generator/data/units.yml), unit mentions in text, an article's main unit.

A mention is either a printed alias from the registry (with a registry place printed before it:
"金乡化雨派出所", "济宁禁毒支队") or a name the text prints before 派出所,
分局, 公安局, 支队 or 大队. A unit the registry lacks is attached to the unit printed just before
it: right before it in the same phrase ("嘉祥县公安局老僧堂派出所"), else the same name printed in
full earlier in the text, else a Jining place it starts with ("邹城交警大队"), else the nearest
unit printed earlier that can hold it. Police functions are folded to one printed form
(`functions` in units.yml: 交通警察 -> 交警), so every order and form of a name's parts (place +
bureau + function + level) gives one canonical unit, and the main unit is given by that name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
import dataclasses
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..content import load_yaml
from ..sitedata import forget_on_change, site_file
from ..lang.segment import domain_vocabulary, get_jieba, word_tags

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "units.yml"

KINDS = ("city", "county", "branch", "detachment", "brigade", "station", "collective", "other", "institution",
         "external")
# Bodies that do not police (training bases, schools): an article's main unit only when its
# headline or kicker names them; otherwise the police unit it mentions is.
NOT_MAIN_KINDS = ("institution",)

# Which kinds of unit can hold a unit of each kind (a 派出所 sits under a 县/市公安局 or a 分局 …).
_PARENT_KINDS = {
    "station": ("county", "branch"),
    "brigade": ("county", "branch", "detachment"),
    "detachment": ("city",),
    "branch": ("city",),
    "county": ("city",),
    "other": ("city", "county", "branch", "detachment"),
    "institution": ("city", "county", "branch", "detachment"),
}
# A unit printed as the source of what is reported ("记者从市公安局获悉", "据市公安局介绍") is
# not the article's actor.
_SOURCE_BEFORE = re.compile(r"(?:从|据|向|经)$")
_SOURCE_AFTER = re.compile(r"^[^，。；！？]{0,8}?(?:获悉|了解到|得知|介绍|消息|通报|透露)")

# The printed endings that make a phrase a unit name; "大队长", "支队长", "分局长" are ranks.
_SUFFIX = re.compile(r"(?:公安)?派出所|(?:公安)?分局(?!长)|公安局(?!长)|支队(?!长)|大队(?!长)")
_SUFFIX_KIND = (("派出所", "station"), ("分局", "branch"), ("公安局", "county"), ("支队", "detachment"),
                ("大队", "brigade"))

_MAX_NAME = 8  # longest place-like name printed before a suffix ("经济技术开发区" is 7)
# Single characters that end a name when read backwards (prepositions, verbs of motion, measure words).
_STOP_CHARS = set("到在于向从与和及同跟对把将被让由经据至往赴给为是有了的之也又就还都并或而其该各本每此这那某"
                  "我你他她它们来去进入回送找访看请着过个名家处支座所等辆台部次起人批项条件份")
# jieba tags of multi-character words that cannot be part of a unit's name (verbs, pronouns, time …).
_STOP_TAG_PREFIXES = ("v", "p", "c", "u", "d", "r", "t", "y", "e", "o", "q", "f", "l", "i", "a", "b", "z")
_NOT_NAME_ENDINGS = ("式", "级", "型", "类", "性")
_CJK = re.compile(r"[\u3007\u4e00-\u9fff]")
_FOREIGN_PLACE_ENDINGS = ("省", "市", "县", "自治区")
# Without a unit printed right before it, a name must look like one: a station is named after a
# place (its last character or a place/person word), a 大队/支队 after a police function.
_PLACE_ENDINGS = set("庄村镇乡街路桥河湖山店寺集屯营堂铺关门城区楼园口岗坊港湾洼坡台沟岭峪寨堡圩埠站场里庙阁亭坝闸"
                     "井泉州滩洲林宫府道巷港岛塘池溪江")
_PLACE_TAGS = ("ns", "nr", "nz", "s")
_FUNCTION_ENDINGS = set("警侦安制毒管察保务勤防控巡技恐犯审")


@dataclass(frozen=True)
class Unit:
    name: str  # canonical name, e.g. "市公安局市中区分局"
    parent: str | None  # canonical name of the parent unit, None for top level
    kind: str
    aliases: tuple[str, ...]
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """One unit printed in a text."""

    printed: str  # the unit's own words, e.g. "化雨派出所"
    full_printed: str  # with the units printed right before it that contain it: "金乡县公安局化雨派出所"
    canonical: str
    kind: str
    start: int  # offsets of `printed` in the text given to mentions()
    end: int
    known: bool  # True when the unit is in the registry, False when recognised by pattern
    qualifier: bool = False  # only printed to place the unit right after it ("市公安局" in "市公安局兖州分局")


@dataclass
class UnitNode:
    name: str  # canonical name
    label: str  # the name without its parent's name ("二十里铺派出所" under "市公安局任城区分局")
    kind: str
    children: list["UnitNode"] = field(default_factory=list)


class UnitRegistry:
    def __init__(self, units: Iterable[Unit], generic_names: Iterable[str] = (),
                 functions: dict[str, Iterable[str]] | None = None):
        # Printed forms of a police function -> its one canonical form (交通警察 -> 交警), so that
        # "邹城市公安局交通警察大队" and "邹城交警大队" are one unit.
        self._function_forms = {variant: canonical for canonical, variants in (functions or {}).items()
                                for variant in variants if variant != canonical}
        forms = sorted(self._function_forms, key=lambda f: (-len(f), f))
        self._function_re = re.compile("|".join(map(re.escape, forms))) if forms else None
        self._function_words = sorted(set(self._function_forms) | set(self._function_forms.values()),
                                      key=lambda f: (-len(f), f))
        self._units: dict[str, Unit] = {}
        for unit in units:
            if unit.name in self._units:
                raise ValueError(f"unit {unit.name!r} is listed twice")
            self._units[unit.name] = unit
        self._alias: dict[str, str] = {}
        self._recent_mentions: dict[str, tuple[Mention, ...]] = {}
        for unit in self._units.values():
            for printed in (unit.name, *unit.aliases):
                other = self._alias.setdefault(printed, unit.name)
                if other != unit.name:
                    raise ValueError(f"alias {printed!r} names both {other!r} and {unit.name!r}")
        self._places: dict[str, str] = {}
        for unit in self._units.values():
            for place in unit.places:
                self._places[place] = unit.name
        self._generic = frozenset(generic_names)
        # Every registry name and alias with its functions in canonical form, for units found by
        # pattern ("网安大队" printed after 市中区分局 is the registry's 市公安局市中区分局网警大队).
        self._normalized: dict[str, str] = {}
        for printed, canonical in self._alias.items():
            self._normalized.setdefault(self.normalize_functions(printed), canonical)
        alternatives = sorted(self._alias, key=lambda a: (-len(a), a))
        self._alias_re = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        self._children: dict[str, list[str]] = {}
        for unit in self._units.values():
            if unit.parent:
                self._children.setdefault(unit.parent, []).append(unit.name)

    # --- loading -------------------------------------------------------------------------------

    @classmethod
    def default(cls) -> "UnitRegistry":
        return _default_registry()

    @classmethod
    def from_yaml(cls, path: Path) -> "UnitRegistry":
        try:
            data = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
        except Exception as exc:  # noqa: BLE001 - any failure names the file
            raise ValueError(f"{path}: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: must hold `units:`, a list of units")
        units: list[Unit] = []

        def walk(entries, parent: str | None, where: str) -> None:
            for position, entry in enumerate(entries or []):
                here = f"{path}: {where}[{position}]"
                if not isinstance(entry, dict) or not entry.get("name"):
                    raise ValueError(f"{here}: each unit needs a `name`")
                kind = entry.get("kind", "other")
                if kind not in KINDS:
                    raise ValueError(f"{here} ({entry['name']}): kind must be one of {', '.join(KINDS)}")
                # A site's own data/units.yml may put a unit under one of the generator's units.
                own_parent = str(entry["parent"]) if parent is None and entry.get("parent") else parent
                units.append(Unit(str(entry["name"]), own_parent, kind, tuple(map(str, entry.get("aliases") or ())),
                                  tuple(map(str, entry.get("places") or ()))))
                walk(entry.get("children"), str(entry["name"]), f"{where}[{position}].children")

        walk(data.get("units"), None, "units")
        functions = {str(k): tuple(map(str, v or ())) for k, v in (data.get("functions") or {}).items()}
        return cls(units, map(str, data.get("generic_names") or ()), functions)

    def extended(self, other: "UnitRegistry") -> "UnitRegistry":
        """This registry with `other`'s units added; a unit `other` also lists is replaced by
        its entry, and an alias `other` gives to one of its units is taken from any other unit."""
        taken = {printed for unit in other._units.values() for printed in (unit.name, *unit.aliases)}
        units = [dataclasses.replace(unit, aliases=tuple(a for a in unit.aliases if a not in taken))
                 for name, unit in self._units.items() if name not in other._units and name not in taken]
        return UnitRegistry(units + list(other._units.values()), self._generic | other._generic)

    # --- lookups -------------------------------------------------------------------------------

    def canonical(self, printed: str) -> str | None:
        """Canonical name of a printed unit name (an alias or a name recognised by pattern)."""
        printed = _compact(printed)[0].strip()
        if printed in self._alias:
            return self._alias[printed]
        found = [m for m in self.mentions(printed) if m.kind != "external"]
        if found and found[-1].end == len(printed) and found[-1].full_printed == printed:
            return found[-1].canonical
        return None

    def known_name(self, name: str) -> str:
        """The registry's name for a name already resolved at import (an alias or the name itself).

        Cheap enough for every build: no text analysis, unlike `canonical`."""
        compact = _compact(name)[0].strip()
        return self._alias.get(compact, compact)

    def get(self, name: str) -> Unit | None:
        return self._units.get(name)

    def parent(self, name: str) -> str | None:
        unit = self._units.get(name)
        if unit is not None:
            return unit.parent
        # A unit recognised by pattern is named after its parent: the longest known name it starts with.
        best = None
        for known in self._units:
            if name.startswith(known) and len(known) < len(name) and (best is None or len(known) > len(best)):
                best = known
        return best

    def kind(self, name: str) -> str:
        unit = self._units.get(name)
        if unit is not None:
            return unit.kind
        return _kind_of_suffix(name) or "other"

    def children(self, name: str) -> list[str]:
        return sorted(self._children.get(name, []), key=_pinyin_key)

    # --- mentions in text ----------------------------------------------------------------------

    def mentions(self, text: str) -> list[Mention]:
        """Every unit the text names, in order (kept for the last few texts: an article's units,
        its main unit and its kicker are all worked out from the same text)."""
        cached = self._recent_mentions.get(text)
        if cached is None:
            if len(self._recent_mentions) >= 64:
                self._recent_mentions.clear()
            cached = self._recent_mentions[text] = tuple(self._find_mentions(text))
        return list(cached)

    def _find_mentions(self, text: str) -> list[Mention]:
        compact, index = _compact(text)
        spans = self._registry_spans(compact)
        events = [(s, e, canonical) for s, e, canonical in spans]
        covered = [(s, e) for s, e, _ in spans]
        for match in _SUFFIX.finditer(compact):
            if not any(s <= match.start() < e for s, e in covered):
                events.append((match.start(), match.end(), None))
        events.sort(key=lambda ev: (ev[0], ev[1]))

        found: list[Mention] = []
        for start, end, canonical in events:
            previous = found[-1] if found else None
            if canonical is not None:
                mention = self._registry_mention(compact, start, end, canonical, previous)
            else:
                mention = self._pattern_mention(compact, start, end, found)
            if mention is None:
                continue
            if previous is not None and previous.end == mention.start and self._is_ancestor(
                    previous.canonical, mention.canonical):
                mention = replace(mention, full_printed=previous.full_printed + mention.printed)
                found[-1] = replace(previous, qualifier=True)
            found.append(mention)
        return [replace(m, start=index[m.start], end=index[m.end - 1] + 1) for m in found]

    def _registry_spans(self, compact: str) -> list[tuple[int, int, str]]:
        spans = []
        if self._alias_re is None:
            return spans
        position = 0
        while True:
            match = self._alias_re.search(compact, position)
            if match is None:
                return spans
            start = match.start()
            if match.group()[0] == "市" and _place_before(compact, start):
                # "枣庄市公安局" is not 市公安局; in "济宁市禁毒支队" the 市 ends 济宁市, and
                # what follows may still be a unit: look again from the next character.
                position = start + 1
                continue
            if self._foreign_place_before(compact, start):
                position = match.end()  # "枣庄市禁毒支队": another city's unit (the pattern says external)
                continue
            spans.extend(self._split_nested(match.group(), self._alias[match.group()], start))
            position = match.end()

    def _foreign_place_before(self, compact: str, start: int) -> bool:
        """True when a city or county outside the registry is printed right before `start`."""
        tags = word_tags()
        for width in (2, 3, 4, 5):
            place = compact[max(0, start - width):start]
            if (len(place) == width and place.endswith(_FOREIGN_PLACE_ENDINGS) and tags.get(place) == "ns"
                    and place not in self._places):
                return True
        return False

    def _place_before(self, compact: str, start: int, boundary: int) -> tuple[str, Unit] | None:
        """The longest registry place printed right before `start` (after `boundary`), and its unit:
        "金乡" in "金乡化雨派出所", "济宁" in "济宁禁毒支队"."""
        for width in range(min(_MAX_NAME, start - boundary), 1, -1):
            place = compact[start - width:start]
            if place in self._places:
                return place, self._units[self._places[place]]
        return None

    def _split_nested(self, printed: str, canonical: str, start: int) -> list[tuple[int, int, str]]:
        """"市公安局兖州分局" is two printed units, the 分局 and the 市公安局 that holds it."""
        best: tuple[str, str] | None = None
        ancestor = self._units[canonical].parent
        while ancestor is not None:
            for alias in (ancestor, *self._units[ancestor].aliases):
                if len(alias) < len(printed) and printed.startswith(alias) and (best is None or len(alias) > len(best[0])):
                    best = (alias, ancestor)
            ancestor = self._units[ancestor].parent
        if best is None:
            return [(start, start + len(printed), canonical)]
        alias, ancestor = best
        return self._split_nested(alias, ancestor, start) + [(start + len(alias), start + len(printed), canonical)]

    def _registry_mention(self, compact: str, start: int, end: int, canonical: str,
                          previous: Mention | None) -> Mention:
        printed = compact[start:end]
        unit = self._units[canonical]
        boundary = previous.end if previous is not None else 0
        placed = self._place_before(compact, start, boundary) if boundary < start else None
        if placed is not None:
            place, holder = placed
            if holder.name == canonical or self._is_ancestor(holder.name, canonical):
                # "金乡化雨派出所", "济宁禁毒支队": the place of a unit that holds it, the same unit.
                return Mention(place + printed, place + printed, canonical, unit.kind, start - len(place), end, True)
            if unit.kind in ("station", "brigade") and holder.kind in _PARENT_KINDS[unit.kind]:
                # "嘉祥化雨派出所": a station of another county that shares the registry station's name.
                name, kind = self._known_or(holder.name + printed, unit.kind)
                return Mention(place + printed, place + printed, name, kind, start - len(place), end,
                               name in self._units)
        if (previous is not None and previous.end == start and unit.kind in ("station", "brigade")
                and unit.parent != previous.canonical and previous.kind in _PARENT_KINDS[unit.kind]):
            # A station name printed right after another unit than its registry parent: two places
            # share the name, and the text says which one is meant.
            name = previous.canonical + printed
            return Mention(printed, printed, name, unit.kind, start, end, name in self._units)
        return Mention(printed, printed, canonical, unit.kind, start, end, True)

    def _pattern_mention(self, compact: str, start: int, end: int, found: list[Mention]) -> Mention | None:
        suffix = compact[start:end]
        kind = _kind_of_suffix(suffix)
        boundary = found[-1].end if found else 0
        name = self._name_before(compact, boundary, start)
        if not name or name in self._generic or name.endswith(_NOT_NAME_ENDINGS):
            return None
        name_start = start - len(name)
        printed = name + suffix
        attached = self._attach(name, suffix, kind, name_start, found)
        if attached is None:
            return None
        canonical, kind = attached
        return Mention(printed, printed, canonical, kind, name_start, end, canonical in self._units)

    def _attach(self, name: str, suffix: str, kind: str, name_start: int,
                found: list[Mention]) -> tuple[str, str] | None:
        """Canonical name and kind of a unit recognised by pattern; None when it names no unit."""
        printed = name + suffix
        previous = found[-1] if found else None
        if previous is not None and previous.end == name_start and previous.kind in _PARENT_KINDS.get(kind, ()):
            return self._known_or(previous.canonical + printed, kind)
        for earlier in reversed(found):
            if earlier.kind == kind and earlier.canonical.endswith(printed):
                return earlier.canonical, kind
        place = next((name[:n] for n in range(len(name), 1, -1) if name[:n] in self._places), None)
        if place is not None:
            holder = self._units[self._places[place]]
            rest = name[len(place):]
            if not rest and kind == holder.kind or rest + suffix in ("公安局", "公安分局"):
                return holder.name, holder.kind  # "邹城公安局": another way to print the unit itself
            if rest or holder.kind in _PARENT_KINDS.get(kind, ()):
                return self._known_or(holder.name + rest + suffix.removeprefix("公安"), kind)
        if kind == "county" or _starts_with_foreign_place(name):
            return printed, "external"  # every Jining 县/市公安局 is in the registry
        if not _looks_like_unit_name(name, kind):
            return None  # "数据赋能派出所", "16辆派出所巡逻车": words that happen to precede the suffix
        for earlier in reversed(found):
            if earlier.kind in _PARENT_KINDS.get(kind, ()):
                return self._known_or(earlier.canonical + printed, kind)
        if kind in ("detachment", "branch"):
            city = next((u.name for u in self._units.values() if u.kind == "city"), None)
            if city:
                return self._known_or(city + printed, kind)
        return printed, kind

    def normalize_functions(self, name: str) -> str:
        """The name with each police function in its canonical form (刑警大队 -> 刑侦大队)."""
        if self._function_re is None:
            return name
        return self._function_re.sub(lambda m: self._function_forms[m.group()], name)

    def _known_or(self, name: str, kind: str) -> tuple[str, str]:
        known = self._alias.get(name) or self._normalized.get(self.normalize_functions(name))
        if known:
            unit = self._units[known]
            return unit.name, unit.kind
        return self.normalize_functions(name), kind

    def _name_before(self, compact: str, boundary: int, start: int) -> str:
        """The place-like words printed right before a suffix, without the words that lead to them."""
        left = start
        while left > max(boundary, start - _MAX_NAME) and _CJK.match(compact[left - 1]):
            left -= 1
        if left == start:
            return ""
        tags = word_tags()
        kept: list[str] = []
        # A police function is one part of the name, whatever jieba makes of it ("刑事侦查": an
        # attribute and a verb).
        function = next((f for f in self._function_words if compact.startswith(f, start - len(f))
                         and start - len(f) >= left), None)
        if function:
            kept.append(function)
            start -= len(function)
        for token in reversed(get_jieba().lcut(compact[left:start], HMM=False)):
            if token in self._generic or token in self._alias:
                break
            if len(token) == 1:
                if token in _STOP_CHARS:
                    break
            elif tags.get(token, "n").startswith(_STOP_TAG_PREFIXES) and token not in self._places:
                break
            kept.append(token)
        return "".join(reversed(kept))

    def _is_ancestor(self, maybe_ancestor: str, name: str) -> bool:
        seen = set()
        current = self.parent(name)
        while current is not None and current not in seen:
            if current == maybe_ancestor:
                return True
            seen.add(current)
            current = self.parent(current)
        return False

    # --- articles ------------------------------------------------------------------------------

    def main_unit(self, kicker: str | None, title: str, body: str) -> str | None:
        """The article's main unit, by its canonical name: the unit the kicker prints, else the
        actor of the text (the first unit it names that is not only the source of what is
        reported, nor a body that does not police unless the headline names it)."""
        chosen = self._main_mention(kicker, title, body)
        return chosen.canonical if chosen is not None else None

    def article_units(self, kicker: str | None, title: str, body: str) -> list[str]:
        """Canonical names of the units the article mentions, its main unit first."""
        names: list[str] = []
        chosen = self._main_mention(kicker, title, body)
        if chosen is not None:
            names.append(chosen.canonical)
        for mention in self._article_mentions(title, body):
            if not mention.qualifier and mention.canonical not in names:
                names.append(mention.canonical)
        return names

    def _article_mentions(self, title: str, body: str) -> list[Mention]:
        return [m for m in self.mentions(self._article_text(title, body)) if m.kind != "external"]

    @staticmethod
    def _article_text(title: str, body: str) -> str:
        return (title or "") + "\n\n" + _plain_body(body or "")

    def _main_mention(self, kicker: str | None, title: str, body: str) -> Mention | None:
        found = self._article_mentions(title, body)
        kicker = _compact(kicker or "")[0].strip()
        if kicker:
            kicker_mentions = [m for m in self.mentions(kicker) if m.kind != "external"]
            if kicker_mentions:
                target = kicker_mentions[-1]
                same = [m for m in found if m.canonical == target.canonical
                        or m.canonical.endswith(target.printed) and m.kind == target.kind]
                if same:
                    return max(same, key=lambda m: len(m.full_printed))
                return target  # the kicker prints it: it is the article's unit
        text = _compact(self._article_text(title, body))[0]
        title_text = _compact(title or "")[0]
        actors = [m for m in found if not m.qualifier]
        for mention in actors:
            if mention.kind in NOT_MAIN_KINDS and mention.printed not in title_text:
                continue  # a training base or school the article only mentions
            if self._is_source(text, mention) and mention is not actors[-1]:
                continue  # "记者从市公安局获悉，全市公安机关…": the bureau only tells
            return mention
        return None

    def _is_source(self, compact_text: str, mention: Mention) -> bool:
        """True when the text prints the unit as the source of the report ("据市公安局介绍")."""
        at = compact_text.find(mention.printed)
        while at >= 0:
            if _SOURCE_BEFORE.search(compact_text[max(0, at - 2):at]) and \
                    _SOURCE_AFTER.match(compact_text[at + len(mention.printed):]):
                return True
            at = compact_text.find(mention.printed, at + 1)
        return False

    # --- index page ----------------------------------------------------------------------------

    def hierarchy(self, names: Iterable[str]) -> list[UnitNode]:
        """The given units and their ancestors as a tree, each level in pinyin order."""
        nodes: dict[str, UnitNode] = {}
        roots: list[UnitNode] = []

        def ensure(name: str) -> UnitNode:
            if name in nodes:
                return nodes[name]
            parent = self.parent(name)
            label = name[len(parent):] if parent and name.startswith(parent) else name
            node = nodes[name] = UnitNode(name, label, self.kind(name))
            if parent is None:
                roots.append(node)
            else:
                ensure(parent).children.append(node)
            return node

        for name in names:
            ensure(name)

        def order(level: list[UnitNode]) -> list[UnitNode]:
            level.sort(key=lambda n: (_pinyin_key(n.label), n.name))
            for node in level:
                order(node.children)
            return level

        return order(roots)


@forget_on_change
@lru_cache(maxsize=1)
def _default_registry() -> UnitRegistry:
    registry = UnitRegistry.from_yaml(DATA_FILE)
    site = site_file("units.yml")
    return registry if site is None else registry.extended(UnitRegistry.from_yaml(site))


def _kind_of_suffix(name: str) -> str | None:
    for suffix, kind in _SUFFIX_KIND:
        if name.endswith(suffix):
            return kind
    return None


def _pinyin_key(text: str) -> str:
    from pypinyin import lazy_pinyin  # loaded only when a hierarchy is sorted

    return " ".join(lazy_pinyin(text))


_WHITESPACE = re.compile(r"\s+")


_RUNS = re.compile(r"(?P<space>\s+)|\S+")


def _compact(text: str) -> tuple[str, list[int]]:
    """Text without justification spaces and Markdown escapes, with each kept character's offset
    in the original. Line breaks stay (one newline each): in the importer's text they separate
    paragraphs and subheads, so a name never runs across them."""
    chars: list[str] = []
    index: list[int] = []
    length = len(text)
    for match in _RUNS.finditer(text):
        start, end = match.span()
        run = match.group()
        if match.lastgroup == "space":
            if "\n" in run and end < length:  # trailing whitespace is dropped
                chars.append("\n")
                index.append(start)
        elif "\\" in run:
            for offset, char in enumerate(run, start):
                if char != "\\":
                    chars.append(char)
                    index.append(offset)
        else:
            chars.append(run)
            index.extend(range(start, end))
    return "".join(chars), index


_HEADING = re.compile(r"^#{1,6}\s+", re.M)


def _plain_body(body: str) -> str:
    return _HEADING.sub("", body)


def _place_before(compact: str, start: int) -> bool:
    """True when the 市 at `start` ends a place name ("枣庄市"), so what follows is that city's unit."""
    tags = word_tags()
    for width in (2, 3, 4):
        if start - width >= 0 and tags.get(compact[start - width:start] + "市") == "ns":
            return True
    return False


def _looks_like_unit_name(name: str, kind: str) -> bool:
    if kind == "station":
        last = get_jieba().lcut(name, HMM=False)[-1]
        if last in domain_vocabulary():
            return False  # "数据赋能派出所": a topic word we taught jieba, which has no part of speech
        return (name[-1] in _PLACE_ENDINGS or name.endswith("中心")
                or (len(last) >= 2 and word_tags().get(last, "ns").startswith(_PLACE_TAGS)))
    if kind in ("brigade", "detachment"):
        return name[-1] in _FUNCTION_ENDINGS or name[-1] in _PLACE_ENDINGS
    return True


def _starts_with_foreign_place(name: str) -> bool:
    first = get_jieba().lcut(name, HMM=False)[0]
    return len(first) >= 2 and first.endswith(_FOREIGN_PLACE_ENDINGS) and word_tags().get(first) == "ns"
