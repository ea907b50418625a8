"""The issue date: no issue prints it, so it is inferred from what the articles say, or read from
an optional sidecar file `seeds/<stem>.yml` (date, number, title) that overrides inference.

The year is weighed from all the evidence of an issue, not taken from the first rule that fires:
- every year printed as past or present (not a plan: "将持续到2022年3月5日", "到2025年",
  "2025年底前") is a floor: the issue is no earlier ("2019年11月20日启动…以来", "净网2024");
- each piece of evidence votes for a year with a weight (`WEIGHTS`): a numbered yearly day
  ("第九个全民国家安全教育日" is 2024) most; a campaign or meeting of a year ("为深入推进2024年…",
  "组织开展2020年警务实战训练", "净网2024") for that year; a year reviewed as a whole
  ("2023年全年…", "2023年，共破获…") for the year after, and `今年以来` next to such a review
  adds to that; a sentence that opens on a year and goes on with work under way
  ("2024年，某县公安局深入推进…") for that year itself, not for the next;
- the year with the most weight at or above the floor wins (years below it are not rivals: the
  issue reports something later). When the runner-up has at least
  `CONFLICT_SHARE` of the winner's weight, every vote is kept (`DateGuess.evidence`, issue.yml
  `date_evidence`) and `build.py review` lists the issue (`date_conflict_items`).
- month: the issue is no earlier than the latest month of its year the articles report
  ("今年11月", "4月15日", "2022年春节期间" -> the month of that Spring Festival).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema

from ..records import DateVote

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_NUMBER = r"[零〇一二两三四五六七八九十百\d]+"

# Days held once a year, numbered from their first year: "第N个…" names the year it is held in.
_NUMBERED_DAYS = (
    # (name as printed, year of the 1st, month, day)
    ("全民国家安全教育日", 2016, 4, 15),
    ("中国人民警察节", 2021, 1, 10),
    ("全国交通安全日", 2012, 12, 2),
    ("国际禁毒日", 1988, 6, 26),
    ("国家宪法日", 2014, 12, 4),
    ("全国防灾减灾日", 2009, 5, 12),
    ("全国消防日", 1992, 11, 9),
)
_ANNIVERSARIES = (
    # (pattern with the number of years, founding year, month)
    (re.compile(rf"(?:中国共产党|建党)成立?({_CN_NUMBER})周年"), 1921, 7),
    (re.compile(rf"(?:新中国|中华人民共和国)成立({_CN_NUMBER})周年"), 1949, 10),
)

# Spring Festival (lunar new year) dates: the month an issue reporting "春节期间" was printed in.
_SPRING_FESTIVAL = {
    2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1), 2004: (1, 22), 2005: (2, 9), 2006: (1, 29),
    2007: (2, 18), 2008: (2, 7), 2009: (1, 26), 2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10),
    2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
    2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6),
    2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19),
    2035: (2, 8),
}
_SPRING_FESTIVAL_PAST = re.compile(r"春节(?:期间|假期|过后|以来|后)|春节长假|除夕|大年初[一二三四五六七八九十]|正月初")
_LANTERN_FESTIVAL = re.compile(r"元宵(?:节|灯会|佳节)")
_FIXED_HOLIDAYS = (
    (re.compile(r"元旦(?:期间|假期|当天)"), 1),
    (re.compile(r"清明(?:节)?(?:期间|假期|当天)"), 4),
    (re.compile(r"(?:五一|劳动节)(?:期间|假期|当天)"), 5),
    (re.compile(r"国庆(?:节)?(?:期间|假期|当天)|国庆长假"), 10),
)
_PERIODS = ((re.compile(r"今年(?:第)?一季度"), 3), (re.compile(r"今年上半年"), 6), (re.compile(r"今年前三季度"), 9))

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
# "将持续到2022年", "计划于5月", "到2025年" are plans; "将2024年确定为…" (将 as 把) and "截至2023年" are not.
_FUTURE_BEFORE = re.compile(r"(?:将|计划|力争|预计|争取|预定|拟)[^，。；！？年]{0,4}(?:到|至|于|在)$|(?<![年月日截])(?:到|至)$")
_FUTURE_AFTER = re.compile(r"^年(?:底前|前|之前|以前|远景|目标|规划)")
_PAST_AFTER = re.compile(r"^年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:以来|至今|起|开始|启动)")
_REVIEW_AFTER = re.compile(r"^年(?:，|全年|度，|以来，|共)")
_CAMPAIGN_YEAR = re.compile(r"(?:净网|昆仑|云剑|雷霆|猎狐|断卡|护网|清朗|利剑|亮剑|春雷|蓝天|长城|夏夜|百日)[-—－]?"
                            r"((?:19|20)\d{2})(?![\d年])")
_FULL_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月")
_BARE_MONTH = re.compile(r"(?<!\d年)(?<!\d)(\d{1,2})月(?:(\d{1,2})日|份|以来|中旬|下旬|上旬|底|初|，|被)?")
_OTHER_YEAR_BEFORE = re.compile(r"(?:去年|明年|前年|上年|次年)$")
_SENTENCE_END = re.compile(r"[。！？\n]")


@dataclass(frozen=True)
class DateGuess:
    date: str | None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    method: str  # how it was inferred: which phrase, which rule
    evidence: tuple[DateVote, ...] = ()  # every vote for the year, when they disagree (else empty)


@dataclass(frozen=True)
class _Evidence:
    value: int
    phrase: str
    rule: str


# How much each kind of evidence weighs in the vote for the year.
WEIGHTS = {
    "numbered": 10,  # 第九个全民国家安全教育日, 建党100周年: the year itself
    "campaign": 3,  # 为深入推进2024年…, 开展2020年…训练, 净网2024: work of that year
    "review": 2,  # 2023年全年…, 2023年度…: a finished year, so the issue is in the next
    "this_year": 1,  # 今年以来… next to a reviewed year: this year is the one after it
    "opening": 1,  # 2023年，…: a sentence opening on a year (review, or work under way)
    "reported": 1,  # any other year printed as past or present
}
CONFLICT_SHARE = 1 / 3  # a runner-up with this share of the winner's weight makes a conflict

_REVIEW_WHOLE = re.compile(r"^年(?:全年|度)")
_OPENING = re.compile(r"^年(?:，|,|以来，|共)")
# Work under way in a sentence that opens on a year: "2024年，某县公安局深入推进…" is about that year.
_UNDER_WAY = re.compile(r"^[^。！？；]{0,20}?(?:深入推进|持续推进|正在|全力推进|着力|扎实推进|推进|开展|实施|启动|部署)")
_CAMPAIGN_BEFORE = re.compile(r"(?:推进|开展|启动|部署|实施|召开|举办|组织|全市|全县|打好|做好|完成)[^，。；！？]{0,4}$")
_CAMPAIGN_AFTER = re.compile(r"^年[^，。；！？]{0,12}(?:专项行动|行动|工作会议|会议|大会|工作要点|攻坚|训练|活动)")
_THIS_YEAR = re.compile(r"今年(?:以来|上半年|前|一季度|第一季度|1月以来|年初以来)")


def infer_issue_date(texts: list[str]) -> DateGuess:
    """Infer an issue's date from its article texts (in printed order)."""
    text = "\n".join(re.sub(r"[ \t\u3000]+", "", t) for t in texts)
    year, year_notes, evidence = _infer_year(text)
    if year is None:
        return DateGuess(None, "no year could be inferred: " + (year_notes or "the text names no year"), evidence)
    months = _month_evidence(text, year)
    if not months:
        return DateGuess(f"{year:04d}", f"year {year} from {year_notes}; month unknown (no date of {year} printed)",
                         evidence)
    latest = max(months, key=lambda e: e.value)
    return DateGuess(f"{year:04d}-{latest.value:02d}",
                     f"year {year} from {year_notes}; month {latest.value} from {latest.rule} '{latest.phrase}'",
                     evidence)


