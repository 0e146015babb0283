"""Evaluate: score the graph ``kg build`` makes against hand-checked gold files.

Gold files follow ``../shared/gold/README.md``. The graph is read only through the contract's
competency queries (``kg/queries/contract``), so what is scored is what a SPARQL user sees.
Sets (citations, bodies, dates, states in votes, addressees) get precision, recall and F1;
scalars (title, adoption date, session, agenda item, meeting, vote method and counts,
paragraph counts, lead verbs) get accuracy; every miss and every extra is listed by document.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.build import build
from kg.rdf.namespaces import DEFAULT_BASE
from kg.store import open_store

SET_FIELDS = ("citations", "bodies", "dates", "state_votes", "addressees", "deadlines")
SCALAR_FIELDS = (
    "found",
    "title",
    "adopted",
    "body",
    "session",
    "agenda_item",
    "meeting",
    "method",
    "vote_counts",
    "paragraphs",
    "verbs",
)


_FOLD: dict[str, str | int | None] = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}
_FOLD_TABLE = str.maketrans(_FOLD)


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _key(text: str | None) -> str:
    t = (text or "").translate(_FOLD_TABLE)
    return " ".join(t.split()).casefold()


def _sym(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def _int(text: str | None) -> int | None:
    m = re.search(r"-?\d+", text or "")
    return int(m.group()) if m else None


def contract_query(name: str) -> str:
    """A competency query shipped with the package (``kg/queries/contract/<name>``)."""
    return resources.files("kg").joinpath("queries", "contract", name).read_text(encoding="utf-8")


def _rows(store: ox.Store, name: str) -> list[list[str | None]]:
    out = []
    for sol in _solutions(store, contract_query(name)):
        out.append([(sol[i].value if sol[i] is not None else None) for i in range(len(sol))])
    return out


@dataclass
class FieldScore:
    """Counts for one set-valued field, summed over documents."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvaluationReport:
    """Scores over all gold documents, and what went wrong in each."""

    sets: dict[str, FieldScore] = field(default_factory=dict)
    scalars: dict[str, list[int]] = field(default_factory=dict)  # field -> [right, total]
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    build_exit_code: int = 0

    def accuracy(self, name: str) -> float:
        right, total = self.scalars.get(name, [0, 0])
        return right / total if total else 1.0

    def summary(self) -> dict[str, float]:
        out = {f"F1_{k}": round(v.f1, 4) for k, v in self.sets.items()}
        out |= {f"P_{k}": round(v.precision, 4) for k, v in self.sets.items()}
        out |= {f"R_{k}": round(v.recall, 4) for k, v in self.sets.items()}
        out |= {f"acc_{k}": round(self.accuracy(k), 4) for k, (_, n) in self.scalars.items() if n}
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "documents": self.documents,
            "build_exit_code": self.build_exit_code,
        }

    def lines(self) -> list[str]:
        out = []
        for k, v in self.sets.items():
            out.append(
                f"{k:12s} P={v.precision:.3f} R={v.recall:.3f} F1={v.f1:.3f} "
                f"(tp={v.tp} predicted={v.predicted} gold={v.gold})"
            )
        for k, (right, total) in self.scalars.items():
            if total:
                out.append(f"{k:12s} accuracy={right / total:.3f} ({right}/{total})")
        return out


