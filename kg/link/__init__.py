"""Link: ``Mention`` -> ``LinkedMention``, canonical identities for everything tagged.

Symbols (``symbols.py``), dates (``dates.py``), bodies, states, places and named instruments
(``gazetteer.py``); plus the recorded vote's states and the addressees of operative paragraphs.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import pairwise

from kg.lexicon import ordinal
from kg.link import gazetteer, symbols
from kg.link.dates import parse_dates
from kg.link.symbols import Resolver, default_resolver
from kg.models import Linked, LinkedMention, Mention, Paragraph, Resolution

ADDRESSING_VERBS = re.compile(
    r"\b(?:[Rr]equests|[Ii]nvites|[Cc]alls\s+(?:up)?on|[Ee]ncourages|[Uu]rges"
    r"|(?:[Rr]eiterates|[Rr]enews)\s+its\s+(?:requests?|invitation)\s+to)\b"
)
# words that may stand between the verb and the first addressee ("Calls upon all States and the ...")
_BEFORE_ADDRESSEE = frozenset(
    [
        "the",
        "all",
        "relevant",
        "also",
        "further",
        "again",
        "once",
        "its",
        "and",
        "other",
        "as",
        "well",
        "both",
        "states",
        "member",
        "governments",
        "international",
        "regional",
        "organizations",
        "agencies",
        "specialized",
        "intergovernmental",
        "non-governmental",
        "civil",
        "society",
        "national",
        "institutions",
        "stakeholders",
        "entities",
        "bodies",
        "mechanisms",
        "procedures",
        "concerned",
        "in",
        "particular",
        "including",
    ]
)
# the addressees end where the clause's verb or a qualifying phrase begins
_ADDRESSEE_STOP = re.compile(
    r"\bto\s+[a-z]|[;:]|\bthat\b|,\s+(?:through|in\s+consultation|in\s+cooperation|in\s+collaboration|within|"
    r"including|inter\s+alia|as\s+appropriate|where\s+appropriate|in\s+particular)\b"
)
_SESSION_OF = {
    "general assembly": "general-assembly",
    "assembly": "general-assembly",
    "human rights council": "human-rights-council",
    "council": "human-rights-council",
    "commission on human rights": "commission-on-human-rights",
}


def _adopting_id(res: Resolution) -> str:
    return gazetteer.slug(res.body)


_MANDATE_POSTS = (
    "Special Rapporteur",
    "Independent Expert",
    "Special Adviser",
    "Special Representative",
    "Special Envoy",
)


def _mandate(m: Mention) -> LinkedMention:
    """A mandate named in full but not in the gazetteer gets an IRI of its own."""
    label = " ".join(m.text.split())
    head, _, rest = label.partition(" on ")
    label = f"{head.title()} on {rest}" if rest else label[0].upper() + label[1:]
    known = gazetteer.bodies().get(gazetteer.slug(label))
    if known:
        return LinkedMention("body", known.ident, known.label, m.start, m.end, (("kind", known.kind),))
    kind = "Post" if label.startswith(_MANDATE_POSTS) else "Organization"
    return LinkedMention("body", gazetteer.slug(label), label, m.start, m.end, (("kind", kind),))


class _Shorts:
    """Resolves short forms against the bodies named in full (``full``, in text order: their starts
    and their ends both increase, as the tagger keeps no BODY mention inside another).

    The candidates of each kind of short form are listed once, and the nearest one found by
    bisection, so that a long text with many short forms stays linear.
    """

    def __init__(self, full: list[LinkedMention]) -> None:
        self.full = full
        self.kinds: dict[str, tuple[list[LinkedMention], list[int]]] = {}

    def _candidates(self, short: str) -> tuple[list[LinkedMention], list[int]]:
        if short not in self.kinds:
            if short == "mandate holder":
                found = [f for f in self.full if f.label.lower().startswith(_MANDATE_TYPES)]
            elif short in ("council", "commission"):
                found = [f for f in self.full if short in f.label.lower().split()]
            else:
                found = [f for f in self.full if f.label.lower().startswith(short)]
            ends = [f.end for f in found]
            if any(a > b for a, b in pairwise(ends)):  # not in text order: no bisection
                ends = []
            self.kinds[short] = (found, ends)
        return self.kinds[short]

    def resolve(self, m: Mention) -> LinkedMention | None:
        """Resolve a short form to the nearest body of its type named in full before it (else after).

        "the Special Rapporteur" after the mandate's full name; "the Council" in a General Assembly
        text; "the Commission"; "the Special Committee".
        """
        short = m.key.removeprefix("mandate:").lower() if m.key.startswith("mandate:") else m.text.lower()
        candidates, ends = self._candidates(short)
        # "the Council" is not resolved to a body named at the same place
        skip = short in ("council", "commission")
        pick = None
        if ends or not candidates:
            i = bisect_right(ends, m.start) - 1  # the last candidate that ends before the short form
        else:
            i = max((k for k, f in enumerate(candidates) if f.end <= m.start), default=-1)
        while i >= 0 and pick is None:
            if not (skip and candidates[i].start == m.start):
                pick = candidates[i]
            i -= 1
        if pick is None:
            pick = next((f for f in candidates if not (skip and f.start == m.start)), None)
        if pick is None:
            return None
        return LinkedMention("body", pick.ident, pick.label, m.start, m.end, pick.extra)


_MANDATE_TYPES = ("special rapporteur", "independent expert", "working group")


class _Names:
    """Whether the text names the High Commissioner (for Refugees, for Human Rights): each looked up
    once per text, not once per mention (a long text has thousands of mentions)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, bool] = {}

    def __contains__(self, phrase: str) -> bool:
        if phrase not in self.found:
            self.found[phrase] = phrase in self.text
        return self.found[phrase]


