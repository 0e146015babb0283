"""Lineages: resolutions that continue one another on one theme.

Three kinds of evidence, strongest first:

1. ``series`` — the resolution cites an earlier one of the same kind in a paragraph that calls it
   "the latest of which" / "the most recent of which" (the text says it continues a series);
2. ``title`` — an earlier resolution of the same body in the graph has the same title;
3. ``recalls`` — it cites an earlier resolution of the same body in the graph, adopted under the
   same agenda item, whose title is much the same (Jaccard similarity of title words >= 0.6).

Each resolution gets at most one predecessor (the strongest evidence, then the most recent);
chains are read off the predecessor links, oldest first.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from kg.analysis.network import CitationNetwork

RANK = {"series": 0, "title": 1, "recalls": 2}
_STOP = frozenset(["the", "of", "and", "in", "on", "to", "for", "a", "an", "its", "with", "by"])


@dataclass(frozen=True)
class Follows:
    """``later`` continues ``earlier``; ``reason`` is the evidence."""

    later: str
    earlier: str
    reason: str


def _title_key(t: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", (t or "").lower()).split())


def _words(t: str) -> set[str]:
    return set(_title_key(t).split()) - _STOP


def _when(d: dict[str, object]) -> tuple[int, str]:
    year = d.get("year")
    return (year if isinstance(year, int) else 0, str(d.get("date") or ""))


def follows(net: CitationNetwork) -> list[Follows]:
    """One predecessor for each resolution that has one."""
    g = net.graph
    candidates: dict[str, list[tuple[int, tuple[int, str], str]]] = {}

    def offer(later: str, earlier: str, reason: str) -> None:
        if later == earlier or _when(g.nodes[earlier]) >= _when(g.nodes[later]):
            return
        candidates.setdefault(later, []).append((RANK[reason], _when(g.nodes[earlier]), earlier))

    for a, b, d in g.edges(data=True):
        na, nb = g.nodes[a], g.nodes[b]
        if not na.get("in_corpus"):
            continue
        same_kind = na.get("kind") == nb.get("kind")
        if d.get("latest_of_series") and same_kind:
            offer(a, b, "series")
        elif (
            same_kind
            and nb.get("in_corpus")
            and na.get("agenda_item")
            and na.get("agenda_item") == nb.get("agenda_item")
        ):
            wa, wb = _words(str(na.get("title", ""))), _words(str(nb.get("title", "")))
            if wa and wb and len(wa & wb) / len(wa | wb) >= 0.6:
                offer(a, b, "recalls")
    by_title: dict[tuple[str, str], list[str]] = {}
    for n, d in g.nodes(data=True):
        if d.get("in_corpus") and d.get("title"):
            by_title.setdefault((str(d.get("body", "")), _title_key(str(d["title"]))), []).append(n)
    for members in by_title.values():
        ordered = sorted(members, key=lambda n: _when(g.nodes[n]))
        for earlier, later in itertools.pairwise(ordered):
            offer(later, earlier, "title")
    out = []
    for later, offers in candidates.items():
        rank = min(o[0] for o in offers)
        earlier = max((o for o in offers if o[0] == rank), key=lambda o: o[1])[2]
        reason = next(k for k, v in RANK.items() if v == rank)
        out.append(Follows(later, earlier, reason))
    return sorted(out, key=lambda f: (f.later, f.earlier))


def chains(links: list[Follows]) -> list[list[str]]:
    """Lineage chains, oldest first, each of two or more documents."""
    pred = {f.later: f.earlier for f in links}
    has_successor = set(pred.values())
    out = []
    for last in sorted(set(pred) - has_successor):
        chain = [last]
        seen = {last}
        while chain[-1] in pred and pred[chain[-1]] not in seen:
            chain.append(pred[chain[-1]])
            seen.add(chain[-1])
        out.append(list(reversed(chain)))
    return sorted(out, key=lambda c: (-len(c), c))


def lineage_update(links: list[Follows], iris: dict[str, str], graph: str) -> str:
    """The SPARQL update that replaces the derived lineage graph with ``unres:follows`` triples.

    IRIs come from the graph itself (``iris``: document -> IRI), written through pyoxigraph terms
    so that nothing from a document is pasted into the update unescaped.
    """
    import pyoxigraph as ox

    follows_p = ox.NamedNode("https://w3id.org/unres/ontology#follows")
    g = ox.NamedNode(graph)
    lines = [
        f"{ox.NamedNode(iris[f.later])} {follows_p} {ox.NamedNode(iris[f.earlier])} ."
        for f in links
        if f.later in iris and f.earlier in iris
    ]
    return f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n" + "\n".join(lines) + "\n} }"