def load_gold(gold_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Every ``*.gold.json`` of a folder, by symbol."""
    out = {}
    for p in sorted(Path(gold_dir).glob("*.gold.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        out[g["symbol"]] = g
    return out


@dataclass
class _Graph:
    meta: dict[str, dict[str, set[Any]]] = field(default_factory=dict)
    cites: dict[str, set[str]] = field(default_factory=dict)
    bodies: dict[str, set[str]] = field(default_factory=dict)
    dates: dict[str, set[str]] = field(default_factory=dict)
    paragraphs: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    verbs: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    votes: dict[str, list[str | None]] = field(default_factory=dict)
    state_votes: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    addressees: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    deadlines: dict[str, set[tuple[int, str]]] = field(default_factory=dict)


def _read_graph(store: ox.Store) -> _Graph:
    g = _Graph()
    for s, title, adopted, body, session, item, meeting, method in _rows(store, "01-resolution.rq"):
        assert s is not None
        m = g.meta.setdefault(
            s, {k: set() for k in ("title", "adopted", "body", "session", "item", "meeting", "method")}
        )
        for k, v in (
            ("title", _key(title) if title else None),
            ("adopted", (adopted or "")[:10] or None),
            ("body", _key(body) if body else None),
            ("session", _int(session)),
            ("item", _int(item)),
            ("meeting", _int(meeting)),
            ("method", (method or "").rsplit("#", 1)[-1] or None),
        ):
            if v is not None:
                m[k].add(v)
    for citing, cited, _ in _rows(store, "02-citations.rq"):
        if citing and cited:
            g.cites.setdefault(citing, set()).add(_sym(cited))
    for s, pre, op in _rows(store, "03-paragraphs.rq"):
        assert s is not None
        g.paragraphs[s] = (_int(pre), _int(op))
    for s, pos, verb in _rows(store, "04-operative-verbs.rq"):
        assert s is not None and pos is not None
        g.verbs.setdefault(s, {}).setdefault(int(pos), set()).add(_key(verb))
    for s, body in _rows(store, "05-bodies.rq"):
        assert s is not None
        g.bodies.setdefault(s, set()).add(_key(body))
    for s, d in _rows(store, "06-dates.rq"):
        assert s is not None and d is not None
        g.dates.setdefault(s, set()).add(d[:10])
    for row in _rows(store, "09-votes.rq"):
        assert row[0] is not None
        g.votes[row[0]] = row
    for s, option, iso3, _ in _rows(store, "10-state-votes.rq"):
        assert s is not None and option is not None and iso3 is not None
        g.state_votes.setdefault(s, set()).add((option, iso3))
    for s, pos, who in _rows(store, "11-addressees.rq"):
        assert s is not None and pos is not None
        g.addressees.setdefault(s, set()).add((int(pos), _key(who)))
    for sol in _solutions(store, DEADLINES):
        s, pos, n = (sol[i].value for i in range(3))
        g.deadlines.setdefault(s, set()).add((int(pos), n))
    return g


DEADLINES = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT DISTINCT ?symbol ?position ?due WHERE {
  ?r a unres:Resolution ; dcterms:identifier ?symbol ; eli:has_part ?p .
  ?p unres:position ?position .
  { ?p unres:reportDueSession/unres:sessionNumber ?due } UNION { ?p unres:reportDueDate ?due }
}"""


def score(store: ox.Store, gold: dict[str, dict[str, Any]]) -> EvaluationReport:
    """Score a built store against gold records (by symbol)."""
    graph = _read_graph(store)
    report = EvaluationReport(
        sets={k: FieldScore() for k in SET_FIELDS}, scalars={k: [0, 0] for k in SCALAR_FIELDS}
    )
    for symbol, g in gold.items():
        doc: dict[str, Any] = {}

        def check(name: str, ok: bool, got: Any = None, want: Any = None, doc: dict[str, Any] = doc) -> None:
            report.scalars[name][1] += 1
            report.scalars[name][0] += bool(ok)
            if not ok:
                doc.setdefault("wrong", {})[name] = {"got": got, "gold": want}

        def compare(
            name: str, pred: set[Any], want: set[Any], ignore: Iterable[Any] = (), doc: dict[str, Any] = doc
        ) -> None:
            pred = pred - set(ignore)
            s = report.sets[name]
            s.tp += len(pred & want)
            s.predicted += len(pred)
            s.gold += len(want)
            missed, extra = sorted(map(str, want - pred)), sorted(map(str, pred - want))
            if missed or extra:
                doc[name] = {"missed": missed, "extra": extra}

        m = graph.meta.get(symbol)
        check("found", m is not None)
        m = m or {k: set() for k in ("title", "adopted", "body", "session", "item", "meeting", "method")}
        check("title", m["title"] == {_key(g["title"])}, sorted(m["title"]), g["title"])
        check("adopted", m["adopted"] == {g["adopted"]}, sorted(m["adopted"]), g["adopted"])
        check("body", m["body"] == {_key(g["adopting_body"])}, sorted(m["body"]), g["adopting_body"])
        if g.get("session"):
            check(
                "session",
                m["session"] == {g["session"]["number"]},
                sorted(m["session"]),
                g["session"]["number"],
            )
        if g.get("agenda_item") is not None:
            check("agenda_item", g["agenda_item"] in m["item"], sorted(m["item"]), g["agenda_item"])
        if g.get("meeting") is not None:
            check("meeting", m["meeting"] == {g["meeting"]}, sorted(m["meeting"]), g["meeting"])
        vote = g.get("vote") or {}
        if vote:
            want_method = "WithoutVote" if vote["method"] == "without a vote" else "RecordedVote"
            check("method", m["method"] == {want_method}, sorted(m["method"]), want_method)
        if vote.get("method") == "recorded vote":
            row = graph.votes.get(symbol)
            got = tuple(_int(x) or 0 for x in row[2:5]) if row else None
            want = (vote["in_favour"], vote["against"], vote["abstaining"])
            check("vote_counts", got == want, got, want)
            iso = vote.get("states_iso3") or {}
            want_states = {(k, c) for k in ("in_favour", "against", "abstaining") for c in iso.get(k, [])}
            compare("state_votes", graph.state_votes.get(symbol, set()), want_states)
        if "preambular_paragraphs" in g:
            want_p = (g["preambular_paragraphs"], g["operative_paragraphs"])
            got_p = graph.paragraphs.get(symbol)
            check("paragraphs", got_p == want_p, got_p, want_p)
        if g.get("operative_verbs"):
            got_v = graph.verbs.get(symbol, {})
            ok = len(got_v) == len(g["operative_verbs"]) and all(
                got_v.get(i + 1) == {v} for i, v in enumerate(g["operative_verbs"])
            )
            check(
                "verbs",
                ok,
                {k: sorted(v) for k, v in got_v.items()} if not ok else None,
                g["operative_verbs"],
            )
        named = {_sym(n["symbol"]) for n in g.get("cites_named", []) if n.get("symbol")}
        want_cites = {_sym(c) for c in g.get("cites_symbols", [])}
        compare("citations", graph.cites.get(symbol, set()), want_cites, named - want_cites)
        optional = {_key(b) for k in ("mechanisms", "events", "other_organizations") for b in g.get(k, [])}
        want_bodies = {_key(b) for b in g.get("bodies", [])}
        compare("bodies", graph.bodies.get(symbol, set()), want_bodies, optional - want_bodies)
        compare(
            "dates", graph.dates.get(symbol, set()), {d for x in g.get("dates", []) for d in x.split("/")}
        )
        mandates = [x for x in g.get("mandates", []) if x.get("addressee")]
        if mandates:
            want_a = {(x["paragraph"], _key(x["addressee"])) for x in mandates}
            compare("addressees", graph.addressees.get(symbol, set()), want_a)
            want_d = {
                (x["paragraph"], str(x["deadline"].get("session") or x["deadline"].get("date")))
                for x in g.get("mandates", [])
                if isinstance(x.get("deadline"), dict)
            }
            compare("deadlines", graph.deadlines.get(symbol, set()), want_d)
        report.documents[symbol] = doc
    return report


def evaluate(
    inputs: Iterable[str | Path], gold_dir: str | Path, *, base: str = DEFAULT_BASE, jobs: int = 1
) -> EvaluationReport:
    """Build ``inputs`` in a temporary store and score it against the gold files in ``gold_dir``."""
    gold = load_gold(gold_dir)
    with tempfile.TemporaryDirectory(prefix="kg-evaluate-") as tmp:
        result = build(inputs, store=Path(tmp) / "store", base=base, jobs=jobs)
        store = open_store(Path(tmp) / "store")
        try:
            report = score(store, gold)
        finally:
            del store
    report.build_exit_code = result.exit_code
    return report
