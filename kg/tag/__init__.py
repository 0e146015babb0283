"""Tag: the spaCy pass. ``Resolution`` -> ``Mention`` tuple.

The spaCy ``Doc`` never leaves this package: callers get frozen ``Mention`` values with offsets
into the normalised text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc

from kg.models import Mention, Resolution
from kg.tag.pipeline import build_nlp

_WS = re.compile(r"\s{2,}|[\n\t\r\f\v]")
# The spaCy pass holds a ``Doc`` of about 40 bytes a character: a text longer than this is tagged
# piece by piece, so that its memory stays bounded. No real resolution comes near (the longest in
# the corpora are about 400,000 characters), so they are all tagged whole.
PIECE_CHARS = 500_000
# Where a piece may end: at a line end after a paragraph's closing ";", "." or ":", where the next
# paragraph starts ("12. Requests", "(a) To", "Recalling"). No tagged phrase crosses such a break.
_BREAK = re.compile(r"[;.:][ \t]*\n\s*(?=[A-Z0-9(])")


def pieces(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces of ``text`` of at most ``size`` (``PIECE_CHARS``)
    characters, cut at paragraph breaks (else at a space; a text with neither is cut every ``size``
    characters).

    >>> pieces("1. Decides;\\n2. Requests;\\n3. Decides.", size=14)
    [(0, 12), (12, 25), (25, 36)]
    >>> pieces("short", size=14)
    [(0, 5)]
    """
    size = size or PIECE_CHARS
    bounds = [0]

    def cut_before(limit: int) -> int:
        lo = bounds[-1]
        if best > lo:
            return best
        space = max(text.rfind(" ", lo + 1, limit), text.rfind("\n", lo + 1, limit))
        return space + 1 if space > lo else limit

    best = 0
    if len(text) > size:
        for m in _BREAK.finditer(text):
            while m.end() - bounds[-1] > size:
                bounds.append(cut_before(bounds[-1] + size))
            best = m.end()
        while len(text) - bounds[-1] > size:
            bounds.append(cut_before(bounds[-1] + size))
    bounds.append(len(text))
    return list(pairwise(bounds))


def compact(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """Collapse every run of white space to one space, keeping a map back to ``text``.

    Line breaks and runs of blanks split spaCy's phrase matches ("Office of the United\n\nNations"),
    so the pass runs on the compact copy. Returns the copy and two sorted tuples: at compact
    offset ``cpos[k]`` and after, the original offset is ``opos[k] + (i - cpos[k])``.
    """
    parts: list[str] = []
    cpos: list[int] = [0]
    opos: list[int] = [0]
    prev = 0
    out = 0
    for m in _WS.finditer(text):
        parts.append(text[prev : m.start()])
        out += m.start() - prev
        parts.append(" ")
        out += 1
        prev = m.end()
        cpos.append(out)
        opos.append(m.end())
    parts.append(text[prev:])
    return "".join(parts), tuple(cpos), tuple(opos)


def _back(i: int, cpos: tuple[int, ...], opos: tuple[int, ...]) -> int:
    k = bisect_right(cpos, i) - 1
    return opos[k] + (i - cpos[k])


def _longest(mentions: list[Mention]) -> list[Mention]:
    """Within each label, drop a mention that lies inside a longer one of the same label.

    A generic mandate match ("Special Rapporteur on ...") gives way to a gazetteer name it overlaps.
    """
    named = [m for m in mentions if m.label == "BODY" and m.key.startswith("body:")]
    instruments = [m for m in mentions if m.key.startswith("named:")]
    mentions = [
        m
        for m in mentions
        if (m.key != "mandate" or not any(n.start < m.end and m.start < n.end for n in named))
        # "the Charter of the United Nations" names a document, not the Organization
        and not (m.label == "BODY" and any(d.start <= m.start and m.end <= d.end for d in instruments))
    ]
    keep: list[Mention] = []
    last_end: dict[str, int] = {}
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.end <= last_end.get(m.label, -1):
            continue
        keep.append(m)
        last_end[m.label] = max(m.end, last_end.get(m.label, -1))
    return keep


def _mentions(
    doc: Doc, norm: str, cpos: tuple[int, ...], opos: tuple[int, ...], offset: int = 0
) -> list[Mention]:
    """The mentions of one tagged piece, at offsets of ``norm``; the piece starts at ``offset``."""
    out: list[Mention] = []
    for ent in doc.ents:
        start, end, key = ent.start_char, ent.end_char, ent.ent_id_
        text = ent.text
        if key.endswith("|short"):
            key = key[: -len("|short")]
            # "the Council": the mention is the name, not the article
            cut = len(text) - len(text.split(" ", 1)[1])
            start = start + cut
        s, e = offset + _back(start, cpos, opos), offset + _back(end - 1, cpos, opos) + 1
        out.append(Mention(ent.label_, s, e, norm[s:e], key))
    for label, key, start, end in doc.user_data.get("un", ()):
        s, e = offset + _back(start, cpos, opos), offset + _back(end - 1, cpos, opos) + 1
        out.append(Mention(label, s, e, norm[s:e], key))
    return out


def tag(resolution: Resolution, *, nlp: Language | None = None) -> tuple[Mention, ...]:
    """Tag one resolution's normalised text.

    >>> from kg.ingest import ingest_bytes
    >>> from kg.segment import segment
    >>> res = segment(ingest_bytes(b"Human Rights Council\\n28/2. Title\\nThe Human Rights Council,\\n"
    ...     b"Recalling Council resolution 25/3 of 27 March 2014,\\n1. Decides to act.\\n", path="x.txt")[0])
    >>> [(m.label, m.text) for m in tag(res)]  # doctest: +NORMALIZE_WHITESPACE
    [('BODY', 'Human Rights Council'), ('BODY', 'Human Rights Council'),
     ('DOCUMENT', 'Council resolution 25/3 of 27 March 2014'), ('DATE', '27 March 2014')]
    """
    return next(tag_many([resolution], nlp=nlp))


def tag_many(
    resolutions: Iterable[Resolution], *, nlp: Language | None = None, batch_size: int = 8
) -> Iterator[tuple[Mention, ...]]:
    """Tag many resolutions with ``nlp.pipe``, in order.

    A text longer than ``PIECE_CHARS`` goes through the pipe in pieces (see ``pieces``), so that
    memory stays bounded whatever the length; its mentions are gathered before ``_longest``.
    """
    nlp = nlp or build_nlp()
    # for each piece in the pipe: its text's norm, its compact map, its offset, whether it is the last
    maps: deque[tuple[str, tuple[int, ...], tuple[int, ...], int, bool]] = deque()

    def texts() -> Iterator[str]:
        for r in resolutions:
            norm = r.source.norm
            cuts = pieces(norm)
            for k, (start, end) in enumerate(cuts):
                c, cpos, opos = compact(norm[start:end] if len(cuts) > 1 else norm)
                maps.append((norm, cpos, opos, start, k == len(cuts) - 1))
                yield c

    found: list[Mention] = []
    for doc in nlp.pipe(texts(), batch_size=batch_size):
        norm, cpos, opos, offset, last = maps.popleft()
        found.extend(_mentions(doc, norm, cpos, opos, offset))
        if last:
            yield tuple(_longest(found))
            found = []


__all__ = ["PIECE_CHARS", "build_nlp", "pieces", "tag", "tag_many"]