# --- year --------------------------------------------------------------------------------------

def year_votes(text: str) -> tuple[list[DateVote], int | None]:
    """Every vote for the issue's year in a (whitespace-free) text, and the floor: the latest year
    printed as past or present."""
    votes: list[DateVote] = []
    floor = None
    for evidence in _numbered_day_years(text):
        votes.append(DateVote(evidence.value, WEIGHTS["numbered"], evidence.rule, evidence.phrase))
    reviewed: list[int] = []
    for match in _YEAR.finditer(text):
        year = int(match.group(1))
        before, after = text[max(0, match.start() - 12):match.start()], text[match.end() - 1:match.end() + 24]
        if _FUTURE_BEFORE.search(before) or _FUTURE_AFTER.match(after):
            continue  # a plan or a deadline, not something that has happened
        floor = year if floor is None else max(floor, year)
        phrase = _phrase_around(text, match.start(), match.end())
        if _PAST_AFTER.match(after):
            votes.append(DateVote(year, WEIGHTS["reported"], "year reported as past or present", phrase))
        elif _REVIEW_WHOLE.match(after):
            votes.append(DateVote(year + 1, WEIGHTS["review"], f"{year} reviewed as a whole", phrase))
            reviewed.append(year)
        elif _CAMPAIGN_BEFORE.search(before) or _CAMPAIGN_AFTER.match(after):
            votes.append(DateVote(year, WEIGHTS["campaign"], f"campaign or meeting of {year}", phrase))
        elif _OPENING.match(after):
            if _UNDER_WAY.match(after[2:]):
                votes.append(DateVote(year, WEIGHTS["opening"], f"sentence on {year} with work under way", phrase))
            else:
                votes.append(DateVote(year + 1, WEIGHTS["opening"], f"{year} reviewed as a finished year", phrase))
                reviewed.append(year)
        else:
            votes.append(DateVote(year, WEIGHTS["reported"], "year reported as past or present", phrase))
    for match in _CAMPAIGN_YEAR.finditer(text):
        year = int(match.group(1))
        floor = year if floor is None else max(floor, year)
        votes.append(DateVote(year, WEIGHTS["campaign"], "campaign named after its year", match.group()))
    this_year = _THIS_YEAR.search(text)
    if this_year and reviewed:
        latest = max(reviewed)
        votes.append(DateVote(latest + 1, WEIGHTS["this_year"], f"'今年' beside {latest} reviewed as finished",
                              _phrase_around(text, this_year.start(), this_year.end())))
    return votes, floor


