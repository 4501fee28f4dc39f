from datetime import date

import pytest

from graph.dates import find_dates, normalize_date

PUB = date(2025, 3, 5)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("on December 4 last year the instruments", "2024-12-04"),
        ("signed on 12 March 2019 in Paris", "2019-03-12"),
        ("on June 18, 2024, in Pyongyang", "2024-06-18"),
        ("in September last year", "2024-09"),
        ("in July 2000", "2000-07"),
        ("the 1961 treaty", "1961"),
        ("on the 18th", "2025-02-18"),
        ("on the 3rd", "2025-03-03"),
        ("last year", "2024"),
        ("yesterday", "2025-03-04"),
        ("on Monday", "2025-03-03"),
        ("on Wednesday", "2025-03-05"),
        ("since March", "2025-03"),
        ("in October", "2024-10"),
        ("on 2023-02-21", "2023-02-21"),
    ],
)
def test_normalize_against_publication_date(text, expected):
    assert normalize_date(text, PUB) == expected


@pytest.mark.parametrize("text", ["on the 18th", "last year", "December 4 last year", "in March", "yesterday"])
def test_relative_dates_stay_unresolved_without_publication_date(text):
    assert normalize_date(text, None) is None


def test_absolute_dates_need_no_publication_date():
    assert normalize_date("on 8 April 2010", None) == "2010-04-08"


def test_invalid_day_is_not_a_date():
    assert normalize_date("February 30, 2020", None) != "2020-02-30"


def test_find_dates_returns_offsets_in_order():
    text = "Signed on 8 April 2010, it entered into force on 5 February 2011."
    found = find_dates(text, None)
    assert [v for _, _, v in found] == ["2010-04-08", "2011-02-05"]
    s, e, _ = found[0]
    assert text[s:e] == "8 April 2010"


@pytest.mark.parametrize("published", [date(1, 1, 1), date(1, 1, 3), date(9999, 12, 31), date(9999, 12, 28)])
@pytest.mark.parametrize("text", ["last year", "next year", "on the 18th", "on the 30th", "yesterday", "today",
                                  "on Friday", "in March", "in December", "December 4 last year",
                                  "September next year", "on 8 April 2010"])
def test_relative_dates_at_the_ends_of_the_calendar_resolve_inside_it_or_not_at_all(published, text):
    value = normalize_date(text, published)
    assert value is None or 1 <= int(value.split("-")[0]) <= 9999
    if value and len(value) == 10:
        date.fromisoformat(value)


@pytest.mark.parametrize("text", ["Finland became the 31st party to the treaty",
                                  "after the 22nd instrument was lodged"])
def test_an_ordinal_before_a_noun_is_no_day(text):
    assert find_dates(text, date(2023, 4, 4)) == []