def _link_body(m: Mention, res: Resolution, names: _Names) -> LinkedMention | None:
    if m.key == "mandate":
        return _mandate(m)
    ident: str = m.key.removeprefix("body:")
    if m.text == "Office" and "High Commissioner" not in names:
        return None  # "the Office" is the OHCHR only in a text that names it
    if m.text in ("High Commissioner",) and "for Refugees" in names and "for Human Rights" not in names:
        ident = "office-of-the-united-nations-high-commissioner-for-refugees"
    ent = gazetteer.bodies().get(ident)
    if ent is None:
        return None
    return LinkedMention("body", ent.ident, ent.label, m.start, m.end, (("kind", ent.kind),))


def _link_session(m: Mention, res: Resolution) -> LinkedMention | None:
    t = re.sub(r"-\s+", "-", " ".join(m.text.split()))
    mm = re.match(r"(?i)(\S+)\s+(emergency\s+special\s+|special\s+)?session(?:\s+of\s+the\s+(.+))?", t)
    if not mm:
        return None
    n = ordinal(mm.group(1))
    if n is None:
        return None
    kind = "regular"
    if mm.group(2):
        kind = "emergency-special" if "emergency" in mm.group(2).lower() else "special"
    owner = _SESSION_OF.get((mm.group(3) or "").lower(), _adopting_id(res))
    return LinkedMention("session", f"{owner}/{kind}/{n}", t, m.start, m.end)


def _paragraph_finder(res: Resolution) -> Callable[[int], Paragraph | None]:
    """``at(offset)``: the first paragraph (in ``res.paragraphs`` order) whose span holds ``offset``.

    Paragraph spans do not overlap and come in text order, so a bisection finds it; otherwise (never
    seen) every paragraph is tried in order.
    """
    paras = res.paragraphs
    starts = [p.span.start for p in paras]
    ordered = all(a.span.end <= b.span.start for a, b in pairwise(paras))

    def at(offset: int) -> Paragraph | None:
        if not ordered:
            return next((p for p in paras if p.span.start <= offset < p.span.end), None)
        i = bisect_right(starts, offset) - 1
        return paras[i] if i >= 0 and offset < paras[i].span.end else None

    return at


