"""Issue identity from a seed's file name: the date and the printed number people put in it.

Forms (anything before or after is ignored: a paper's name, a separator, an edition note):
    2024-03-15.txt  2024_03_15.txt  2024.03.15.txt  20240315.txt  2024年3月15日.txt
    2024-03.txt  2024年3月.txt            (a month only)
    第1234期.txt  总第1234期.txt  No.1234.txt   (the printed number)
    2024-03-15_第1234期.txt  济宁公安-2024-03-15.txt  济宁公安20240315第1234期.txt
A date that is not a real day (2024-02-30, 2024-13-01) is reported and ignored; digit runs inside
other letters or digits (a hash such as `41eae79e8e932416`) are never read as a date.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

# Digits glued to ASCII letters or digits are part of something else (a hash, a code).
_EDGE_BEFORE = r"(?<![0-9A-Za-z])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"
_DATE_FORMS = (
    re.compile(rf"{_EDGE_BEFORE}((?:19|20)\d\d)年(\d{{1,2}})月(?:(\d{{1,2}})日)?"),
    re.compile(rf"{_EDGE_BEFORE}((?:19|20)\d\d)[-_.](\d{{1,2}})(?:[-_.](\d{{1,2}}))?{_EDGE_AFTER}"),
    re.compile(rf"{_EDGE_BEFORE}((?:19|20)\d\d)(\d\d)(\d\d){_EDGE_AFTER}"),
)
_NUMBER_FORMS = (
    re.compile(r"(?:总)?第\s*(\d+)\s*[期号]"),
    re.compile(rf"{_EDGE_BEFORE}[Nn][Oo]\.?\s*(\d{{1,6}}){_EDGE_AFTER}"),
)


@dataclass(frozen=True)
class SeedName:
    """What a seed's file name says about its issue."""

    date: str | None = None  # "YYYY-MM-DD" or "YYYY-MM"
    number: int | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)  # why a date-like part was ignored


def parse_seed_name(stem: str) -> SeedName:
    """The date and number in a seed's file name (without `.txt`); a pure function."""
    number = None
    for pattern in _NUMBER_FORMS:
        match = pattern.search(stem)
        if match:
            # More than six digits is no printed number (and is not a date either).
            number = int(match.group(1)) if len(match.group(1)) <= 6 else None
            break
    # The number's digits are not a date ("第20240315期" is a number).
    rest = stem
    if match:
        rest = stem[:match.start()] + " " + stem[match.end():]
    problems: list[str] = []
    candidates = sorted((m for pattern in _DATE_FORMS for m in pattern.finditer(rest)), key=lambda m: m.start())
    for match in candidates:
        year, month, day = match.group(1), match.group(2), match.group(3)
        reason = _impossible(int(year), int(month), int(day) if day else None)
        if reason:
            problems.append(f"'{match.group()}' in the file name is not a real date ({reason}); ignored")
            continue
        date = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
        return SeedName(date, number, tuple(problems))
    return SeedName(None, number, tuple(problems))


def _impossible(year: int, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if day is not None:
        try:
            _dt.date(year, month, day)
        except ValueError:
            return f"{year}-{month:02d} has no day {day}"
    return None
