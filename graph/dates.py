"""Dates: normalise date expressions against the publication date.

A date is returned as an ISO string of the precision the text gives: "2024-12-04", "2024-06"
or "2024". Relative expressions ("on the 18th", "last year", "December 4 last year") need the
publication date; without one they stay unresolved (None) rather than guessed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_M = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
     r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_D = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_Y = r"(?P<year>1[6-9]\d\d|20\d\d)"
_REL = r"(?P<rel>last year|this year|next year|previous year|the previous year|a year earlier)"

_PATTERNS = [
    re.compile(rf"\b{_M}\s+{_D}(?:\s*[-–]\s*\d{{1,2}})?,?\s+{_Y}\b", re.I),   # June 18, 2024
    re.compile(rf"\b{_D}(?:\s*[-–]\s*\d{{1,2}})?\s+(?:of\s+)?{_M},?\s+{_Y}\b", re.I),  # 18 June 2024
    re.compile(rf"\b(?P<iso>{_Y}-(?P<imonth>\d\d)-(?P<iday>\d\d))\b"),
    re.compile(rf"\b{_M}\s+{_D}(?:\s*[-–]\s*\d{{1,2}})?\s+{_REL}", re.I),   # December 4 last year
    re.compile(rf"\b{_D}\s+(?:of\s+)?{_M}\s+{_REL}", re.I),
    re.compile(rf"\b{_M}\s+(?:of\s+)?{_REL}", re.I),                       # September last year
    re.compile(rf"\b{_M},?\s+{_Y}\b", re.I),                               # July 2000
    re.compile(rf"\b{_M}\s+{_D}\b(?!\s*,?\s*\d)", re.I),                   # June 18
    re.compile(rf"\b{_D}\s+(?:of\s+)?{_M}\b", re.I),                       # 18 June
    # "on the 18th", but not "the 31st party": an ordinal before a noun counts something else.
    re.compile(r"\bthe\s+(?P<ordday>\d{1,2})(?:st|nd|rd|th)\b"
               r"(?!\s+(?!(?:of|at|in|on|and|or|when|after|before|as|with|to|by|for)\b)[a-z])", re.I),
    re.compile(rf"\b(?:in\s+|of\s+)?{_Y}\b"),                              # 2000
    re.compile(rf"\b{_REL}\b", re.I),
    re.compile(r"\b(?P<reld>yesterday|today|on\s+(?P<weekday>monday|tuesday|wednesday|thursday|friday|"
               r"saturday|sunday))\b", re.I),
    re.compile(rf"\b(?:in|since|until|by)\s+{_M}(?!\w)", re.I),             # in March
]


def _rel_year(rel: str, pub: date) -> int:
    rel = rel.lower()
    if rel == "this year":
        return pub.year
    if rel == "next year":
        return pub.year + 1
    return pub.year - 1


def _safe(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def normalize_date(text: str, published: date | None = None) -> str | None:
    """ISO date (or year-month, or year) for the first date expression in ``text``."""
    found = find_dates(text, published)
    return found[0][2] if found else None


def find_dates(text: str, published: date | None = None) -> list[tuple[int, int, str]]:
    """All resolvable date expressions in ``text`` as (start, end, iso), in text order.

    Overlapping matches keep the earliest pattern (the most specific one).
    """
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, int, str]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _in_calendar(m, published)
            taken.append((m.start(), m.end()))
            if value:
                out.append((m.start(), m.end(), value))
    return sorted(out)


def _in_calendar(m: re.Match, pub: date | None) -> str | None:
    """``_resolve``, except that a relative date falling outside years 1 to 9999 (a publication date
    of 0001-01-01 and "last year", or 9999-12-31 and "next year") is left unresolved."""
    try:
        value = _resolve(m, pub)
    except OverflowError:  # date arithmetic past either end of the calendar
        return None
    return value if value is None or 1 <= int(value.split("-")[0]) <= 9999 else None


def _resolve(m: re.Match, pub: date | None) -> str | None:
    g = m.groupdict()
    if g.get("iso"):
        return _safe(int(g["year"]), int(g["imonth"]), int(g["iday"]))
    month = MONTHS.get((g.get("month") or "").lower().rstrip("."))
    day = int(g["day"]) if g.get("day") else None
    year = int(g["year"]) if g.get("year") else None
    if g.get("rel"):
        if pub is None:
            return None
        year = _rel_year(g["rel"], pub)
        if month is None:
            return str(year)
    if g.get("ordday"):
        if pub is None:
            return None
        d = int(g["ordday"])
        if d > 31:
            return None
        # "on the 18th" is the most recent 18th on or before publication (or just after it,
        # as news often announces the next few days).
        candidate = _safe(pub.year, pub.month, d)
        if candidate and date.fromisoformat(candidate) <= pub + timedelta(days=7):
            return candidate
        prev = (pub.replace(day=1) - timedelta(days=1))
        return _safe(prev.year, prev.month, d)
    if g.get("reld"):
        if pub is None:
            return None
        word = g["reld"].lower()
        if word == "today":
            return pub.isoformat()
        if word == "yesterday":
            return (pub - timedelta(days=1)).isoformat()
        target = WEEKDAYS.index(g["weekday"].lower())
        # Wire copy names the day of publication by its weekday ("entered into force on Wednesday").
        back = (pub.weekday() - target) % 7
        return (pub - timedelta(days=back)).isoformat()
    if month is None:
        return str(year) if year else None
    if year is None:
        if pub is None:
            return None
        # A month without a year is the latest such month not after publication.
        year = pub.year if (month, day or 1) <= (pub.month, pub.day) else pub.year - 1
    if day is None:
        return f"{year:04d}-{month:02d}"
    return _safe(year, month, day)