def link(
    resolution: Resolution,
    mentions: tuple[Mention, ...],
    *,
    resolver: Resolver = default_resolver,
) -> Linked:
    """Give every mention its canonical identity.

    Args:
        resolution: the segmented resolution the mentions come from.
        mentions: what ``kg.tag.tag`` found in its normalised text.
        resolver: turns (owner, kind, number, paren, special) into a symbol; see
            ``kg.link.symbols.default_resolver``.
    """
    text = resolution.source.norm
    own = resolution.symbol.replace(" ", "").upper()
    out: list[LinkedMention] = []
    warnings: list[str] = []
    last_citation: tuple[int, str | None] = (-1, None)  # end and owner of the previous citation
    shorts: list[Mention] = []
    names = _Names(text)
    paragraph_at = _paragraph_finder(resolution)
    for m in mentions:
        if m.label == "DOCUMENT":
            if m.key == "citation":
                gap = text[last_citation[0] : m.start] if last_citation[0] >= 0 else "x"
                inherited = last_citation[1] if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", gap) else None
                para = paragraph_at(m.start)
                for sym, s, e in symbols.parse_citation(
                    text,
                    m.start,
                    m.end,
                    adopting=resolution.body,
                    resolver=resolver,
                    inherited=inherited,
                    paragraph_start=para.span.start if para else None,
                ):
                    if sym.replace(" ", "").upper() != own:
                        out.append(LinkedMention("document", sym, sym, s, e))
                owner = symbols.citation_owner(text, m.start, m.end, adopting=resolution.body)
                last_citation = (m.end, owner or inherited)
            elif m.key == "symbol":
                for sym, s, e in symbols.parse_symbol(m.text, m.start):
                    if sym.replace(" ", "").upper() != own:
                        out.append(LinkedMention("document", sym, sym, s, e))
            elif m.key == "prst":
                sym, s, e = symbols.parse_prst(m.text, m.start)
                out.append(LinkedMention("document", sym, sym, s, e))
            elif m.key.startswith("named:"):
                ent = gazetteer.instruments()[m.key.removeprefix("named:")]
                extra = (("symbol", ent.symbol),) if ent.symbol else ()
                out.append(LinkedMention("document", f"named:{ent.ident}", ent.label, m.start, m.end, extra))
        elif m.label == "DATE":
            for d in parse_dates(m.text):
                out.append(LinkedMention("date", d.isoformat(), m.text, m.start, m.end))
        elif m.label == "BODY":
            if (
                m.key.startswith("mandate:")
                or (m.text == "Council" and resolution.body != "Human Rights Council")
                or m.text == "Commission"
            ):
                shorts.append(m)
                continue
            lm = _link_body(m, resolution, names)
            if lm:
                out.append(lm)
        elif m.label == "STATE":
            iso = m.key.removeprefix("state:")
            out.append(LinkedMention("state", iso, gazetteer.states()[iso].label, m.start, m.end))
        elif m.label == "PLACE":
            pid = m.key.removeprefix("place:")
            out.append(LinkedMention("place", pid, gazetteer.places()[pid].label, m.start, m.end))
        elif m.label == "SESSION":
            lm = _link_session(m, resolution)
            if lm:
                out.append(lm)
    resolver_of_shorts = _Shorts([lm for lm in out if lm.kind == "body"])
    for m in shorts:
        lm = resolver_of_shorts.resolve(m)
        if lm:
            out.append(lm)
    out.sort(key=lambda lm: (lm.start, lm.end))
    votes = []
    for vl in resolution.adoption.lists:
        for name, span in vl.names:
            found = gazetteer.find_state(name)
            if found is None:
                warnings.append(f"{resolution.symbol}: state not recognised in the vote list: {name!r}")
                continue
            votes.append((vl.option, found, gazetteer.states()[found].label, span.start, span.end))
    return Linked(
        resolution=resolution,
        mentions=tuple(out),
        votes=tuple(votes),
        addressees=_addressees(resolution, out),
        deadlines=_deadlines(resolution, out),
        warnings=tuple(warnings),
    )


