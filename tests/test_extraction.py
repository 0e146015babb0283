"""Tag + link on real phrases, one line each (from HRC 2015 and GA 78-80 resolutions)."""

from __future__ import annotations

import pytest

from kg.ingest import ingest_bytes
from kg.link import link
from kg.models import Linked
from kg.segment import segment
from kg.tag import tag

HEAD = (
    "Human Rights Council\nTwenty-eighth session\nAgenda item 3\n28/99. A test resolution\n"
    "The Human Rights Council,\n"
)
GA_HEAD = (
    "General Assembly\nSeventy-eighth session\nAgenda item 71\n78/999. A test resolution\n"
    "The General Assembly,\n"
)


def run(paragraph: str, head: str = HEAD) -> Linked:
    text = f"{head}Recalling the past,\n1. {paragraph}\n2. Decides to remain seized of the matter.\n"
    res = segment(ingest_bytes(text.encode(), path="t.txt")[0])
    return link(res, tag(res))


def idents(linked: Linked, kind: str) -> list[str]:
    return [m.ident for m in linked.mentions if m.kind == kind]


@pytest.mark.parametrize(
    ("phrase", "symbols"),
    [
        (
            "Recalls the report of the World Conference (A/CONF.157/24 (Part I), chap. III);",
            ["A/CONF.157/24 (Part I)"],
        ),
        ("Recalls Council resolution S-1/1 of 6 July 2006;", ["A/HRC/RES/S-1/1"]),
        (
            "Recalls General Assembly resolution ES-10/15 of 2 August 2004;",
            ["A/RES/ES-10/15"],
        ),
        ("Recalls Council decision 2/102 of 6 October 2006;", ["A/HRC/DEC/2/102"]),
        ("Recalls its resolution 6/17 of 28 September 2008;", ["A/HRC/RES/6/17"]),
        ("Recalls paragraph 6 of General Assembly resolution 60/251;", ["A/RES/60/251"]),
        (
            "Takes note of the report of the Secretary-General (A/CONF.189/12 and Corr.1);",
            ["A/CONF.189/12", "A/CONF.189/12/Corr.1"],
        ),
        ("Recalls Security Council resolution 497 (1981) of 17 December 1981;", ["S/RES/497(1981)"]),
        (
            "Recalls Security Council resolutions 2206 (2015) of 3 March 2015"
            " and 2223\n(2015) of 28 May 2015;",
            ["S/RES/2206(2015)", "S/RES/2223(2015)"],
        ),
        ("Takes note of the report,A/HRC/19/50. in particular;", ["A/HRC/19/50"]),
        (
            "Recalls its resolutions 5/1, on institution-building of the Human Rights Council,"
            " and 5/2, on the Code of Conduct, of 18 June 2007;",
            ["A/HRC/RES/5/1", "A/HRC/RES/5/2"],
        ),
    ],
)
def test_extraction_citations(phrase: str, symbols: list[str]) -> None:
    assert idents(run(phrase), "document") == symbols


def test_extraction_ga_its_resolution_and_council_list() -> None:
    linked = run(
        "Recalls Human Rights Council decision 18/120 of 30 September 20111 and resolutions 24/14 of"
        " 27 September 2013,2 27/21 of 26 September 2014;",
        GA_HEAD,
    )
    assert idents(linked, "document") == ["A/HRC/DEC/18/120", "A/HRC/RES/24/14", "A/HRC/RES/27/21"]


@pytest.mark.parametrize(
    ("phrase", "dates"),
    [
        (
            "Recalls the Conference held in Durban from 31 August to 8 September 2001;",
            ["2001-08-31", "2001-09-08"],
        ),
        ("Recalls the meeting held from 30 December 2014 to 2 January 2015;", ["2014-12-30", "2015-01-02"]),
        ("Notes the summit of 18 and 19 September 2023;", ["2023-09-18", "2023-09-19"]),
    ],
)
def test_extraction_dates(phrase: str, dates: list[str]) -> None:
    assert idents(run(phrase), "date") == dates


def test_extraction_sessions() -> None:
    linked = run("Requests the High Commissioner to report to the Council at its thirtieth session;")
    assert "human-rights-council/regular/30" in idents(linked, "session")
    assert "human-rights-council/regular/28" in idents(
        linked, "session"
    )  # the heading's "Twenty-eighth session"
    assert linked.deadlines == ((1, "session", "human-rights-council/regular/30"),)


def test_extraction_states_with_long_names() -> None:
    linked = run(
        "Welcomes the cooperation of Bolivia (Plurinational State of), the United Kingdom of Great"
        " Britain and Northern Ireland and C\u00f4te d\u2019Ivoire;"
    )
    assert idents(linked, "state") == ["BOL", "GBR", "CIV"]


def test_extraction_bodies_later_short_form_and_unknown_mandates() -> None:
    linked = run(
        "Requests the Working Group on Arbitrary Detention and the Special Rapporteur on the rights of"
        " zebras in mountain areas to cooperate, and requests the Working Group to report;"
    )
    bodies = idents(linked, "body")
    assert (
        bodies.count("working-group-on-arbitrary-detention") == 2
    )  # "the Working Group" after its full name
    assert "special-rapporteur-on-the-rights-of-zebras-in-mountain-areas" in bodies  # in no list: its own IRI
    assert set(linked.addressees) == {
        (1, "working-group-on-arbitrary-detention"),
        (1, "special-rapporteur-on-the-rights-of-zebras-in-mountain-areas"),
    }


def test_extraction_office_of_the_high_commissioner_is_one_body() -> None:
    linked = run(
        "Requests the Office of the United Nations High Commissioner for Human Rights and the Office of the"
        " High Commissioner for Human Rights, and also requests the Office to report;"
    )
    para = linked.resolution.operative[0].span
    in_para = {m.ident for m in linked.mentions if m.kind == "body" and para.start <= m.start < para.end}
    assert in_para == {"office-of-the-united-nations-high-commissioner-for-human-rights"}


def test_extraction_its_resolution_owner_named_by_the_clause() -> None:
    linked = run(
        "Recalls that, in its resolution 69/179, the General Assembly requested the Secretary-General;"
    )
    assert idents(linked, "document") == ["A/RES/69/179"]
