"""Map: ``Linked`` -> quads, following ``VOCABULARY.md`` and ``ontology/unres.ttl``.

One named graph per resolution; shared entities (documents' identifiers, bodies, states,
places, dates, sessions, agenda items, verb concepts, the software activity) go to the shared
graph, so that no resolution graph restates them.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad

from kg import __version__
from kg.link.gazetteer import slug
from kg.models import Linked, LinkedMention, Paragraph
from kg.rdf.iris import Minter, short_hash
from kg.rdf.namespaces import DEFAULT_BASE, cito, dcterms, eli, oa, org, prov, rdf, rdfs, skos, unres, xsd

_OPTION = {"in_favour": "votedInFavour", "against": "votedAgainst", "abstaining": "abstained"}
_KIND = {
    "regular": "RegularSession",
    "special": "SpecialSession",
    "emergency-special": "EmergencySpecialSession",
}


@dataclass(frozen=True)
class Mapped:
    """The quads of one resolution: its own graph and its contribution to the shared graph."""

    symbol: str
    graph: NamedNode
    quads: tuple[Quad, ...]

    @property
    def own(self) -> tuple[Quad, ...]:
        return tuple(q for q in self.quads if q.graph_name == self.graph)

    @property
    def shared(self) -> tuple[Quad, ...]:
        return tuple(q for q in self.quads if q.graph_name != self.graph)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=xsd.integer)


def _en(text: str) -> Literal:
    return Literal(text, language="en")


class _Writer:
    def __init__(self, graph: NamedNode, shared: NamedNode) -> None:
        self.g = graph
        self.s = shared
        self.quads: list[Quad] = []
        self.seen_shared: set[tuple[str, str, str]] = set()

    def own(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.g))

    def shared(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        key = (str(s), str(p), str(o))
        if key not in self.seen_shared:
            self.seen_shared.add(key)
            self.quads.append(Quad(s, p, o, self.s))


def to_rdf(linked: Linked, *, base: str = DEFAULT_BASE) -> Mapped:
    """Map one linked resolution to quads.

    Args:
        linked: the output of ``kg.link.link``.
        base: the base under which resource IRIs are minted (ends in ``/``).
    """
    res = linked.resolution
    src = res.source
    mint = Minter(base)
    r = mint.document(res.symbol)
    graph = mint.graph(res.symbol)
    w = _Writer(graph, mint.shared_graph())

    # --- the resolution ---------------------------------------------------------------------------
    w.own(r, rdf.type, unres.Resolution)
    w.own(r, rdf.type, eli.LegalResource)
    w.shared(r, dcterms.identifier, Literal(res.symbol))
    w.shared(r, rdf.type, unres.Document)
    if res.title:
        w.own(r, dcterms.title, _en(res.title))
    w.own(r, unres.number, Literal(res.number))
    ad = res.adoption
    if ad.date:
        w.own(r, eli.date_document, Literal(ad.date.isoformat(), datatype=xsd.date))
    body_id = slug(res.body)
    passed_by = mint.body(body_id)
    w.own(r, eli.passed_by, passed_by)
    _body(w, mint, body_id, res.body, "Organization")
    if res.session_number is not None:
        kind = res.session_kind.replace(" ", "-")
        sid = f"{body_id}/{kind}/{res.session_number}"
        w.own(r, unres.session, mint.session(sid))
        _session(w, mint, sid)
        for item in res.agenda_items:
            a = mint.agenda_item(sid, item)
            w.own(r, unres.agendaItem, a)
            w.shared(a, rdf.type, unres.AgendaItem)
            w.shared(a, unres.itemNumber, _int(item))
            w.shared(a, unres.ofSession, mint.session(sid))
    if ad.meeting is not None:
        w.own(r, unres.meetingNumber, _int(ad.meeting))
    if ad.method == "without a vote":
        w.own(r, unres.adoptionMethod, unres.WithoutVote)
    elif ad.method == "recorded vote":
        w.own(r, unres.adoptionMethod, unres.RecordedVote)
        for prop, n in (
            ("votesInFavour", ad.in_favour),
            ("votesAgainst", ad.against),
            ("abstentions", ad.abstaining),
        ):
            if n is not None:
                w.own(r, unres[prop], _int(n))
    w.own(r, rdfs.seeAlso, NamedNode("https://undocs.org/" + _undocs(res.symbol)))
    activity = mint.activity(__version__)
    w.own(r, prov.wasGeneratedBy, activity)
    w.shared(activity, rdf.type, prov.Activity)
    w.shared(activity, rdfs.label, _en(f"unres-kg {__version__} extraction"))
    w.shared(activity, prov.wasAssociatedWith, mint.software())
    w.shared(mint.software(), rdf.type, prov.SoftwareAgent)
    w.shared(mint.software(), rdfs.label, Literal("unres-kg"))
    w.shared(mint.software(), unres.softwareVersion, Literal(__version__))

    # --- the source -------------------------------------------------------------------------------
    s = mint.source(src.sha256, src.path)
    w.own(r, prov.wasDerivedFrom, s)
    w.own(s, rdf.type, unres.SourceDocument)
    w.own(s, unres.text, Literal(src.text))
    w.own(s, unres.sha256, Literal(src.sha256))
    w.own(s, dcterms.source, Literal(src.path.rsplit("/", 1)[-1]))
    w.own(s, dcterms.format, Literal(src.media_type))

    # --- paragraphs -------------------------------------------------------------------------------
    para_iri: dict[tuple[str, int], NamedNode] = {}
    for p in res.paragraphs:
        para_iri[(p.kind, p.position)] = _paragraph(w, mint, r, p)

    by_start = sorted(res.paragraphs, key=lambda p: p.span.start)
    starts = [p.span.start for p in by_start]

    def paragraph_at(start: int) -> NamedNode | None:
        i = bisect.bisect_right(starts, start) - 1  # paragraphs do not overlap
        if i >= 0 and start < by_start[i].span.end:
            return para_iri[(by_start[i].kind, by_start[i].position)]
        return None

    # --- mentions ---------------------------------------------------------------------------------
    for m in linked.mentions:
        entity = _entity(w, mint, m)
        if entity is None:
            continue
        if m.kind == "document":
            w.own(r, cito.cites, entity)
        elif m.kind == "body":
            w.own(r, unres.mentions, entity)
        elif m.kind == "date":
            w.own(r, unres.mentionsDate, Literal(m.ident, datatype=xsd.date))
        elif m.kind == "state":
            w.own(r, unres.mentionsState, entity)
        elif m.kind == "place":
            w.own(r, unres.mentionsPlace, entity)
        elif m.kind == "session":
            w.own(r, unres.mentionsSession, entity)
        _annotation(w, mint, r, s, linked, m.start, m.end, m.kind, m.ident, entity, paragraph_at(m.start))

    # --- the recorded vote ------------------------------------------------------------------------
    for option, iso, name, start, end in linked.votes:
        st = mint.state(iso)
        _state(w, st, iso, name)
        w.own(r, unres[_OPTION[option]], st)
        _annotation(w, mint, r, s, linked, start, end, "state", iso, st, None)

    # --- reporting deadlines -----------------------------------------------------------------------
    for position, kind, ident in linked.deadlines:
        node = para_iri[("operative", position)]
        if kind == "session":
            w.own(node, unres.reportDueSession, _session(w, mint, ident))
        else:
            w.own(node, unres.reportDueDate, Literal(ident, datatype=xsd.date))

    # --- addressees -------------------------------------------------------------------------------
    for position, body in linked.addressees:
        w.own(para_iri[("operative", position)], unres.addressee, mint.body(body))

    return Mapped(res.symbol, graph, tuple(w.quads))


def _undocs(symbol: str) -> str:
    from urllib.parse import quote

    return quote(symbol.replace(" ", ""), safe="/().-")


def _body(w: _Writer, mint: Minter, ident: str, label: str, kind: str) -> NamedNode:
    b = mint.body(ident)
    w.shared(b, rdf.type, org.Post if kind == "Post" else org.Organization)
    w.shared(b, skos.prefLabel, _en(label))
    return b


def _state(w: _Writer, st: NamedNode, iso: str, name: str) -> None:
    w.shared(st, rdf.type, unres.MemberState)
    w.shared(st, dcterms.identifier, Literal(iso))
    w.shared(st, skos.prefLabel, _en(name))


def _session(w: _Writer, mint: Minter, sid: str) -> NamedNode:
    body_id, kind, number = sid.rsplit("/", 2)
    s = mint.session(sid)
    w.shared(s, rdf.type, unres.Session)
    w.shared(s, unres.sessionNumber, _int(int(number)))
    w.shared(s, unres.sessionKind, unres[_KIND.get(kind, "RegularSession")])
    w.shared(s, unres.ofBody, mint.body(body_id))
    return s


def _entity(w: _Writer, mint: Minter, m: LinkedMention) -> NamedNode | None:
    if m.kind == "document":
        if m.ident.startswith("named:"):
            symbol = dict(m.extra).get("symbol", "")
            d = mint.document(symbol) if symbol else mint.named_document(m.ident.removeprefix("named:"))
            if symbol:
                w.shared(d, dcterms.identifier, Literal(symbol))
            w.shared(d, skos.prefLabel, _en(m.label))
        else:
            d = mint.document(m.ident)
            w.shared(d, dcterms.identifier, Literal(m.ident))
        w.shared(d, rdf.type, unres.Document)
        return d
    if m.kind == "body":
        return _body(w, mint, m.ident, m.label, dict(m.extra).get("kind", "Organization"))
    if m.kind == "state":
        st = mint.state(m.ident)
        _state(w, st, m.ident, m.label)
        return st
    if m.kind == "date":
        d = mint.date(m.ident)
        w.shared(d, rdf.type, unres.CalendarDate)
        w.shared(d, rdf.value, Literal(m.ident, datatype=xsd.date))
        return d
    if m.kind == "place":
        p = mint.place(m.ident)
        w.shared(p, rdf.type, dcterms.Location)
        w.shared(p, skos.prefLabel, _en(m.label))
        return p
    if m.kind == "session":
        return _session(w, mint, m.ident)
    return None


def _paragraph(w: _Writer, mint: Minter, r: NamedNode, p: Paragraph) -> NamedNode:
    code = {"preambular": "pp", "operative": "op", "annex": "annex"}[p.kind]
    node = NamedNode(f"{r.value}/{code}/{p.position}")
    cls = {
        "preambular": unres.PreambularParagraph,
        "operative": unres.OperativeParagraph,
        "annex": unres.AnnexPart,
    }
    w.own(r, eli.has_part, node)
    w.own(node, rdf.type, cls[p.kind])
    w.own(node, unres.position, _int(p.position))
    w.own(node, unres.text, Literal(p.text))
    if p.verb:
        v = mint.verb(slug(p.verb))
        w.own(node, unres.operativeVerb, v)
        w.shared(v, rdf.type, skos.Concept)
        w.shared(v, skos.prefLabel, _en(p.verb))
        w.shared(v, skos.inScheme, mint.verb_scheme())
        w.shared(mint.verb_scheme(), rdf.type, skos.ConceptScheme)
        w.shared(mint.verb_scheme(), skos.prefLabel, _en("Lead verbs of operative paragraphs"))
    for label, text, _span in p.subparagraphs:
        sub = NamedNode(f"{node.value}/{label}")
        w.own(node, eli.has_part, sub)
        w.own(sub, rdf.type, unres.SubParagraph)
        w.own(sub, unres.label, Literal(label))
        w.own(sub, unres.text, Literal(text))
    return node


def _annotation(
    w: _Writer,
    mint: Minter,
    r: NamedNode,
    source: NamedNode,
    linked: Linked,
    start: int,
    end: int,
    kind: str,
    ident: str,
    entity: NamedNode,
    paragraph: NamedNode | None,
) -> None:
    src = linked.resolution.source
    raw_start, raw_end = src.raw_span(start, end)
    a = NamedNode(f"{r.value}/annotation/{raw_start}-{raw_end}-{short_hash(kind, ident)}")
    t = NamedNode(a.value + "/target")
    pos = NamedNode(a.value + "/position")
    quote = NamedNode(a.value + "/quote")
    w.own(a, rdf.type, oa.Annotation)
    w.own(a, oa.motivatedBy, oa.identifying)
    w.own(a, oa.hasBody, entity)
    w.own(a, oa.hasTarget, t)
    w.own(a, unres.mentionKind, Literal(kind))
    if paragraph is not None:
        w.own(a, unres.inParagraph, paragraph)
    w.own(t, rdf.type, oa.SpecificResource)
    w.own(t, oa.hasSource, source)
    w.own(t, oa.hasSelector, pos)
    w.own(t, oa.hasSelector, quote)
    w.own(pos, rdf.type, oa.TextPositionSelector)
    w.own(pos, oa.start, Literal(str(raw_start), datatype=xsd.integer))
    w.own(pos, oa.end, Literal(str(raw_end), datatype=xsd.integer))
    w.own(quote, rdf.type, oa.TextQuoteSelector)
    w.own(quote, oa.exact, Literal(src.text[raw_start:raw_end]))
    w.own(quote, oa.prefix, Literal(src.text[max(0, raw_start - 24) : raw_start]))
    w.own(quote, oa.suffix, Literal(src.text[raw_end : raw_end + 24]))