def _addressees(res: Resolution, mentions: list[LinkedMention]) -> tuple[tuple[int, str], ...]:
    """Bodies that an operative paragraph requests, invites, calls upon, encourages or urges."""
    text = res.source.norm
    # in text order (``link`` sorts the mentions): the bodies in a window are found by bisection
    bodies = sorted((m for m in mentions if m.kind == "body"), key=lambda m: (m.start, m.end))
    starts = [b.start for b in bodies]
    found: list[tuple[int, str]] = []
    seen: set[tuple[int, str]] = set()
    for p in res.operative:
        seg = text[p.span.start : p.span.end]
        for v in ADDRESSING_VERBS.finditer(seg):
            start = p.span.start + v.end()
            window = seg[v.end() : v.end() + 200]
            stop = _ADDRESSEE_STOP.search(window)
            end = start + (stop.start() if stop else len(window))
            named = [
                b for b in bodies[bisect_left(starts, start) : bisect_right(starts, end)] if b.end <= end
            ]
            if named:
                between = re.findall(r"[A-Za-z\-]+", text[start : named[0].start])
                if any(w.lower() not in _BEFORE_ADDRESSEE for w in between):
                    named = []  # the object is not a body ("encourages the continued updating of ...")
            pronoun = re.match(r"\s*(him|her|it|them)\b", window)
            if not named and pronoun:
                if pronoun.group(1) == "them":
                    # "Requests the Secretary-General and the High Commissioner ..., and also requests
                    # them": the addressees found earlier in this paragraph, who are recorded already
                    named = []
                else:
                    want = "Organization" if pronoun.group(1) == "it" else "Post"
                    limit = start - len(v.group())
                    lo, hi = bisect_left(starts, p.span.start), bisect_right(starts, limit)
                    named = next(
                        (
                            [b]
                            for b in reversed(bodies[lo:hi])
                            if b.end <= limit and dict(b.extra).get("kind", "Organization") == want
                        ),
                        [],
                    )
            for b in named:
                if (p.position, b.ident) not in seen:
                    seen.add((p.position, b.ident))
                    found.append((p.position, b.ident))
    return tuple(found)


_REPORTING = re.compile(r"\breport", re.I)
_SUBMITTING = re.compile(r"\b(?:submit|present|update|brief|inform)", re.I)
_BY = re.compile(r"(?:\bby|\bbefore|no\s+later\s+than|\bprior\s+to)\s*$", re.I)


def _deadlines(res: Resolution, mentions: list[LinkedMention]) -> tuple[tuple[int, str, str], ...]:
    """When a report asked for in an operative paragraph is due: a session ("to the Council at its
    thirtieth session") or a date ("by 31 December 2016")."""
    text = res.source.norm
    found: list[tuple[int, str, str]] = []
    mentions = sorted(mentions, key=lambda m: (m.start, m.end))  # in text order (``link`` sorts them)
    starts = [m.start for m in mentions]
    for p in res.operative:
        seg = text[p.span.start : p.span.end]
        verb = ADDRESSING_VERBS.search(seg)
        if verb is None or not (_REPORTING.search(seg) or _SUBMITTING.search(seg)):
            continue
        best: tuple[int, int, str, str] | None = None
        prev = p.span.start + verb.end()
        for m in mentions[bisect_left(starts, prev) : bisect_left(starts, p.span.end)]:
            if not (prev <= m.start < p.span.end) or m.kind not in ("session", "date"):
                continue
            clause = text[max(prev, m.start - 120) : m.start]
            prev = m.end
            if m.kind == "date" and not _BY.search(text[max(p.span.start, m.start - 20) : m.start]):
                continue
            rank = 1 if _REPORTING.search(clause) else 2 if _SUBMITTING.search(clause) else 3
            if rank < 3 and (best is None or rank < best[0]):
                best = (rank, m.start, m.kind, m.ident)
        if best:
            found.append((p.position, best[2], best[3]))
    return tuple(found)


__all__ = ["link"]
