"""Web-page noise: bylines, datelines, date stamps, "READ ALSO" lines, share and cookie lines, captions.

Real pages come with furniture that names nothing the article reports ("PHOTO: FILE", "Advertisement",
"Tuesday, May 6th 2025 - 10:31 UTC"). :func:`blank_noise` replaces it with spaces of the same length
before any NLP, so no entity is read from it while every offset into the document stays valid.
The patterns are data (``graph/data/noise.json``). A date stamp or dateline also gives the publication
date of a page that comes without one (:func:`stamp_date`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from .. import data
from ..dates import find_dates


@dataclass(frozen=True)
class _Rules:
    lines: tuple[re.Pattern, ...]
    spans: tuple[re.Pattern, ...]
    stamps: tuple[re.Pattern, ...]
    datelines: tuple[re.Pattern, ...]
    list_headings: tuple[re.Pattern, ...]
    list_items: re.Pattern
    bylines: tuple[re.Pattern, ...]


@functools.lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = data.load("noise")

    def compile_all(key: str, flags: int) -> tuple[re.Pattern, ...]:
        return tuple(re.compile(p, flags) for p in raw[key])

    links = raw["link_lists"]
    return _Rules(compile_all("lines", re.I), compile_all("spans", re.I), compile_all("stamps", re.I),
                  compile_all("datelines", 0), tuple(re.compile(p, re.I) for p in links["headings"]),
                  re.compile(links["items"]), compile_all("bylines", 0))


@dataclass(frozen=True)
class Stamp:
    """A date stamp or dateline: where it is and the full date it gives (None without a year)."""

    start: int
    end: int
    value: str | None


def _full_date(text: str) -> str | None:
    """The one complete ISO date ``text`` consists of, if it is one."""
    found = find_dates(text)
    if len(found) != 1 or not re.fullmatch(r"\d{4}-\d\d-\d\d", found[0][2]):
        return None
    start, end, value = found[0]
    # The whole stamp must be that date (a weekday or ordinal around it at most), not a sentence with one.
    rest = (text[:start] + text[end:]).strip(" ,.-–—|")
    return value if len(rest) <= 12 else None


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _noise_spans(text: str) -> tuple[list[tuple[int, int]], list[Stamp]]:
    rules = _rules()
    spans: list[tuple[int, int]] = []
    stamps: list[Stamp] = []
    in_list = False  # inside a list of links to other stories ("RELATED NEWS", then bullets)
    for pos, line in _lines(text):
        if not line.strip():
            continue
        if any(p.search(line) for p in rules.list_headings) or in_list and rules.list_items.search(line):
            in_list = True
            spans.append((pos, pos + len(line)))
            continue
        in_list = False
        if any(p.search(line) for p in rules.lines):
            spans.append((pos, pos + len(line)))
            continue
        for p in rules.stamps:
            m = p.search(line)
            if m and (value := _full_date(m.group("date"))):
                if "keep" in p.groupindex:
                    spans.extend([(pos + m.start(), pos + m.start("keep")), (pos + m.end("keep"), pos + m.end())])
                else:
                    spans.append((pos + m.start(), pos + m.end()))
                stamps.append(Stamp(pos + m.start(), pos + m.end(), value))
                break
        for p in rules.datelines:
            m = p.match(line)
            if m:
                stamps.append(Stamp(pos + m.start(), pos + m.end(), _full_date(m.group("date"))))
                break
        for p in rules.spans:
            spans.extend((pos + m.start(), pos + m.end()) for m in p.finditer(line) if m.end() > m.start())
    return spans, stamps


def blank_noise(text: str) -> str:
    """``text`` with its page furniture replaced by spaces (line breaks kept), offsets unchanged.

    A byline's names go too: the author is read from the byline as such (:func:`bylines`), not as
    whatever the tagger makes of a name in page furniture."""
    spans, _ = _noise_spans(text)
    spans += [(start, end) for start, end, _ in bylines(text)]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


_HEADLINE = re.compile(r"\S+(?:\s+\S+){3,}")


def stamp_date(text: str) -> date | None:
    """The publication date a page states in a date stamp or dateline, or None.

    Pages often carry a site header stamped with the time they were fetched above the article's own
    stamp, so the stamp nearest after the first headline-like line (four words or more) wins; without
    a headline, the first stamp.
    """
    _, stamps = _noise_spans(text)
    stamps = [s for s in stamps if s.value]
    if not stamps:
        return None
    headline = next((pos for pos, line in _lines(text)
                     if _HEADLINE.fullmatch(line.strip()) and not any(s.start <= pos + len(line) and pos <= s.end
                                                                    for s in stamps)), None)
    after = [s for s in stamps if headline is not None and s.start > headline]
    chosen = after[0] if after else stamps[0]
    return date.fromisoformat(chosen.value)


@functools.lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    titles = data.load("titles")
    roles = titles["person_titles"] + titles["role_nouns"] + data.load("noise")["byline_roles"]
    return frozenset(w for t in roles for w in t.split())


_NAME = re.compile(r"[A-Z][\w.'’-]+(?:[ \t]+[A-Z][\w.'’-]+){1,3}")


def bylines(text: str) -> list[tuple[int, int, str]]:
    """Who wrote the page, from its byline ("By Ana Ruiz and Tom Berg, Staff Writers"): (start, end, name)."""
    found = []
    for pos, line in _lines(text):
        for p in _rules().bylines:
            m = p.match(line)
            if m:
                base = pos + m.start("names")
                # "By Ana Ruiz, Senior Reporter": a title after the name is no second author.
                found += [(base + n.start(), base + n.end(), n.group(0)) for n in _NAME.finditer(m.group("names"))
                          if not any(w.lower() in _title_words() for w in n.group(0).split())]
                break
    return found
