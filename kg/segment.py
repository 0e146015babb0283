"""Segment: ``SourceDocument`` -> ``Resolution``.

Finds the symbol and number, the title (completed where OCR cut it), the session and agenda
items, the preambular and operative paragraphs (with sub-paragraphs), footnotes (also those OCR
glued into sentences), the annex and the adoption block with its recorded vote. Works on the
normalised text; every ``Span`` indexes it.

The same code reads every input shape: OCR exports (a blank line after every line), clean text
(one paragraph a line, or wrapped) and PDF text layers (page headers and footers, footnotes).
Paragraph boundaries come from content (numbers in sequence, preambular openers), never from
blank lines alone, so a line that lost its last words does not invent a boundary.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from kg import errors
from kg.errors import KgInputError
from kg.lexicon import MONTH_RE, MONTHS, ORDINAL_RE, data_json, ordinal, squash
from kg.models import (
    Adoption,
    Footnote,
    InputKind,
    Paragraph,
    Resolution,
    SourceDocument,
    Span,
    VoteList,
)

BODIES = {
    "HRC": "Human Rights Council",
    "GA": "General Assembly",
    "SC": "Security Council",
    "ECOSOC": "Economic and Social Council",
    "CHR": "Commission on Human Rights",
}
_INTRO = re.compile(
    r"^\s*The (Human Rights Council|General Assembly|Security Council|Economic and Social Council|"
    r"Commission on Human Rights)\s*[,.:]?\s*$"
)
_NUMBER_LINE = re.compile(r"^\s*((?:E?S-)?\d{1,4}/\d{1,4})\s*\.\s*(\S.*)$")
_SYMBOL_LINE = re.compile(r"^\s*((?:A/HRC/RES|A/RES|A/HRC/DEC|A/DEC)/(?:E?S-)?\d{1,4}/\d{1,4})\s*$")
_ADOPTED_BY = re.compile(r"Resolution adopted by the (Human Rights Council|General Assembly)")
_MEETING = re.compile(
    rf"^\s*(\d{{1,4}})(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting\s*\.?\s*"
    rf"(?:(\d{{1,2}})\s*({MONTH_RE})\s*(\d{{4}})\s*\.?\s*)?$",
    re.I,
)
_DATE_LINE = re.compile(rf"^\s*(\d{{1,2}})\s+({MONTH_RE})\s+(\d{{4}})\s*\.?\s*$")
_SESSION_LINE = re.compile(rf"\b({ORDINAL_RE})\s+(emergency\s+special\s+|special\s+)?session\b", re.I)
_HEADER_SESSION = re.compile(r"(\d+)(?:st|nd|rd|th)\s+(Regular|Special)\s+Session", re.I)
_AGENDA = re.compile(r"^\s*Agenda items?\s+(.+?)\s*$", re.I)
_HEADER_ITEM = re.compile(r"Item\s*(\d+)", re.I)
# an operative paragraph's number: read as one only when it is the next number (so "2015." is not)
_OP_START = re.compile(r"^(\d{1,4})\s*\.(?:\s+|$)")
# where the body starts when no opening line says so: a numbered line, but not a year ("2019.")
_BODY_OP_START = re.compile(r"^(\d{1,3})\s*\.(?:\s+|$)")
_SUB_START = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)(?:\s+|$)")
_INLINE_OP = re.compile(r"(?<=[;:.])\s+(\d{1,4})\.?\s+(?=[A-Z][a-z]+)")
_FURNITURE = re.compile(
    r"^\s*(?:\d{1,3}/\d{1,3}|\d{2}-\d{5}(?:\s*\(E\).*)?|\*\d{5,}\*|GE\.\d{2}-\d{5}.*|Page \d+|-\s*\d+\s*-"
    r"|United Nations|Distr\.?:.*|Original:.*|Please recycle.*)\s*$"
)
_SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
_FOOTNOTE_LINE = re.compile(r"^\s*(\d{1,3}|\*{1,3})\s+(\S.*)$")
_SYMBOLISH = (
    r"(?:A|E|S|CCPR|CERD|CRC|CEDAW|CAT)/(?:[A-Z0-9.\-]+/)*[A-Z0-9.\-]*\d[A-Za-z0-9.\-]*"
    r"(?:/(?:Add|Corr|Rev)\.\d+)*"
)
_GLUED_SYMBOL = re.compile(rf"(?<=[,;:.a-z)])({_SYMBOLISH})\.(?=\s|$)")
_JOB_GLUED = re.compile(rf"^GE\.({_SYMBOLISH})\.\s*\d")
_VOTE = re.compile(
    r"Adopted\s+by\s+a\s+recorded\s+vote\s+of\s+(\d+)\s+to\s+(\d+)"
    r"(?:\s*,\s*with\s+(no|\d+)\s+abstentions?)?",
    re.I,
)
_WITHOUT_VOTE = re.compile(r"Adopted\s+without\s+a\s+vote", re.I)
_LIST_HEADS = re.compile(r"\b(In\s+favour|Against|Abstaining|Abstentions)\s*:", re.I)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


@cache
def _lexicon() -> tuple[re.Pattern[str], frozenset[str], dict[str, dict[str, str]], frozenset[str]]:
    data = data_json("segment.json")
    openers = sorted(data["preambular_openers"], key=len, reverse=True)
    opener_re = re.compile(r"(?:" + "|".join(re.escape(o) for o in openers) + r")\b")
    return (
        opener_re,
        frozenset(data["adverbs"]),
        data["multiword_verbs"],
        frozenset(data["operative_lead_words"]),
    )


@cache
def title_catalogue() -> dict[str, str]:
    """HRC resolution titles by number ("28/2"), from the MIT-licensed dw-data catalogue."""
    out: dict[str, str] = {}
    text = resources.files("kg").joinpath("data", "hrc-titles.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        out[row["number"]] = row["title"]
    return out


def _lines(text: str, start: int = 0, end: int | None = None) -> list[_Line]:
    out = []
    pos = start
    stop = len(text) if end is None else end
    for raw in text[start:stop].split("\n"):
        s = raw.strip()
        if s:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(s), s))
        pos += len(raw) + 1
    return out


def normalise_symbol(raw: str) -> tuple[str, bool]:
    """A UN symbol as given by a record, cleaned: white space squashed, characters that no symbol
    has dropped, upper case when it came all in lower case. Returns the symbol and whether it changed.

    >>> normalise_symbol(" a/hrc/res/28/2  ")
    ('A/HRC/RES/28/2', True)
    >>> normalise_symbol('A/RES/78/1"> <x>')
    ('A/RES/78/1 x', True)
    >>> normalise_symbol("A/CONF.157/24 (Part I)")
    ('A/CONF.157/24 (Part I)', False)
    """
    s = re.sub(r"[^A-Za-z0-9./()\- ]+", " ", raw)
    s = " ".join(s.split())
    if s == s.lower():
        s = s.upper()
    return s, s != raw


def lead_verb(text: str) -> tuple[str, str]:
    """The lead words as printed and the normalised lead verb of an operative paragraph.

    >>> lead_verb("Also requests the Office to report")
    ('Also requests', 'requests')
    >>> lead_verb("Takes note with appreciation of the report")
    ('Takes note', 'takes note')
    >>> lead_verb("Calls once again upon all States")
    ('Calls once again upon', 'calls upon')
    >>> lead_verb("Expresses its grave concern at")
    ('Expresses', 'expresses')
    """
    _, adverbs, multi, _ = _lexicon()
    words = re.findall(r"[A-Za-z][A-Za-z\-']*", text[:200])
    i = 0
    while i < len(words) and words[i].lower() in adverbs:
        i += 1
    if i >= len(words):
        return "", ""
    verb = words[i].lower()
    end = i
    following = multi.get(verb)
    if following:
        j = i + 1
        while j < len(words) and words[j].lower() in adverbs:
            j += 1
        if j < len(words) and words[j].lower() in following:
            phrase = following[words[j].lower()]
            return " ".join(words[: j + 1]), phrase
    # "Decides also" -> decides: trailing adverbs are dropped by taking the verb alone
    return " ".join(words[: end + 1]), verb


def _session_from(text: str) -> tuple[int | None, str]:
    m = _SESSION_LINE.search(text)
    if not m:
        return None, "regular"
    kind = "regular"
    if m.group(2):
        kind = "emergency special" if "emergency" in m.group(2).lower() else "special"
    return ordinal(m.group(1)), kind


def _agenda_items(text: str) -> tuple[int, ...]:
    # "13 and 117", "71 (b)", "3", "13, 18 and 117"
    return tuple(int(n) for n in re.findall(r"(?<![(\d])(\d{1,3})(?![\d)])", text))


def _parse_date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), MONTHS[month.lower()], int(day))
    except ValueError:
        return None


def _complete_title(title: str, number: str, text: str, kind: InputKind) -> tuple[str, tuple[str, ...]]:
    """Complete a title that OCR cut, from a quotation in the text or from the catalogue."""
    if kind is not InputKind.OCR_EXPORT or not title:
        return title, ()
    key = title.casefold()

    def completes(longer: str) -> bool:
        # OCR loses the last words of a line: a completion adds a few words, nothing else
        rest = longer[len(title) :]
        return (
            longer.casefold().startswith(key)
            and rest[:1] == " "
            and 1 <= len(rest.split()) <= 5
            and not re.search(r"[\[\](){}]", rest)
        )

    for m in re.finditer(r"\"([^\"]{10,400})\"", text):
        quoted = squash(m.group(1))
        if completes(quoted):
            return quoted, (f"title completed from a quotation in the text: {quoted!r}",)
    known = squash(title_catalogue().get(number, ""))
    if known and completes(known):
        return known, (f"title completed from the HRC catalogue: {known!r}",)
    return title, ()


def _is_furniture(line: _Line, symbol: str, title: str) -> bool:
    s = line.text
    if _FURNITURE.match(s):
        return True
    if symbol and s.replace(" ", "") == symbol.replace(" ", ""):
        return True
    head = squash(s).rstrip(". ")
    return bool(title and len(s) > 12 and head and title.startswith(head))


def _split_inline(line: _Line, expected_op: int, in_preamble: bool) -> Iterator[_Line]:
    """Split a line where the source merged two paragraphs into one."""
    opener_re, _, _, lead_words = _lexicon()
    text = line.text
    cuts: list[int] = []
    if in_preamble:
        for m in re.finditer(r"(?<=,)\s+(?=[A-Z][a-z]+)", text):
            if opener_re.match(text, m.end()) and text[m.end() :].split(" ", 1)[0] not in ("Further",):
                cuts.append(m.end())
    nxt = expected_op
    numbered: set[int] = set()
    for m in _INLINE_OP.finditer(text):
        word = text[m.end() :].split(" ", 1)[0]
        if int(m.group(1)) == nxt + 1 and word in lead_words:
            cuts.append(m.start(1))
            numbered.add(m.start(1))
            nxt += 1
    if not cuts:
        yield line
        return
    prev = 0
    for c in [*sorted(set(cuts)), len(text)]:
        piece = text[prev:c].rstrip()
        if piece:
            if prev in numbered:
                # "18 Requests" merged into the previous paragraph: read it as "18. Requests"
                piece = re.sub(r"^(\d{1,3})\.?", r"\1.", piece, count=1)
            yield _Line(line.start + prev, line.start + prev + len(text[prev:c].rstrip()), piece)
        prev = c


class _Builder:
    """Accumulates paragraphs while walking the body lines."""

    def __init__(self) -> None:
        self.pre: list[list[_Line]] = []
        self.ops: list[tuple[int, list[_Line], list[tuple[str, list[_Line]]]]] = []
        self.state = "preamble"

    def paragraphs(self) -> tuple[tuple[Paragraph, ...], tuple[Paragraph, ...]]:
        def text_of(lines: list[_Line]) -> str:
            return squash(" ".join(ln.text for ln in lines))

        pre = []
        for i, lines in enumerate(self.pre, 1):
            t = text_of(lines)
            pre.append(
                Paragraph("preambular", i, t, Span(lines[0].start, lines[-1].end), lead=t.split(" ", 1)[0])
            )
        ops = []
        for i, (_, lines, subs) in enumerate(self.ops, 1):
            body = text_of(lines)
            body = _OP_START.sub("", body, count=1).strip()
            all_lines = lines + [ln for _, sl in subs for ln in sl]
            full = squash(" ".join([body, *(text_of(sl) for _, sl in subs)]))
            printed, verb = lead_verb(body)
            sub_t = tuple(
                (label, _SUB_START.sub("", text_of(sl), count=1).strip(), Span(sl[0].start, sl[-1].end))
                for label, sl in subs
            )
            ops.append(
                Paragraph(
                    "operative",
                    i,
                    full,
                    Span(all_lines[0].start, all_lines[-1].end),
                    lead=printed,
                    verb=verb,
                    subparagraphs=sub_t,
                )
            )
        return tuple(pre), tuple(ops)


def _strip_glued(lines: list[_Line]) -> tuple[list[_Line], list[Footnote]]:
    """Take symbols that OCR glued into sentences out of the lines, as footnotes."""
    notes: list[Footnote] = []
    out: list[_Line] = []
    for ln in lines:
        text = ln.text
        found = list(_GLUED_SYMBOL.finditer(text))
        if not found:
            out.append(ln)
            continue
        for m in found:
            notes.append(Footnote("", m.group(1), Span(ln.start + m.start(1), ln.start + m.end(1))))
        # blank the symbol out (keeping length, so offsets stay right) and squash later
        chars = list(text)
        for m in found:
            for k in range(m.start(), m.end()):
                chars[k] = " "
        out.append(_Line(ln.start, ln.end, "".join(chars)))
    return out, notes


def _parse_adoption(lines: list[_Line], text: str) -> tuple[Adoption, int]:
    """Parse the adoption block starting at ``lines[0]`` (the meeting line)."""
    meeting = meeting_span = when = when_span = None
    m = _MEETING.match(lines[0].text)
    if m:
        meeting = int(m.group(1))
        meeting_span = Span(lines[0].start, lines[0].end)
    used = 1
    if m and m.group(2):  # "58th meeting 27March 2015" on one line
        when = _parse_date(m.group(2), m.group(3), m.group(4))
        when_span = meeting_span
    elif len(lines) > 1:
        d = _DATE_LINE.match(lines[1].text)
        if d:
            when = _parse_date(d.group(1), d.group(2), d.group(3))
            when_span = Span(lines[1].start, lines[1].end)
            used = 2
    rest_start = lines[used - 1].end if used <= len(lines) else lines[-1].end
    tail = text[rest_start : rest_start + 8000]
    close = tail.find("]")
    block = tail[: close if close >= 0 else len(tail)]
    method = None
    counts: list[int | None] = [None, None, None]
    vote_lists: list[VoteList] = []
    if _WITHOUT_VOTE.search(block[:200]):
        method = "without a vote"
    else:
        v = _VOTE.search(block[:400])
        if v:
            method = "recorded vote"
            counts = [int(v.group(1)), int(v.group(2)), None]
            if v.group(3):
                counts[2] = 0 if v.group(3).lower() == "no" else int(v.group(3))
            vote_lists = list(_vote_lists(block, rest_start))
            if counts[2] is None:
                counts[2] = sum(len(vl.names) for vl in vote_lists if vl.option == "abstaining")
    adoption = Adoption(
        meeting=meeting,
        meeting_span=meeting_span,
        date=when,
        date_span=when_span,
        method=method,
        in_favour=counts[0],
        against=counts[1],
        abstaining=counts[2],
        lists=tuple(vote_lists),
    )
    end = rest_start + (close + 1 if close >= 0 and method else 0)
    return adoption, end


def _vote_lists(block: str, offset: int) -> Iterator[VoteList]:
    heads = list(_LIST_HEADS.finditer(block))
    for i, h in enumerate(heads):
        label = " ".join(h.group(1).lower().split())
        option = {"in favour": "in_favour", "against": "against"}.get(label, "abstaining")
        stop = heads[i + 1].start() if i + 1 < len(heads) else len(block)
        body = block[h.end() : stop]
        names = []
        for m in re.finditer(r"[^,;]+", body):
            raw = m.group()
            name = squash(raw).strip(" .*")
            if name.lower().startswith("and "):
                name = name[4:]
            if not name or not re.search(r"[A-Za-z]", name):
                continue
            lead = len(raw) - len(raw.lstrip())
            s = offset + h.end() + m.start() + lead
            names.append((name, Span(s, s + len(raw.strip().rstrip(" .*")))))
        yield VoteList(option, tuple(names))


def segment(source: SourceDocument) -> Resolution:
    """Segment one ingested document into a ``Resolution``.

    Raises:
        KgInputError: when no symbol can be found or the text holds no paragraphs.
    """
    text = source.norm
    lines = _lines(text)
    header = dict(source.header)
    record = dict(source.record)
    warnings: list[str] = []
    opener_re, _, _, _ = _lexicon()

    # --- heading: body, symbol, number, title, session, agenda ---------------------------------
    intro_idx = next((i for i, ln in enumerate(lines[:400]) if _INTRO.match(ln.text)), None)
    head_lines = lines[: intro_idx if intro_idx is not None else min(len(lines), 60)]
    body = ""
    for ln in head_lines:
        m = _ADOPTED_BY.search(ln.text)
        if m:
            body = m.group(1)
    if not body:
        top = next((ln.text for ln in head_lines[:12] if ln.text.startswith(tuple(BODIES.values()))), "")
        body = next((b for b in (BODIES["HRC"], BODIES["GA"]) if top.startswith(b)), "")
    if not body and intro_idx is not None:
        body = _INTRO.match(lines[intro_idx].text).group(1)  # type: ignore[union-attr]
    number = title = ""
    num_idx = None
    for i, ln in enumerate(head_lines):
        m = _NUMBER_LINE.match(ln.text)
        if m:
            number, title, num_idx = m.group(1), m.group(2), i
    body_from = intro_idx + 1 if intro_idx is not None else None
    if intro_idx is None and num_idx is not None:
        # no "The General Assembly," line: the body starts at the first paragraph opener
        body_from = next(
            (
                i
                for i in range(num_idx + 1, min(len(lines), num_idx + 40))
                if opener_re.match(lines[i].text) or _BODY_OP_START.match(lines[i].text)
            ),
            None,
        )
        if body_from is not None:
            warnings.append(
                f"no opening line such as 'The General Assembly,'; paragraphs start at line {body_from}"
            )
    if num_idx is not None and body_from is not None:
        title_end = intro_idx if intro_idx is not None else body_from
        extra = [ln.text for ln in lines[num_idx + 1 : title_end] if not _is_furniture(ln, "", "")]
        title = squash(" ".join([title, *extra]))
    title = squash(title).rstrip()
    symbol = ""
    for ln in head_lines[:30]:
        m = _SYMBOL_LINE.match(ln.text)
        if m and (not number or m.group(1).endswith("/" + number)):
            symbol = m.group(1)
            break
    if not symbol and record.get("symbol"):
        symbol, changed = normalise_symbol(record["symbol"])
        if changed:
            warnings.append(f"symbol {record['symbol']!r} normalised to {symbol!r}")
    if not body:
        if symbol.startswith("A/HRC/") or header.get("Document Type") or "HRC" in text[:200]:
            body = "Human Rights Council"
        elif symbol.startswith("A/"):
            body = "General Assembly"
    if not symbol and number and body:
        prefix = "A/HRC/RES/" if body == "Human Rights Council" else "A/RES/"
        symbol = prefix + number
    if not symbol:
        raise KgInputError(
            errors.E_NO_SYMBOL,
            source.path,
            "no resolution symbol or number found in the heading",
            "a resolution names itself as '28/2. Title' or 'A/HRC/RES/28/2'",
        )
    if not number:
        number = symbol.split("/RES/")[-1] if "/RES/" in symbol else symbol.rsplit("/", 2)[-1]
    if not title and record.get("title"):
        title = squash(_NUMBER_LINE.sub(r"\2", record["title"]))
    title, notes = _complete_title(title, number, text, source.kind)
    warnings.extend(notes)

    head_text = "\n".join(ln.text for ln in head_lines)
    session_number, session_kind = _session_from(head_text)
    if session_number is None and header.get("Session"):
        m = _HEADER_SESSION.search(header["Session"])
        if m:
            session_number = int(m.group(1))
            session_kind = m.group(2).lower()
    if number.startswith(("S-", "ES-")):
        session_kind = "emergency special" if number.startswith("ES-") else "special"
        session_number = int(number.split("-")[1].split("/")[0])
    elif session_number is None and body == "Human Rights Council":
        session_number = int(number.split("/")[0])
    agenda: tuple[int, ...] = ()
    for ln in head_lines:
        m = _AGENDA.match(ln.text)
        if m:
            agenda = _agenda_items(m.group(1))
            break
    if not agenda and header.get("Agenda Item"):
        m = _HEADER_ITEM.search(header["Agenda Item"])
        if m:
            agenda = (int(m.group(1)),)

    # --- body: paragraphs up to the adoption block ----------------------------------------------
    if body_from is None:
        raise KgInputError(
            errors.E_NO_PARAGRAPHS,
            source.path,
            f"{symbol}: no opening line ('The Human Rights Council,', 'The General Assembly,') and no "
            "paragraph opener after the title",
            "is this the text of a resolution?",
        )
    body_lines = lines[body_from:]
    stop = next((i for i, ln in enumerate(body_lines) if _MEETING.match(ln.text)), None)
    annex_idx = next(
        (i for i, ln in enumerate(body_lines) if re.fullmatch(r"Annex(?:es)?(?:\s+[IVX]+)?", ln.text)), None
    )
    adoption = Adoption()
    after_adoption = len(text)
    if stop is not None:
        adoption, after_adoption = _parse_adoption(body_lines[stop:], text)
    end_idx = min(i for i in (stop, annex_idx, len(body_lines)) if i is not None)
    footnotes: list[Footnote] = []
    for ln in lines[:body_from]:
        m = _JOB_GLUED.match(ln.text)
        if m:
            footnotes.append(Footnote("", m.group(1), Span(ln.start + m.start(1), ln.start + m.end(1))))
    kept: list[_Line] = []
    in_footnote = False
    for ln in body_lines[:end_idx]:
        if _SEPARATOR.match(ln.text):
            in_footnote = True
            continue
        if _is_furniture(ln, symbol, title):
            in_footnote = False
            continue
        if in_footnote:
            fm = _FOOTNOTE_LINE.match(ln.text)
            if fm:
                footnotes.append(Footnote(fm.group(1), fm.group(2), Span(ln.start, ln.end)))
                continue
            if footnotes and footnotes[-1].marker:
                last = footnotes[-1]
                footnotes[-1] = Footnote(last.marker, f"{last.text} {ln.text}", Span(last.span.start, ln.end))
                continue
            in_footnote = False
        kept.append(ln)
    kept, glued = _strip_glued(kept)
    footnotes.extend(glued)

    b = _Builder()
    expected_op = 0
    current_sub: list[_Line] | None = None
    for raw_line in kept:
        for ln in _split_inline(raw_line, expected_op, b.state == "preamble"):
            if not ln.text.strip():
                continue
            m = _OP_START.match(ln.text)
            if m and int(m.group(1)) == expected_op + 1:
                expected_op += 1
                b.state = "operative"
                b.ops.append((expected_op, [ln], []))
                current_sub = None
                continue
            if b.state == "operative":
                sm = _SUB_START.match(ln.text)
                if sm and b.ops:
                    sub: list[_Line] = [ln]
                    b.ops[-1][2].append((sm.group(1), sub))
                    current_sub = sub
                    continue
                if current_sub is not None:
                    current_sub.append(ln)
                elif b.ops:
                    b.ops[-1][1].append(ln)
                continue
            # preamble
            starts_new = bool(opener_re.match(ln.text))
            if not starts_new and b.pre:
                prev = b.pre[-1][-1].text.rstrip()
                word = ln.text.split(" ", 1)[0]
                starts_new = prev.endswith(",") and bool(
                    re.fullmatch(r"[A-Z][a-z]+(?:ing|ed|ous|ful|ant|ent)", word)
                )
            if starts_new or not b.pre:
                b.pre.append([ln])
            else:
                b.pre[-1].append(ln)
    pre, ops = b.paragraphs()
    if not pre and not ops:
        raise KgInputError(
            errors.E_NO_PARAGRAPHS,
            source.path,
            f"{symbol}: no preambular or operative paragraphs found",
            "the text after the opening line is empty or not in resolution form",
        )
    if not ops:
        warnings.append(f"{symbol}: no numbered operative paragraphs found")
    annex: list[Paragraph] = []
    if annex_idx is not None:
        start = body_lines[annex_idx].end
        ann = [
            ln
            for ln in _lines(text, start, len(text))
            if not _is_furniture(ln, symbol, title) and not _MEETING.match(ln.text)
        ]
        if ann:
            annex.append(
                Paragraph(
                    "annex", 1, squash(" ".join(ln.text for ln in ann)), Span(ann[0].start, ann[-1].end)
                )
            )
    elif after_adoption < len(text):
        tail = _lines(text, after_adoption, len(text))
        if tail and re.fullmatch(r"Annex(?:es)?(?:\s+[IVX]+)?", tail[0].text):
            ann = [ln for ln in tail[1:] if not _is_furniture(ln, symbol, title)]
            if ann:
                annex.append(
                    Paragraph(
                        "annex", 1, squash(" ".join(ln.text for ln in ann)), Span(ann[0].start, ann[-1].end)
                    )
                )
    body_end = kept[-1].end if kept else lines[body_from - 1].end
    return Resolution(
        source=source,
        symbol=symbol,
        number=number,
        title=title,
        body=body or "Human Rights Council",
        session_number=session_number,
        session_kind=session_kind,
        agenda_items=agenda,
        preambular=pre,
        operative=ops,
        annex=tuple(annex),
        footnotes=tuple(footnotes),
        adoption=adoption,
        body_span=Span(lines[body_from - 1].start, body_end),
        warnings=tuple(warnings),
    )
