"""The issue date: no issue prints it, so it is inferred from what the articles say, or read from
an optional sidecar file `seeds/<stem>.yml` (date, number, title) that overrides inference.

The inference gathers evidence and keeps a note of each piece for `method`:
- year: a numbered yearly day ("第九个全民国家安全教育日" is 2024) settles it; otherwise the issue
  is no earlier than any year printed as past or present ("2019年11月20日启动…以来", "净网2024"),
  and a year reviewed as finished ("2023年，市公安局…") puts the issue in the year after. Years
  printed as plans ("将持续到2022年3月5日", "到2025年", "2025年底前") say nothing about it.
- month: the issue is no earlier than the latest month of its year the articles report
  ("今年11月", "4月15日", "2022年春节期间" -> the month of that Spring Festival).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

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


@dataclass(frozen=True)
class _Evidence:
    value: int
    phrase: str
    rule: str


def infer_issue_date(texts: list[str]) -> DateGuess:
    """Infer an issue's date from its article texts (in printed order)."""
    text = "\n".join(re.sub(r"[ \t\u3000]+", "", t) for t in texts)
    year, year_notes = _infer_year(text)
    if year is None:
        return DateGuess(None, "no year could be inferred: " + (year_notes or "the text names no year"))
    months = _month_evidence(text, year)
    if not months:
        return DateGuess(f"{year:04d}", f"year {year} from {year_notes}; month unknown (no date of {year} printed)")
    latest = max(months, key=lambda e: e.value)
    return DateGuess(f"{year:04d}-{latest.value:02d}",
                     f"year {year} from {year_notes}; month {latest.value} from {latest.rule} '{latest.phrase}'")


# --- year --------------------------------------------------------------------------------------

def _infer_year(text: str) -> tuple[int | None, str]:
    numbered = _numbered_day_years(text)
    if numbered:
        best = max(numbered, key=lambda e: (sum(o.value == e.value for o in numbered), e.value))
        return best.value, f"{best.rule}: '{best.phrase}'"
    lower: list[_Evidence] = []
    for match in _YEAR.finditer(text):
        year = int(match.group(1))
        before, after = text[max(0, match.start() - 12):match.start()], text[match.end() - 1:match.end() + 12]
        if _FUTURE_BEFORE.search(before) or _FUTURE_AFTER.match(after):
            continue  # a plan or a deadline, not something that has happened
        phrase = _phrase_around(text, match.start(), match.end())
        if _REVIEW_AFTER.match(after) and not _PAST_AFTER.match(after):
            lower.append(_Evidence(year + 1, phrase, f"{year} reviewed as a finished year"))
        else:
            lower.append(_Evidence(year, phrase, "latest year reported as past or present"))
    for match in _CAMPAIGN_YEAR.finditer(text):
        lower.append(_Evidence(int(match.group(1)), match.group(), "campaign named after its year"))
    if not lower:
        return None, ""
    best = max(lower, key=lambda e: (e.value, e.rule != "latest year reported as past or present"))
    return best.value, f"{best.rule}: '{best.phrase}'"


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


# --- sidecar and display -----------------------------------------------------------------------

@dataclass(frozen=True)
class Sidecar:
    date: str | None
    number: int | None
    title: str | None
    # article order -> (page number, page name): the printed page (版) each article is on
    pages: dict[int, tuple[int, str | None]] = field(default_factory=dict)


_SIDECAR_KEYS = ("date", "number", "title", "pages")
_DATE_FORMAT = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


def load_sidecar(seed_path: Path) -> Sidecar | None:
    """Read `seeds/<stem>.yml` next to a seed; None when there is none, ValueError when it is bad."""
    path = Path(seed_path).with_suffix(".yml")
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ValueError(f"{path}{where}: malformed YAML: {getattr(exc, 'problem', None) or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8; save the file as UTF-8") from None
    except OSError as exc:  # a folder or an unreadable file named <stem>.yml
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (RecursionError, ValueError) as exc:  # nesting too deep, or a value YAML cannot build
        raise ValueError(f"{path}: not a usable sidecar ({type(exc).__name__})") from None
    if data is None:
        return Sidecar(None, None, None)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must be a mapping with keys {', '.join(_SIDECAR_KEYS)}")
    unknown = sorted(str(k) for k in data if k not in _SIDECAR_KEYS)
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(_SIDECAR_KEYS)}")
    return Sidecar(_sidecar_date(data.get("date"), path), _sidecar_number(data.get("number"), path),
                   _sidecar_title(data.get("title"), path), _sidecar_pages(data.get("pages"), path))


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
            name = None if entry.get("name") is None else _sidecar_title(entry["name"], path)
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


def _sidecar_date(value, path: Path) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and _DATE_FORMAT.match(value.strip()):
        text = value.strip()
        if len(text) == 10:
            try:
                _dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{path}: key 'date': {text!r} is not a real day") from None
        return text
    raise ValueError(f"{path}: key 'date' must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")


def _sidecar_number(value, path: Path) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{path}: key 'number' must be a whole number, not {value!r}")
    return value


def _sidecar_title(value, path: Path) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list, bool)):
        raise ValueError(f"{path}: key 'title' must be text, not {value!r}")
    text = str(value)
    if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in text):
        raise ValueError(f"{path}: key 'title' holds control characters")
    return text


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
