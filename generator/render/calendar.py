"""Archive calendars: for each year, twelve month grids marking the days that have an issue.

Issues known only by their month are listed under that month's grid; issues known only by their
year above the months. Pure functions of the site model; pages are plain HTML (no script).
"""
from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field



@dataclass
class CalendarDay:
    day: int  # 0 for a cell outside the month
    issues: list = field(default_factory=list)  # IssueView of that exact day


@dataclass
class CalendarMonth:
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    month_issues: list = field(default_factory=list)  # issues known only by this month

    @property
    def label(self) -> str:
        return f"{self.month}月"

    @property
    def issue_count(self) -> int:
        return sum(len(d.issues) for week in self.weeks for d in week) + len(self.month_issues)


@dataclass
class YearCalendar:
    year: str
    months: list[CalendarMonth]
    year_issues: list = field(default_factory=list)  # issues known only by this year
    previous: "YearCalendar | None" = None  # the older year with issues
    next: "YearCalendar | None" = None

    def __repr__(self) -> str:
        # Its identity for incremental builds (deps.py): its months and issues, and of its
        # neighbours only the year, which is all the page shows of them. (The default repr took
        # in every other year's calendar through the chain of neighbours, so that a new issue
        # changed every calendar page.)
        neighbours = tuple(c.year if c is not None else None for c in (self.previous, self.next))
        return f"YearCalendar({self.year!r}, {self.months!r}, {self.year_issues!r}, {neighbours!r})"

    @property
    def url(self) -> str:
        return calendar_url(self.year)

    @property
    def issues(self) -> list:
        found = list(self.year_issues)
        for month in self.months:
            found += [i for week in month.weeks for d in week for i in d.issues] + month.month_issues
        return found


def calendar_url(year: str) -> str:
    return f"archive/{year}/calendar.html"


def build_calendars(issues: list) -> list[YearCalendar]:
    """One calendar per year that has a dated issue, oldest first, linked to their neighbours."""
    by_year: dict[str, list] = {}
    for issue in issues:  # chronological
        if issue.meta.date:
            by_year.setdefault(issue.meta.date[:4], []).append(issue)
    calendars = [_year_calendar(year, found) for year, found in sorted(by_year.items())]
    for older, newer in zip(calendars, calendars[1:]):
        older.next, newer.previous = newer, older
    return calendars


def _year_calendar(year: str, issues: list) -> YearCalendar:
    number = int(year)
    days: dict[tuple[int, int], list] = {}
    months_only: dict[int, list] = {}
    year_only = []
    for issue in issues:
        parts = [int(p) for p in issue.meta.date.split("-")]
        if len(parts) == 3:
            days.setdefault((parts[1], parts[2]), []).append(issue)
        elif len(parts) == 2:
            months_only.setdefault(parts[1], []).append(issue)
        else:
            year_only.append(issue)
    grid = _calendar.Calendar(firstweekday=0)  # weeks start on Monday, as Chinese calendars do
    months = []
    for month in range(1, 13):
        weeks = [[CalendarDay(day, days.get((month, day), []) if day else []) for day in week]
                 for week in grid.monthdayscalendar(number, month)]
        months.append(CalendarMonth(number, month, weeks, months_only.get(month, [])))
    return YearCalendar(year, months, year_only)