def _infer_year(text: str) -> tuple[int | None, str, tuple[DateVote, ...]]:
    votes, floor = year_votes(text)
    if not votes:
        return None, "", ()
    totals: dict[int, int] = {}
    for vote in votes:
        totals[vote.year] = totals.get(vote.year, 0) + vote.weight
    numbered = [v for v in votes if v.weight >= WEIGHTS["numbered"]]
    if floor is not None and not numbered:
        # No issue is earlier than a year it reports as past or present.
        eligible = {y: w for y, w in totals.items() if y >= floor} or {floor: 0}
    else:
        eligible = totals  # a numbered day names the year, whatever else is printed
    year = max(eligible, key=lambda y: (eligible[y], y))
    strongest = max((v for v in votes if v.year == year), key=lambda v: v.weight, default=None)
    notes = f"{strongest.rule}: '{strongest.phrase}'" if strongest else f"no year after {floor} is printed"
    # Years below the floor are not rivals: the issue reports something later than them.
    others = sorted(((w, y) for y, w in eligible.items() if y != year), reverse=True)
    notes += f" (weight {totals.get(year, 0)}" + (f"; {others[0][1]}: {others[0][0]}" if others else "") + ")"
    if floor is not None and not numbered:
        notes += f"; no year before {floor}, printed as past or present"
    conflict = bool(others) and others[0][0] >= CONFLICT_SHARE * max(totals.get(year, 0), 1)
    evidence = tuple(sorted(votes, key=lambda v: (v.year != year, -v.weight, v.year, v.phrase))) if conflict else ()
    return year, notes, evidence


def _numbered_day_years(text: str) -> list[_Evidence]:
    found = []
    for name, first_year, _month, _day in _NUMBERED_DAYS:
        for match in re.finditer(rf"第({_CN_NUMBER})个[“\"]?{name}", text):
            number = _parse_number(match.group(1))
            if number:
                found.append(_Evidence(first_year + number - 1, match.group(),
                                       f"numbered yearly day, the 1st {name} was in {first_year}"))
    for pattern, founded, _month in _ANNIVERSARIES:
        for match in pattern.finditer(text):
            number = _parse_number(match.group(1))
            if number:
                found.append(_Evidence(founded + number, match.group(), f"anniversary of {founded}"))
    return found


def _parse_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


