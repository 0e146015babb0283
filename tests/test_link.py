"""Link: table-driven, one line per real phrase from a real resolution."""

from __future__ import annotations

import pytest

from kg.link.dates import parse_dates
from kg.link.gazetteer import find_state
from kg.link.symbols import GA, HRC, parse_citation, parse_symbol
from kg.tag.pipeline import regex_patterns

CITATION = next(p for label, key, p in regex_patterns() if key == "citation")


def cites(text: str, adopting: str = HRC) -> list[str]:
    out = []
    for m in CITATION.finditer(text):
        out.extend(s for s, _, _ in parse_citation(text, m.start(), m.end(), adopting=adopting))
    return out


@pytest.mark.parametrize(
    ("text", "adopting", "symbols"),
    [
        ("the latest of which being Council resolution 25/3 of 27 March 2014 and", HRC, ["A/HRC/RES/25/3"]),
        ("and Assembly resolution 69/179 of 18 December 2014,", HRC, ["A/RES/69/179"]),
        ("Recalling Human Rights Council resolution 6/17 of 28 September 2008,", HRC, ["A/HRC/RES/6/17"]),
        ("Recalls that, in its resolution 69/179, the General Assembly requested", HRC, ["A/RES/69/179"]),
        ("as decided by the Assembly in its resolution 48/141 of 20 December 1993,", HRC, ["A/RES/48/141"]),
        (
            "Commission on Human Rights resolutions 2001/5 of 18 April 2001, 2002/68 of 25 April 2002"
            " and 2005/64",
            HRC,
            ["E/CN.4/RES/2001/5", "E/CN.4/RES/2002/68", "E/CN.4/RES/2005/64"],
        ),
        (
            "Council resolutions S-7/1 of 22 May 2008, 9/6 of 18 September 2008 and 12/10 of 1 October 2009",
            HRC,
            ["A/HRC/RES/S-7/1", "A/HRC/RES/9/6", "A/HRC/RES/12/10"],
        ),
        ("paragraph 6 of General Assembly resolution 60/251", HRC, ["A/RES/60/251"]),
        ("Security Council resolution 497 (1981)", HRC, ["S/RES/497(1981)"]),
        ("General Assembly resolution 217 A (III)", HRC, ["A/RES/217(III)"]),
        ("Recalling its resolution 1514 (XV) of 14 December 1960,", GA, ["A/RES/1514(XV)"]),
        ("General Assembly resolution ES-10/15", HRC, ["A/RES/ES-10/15"]),
        ("Council decision 1/104", HRC, ["A/HRC/DEC/1/104"]),
        ("Economic and Social Council resolution 1235 (XLII)", HRC, ["E/RES/1235(XLII)"]),
        ("Council resolutions 1989/64 and 1996/15", HRC, ["E/RES/1989/64", "E/RES/1996/15"]),
        ("in particular General Assembly resolution 77/148 of 12 December 2022,", GA, ["A/RES/77/148"]),
        ("the implementation of the present resolution", HRC, []),
    ],
)
def test_link_citations(text: str, adopting: str, symbols: list[str]) -> None:
    assert cites(text, adopting) == symbols


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        ("A/CONF.189/12 and Corr.1", ["A/CONF.189/12", "A/CONF.189/12/Corr.1"]),
        ("A/67/828-S/2013/210", ["A/67/828", "S/2013/210"]),
        ("A/HRC/19/50.", ["A/HRC/19/50"]),
        ("A/CONF.157/24 (Part I)", ["A/CONF.157/24 (Part I)"]),
    ],
)
def test_link_symbols(text: str, symbols: list[str]) -> None:
    assert [s for s, _, _ in parse_symbol(text, 0)] == symbols


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("from 31 August to 8 September 2001", ["2001-08-31", "2001-09-08"]),
        ("from 20 to 24 April 2009", ["2009-04-20", "2009-04-24"]),
        ("18 and 19 September 2023", ["2023-09-18", "2023-09-19"]),
        ("26 March 2015", ["2015-03-26"]),
        ("20 January2015", ["2015-01-20"]),
        ("30 February 2015", []),
    ],
)
def test_link_dates(text: str, dates: list[str]) -> None:
    assert [d.isoformat() for d in parse_dates(text)] == dates


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Bolivia (Plurinational State of)", "BOL"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("C\u00f4te d\u2019Ivoire", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("the former Yugoslav Republic of Macedonia", "MKD"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Republic of Korea", "KOR"),
        ("Viet Nam", "VNM"),
        ("Atlantis", None),
    ],
)
def test_link_states(name: str, iso3: str | None) -> None:
    assert find_state(name) == iso3
