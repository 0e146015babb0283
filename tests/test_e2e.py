"""End to end: the CLI builds the original example, every contract query answers through
`kg query`, through `kg serve` over HTTP (SPARQLWrapper) and on the N-Quads export."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import CQ_DIR, EXAMPLE, FIXTURES, kg, served

CQS = sorted(CQ_DIR.glob("*.rq"))
GOLD = json.loads((FIXTURES / "000_44671227e59e4216.gold.json").read_text())


def rows(store: Path, name: str) -> list[dict[str, str]]:
    out = kg("query", f"@{CQ_DIR / name}", "--store", str(store), "--format", "json").stdout
    return json.loads(out)


def test_e2e_example_metadata(example_store: Path) -> None:
    (r,) = rows(example_store, "01-resolution.rq")
    assert r["symbol"] == GOLD["symbol"]
    assert r["title"] == GOLD["title"]
    assert r["adopted"] == GOLD["adopted"]
    assert r["body"] == GOLD["adopting_body"]
    assert int(r["session"]) == 28 and int(r["item"]) == 3 and int(r["meeting"]) == 55
    assert r["method"].endswith("WithoutVote")


def test_e2e_example_citations_dates_bodies(example_store: Path) -> None:
    cited = {r["cited"] for r in rows(example_store, "02-citations.rq") if r["cited"]}
    named_symbols = {n["symbol"] for n in GOLD["cites_named"] if n["symbol"]}
    assert cited - named_symbols == set(GOLD["cites_symbols"])
    dates = {r["date"] for r in rows(example_store, "06-dates.rq")}
    assert dates == {d for x in GOLD["dates"] for d in x.split("/")}
    bodies = {r["body"] for r in rows(example_store, "05-bodies.rq")}
    assert bodies == set(GOLD["bodies"])


def test_e2e_example_paragraphs_and_verbs(example_store: Path) -> None:
    (p,) = rows(example_store, "03-paragraphs.rq")
    assert (int(p["preambular"]), int(p["operative"])) == (17, 27)
    verbs = [r["verb"] for r in rows(example_store, "04-operative-verbs.rq")]
    assert verbs == GOLD["operative_verbs"]


def test_e2e_example_provenance_and_offsets(example_store: Path) -> None:
    prov = rows(example_store, "07-provenance.rq")
    assert {r["cited"] for r in prov} >= set(GOLD["cites_symbols"])
    text = EXAMPLE.read_text(encoding="utf-8")
    for r in prov:
        assert text[int(r["start"]) : int(r["end"])] == r["exact"]
    assert rows(example_store, "12-source-offsets.rq") == []


def test_e2e_example_addressees(example_store: Path) -> None:
    got = {(int(r["position"]), r["addressee"]) for r in rows(example_store, "11-addressees.rq")}
    want = {(m["paragraph"], m["addressee"]) for m in GOLD["mandates"] if m.get("addressee")}
    assert want <= got


def test_e2e_rebuild_gives_the_same_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    counts = []
    for _ in range(2):
        kg("build", str(EXAMPLE), "--store", str(store), "-q")
        counts.append(len(ox.Store.read_only(str(store))))
    assert counts[0] == counts[1] > 1000


def test_e2e_every_cq_on_export_matches_store(example_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.nq"
    kg("export", "--store", str(example_store), "--format", "nquads", "--output", str(out))
    exported = ox.Store()
    exported.load(path=str(out), format=ox.RdfFormat.N_QUADS)
    store = ox.Store.read_only(str(example_store))
    for cq in CQS:
        q = cq.read_text()
        a = sorted(str(list(s)) for s in exported.query(q, use_default_graph_as_union=True))
        b = sorted(str(list(s)) for s in store.query(q, use_default_graph_as_union=True))
        assert a == b, cq.name


@pytest.mark.parametrize("fmt", ["trig", "turtle", "ntriples", "jsonld"])
def test_e2e_export_formats_parse(example_store: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"kg.{fmt}"
    kg("export", "--store", str(example_store), "--format", fmt, "--output", str(out))
    parsed = list(
        ox.parse(
            path=str(out),
            format={
                "trig": ox.RdfFormat.TRIG,
                "turtle": ox.RdfFormat.TURTLE,
                "ntriples": ox.RdfFormat.N_TRIPLES,
                "jsonld": ox.RdfFormat.JSON_LD,
            }[fmt],
        )
    )
    assert len(parsed) > 1000


def test_e2e_validate_command(example_store: Path) -> None:
    p = kg("validate", "--store", str(example_store))
    assert p.returncode == 0


def test_e2e_exit_codes_most_severe_wins(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    p = kg("build", str(EXAMPLE), str(bad), "--store", str(tmp_path / "s"), "-q", check=False)
    assert p.returncode == 2
    assert "empty.txt" in p.stderr and "E101" in p.stderr
    assert len(ox.Store.read_only(str(tmp_path / "s"))) > 1000  # the good file was still built


def test_e2e_serve_answers_every_cq_over_http(example_store: Path, tmp_path: Path) -> None:
    import shutil

    from SPARQLWrapper import JSON, SPARQLWrapper

    store = tmp_path / "store"
    shutil.copytree(example_store, store)
    expected = {}
    db = ox.Store.read_only(str(store))  # read before serving: a live store is not opened twice
    for cq in CQS:
        local = db.query(cq.read_text(), use_default_graph_as_union=True)
        names = [v.value for v in local.variables]
        expected[cq.name] = sorted(
            str([(s[v].value if s[v] is not None else None) for v in names]) for s in local
        )
    del db
    with served(store) as url:
        import httpx

        port = url.rsplit(":", 1)[1]
        for cq in CQS:
            sw = SPARQLWrapper(f"http://127.0.0.1:{port}/sparql")
            sw.setQuery(cq.read_text())
            sw.setReturnFormat(JSON)
            got = sw.query().convert()
            http_rows = sorted(
                str([b.get(v, {}).get("value") for v in got["head"]["vars"]])  # type: ignore[index]
                for b in got["results"]["bindings"]  # type: ignore[index]
            )
            assert http_rows == expected[cq.name], cq.name
        # the network report is served too
        r = httpx.get(f"http://127.0.0.1:{port}/network?focus=A/HRC/RES/28/2", timeout=120)
        assert r.status_code == 200 and "Citation network" in r.text and "A/HRC/RES/25/3" in r.text
        # updates are refused by the public front
        r = httpx.post(
            f"http://127.0.0.1:{port}/sparql",
            content="DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert r.status_code == 403
        # POST queries, CSV results, CORS
        r = httpx.post(
            f"http://127.0.0.1:{port}/sparql",
            content="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        )
        assert r.status_code == 200 and r.text.startswith("n")
        assert r.headers["access-control-allow-origin"] == "*"
        # while served, a build on the same store goes through the server's engine
        p = kg("build", str(EXAMPLE), "--store", str(store), "--force", "-q")
        assert "building through its engine" in p.stderr and "1 written" in p.stderr


def test_e2e_rebuild_skips_unchanged_files(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = kg("build", str(EXAMPLE), "--store", str(store), "-q")
    assert "1 written, 0 unchanged" in first.stderr
    again = kg("build", str(EXAMPLE), "--store", str(store), "-q")
    assert "0 written, 1 unchanged" in again.stderr
    forced = kg("build", str(EXAMPLE), "--store", str(store), "-q", "--force")
    assert "1 written, 0 unchanged" in forced.stderr
    # a changed file is rebuilt
    copy = tmp_path / "copy.txt"
    copy.write_text(EXAMPLE.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = kg("build", str(copy), "--store", str(store), "-q")
    assert "1 written" in changed.stderr