# --- month -------------------------------------------------------------------------------------

def _month_evidence(text: str, year: int) -> list[_Evidence]:
    found: list[_Evidence] = []
    for name, first_year, month, _day in _NUMBERED_DAYS:
        if re.search(rf"第({_CN_NUMBER})个[“\"]?{name}", text) and year in _numbered_years(text, name, first_year):
            found.append(_Evidence(month, name, "numbered day held in this month"))
    for match in _FULL_MONTH.finditer(text):
        if int(match.group(1)) == year and _is_reported(text, match.start()) and 1 <= int(match.group(2)) <= 12:
            found.append(_Evidence(int(match.group(2)), match.group(), "latest date of the year reported"))
    bare: list[_Evidence] = []
    for match in _BARE_MONTH.finditer(text):
        month = int(match.group(1))
        day = match.group(2)
        if not 1 <= month <= 12 or (day and not 1 <= int(day) <= 31):
            continue
        before = text[max(0, match.start() - 6):match.start()]
        if _OTHER_YEAR_BEFORE.search(before) or not _is_reported(text, match.start()):
            continue
        if _sentence_year(text, match.start()) not in (None, year):
            continue  # "1999年10月…，10月17日": a month of the year that sentence is about
        bare.append(_Evidence(month, _phrase_around(text, match.start(), match.end()), "latest date of the year reported"))
    if any(e.value <= 3 for e in bare) and any(e.value >= 10 for e in bare):
        # Early in a year, "12月28日" is last December: keep the months of the new year only.
        bare = [e for e in bare if e.value <= 3]
    found += bare
    festival = _SPRING_FESTIVAL.get(year)
    if festival:
        match = _SPRING_FESTIVAL_PAST.search(text)
        if match:
            found.append(_Evidence(festival[0], match.group(), f"Spring Festival {year} fell on {festival[0]}/{festival[1]}:"))
        match = _LANTERN_FESTIVAL.search(text)
        if match:
            lantern = _dt.date(year, *festival) + _dt.timedelta(days=14)
            found.append(_Evidence(lantern.month, match.group(), f"Lantern Festival {year} fell on {lantern.month}/{lantern.day}:"))
    for pattern, month in _FIXED_HOLIDAYS + _PERIODS:
        match = pattern.search(text)
        if match:
            found.append(_Evidence(month, match.group(), "holiday or period already past"))
    return found


def _numbered_years(text: str, name: str, first_year: int) -> set[int]:
    years = set()
    for match in re.finditer(rf"第({_CN_NUMBER})个[“\"]?{name}", text):
        number = _parse_number(match.group(1))
        if number:
            years.add(first_year + number - 1)
    return years


def _is_reported(text: str, start: int) -> bool:
    """False for a date printed as a plan ("将于5月", "将持续到3月5日")."""
    return not _FUTURE_BEFORE.search(text[max(0, start - 12):start])


