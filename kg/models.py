"""Frozen values passed between the pipeline stages.

``SourceDocument -> Resolution -> Mention -> LinkedMention -> quads -> ValidationReport``.
Every offset in these values is a code-point offset into ``SourceDocument.text`` (the text as
ingested) unless the field name says ``norm`` (an offset into the normalised copy).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class InputKind(StrEnum):
    """How a document arrived."""

    OCR_EXPORT = "ocr-export"
    TEXT = "text"
    JSON = "json"
    PDF = "pdf"


MEDIA_TYPES = {
    InputKind.OCR_EXPORT: "text/plain",
    InputKind.TEXT: "text/plain",
    InputKind.JSON: "application/json",
    InputKind.PDF: "application/pdf",
}


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets of the normalised text back to the text as ingested.

    The normalised text is cut into segments. Segment ``k`` starts at normalised offset
    ``norm_starts[k]`` and raw offset ``raw_starts[k]``; in an identity segment the two advance
    together, in an expansion segment (a ligature "ﬁ" -> "fi") every character maps to the one
    raw character at ``raw_starts[k]``. Deleted raw characters (soft hyphens, line-end breaks)
    simply fall between segments. A map with no segments is the identity.
    """

    norm_starts: tuple[int, ...] = ()
    raw_starts: tuple[int, ...] = ()
    identity: tuple[bool, ...] = ()

    def _raw(self, i: int) -> tuple[int, bool]:
        if not self.norm_starts:
            return i, True
        k = bisect_right(self.norm_starts, i) - 1
        if k < 0:
            return i, True
        if self.identity[k]:
            return self.raw_starts[k] + (i - self.norm_starts[k]), True
        return self.raw_starts[k], False

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` for the normalised span ``[start, end)``."""
        raw_start, _ = self._raw(start)
        if end <= start:
            return raw_start, raw_start
        last, _ = self._raw(end - 1)
        return raw_start, last + 1


@dataclass(frozen=True)
class SourceDocument:
    """One ingested document: the text as ingested, its normalised copy and the map between them."""

    path: str
    kind: InputKind
    sha256: str
    text: str
    norm: str
    offsets: OffsetMap
    header: tuple[tuple[str, str], ...] = ()
    record: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of a span of the normalised text."""
        return self.offsets.to_raw(start, end)


@dataclass(frozen=True)
class Span:
    """A span of the normalised text."""

    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """A preambular or operative paragraph (or an annex paragraph)."""

    kind: str  # "preambular" | "operative" | "annex"
    position: int
    text: str  # whitespace-normalised
    span: Span
    lead: str = ""  # lead words as printed ("Also requests", "Recalling")
    verb: str = ""  # normalised lead verb for operative paragraphs ("requests")
    subparagraphs: tuple[tuple[str, str, Span], ...] = ()  # (label, text, span)


@dataclass(frozen=True)
class Footnote:
    """A footnote (or a symbol glued into the text by OCR)."""

    marker: str
    text: str
    span: Span


@dataclass(frozen=True)
class VoteList:
    """The states named in one list of a recorded vote."""

    option: str  # "in_favour" | "against" | "abstaining"
    names: tuple[tuple[str, Span], ...]


@dataclass(frozen=True)
class Adoption:
    """The adoption block at the foot of a resolution."""

    meeting: int | None = None
    meeting_span: Span | None = None
    date: date | None = None
    date_span: Span | None = None
    method: str | None = None  # "without a vote" | "recorded vote" | None
    in_favour: int | None = None
    against: int | None = None
    abstaining: int | None = None
    lists: tuple[VoteList, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """A segmented resolution. Offsets (``Span``) index the normalised text of ``source``."""

    source: SourceDocument
    symbol: str
    number: str
    title: str
    body: str  # canonical adopting body ("Human Rights Council", "General Assembly")
    session_number: int | None
    session_kind: str  # "regular" | "special" | "emergency special"
    agenda_items: tuple[int, ...]
    preambular: tuple[Paragraph, ...]
    operative: tuple[Paragraph, ...]
    annex: tuple[Paragraph, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    adoption: Adoption = field(default_factory=Adoption)
    body_span: Span = Span(0, 0)  # the part of the text holding paragraphs
    warnings: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return self.preambular + self.operative + self.annex


@dataclass(frozen=True)
class Mention:
    """A tagged span of the normalised text: what the spaCy pass found."""

    label: str  # BODY | DOCUMENT | CITATION | DATE | SESSION | STATE | PLACE
    start: int
    end: int
    text: str
    key: str = ""  # gazetteer id for dictionary matches, pattern name for rule matches


@dataclass(frozen=True)
class LinkedMention:
    """A mention with its canonical identity.

    ``kind`` is ``document`` (``ident`` a UN symbol or ``named:<slug>``), ``body`` (a body id),
    ``state`` (ISO3), ``date`` (ISO date), ``session`` (``<body id>/<kind>/<n>``) or ``place``.
    """

    kind: str
    ident: str
    label: str
    start: int  # normalised offsets of the exact text that names it
    end: int
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Linked:
    """Everything the link stage knows about a resolution."""

    resolution: Resolution
    mentions: tuple[LinkedMention, ...]
    votes: tuple[tuple[str, str, str, int, int], ...] = ()  # (option, iso3, name, start, end)
    addressees: tuple[tuple[int, str], ...] = ()  # (operative position, body id)
    deadlines: tuple[tuple[int, str, str], ...] = ()  # (operative position, "session" | "date", ident)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Violation:
    """One SHACL result."""

    focus: str
    path: str
    message: str
    severity: str
    shape: str = ""
    constraint: str = ""


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one graph."""

    conforms: bool
    violations: tuple[Violation, ...] = ()
