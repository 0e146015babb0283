"""Dates: "26 March 2015", "from 31 August to 8 September 2001", "18 and 19 September 2023" ->
``datetime.date`` values (a range gives both ends)."""

from __future__ import annotations

import re
from datetime import date

from kg.lexicon import MONTH_RE, MONTHS

_RANGE_MONTHS = re.compile(
    rf"(\d{{1,2}})\s+({MONTH_RE})\s*(?:to|until|-|\u2013|\u2014)\s*(\d{{1,2}})\s+({MONTH_RE})\s*,?\s*((?:19|20)\d{{2}})"
)
_RANGE_DAYS = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:to|until|and|-|\u2013|\u2014)\s*(\d{{1,2}})\s+({MONTH_RE})\s*,?\s*((?:19|20)\d{{2}})"
)
_ONE = re.compile(rf"(\d{{1,2}})\s*({MONTH_RE})\s*,?\s*((?:19|20)\d{{2}})")


def _mk(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), MONTHS[m.lower()], int(d))
    except (ValueError, KeyError):
        return None


def parse_dates(text: str) -> tuple[date, ...]:
    """The calendar dates a date mention names.

    >>> parse_dates("from 31 August to 8 September 2001")
    (datetime.date(2001, 8, 31), datetime.date(2001, 9, 8))
    >>> parse_dates("from 20 to 24 April 2009")
    (datetime.date(2009, 4, 20), datetime.date(2009, 4, 24))
    >>> parse_dates("31 February 2015")
    ()
    """
    t = " ".join(text.split())
    found: tuple[date | None, ...]
    m = _RANGE_MONTHS.search(t)
    if m:
        found = (_mk(m.group(5), m.group(2), m.group(1)), _mk(m.group(5), m.group(4), m.group(3)))
    else:
        m = _RANGE_DAYS.search(t)
        if m:
            found = (_mk(m.group(4), m.group(3), m.group(1)), _mk(m.group(4), m.group(3), m.group(2)))
        else:
            m = _ONE.search(t)
            found = (_mk(m.group(3), m.group(2), m.group(1)),) if m else ()
    return tuple(d for d in found if d is not None)