def _sentence_year(text: str, position: int) -> int | None:
    """The last year printed earlier in the same sentence, if any."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, position)), default=0)
    years = _YEAR.findall(text, start, position)
    return int(years[-1]) if years else None


def _phrase_around(text: str, start: int, end: int) -> str:
    left = max(0, start - 6)
    right = min(len(text), end + 8)
    return text[left:right].replace("\n", " ").strip()


# --- review -------------------------------------------------------------------------------------

def date_conflict_items(content_dir: Path) -> list[dict]:
    """Issues whose inferred year the evidence disputes, for `build.py review`: one item
    {kind: "date", path, line, message, detail} each, path and line of `date_evidence` in the
    issue's issue.yml (content-relative), in issue order. An issue whose date came from a sidecar
    is settled and never listed."""
    from ..content import ISSUE_FILE, ContentError, parse_issue  # the content layer; imported lazily

    content_dir = Path(content_dir)
    items = []
    for path in sorted(content_dir.glob(f"*/{ISSUE_FILE}")):
        rel = path.relative_to(content_dir).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
            meta = parse_issue(text, rel, path.parent.name)
        except (OSError, UnicodeDecodeError, ContentError):
            continue  # the build reports a bad issue.yml with its file and line
        if not meta.date_inferred or not meta.date_evidence:
            continue
        totals: dict[int, int] = {}
        for vote in meta.date_evidence:
            totals[vote.year] = totals.get(vote.year, 0) + vote.weight
        ranking = ", ".join(f"{year}: {weight}" for year, weight in sorted(totals.items(), key=lambda kv: -kv[1]))
        line = next((n for n, l in enumerate(text.splitlines(), 1) if l.startswith("date_evidence:")), 1)
        items.append({
            "kind": "date",
            "path": rel,
            "line": line,
            "message": f"推定日期 {meta.date or '不详'} 有相互矛盾的证据（按权重 {ranking}）",
            "detail": "; ".join(f"{v.year} ({v.weight}, {v.rule}): {v.phrase}" for v in meta.date_evidence)
                      + f"; settle it: write the date in seeds/{path.parent.name}.yml (date: YYYY-MM)"
                        " and rebuild, or fix `date` here and set date_inferred: false",
        })
    return items


# --- sidecar and display -----------------------------------------------------------------------

@dataclass(frozen=True)
class Sidecar:
    date: str | None
    number: int | None
    title: str | None
    # article order -> (page number, page name): the printed page (版) each article is on
    pages: dict[int, tuple[int, str | None]] = field(default_factory=dict)


def load_sidecar(seed_path: Path) -> Sidecar | None:
    """Read `seeds/<stem>.yml` next to a seed; None when there is none, ValueError (naming the
    file, line and key) when it is bad."""
    path = Path(seed_path).with_suffix(".yml")
    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8; save the file as UTF-8") from None
    except OSError as exc:  # a folder or an unreadable file named <stem>.yml
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        values, _ = schema.read(schema.SIDECAR, schema.compose(text.lstrip("\ufeff"), str(path)))
    except schema.SchemaError as err:
        raise ValueError(str(err)) from None
    return Sidecar(values["date"], values["number"], values["title"], _sidecar_pages(values["pages"], path))


def _sidecar_pages(value, path: Path) -> dict[int, tuple[int, str | None]]:
    """`pages:` maps a page number to its articles (by printed order) and optional name:
        pages:
          1: {name: 要闻, articles: [1, 2, 3]}
          2: {name: 法治在线, articles: 4-7}
          3: [8, 9]
    """
    if value is None:
        return {}
    usage = "must map page numbers to {name, articles} (e.g. 1: {name: 要闻, articles: [1, 2]})"
    if not isinstance(value, dict):
        raise ValueError(f"{path}: key 'pages' {usage}")
    found: dict[int, tuple[int, str | None]] = {}
    for page, entry in value.items():
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise ValueError(f"{path}: key 'pages': page {page!r} is not a page number (1, 2, …)")
        name = None
        if isinstance(entry, dict):
            unknown = sorted(str(k) for k in entry if k not in ("name", "articles"))
            if unknown:
                raise ValueError(f"{path}: key 'pages', page {page}: unknown key(s) {', '.join(unknown)}")
            name = None if entry.get("name") is None else str(entry["name"])
            entry = entry.get("articles")
        for order in _article_orders(entry, path, page):
            if order in found:
                raise ValueError(f"{path}: key 'pages': article {order} is on page {found[order][0]} and page {page}")
            found[order] = (page, name)
    return found


def _article_orders(value, path: Path, page: int) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return [value]
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*-\s*\d+\s*", value):
        first, last = (int(n) for n in value.split("-"))
        if 1 <= first <= last:
            return list(range(first, last + 1))
    if isinstance(value, list) and value and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1
                                                 for n in value):
        return list(value)
    raise ValueError(f"{path}: key 'pages', page {page}: articles must be article numbers "
                     f"([1, 2], 3 or 4-7), not {value!r}")


# A date in a seed's file name: 2024-04-15_…, 2024-04_…, 20240415_… as a whole part of the name
# (at its start or between '_', '-', '.' or spaces), never digits inside a longer run (a hash).



def display_date(date: str | None, inferred: bool) -> str:
    """"2024年4月（推定）" for an inferred month, "2024年4月15日" for a known day."""
    if not date:
        return "日期不详"
    parts = [int(p) for p in date.split("-")]
    text = f"{parts[0]}年"
    if len(parts) > 1:
        text += f"{parts[1]}月"
    if len(parts) > 2:
        text += f"{parts[2]}日"
    return text + ("（推定）" if inferred else "")
