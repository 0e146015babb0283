"""The network report: an HTML page with its figures (also written as PNG files)."""

from __future__ import annotations

import base64
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
from jinja2 import Environment, PackageLoader, select_autoescape

from kg.analysis.lineage import Follows, chains, follows
from kg.analysis.network import CitationNetwork, export


@dataclass
class Report:
    """Everything the report shows, computed once."""

    network: CitationNetwork
    focus: str | None = None
    depth: int = 1
    links: list[Follows] = field(default_factory=list)
    figures: dict[str, bytes] = field(default_factory=dict)

    def context(self) -> dict[str, Any]:
        g = self.network.graph
        measures = self.network.measures()
        most = self.network.most_cited(20)
        comps = self.network.components()
        comms = self.network.communities()
        ages = self.network.ages()
        focus: dict[str, Any] | None = None
        if self.focus and self.focus in g:
            focus = {
                "node": self.focus,
                "cites": sorted(g.successors(self.focus)),
                "cited_by": sorted(g.predecessors(self.focus)),
                "co_cited": self.network.co_citation(self.focus).most_common(10),
                "coupled": self.network.coupling(self.focus).most_common(10),
                "measures": measures.get(self.focus, {}),
            }
        return {
            "nodes": g.number_of_nodes(),
            "edges": g.number_of_edges(),
            "resolutions": len(self.network.resolutions),
            "external": g.number_of_nodes() - len(self.network.resolutions),
            "most_cited": [
                (
                    n,
                    d,
                    g.nodes[n].get("kind", ""),
                    g.nodes[n].get("in_corpus", False),
                    measures[n]["pagerank"],
                )
                for n, d in most
            ],
            "top_pagerank": sorted(measures.items(), key=lambda x: -x[1].get("pagerank", 0))[:10],
            "top_hubs": sorted(measures.items(), key=lambda x: -x[1].get("hub", 0))[:10],
            "components": len(comps),
            "largest_component": len(comps[0]) if comps else 0,
            "communities": len(comms),
            "median_age": sorted(ages)[len(ages) // 2] if ages else None,
            "kinds": Counter(d.get("kind", "") for _, d in g.nodes(data=True)).most_common(),
            "chains": [
                [(n, g.nodes[n].get("title", ""), g.nodes[n].get("date", "")) for n in c]
                for c in chains(self.links)
            ],
            "links": self.links,
            "focus": focus,
            "figures": {k: base64.b64encode(v).decode() for k, v in self.figures.items()},
        }


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def figures(net: CitationNetwork, focus: str | None, depth: int) -> dict[str, bytes]:
    g = net.graph
    out: dict[str, bytes] = {}
    most = net.most_cited(15)
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.barh([n for n, _ in reversed(most)], [d for _, d in reversed(most)], color="#3b6ea5")
    ax.set_xlabel("cited by (resolutions in the graph)")
    ax.set_title("Most-cited documents")
    out["most-cited"] = _png(fig)

    degrees = Counter(d for _, d in g.in_degree() if d > 0)
    fig, ax = plt.subplots(figsize=(6, 4))
    if degrees:
        xs = sorted(degrees)
        ax.loglog(xs, [degrees[x] for x in xs], "o", color="#3b6ea5")
    ax.set_xlabel("in-degree (times cited)")
    ax.set_ylabel("documents")
    ax.set_title("In-degree distribution (log-log)")
    out["in-degree"] = _png(fig)

    per_year = Counter(str(g.nodes[a].get("year")) for a, _ in g.edges() if g.nodes[a].get("year") != "")
    fig, ax = plt.subplots(figsize=(6, 4))
    years = sorted(per_year)
    ax.bar(years, [per_year[y] for y in years], color="#3b6ea5")
    ax.set_xlabel("year of the citing resolution")
    ax.set_ylabel("citations")
    ax.set_title("Citations per year")
    out["per-year"] = _png(fig)

    if focus and focus in g:
        sub = net.neighbourhood(focus, depth).graph
        fig, ax = plt.subplots(figsize=(9, 7))
        pos = nx.spring_layout(sub, seed=7)
        colours = [
            "#c0392b" if n == focus else ("#3b6ea5" if sub.nodes[n].get("in_corpus") else "#aaaaaa")
            for n in sub
        ]
        nx.draw_networkx(
            sub, pos, ax=ax, node_color=colours, node_size=120, font_size=6, arrowsize=8, width=0.6
        )
        ax.set_title(f"Neighbourhood of {focus} (depth {depth})")
        ax.axis("off")
        out["focus"] = _png(fig)
    return out


def make_report(net: CitationNetwork, *, focus: str | None = None, depth: int = 1) -> Report:
    links = follows(net)
    return Report(net, focus, depth, links, figures(net, focus, depth))


def render_html(report: Report, *, downloads: bool = False) -> str:
    """The report page; ``downloads`` links the export files written beside it."""
    env = Environment(loader=PackageLoader("kg", "publish/templates"), autoescape=select_autoescape())
    return env.get_template("network.html").render(**report.context(), downloads=downloads)


def write_report(report: Report, out_dir: str | Path) -> Path:
    """Write index.html, the PNG figures, the exports and lineages.json into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in report.figures.items():
        (out / f"{name}.png").write_bytes(data)
    for fmt, ext in (("graphml", "graphml"), ("gexf", "gexf"), ("csv", "csv"), ("json", "json")):
        export(report.network, out / f"citations.{ext}", fmt=fmt)
    lineages = {
        "follows": [f.__dict__ for f in report.links],
        "chains": chains(report.links),
    }
    (out / "lineages.json").write_text(json.dumps(lineages, indent=1, ensure_ascii=False), encoding="utf-8")
    index = out / "index.html"
    index.write_text(render_html(report, downloads=True), encoding="utf-8")
    return index
